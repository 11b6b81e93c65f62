/** The transaction coordinator's settings, by their Kafka broker config names. */
export interface TransactionConfig {
  /** transaction.max.timeout.ms: the largest transaction.timeout.ms a producer may ask for. */
  maxTimeoutMs: number;
  /** transaction.abort.timed.out.transaction.cleanup.interval.ms: how often abandoned transactions are looked for. */
  abortTimedOutTransactionsIntervalMs: number;
  /** transactional.id.expiration.ms: an idle transactional id (no transaction open) is forgotten after this. */
  transactionalIdExpirationMs: number;
  /** transaction.remove.expired.transaction.cleanup.interval.ms: how often idle ids are looked for. */
  removeExpiredTransactionalIdsIntervalMs: number;
  /** Wait before writing a transaction's markers again after a retriable failure (a partition without leader). */
  markerRetryBackoffMs: number;
}

export const DEFAULT_TRANSACTION_CONFIG: TransactionConfig = {
  maxTimeoutMs: 900_000,
  abortTimedOutTransactionsIntervalMs: 10_000,
  transactionalIdExpirationMs: 7 * 24 * 60 * 60 * 1000,
  removeExpiredTransactionalIdsIntervalMs: 60 * 60 * 1000,
  markerRetryBackoffMs: 100,
};
