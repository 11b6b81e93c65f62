import type { ConsumedMessage, ProducedMessage } from '../client/kafka-like.js';

/**
 * Header names of a dead-lettered record. They are Spring Kafka's (and `@nestjs/microservices`'
 * `KafkaHeaders`), so tools written for either read them unchanged.
 */
export const DeadLetterHeaders = {
  ORIGINAL_TOPIC: 'kafka_dlt-original-topic',
  ORIGINAL_PARTITION: 'kafka_dlt-original-partition',
  ORIGINAL_OFFSET: 'kafka_dlt-original-offset',
  ORIGINAL_TIMESTAMP: 'kafka_dlt-original-timestamp',
  ORIGINAL_CONSUMER_GROUP: 'kafka_dlt-original-consumer-group',
  EXCEPTION_FQCN: 'kafka_dlt-exception-fqcn',
  EXCEPTION_MESSAGE: 'kafka_dlt-exception-message',
  EXCEPTION_STACKTRACE: 'kafka_dlt-exception-stacktrace',
  /** How many times the handler was called before giving up. */
  ATTEMPTS: 'samsa_dlt-attempts',
} as const;

export function defaultDeadLetterTopic(topic: string): string {
  return `${topic}.dlq`;
}

export interface DeadLetterSource {
  topic: string;
  partition: number;
  groupId: string;
  message: ConsumedMessage;
  error: unknown;
  attempts: number;
}

const MAX_STACK = 8 * 1024;

/** The dead-letter record: the original key, value and headers, plus where it came from and why it failed. */
export function deadLetterMessage(source: DeadLetterSource): ProducedMessage {
  const { message, error } = source;
  const headers: Record<string, Buffer | string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined && last !== null) headers[name] = last;
  }
  const err = error instanceof Error ? error : new Error(String(error));
  headers[DeadLetterHeaders.ORIGINAL_TOPIC] = source.topic;
  headers[DeadLetterHeaders.ORIGINAL_PARTITION] = String(source.partition);
  headers[DeadLetterHeaders.ORIGINAL_OFFSET] = message.offset;
  headers[DeadLetterHeaders.ORIGINAL_TIMESTAMP] = message.timestamp;
  headers[DeadLetterHeaders.ORIGINAL_CONSUMER_GROUP] = source.groupId;
  headers[DeadLetterHeaders.EXCEPTION_FQCN] = err.name || err.constructor?.name || 'Error';
  headers[DeadLetterHeaders.EXCEPTION_MESSAGE] = describeError(err);
  headers[DeadLetterHeaders.EXCEPTION_STACKTRACE] = (err.stack ?? '').slice(0, MAX_STACK);
  headers[DeadLetterHeaders.ATTEMPTS] = String(source.attempts);
  return { key: message.key, value: message.value, headers };
}

/** Error message, with an HttpException's response detail (e.g. the validation messages) when there is one. */
export function describeError(err: Error): string {
  const response = (err as { getResponse?: () => unknown }).getResponse?.();
  if (response && typeof response === 'object' && 'message' in response) {
    const detail = (response as { message: unknown }).message;
    return Array.isArray(detail) ? `${err.message}: ${detail.join('; ')}` : String(detail);
  }
  return err.message;
}
