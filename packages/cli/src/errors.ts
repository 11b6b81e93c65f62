/**
 * Turns what the clients throw into one line a person can act on, naming the broker, topic, group or option at
 * fault: a CliError (exit 1), or a UsageError (exit 2) for a bad option value. Anything else is a bug and is left
 * to surface with its stack.
 */
import { CliError, UsageError } from '@samsa/cli-kit';
import {
  ActiveGroupError,
  AuthenticationError,
  ConfigurationError,
  KafkaClientError,
  KafkaProtocolError,
  RetriesExhaustedError,
  SamsaError,
  UnsupportedApiVersionError,
} from '@samsa/core-client';

export function explain(error: unknown, brokers: string): unknown {
  if (error instanceof CliError || error instanceof UsageError) return error;
  const cause = error instanceof RetriesExhaustedError ? error.cause : error;
  if (cause instanceof KafkaProtocolError) {
    const { topic, groupId } = cause.context;
    switch (cause.type) {
      case 'UNKNOWN_TOPIC_OR_PARTITION':
        if (topic !== undefined) {
          return new CliError(
            cause.context.partition === undefined || cause.context.apiName === 'Metadata'
              ? `topic ${topic} does not exist (brokers ${brokers})`
              : `${topic} has no partition ${cause.context.partition} (brokers ${brokers})`,
          );
        }
        break;
      case 'TOPIC_ALREADY_EXISTS':
        return new CliError(`topic ${topic ?? ''} already exists`.trim());
      case 'GROUP_ID_NOT_FOUND':
        return new CliError(`group ${groupId ?? ''} does not exist`);
      case 'NON_EMPTY_GROUP':
        return new CliError(`group ${groupId ?? ''} still has members; stop its consumers first`);
    }
    return new CliError(cause.message);
  }
  if (cause instanceof ActiveGroupError) return new CliError(cause.message);
  if (cause instanceof ConfigurationError)
    return new UsageError(cause.message.replace(/^Invalid option /, ''));
  if (cause instanceof AuthenticationError) {
    return new CliError(`could not authenticate with the brokers at ${brokers}: ${cause.message}`);
  }
  if (cause instanceof UnsupportedApiVersionError) {
    return new CliError(`the brokers at ${brokers} cannot do this: ${cause.message}`);
  }
  // Client failures name the brokers; others (the registry's) name their own server.
  if (error instanceof KafkaClientError) return new CliError(`${error.message} (brokers ${brokers})`);
  if (error instanceof SamsaError) return new CliError(error.message);
  return error;
}
