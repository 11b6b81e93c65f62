import type { LoggerService } from '@nestjs/common';
import type { ConsumerLike } from '../../client/kafka-like.js';
import { SubscriptionStoppedError } from '../../errors.js';
import type { ValueCodec } from '../../serde/value-codec.js';
import { backOff } from '../backoff.js';
import type { DeliverySource } from '../delivery.js';
import { ABORTED } from '../handler-runner.js';
import type { ShutdownGate } from '../shutdown-gate.js';
import type { SubscriptionSpec } from '../subscription-spec.js';
import { runInTransaction, SamsaTransaction } from './samsa-transaction.js';
import { isFencing, transactionErrorIn, transactionFailureOf } from './transaction-failures.js';
import type { ProducerLease, TransactionalProducers } from './transactional-producers.js';

/** Redeliveries after a transaction could not commit wait 100 ms, doubling up to 5 s. */
const REDELIVERY_BACKOFF = { initialMs: 100, maxMs: 5_000 };

/** The transaction aborted and the work is to run again in a new one. */
const REDELIVER = Symbol('redeliver');

/** A piece of a transactional subscription's work: a handler call, or publishing dead letters. */
export interface TransactionalWork<T> {
  /** Where the records come from; the group's offset there moves past `lastOffset` with the commit. */
  readonly source: DeliverySource;
  readonly lastOffset: string;
  /** What it is the transaction of (`orders[2]@17`), for logs and errors. */
  readonly describe: string;
  /** Runs in the transaction (the current one for `SamsaProducer`); may return ABORTED (shutdown gave up). */
  run(transaction: SamsaTransaction): T | Promise<T>;
}

/**
 * Runs a transactional subscription's work, one transaction per delivery: the handler's publishes
 * (or the dead letters) and the commit of the group's offset past the delivery's records commit
 * together or not at all.
 *
 * - The work throws (the handler failed): the transaction is aborted and the error rethrown, for the
 *   retry policy to decide; nothing the failed call published ever becomes visible.
 * - The transaction cannot commit (abortable: a publish failed, the coordinator lost the producer's
 *   state, ...): it is aborted, and after a back-off the records are delivered again from the last
 *   committed offset (which is theirs: every record before them committed), for as long as the
 *   partition is still this member's. These redeliveries do not count as handler attempts.
 * - The producer cannot go on (fenced by another instance with its transactional id, not
 *   authorized): the container stops, with a `SubscriptionStoppedError`.
 *
 * Resolves ABORTED when shutdown, a lost partition or a fatal error ended it first: nothing of it
 * committed, the records are left for the partition's next delivery.
 */
export class DeliveryTransactions {
  constructor(
    private readonly spec: SubscriptionSpec,
    private readonly producers: TransactionalProducers,
    private readonly consumer: () => ConsumerLike,
    private readonly codec: ValueCodec,
    private readonly gate: ShutdownGate,
    private readonly logger: LoggerService,
    /** Stops the container for good. */
    private readonly fail: (error: SubscriptionStoppedError) => void,
  ) {}

  async run<T>(work: TransactionalWork<T>): Promise<T | typeof ABORTED> {
    const { source } = work;
    for (let redeliveries = 1; ; redeliveries++) {
      if (!this.gate.canStart(source.fetch)) return ABORTED;
      let lease: ProducerLease;
      try {
        lease = await this.producers.acquire();
      } catch (error) {
        if (!this.recoverable(error, undefined, work)) return ABORTED;
        if (!(await this.backOff(redeliveries, work))) return ABORTED;
        continue;
      }
      try {
        const outcome = await this.attempt(work, lease);
        if (outcome !== REDELIVER) return outcome;
      } finally {
        lease.release();
      }
      if (!(await this.backOff(redeliveries, work))) return ABORTED;
    }
  }

  /** One transaction of the work: its value, ABORTED, REDELIVER, or the handler's error. */
  private async attempt<T>(
    work: TransactionalWork<T>,
    lease: ProducerLease,
  ): Promise<T | typeof ABORTED | typeof REDELIVER> {
    const { source, lastOffset, describe } = work;
    let transaction: SamsaTransaction;
    try {
      const client = await lease.producer.transaction();
      transaction = new SamsaTransaction(
        lease.transactionalId,
        client,
        this.codec,
        `${this.spec.id} ${describe}`,
      );
    } catch (error) {
      // The producer is not READY (an earlier abort did not finish): start over with a new one.
      lease.discard();
      return this.recoverable(error, lease, work) ? REDELIVER : ABORTED;
    }
    let value: T;
    try {
      value = await runInTransaction(transaction, () => work.run(transaction));
      // A publish left unawaited that failed fails the call as if it had been awaited.
      if (value !== ABORTED) await transaction.settled();
    } catch (error) {
      // Asked before the abort, which resets the producer's state.
      const failure = transactionFailureOf(error, lease.producer);
      await this.abort(transaction, lease, work);
      if (failure === undefined) throw error;
      // The transaction failed under the handler (a send could not be written): like a failed commit.
      return this.recoverable(error, lease, work) ? REDELIVER : ABORTED;
    }
    if (value === ABORTED) {
      await this.abort(transaction, lease, work);
      return ABORTED;
    }
    try {
      const { topic, partition } = source;
      const offset = (BigInt(lastOffset) + 1n).toString();
      await transaction.commit({
        groupId: this.spec.groupId,
        consumer: this.consumer(),
        topic,
        partition,
        offset,
      });
      return value;
    } catch (error) {
      await this.abort(transaction, lease, work);
      return this.recoverable(error, lease, work) ? REDELIVER : ABORTED;
    }
  }

  /** Aborts; a producer that cannot abort is replaced (its successor's InitProducerId aborts for it). */
  private async abort(transaction: SamsaTransaction, lease: ProducerLease, work: TransactionalWork<unknown>) {
    try {
      await transaction.abort();
    } catch (error) {
      if (transactionFailureOf(error, lease.producer) === 'fatal') {
        this.recoverable(error, lease, work);
        return;
      }
      this.logger.warn?.(
        `${this.spec.id}: aborting the transaction of ${work.describe} (${lease.transactionalId}) failed ` +
          `(${(error as Error)?.message}); its producer is replaced, which aborts the transaction`,
      );
      lease.discard();
    }
  }

  /** Whether delivering again may help: false after a fatal error, which stops the container. */
  private recoverable(
    error: unknown,
    lease: ProducerLease | undefined,
    work: TransactionalWork<unknown>,
  ): boolean {
    const reason = (error as Error)?.message ?? String(error);
    if (transactionFailureOf(error, lease?.producer) === 'fatal') {
      const fenced = isFencing(error);
      const id = lease?.transactionalId ?? this.producers.ids.join(', ');
      this.fail(
        new SubscriptionStoppedError(
          `${this.spec.id} stopped: its transactional producer ${id} ` +
            (fenced
              ? 'was fenced: another producer with the same transactional id started. Two running instances must ' +
                "not share a 'transactionalIdPrefix' (SamsaModule option; default <clientId>-<host>-<pid>). "
              : `cannot go on (${reason}). `) +
            `The transaction of ${work.describe} was not committed; the group's other members take over its ` +
            'partitions. Restart this instance to consume again.',
          fenced,
          { cause: transactionErrorIn(error) },
        ),
      );
      return false;
    }
    this.logger.warn?.(
      `${this.spec.id}: the transaction of ${work.describe} could not commit and was aborted; delivering ` +
        `again from the last committed offset: ${reason}`,
    );
    return true;
  }

  private backOff(redeliveries: number, work: TransactionalWork<unknown>): Promise<boolean> {
    const ms = Math.min(REDELIVERY_BACKOFF.maxMs, REDELIVERY_BACKOFF.initialMs * 2 ** (redeliveries - 1));
    return backOff(ms, this.gate, work.source.fetch);
  }
}
