/**
 * The transaction coordinator's two background checks, as Kafka schedules them: abandoned
 * transactions (Ongoing longer than their timeout) are aborted every
 * transaction.abort.timed.out.transaction.cleanup.interval.ms, and idle transactional ids are
 * forgotten after transactional.id.expiration.ms, checked every
 * transaction.remove.expired.transaction.cleanup.interval.ms.
 */
import type { Logger } from '../logger.js';
import type { TransactionConfig } from './transaction-config.js';
import type { TransactionMetadata } from './transaction-metadata.js';

/** Ongoing for longer than its timeout and nothing else in progress: the coordinator aborts it. */
export function hasTimedOut(transaction: TransactionMetadata, now: number): boolean {
  const { state, startTimestamp, timeoutMs } = transaction.snapshot;
  return !transaction.hasPendingTransition && state === 'Ongoing' && startTimestamp + timeoutMs < now;
}

/** No transaction open and untouched for transactional.id.expiration.ms: the id is forgotten. */
export function hasExpired(transaction: TransactionMetadata, now: number, expirationMs: number): boolean {
  const { state, lastUpdateTimestamp } = transaction.snapshot;
  const idle = state === 'Empty' || state === 'CompleteCommit' || state === 'CompleteAbort';
  return !transaction.hasPendingTransition && idle && lastUpdateTimestamp <= now - expirationMs;
}

export interface TimedChecks {
  abortTimedOutTransactions(now: number): number;
  expireTransactionalIds(now: number): number;
}

export class TransactionTimers {
  private timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly checks: TimedChecks,
    private readonly config: Pick<
      TransactionConfig,
      'abortTimedOutTransactionsIntervalMs' | 'removeExpiredTransactionalIdsIntervalMs'
    >,
    private readonly now: () => number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.timers.length > 0) return;
    this.timers = [
      setInterval(
        () =>
          this.run('aborting timed-out transactions', () =>
            this.checks.abortTimedOutTransactions(this.now()),
          ),
        this.config.abortTimedOutTransactionsIntervalMs,
      ),
      setInterval(
        () => this.run('expiring transactional ids', () => this.checks.expireTransactionalIds(this.now())),
        this.config.removeExpiredTransactionalIdsIntervalMs,
      ),
    ];
    for (const timer of this.timers) timer.unref();
  }

  /** A failing check is logged and tried again next time; it must not take the broker down. */
  private run(what: string, check: () => void): void {
    try {
      check();
    } catch (err) {
      this.logger.error(`${what} failed: ${(err as Error).stack ?? err}`);
    }
  }

  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
  }
}
