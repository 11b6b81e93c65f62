import {
  TransactionAbortableError,
  TransactionAbortedError,
  TransactionFatalError,
} from '@samsa/core-client';

/**
 * How a failure involving a subscription's transaction is handled:
 * - `fatal`: the producer cannot go on (fenced by a newer instance with its transactional id, not
 *   authorized, ...): the container stops;
 * - `abortable`: this transaction cannot commit, the producer can go on: abort, deliver again.
 */
export type TransactionFailure = 'fatal' | 'abortable';

/** Kafka error types that end a transactional producer (KafkaJS names them in `type`). */
const FATAL_TYPES = new Set([
  'PRODUCER_FENCED',
  'INVALID_PRODUCER_EPOCH',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
]);

/** What a producer may tell about its state (Samsa's client does; KafkaJS does not). */
export interface TransactionStateSource {
  readonly transactionState?: string | null;
}

/**
 * Whether `error` (anywhere in its `cause` chain) or the producer's state says the transaction, not
 * the handler, failed; undefined when neither does.
 */
export function transactionFailureOf(
  error: unknown,
  producer?: TransactionStateSource,
): TransactionFailure | undefined {
  if (producer?.transactionState === 'FATAL_ERROR') return 'fatal';
  let abortable = producer?.transactionState === 'ABORTABLE_ERROR';
  for (let e = error, depth = 0; e !== null && e !== undefined && depth < 10; depth++) {
    if (e instanceof TransactionFatalError) return 'fatal';
    const type = (e as { type?: unknown }).type;
    if (typeof type === 'string' && FATAL_TYPES.has(type)) return 'fatal';
    if (e instanceof TransactionAbortableError || e instanceof TransactionAbortedError) abortable = true;
    e = (e as { cause?: unknown }).cause;
  }
  return abortable ? 'abortable' : undefined;
}

/** Whether the fatal `error` is a fencing: another producer with the same transactional id took over. */
export function isFencing(error: unknown): boolean {
  for (let e = error, depth = 0; e !== null && e !== undefined && depth < 10; depth++) {
    const code = (e as { code?: unknown }).code;
    const type = (e as { type?: unknown }).type;
    if (code === 'PRODUCER_FENCED' || type === 'PRODUCER_FENCED' || type === 'INVALID_PRODUCER_EPOCH')
      return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** The client's own error in `error`'s `cause` chain (what a PublishError wraps), else `error`. */
export function transactionErrorIn(error: unknown): unknown {
  for (let e = error, depth = 0; e !== null && e !== undefined && depth < 10; depth++) {
    if (e instanceof TransactionFatalError || e instanceof TransactionAbortableError) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return error;
}
