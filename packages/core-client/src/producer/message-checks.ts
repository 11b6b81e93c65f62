/**
 * What `send()` / `sendBatch()` check of their arguments before anything is buffered, so a mistake gets an
 * error that names it (an option's near miss, a header that is not a string or Buffer) instead of being
 * ignored or failing deep in the record encoder.
 */
import { describe, rejectUnknown, unknownOptions } from '../config/validate.js';
import { KafkaClientError } from '../errors.js';

/** A message (or the call carrying it) that cannot be sent as given; the message says what is wrong. */
export class InvalidMessageError extends KafkaClientError {
  constructor(message: string) {
    super('INVALID_MESSAGE', message, false);
  }
}

export const SEND_OPTIONS = ['topic', 'messages', 'acks', 'timeout', 'compression', 'signal'];
export const SEND_BATCH_OPTIONS = ['topicMessages', 'acks', 'timeout', 'compression', 'signal'];
const TOPIC_MESSAGES_FIELDS = ['topic', 'messages'];
export const MESSAGE_FIELDS = ['key', 'value', 'partition', 'headers', 'timestamp'];

/** ConfigurationError for an option `send()` does not take (`ack` -> did you mean `acks`). */
export function checkSendOptions(record: object): void {
  rejectUnknown('send()', record, SEND_OPTIONS);
}

export function checkSendBatchOptions(batch: { topicMessages: unknown[] }): void {
  rejectUnknown('sendBatch()', batch, SEND_BATCH_OPTIONS);
  for (const group of batch.topicMessages) {
    if (group !== null && typeof group === 'object')
      rejectUnknown('sendBatch() topicMessages', group, TOPIC_MESSAGES_FIELDS);
  }
}

/** Why message `index` has no value: a misspelled field when there is one (`vlaue`), else how to send none. */
export function missingValueProblem(message: object, index: number, topic: string): string {
  const [misspelled] = unknownOptions(message, MESSAGE_FIELDS).filter((u) => u.suggestion !== undefined);
  return misspelled
    ? `message ${index} for ${topic} has no value but has '${misspelled.option}' (did you mean '${misspelled.suggestion}'?)`
    : `message ${index} for ${topic} has no value; use null for a tombstone`;
}

/**
 * Throws InvalidMessageError unless every header value is a string, a Buffer, or an array of them (undefined
 * leaves a header out, as in KafkaJS). A number would otherwise fail in the encoder as a RangeError.
 */
export function checkHeaders(headers: unknown, index: number, topic: string): void {
  if (headers === undefined || headers === null) return;
  if (typeof headers !== 'object' || Array.isArray(headers) || Buffer.isBuffer(headers)) {
    throw new InvalidMessageError(
      `message ${index} for ${topic}: headers must be an object of header name -> string or Buffer, got ${describe(headers)}`,
    );
  }
  for (const name in headers) {
    const value = (headers as Record<string, unknown>)[name];
    if (value === undefined || typeof value === 'string' || Buffer.isBuffer(value)) continue;
    if (Array.isArray(value) && value.every((v) => typeof v === 'string' || Buffer.isBuffer(v))) continue;
    throw new InvalidMessageError(
      `message ${index} for ${topic}: header ${JSON.stringify(name)} is ${headerValueKind(value)}; header ` +
        'values must be strings or Buffers (or arrays of them)' +
        (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint'
          ? `: send String(${String(value)}${typeof value === 'bigint' ? 'n' : ''}) instead`
          : ''),
    );
  }
}

function headerValueKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array with a value that is neither a string nor a Buffer';
  if (typeof value === 'number') return `a number (${value})`;
  if (typeof value === 'boolean') return `a boolean (${value})`;
  if (typeof value === 'bigint') return `a bigint (${value}n)`;
  return describe(value);
}
