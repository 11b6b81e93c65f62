/**
 * Errors of transactional producers, and how each broker error code is handled in a transaction
 * (the classification Java's TransactionManager applies, see docs/transactions.md):
 *
 * - retried: coordinator moves (looked up again), loading, CONCURRENT_TRANSACTIONS, any code the
 *   protocol marks retriable, and connection failures;
 * - abortable: the transaction cannot commit, but `abort()` recovers and the producer goes on
 *   (TransactionAbortableError);
 * - fatal: the producer cannot go on (ProducerFencedError when a newer instance took over,
 *   TransactionFatalError otherwise); disconnect it and create a new one.
 */
import { ErrorCode, errorForCode, KafkaClientError } from '../errors.js';

/** A transactional call made at the wrong time (send outside a transaction, commit after abort, ...). */
export class TransactionStateError extends KafkaClientError {
  constructor(message: string) {
    super('INVALID_TRANSACTION_STATE', message, false);
  }
}

/**
 * The transaction cannot be committed (a send failed, a partition or offsets could not be added,
 * the group generation moved on, ...). `cause` says why. Call `abort()`; the producer then takes
 * new transactions.
 */
export class TransactionAbortableError extends KafkaClientError {
  readonly transactionalId: string;
  constructor(transactionalId: string, cause: unknown) {
    super(
      'TRANSACTION_ABORTABLE',
      `The transaction of transactionalId ${JSON.stringify(transactionalId)} cannot be committed: ` +
        `${describeCause(cause)}. Call abort(), then start a new transaction (for consume-transform-produce: ` +
        'seek the input back to the last committed offsets first).',
      false,
      { cause },
    );
    this.transactionalId = transactionalId;
  }
}

/** A transactional producer that cannot go on; `cause` says why. Disconnect it and create a new producer. */
export class TransactionFatalError extends KafkaClientError {
  readonly transactionalId: string;
  constructor(transactionalId: string, cause: unknown, code = 'TRANSACTION_FATAL', message?: string) {
    super(
      code,
      message ??
        `The transactional producer of transactionalId ${JSON.stringify(transactionalId)} cannot go on: ` +
          `${describeCause(cause)}. Disconnect it and create a new producer.`,
      false,
      { cause },
    );
    this.transactionalId = transactionalId;
  }
}

/**
 * Another producer with the same transactionalId started (or this producer's transaction timed out
 * and the coordinator moved its epoch on): this producer is fenced for good.
 */
export class ProducerFencedError extends TransactionFatalError {
  constructor(transactionalId: string, cause: unknown) {
    super(
      transactionalId,
      cause,
      'PRODUCER_FENCED',
      `This producer is fenced: a newer producer with transactionalId ${JSON.stringify(transactionalId)} ` +
        'has started (or this transaction ran past transactionTimeoutMs and the coordinator aborted it). ' +
        'Only the newest instance may write; disconnect this one (and create a new producer if this process should go on).',
    );
  }
}

/** Records of a transaction that was aborted before they were sent (Java's TransactionAbortedException). */
export class TransactionAbortedError extends KafkaClientError {
  constructor(transactionalId: string) {
    super(
      'TRANSACTION_ABORTED',
      `The transaction of transactionalId ${JSON.stringify(transactionalId)} was aborted before these records were sent`,
      false,
    );
  }
}

function describeCause(cause: unknown): string {
  return (cause as Error)?.message ?? String(cause);
}

/** The transactional requests an error can come from (they differ in a few codes). */
export type TransactionApi =
  | 'FindCoordinator'
  | 'InitProducerId'
  | 'AddPartitionsToTxn'
  | 'AddOffsetsToTxn'
  | 'TxnOffsetCommit'
  | 'EndTxn'
  | 'Produce';

/**
 * - `refind`: the coordinator moved or is unavailable: look it up again and retry;
 * - `retry`: retry the request after a back-off;
 * - `abortable`: the transaction must be aborted;
 * - `abortable-bump`: the transaction must be aborted and the epoch bumped afterwards
 *   (InitProducerId v3+); fatal where the coordinator cannot bump it;
 * - `fenced`, `fatal`: the producer cannot go on.
 */
export type TransactionErrorClass = 'refind' | 'retry' | 'abortable' | 'abortable-bump' | 'fenced' | 'fatal';

/** How a transactional producer treats error `code` from `api` (Java's TransactionManager handlers). */
export function classifyTransactionError(api: TransactionApi, code: number): TransactionErrorClass {
  switch (code) {
    case ErrorCode.NOT_COORDINATOR:
    case ErrorCode.COORDINATOR_NOT_AVAILABLE:
      return api === 'Produce' ? 'retry' : 'refind';
    case ErrorCode.REQUEST_TIMED_OUT:
      return api === 'TxnOffsetCommit' ? 'refind' : 'retry';
    case ErrorCode.COORDINATOR_LOAD_IN_PROGRESS:
    case ErrorCode.CONCURRENT_TRANSACTIONS:
      return 'retry';
    case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
      return 'retry';
    case ErrorCode.PRODUCER_FENCED:
      return 'fenced';
    case ErrorCode.INVALID_PRODUCER_EPOCH:
      // Coordinators below PRODUCER_FENCED's versions (v2/v4) fence with this code. From a partition
      // leader it means the coordinator moved the epoch on (e.g. after a timeout): abort, and the
      // abort itself finds out whether this producer is fenced (KIP-588).
      return api === 'Produce' ? 'abortable' : 'fenced';
    case ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED:
    case ErrorCode.CLUSTER_AUTHORIZATION_FAILED:
    case ErrorCode.UNSUPPORTED_VERSION:
      return 'fatal';
    case ErrorCode.INVALID_TXN_STATE:
    case ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT:
    case ErrorCode.INVALID_TRANSACTION_TIMEOUT:
      // A partition leader says this when a batch is not (or no longer) part of an open transaction.
      return api === 'Produce' ? 'abortable' : 'fatal';
    case ErrorCode.UNKNOWN_PRODUCER_ID:
    case ErrorCode.INVALID_PRODUCER_ID_MAPPING:
    case ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER:
      return 'abortable-bump';
    case ErrorCode.TOPIC_AUTHORIZATION_FAILED:
    case ErrorCode.GROUP_AUTHORIZATION_FAILED:
    case ErrorCode.OPERATION_NOT_ATTEMPTED:
    case ErrorCode.TRANSACTION_ABORTABLE:
    case ErrorCode.UNKNOWN_MEMBER_ID:
    case ErrorCode.ILLEGAL_GENERATION:
    case ErrorCode.FENCED_INSTANCE_ID:
      return 'abortable';
  }
  if (api === 'Produce') return 'abortable';
  return errorForCode(code).retriable ? 'retry' : 'fatal';
}
