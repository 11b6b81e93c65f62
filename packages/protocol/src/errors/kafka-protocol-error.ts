import { type KafkaErrorInfo, kafkaErrors } from './kafka-error-table.js';
import { SamsaError } from './samsa-error.js';

/** Where an error code came from, folded into the message so it can be acted on. */
export interface KafkaErrorContext {
  /** The API the code came back from, e.g. `Produce`. */
  apiName?: string;
  topic?: string;
  partition?: number;
  groupId?: string;
  transactionalId?: string;
  /** `host:port` or node id of the broker that answered. */
  broker?: string;
  /** The free-text error message some responses carry next to the code. */
  serverMessage?: string | null;
}

/**
 * The table entry for `code`. A code this table does not know (a broker newer than this library)
 * is reported like Kafka's own clients do, as non-retriable UNKNOWN_SERVER_ERROR, but keeps its code.
 */
export function errorForCode(code: number): KafkaErrorInfo {
  return (
    kafkaErrors.get(code) ?? {
      code,
      type: 'UNKNOWN_SERVER_ERROR',
      retriable: false,
      message: `The broker returned error code ${code}, which this version of Samsa does not know (a newer broker?). Check the broker logs, and upgrade Samsa if the code is new.`,
    }
  );
}

/** An error code returned by a Kafka broker, with Kafka's name for it and whether to retry. */
export class KafkaProtocolError extends SamsaError {
  /** The numeric Kafka error code, e.g. 6. */
  readonly errorCode: number;
  /** Kafka's name for the code, e.g. `NOT_LEADER_OR_FOLLOWER`; also this error's `code`. */
  readonly type: string;
  /** Whether Kafka considers the request safe to retry as is. */
  readonly retriable: boolean;
  readonly context: KafkaErrorContext;

  constructor(info: KafkaErrorInfo, context: KafkaErrorContext = {}, options?: { cause?: unknown }) {
    super(info.type, formatMessage(info, context), options);
    this.errorCode = info.code;
    this.type = info.type;
    this.retriable = info.retriable;
    this.context = context;
  }
}

/** The typed error for a Kafka error code; `code` must not be 0 (NONE). */
export function createKafkaError(code: number, context?: KafkaErrorContext): KafkaProtocolError {
  return new KafkaProtocolError(errorForCode(code), context);
}

function formatMessage(info: KafkaErrorInfo, context: KafkaErrorContext): string {
  const where: string[] = [];
  if (context.apiName !== undefined) where.push(context.apiName);
  if (context.topic !== undefined) {
    where.push(
      context.partition === undefined ? `topic ${context.topic}` : `${context.topic}[${context.partition}]`,
    );
  }
  if (context.groupId !== undefined) where.push(`group ${context.groupId}`);
  if (context.transactionalId !== undefined) where.push(`transactional id ${context.transactionalId}`);
  if (context.broker !== undefined) where.push(`broker ${context.broker}`);
  const suffix = where.length > 0 ? ` [${where.join(', ')}]` : '';
  const server = context.serverMessage ? ` Broker said: ${context.serverMessage}` : '';
  return `${info.type} (${info.code})${suffix}: ${info.message}${server}`;
}
