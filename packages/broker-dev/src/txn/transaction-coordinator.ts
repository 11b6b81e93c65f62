/**
 * The transaction coordinator (Kafka's TransactionCoordinator with its TransactionStateManager):
 * InitProducerId with a transactional id, AddPartitionsToTxn (and its KIP-890 verification),
 * AddOffsetsToTxn, EndTxn, DescribeTransactions and ListTransactions, the abort of abandoned
 * transactions and the expiry of idle ids. One instance serves every broker of the in-process
 * cluster; which broker answers for an id is decided by the handlers (FindCoordinator).
 *
 * Every state change is written to the transaction state log before it takes effect in memory.
 * EndTxn answers once PrepareCommit/PrepareAbort is written; the markers follow (TxnMarkerChannel),
 * retried until every partition has its marker, and CompleteCommit/CompleteAbort is written last.
 * A transaction found in PrepareCommit/PrepareAbort after a restart is completed the same way.
 *
 * Error codes are Kafka's as the coordinator produces them (PRODUCER_FENCED, TRANSACTION_ABORTABLE);
 * handlers translate them for older request versions.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode } from '@samsa/protocol';
import type { Logger } from '../logger.js';
import { StorageError } from '../storage/index.js';
import { GROUP_OFFSETS_TOPIC, TxnMarkerChannel, type TxnOffsetsCompleter } from './marker-channel.js';
import type { TxnMarkerWriter } from './marker-writer.js';
import { type TopicPartition, TopicPartitionSet } from './topic-partitions.js';
import type { TransactionConfig } from './transaction-config.js';
import type { TransactionLogValue } from './transaction-log-records.js';
import {
  IllegalTransactionTransitionError,
  isTransactionState,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  TransactionMetadata,
  type TransactionSnapshot,
  type TransactionState,
} from './transaction-metadata.js';
import type { TransactionStateLog } from './transaction-state-log.js';
import { hasExpired, hasTimedOut, TransactionTimers } from './transaction-timers.js';

export interface InitProducerIdResult {
  errorCode: number;
  producerId: number;
  producerEpoch: number;
}

export interface DescribedTransaction {
  errorCode: number;
  transactionalId: string;
  state: string;
  timeoutMs: number;
  startTimeMs: number;
  producerId: number;
  producerEpoch: number;
  topics: { topic: string; partitions: number[] }[];
}

export interface ListedTransactions {
  errorCode: number;
  unknownStateFilters: string[];
  transactions: { transactionalId: string; producerId: number; state: TransactionState }[];
}

export interface TransactionCoordinatorOptions {
  config: TransactionConfig;
  stateLog: TransactionStateLog;
  /** A producer id never handed out before (shared with idempotent producers). */
  nextProducerId(): number;
  markers: TxnMarkerWriter;
  offsets: TxnOffsetsCompleter;
  /** The `__consumer_offsets` partition of a group, what AddOffsetsToTxn adds to the transaction. */
  offsetsPartitionFor(groupId: string): number;
  /** Whether a data partition exists (markers for deleted topics are given up). */
  partitionExists(topic: string, partition: number): boolean;
  logger: Logger;
  now?: () => number;
}

const fail = (errorCode: number): InitProducerIdResult => ({
  errorCode,
  producerId: NO_PRODUCER_ID,
  producerEpoch: NO_PRODUCER_EPOCH,
});

export class TransactionCoordinator {
  private readonly transactions = new Map<string, TransactionMetadata>();
  /** Running marker-and-complete loops by transactional id (tests await them through `completion`). */
  private readonly completions = new Map<string, Promise<void>>();
  private readonly channel: TxnMarkerChannel;
  private readonly timers: TransactionTimers;
  private readonly now: () => number;
  private lifecycle = new AbortController();
  private started = false;
  private closed = false;

  constructor(private readonly options: TransactionCoordinatorOptions) {
    this.now = options.now ?? Date.now;
    this.channel = new TxnMarkerChannel({
      writer: options.markers,
      offsets: options.offsets,
      partitionExists: options.partitionExists,
      logger: options.logger,
    });
    this.timers = new TransactionTimers(this, options.config, this.now, options.logger);
    for (const [transactionalId, value] of options.stateLog.load()) {
      this.transactions.set(transactionalId, new TransactionMetadata(transactionalId, snapshotOf(value)));
    }
    if (this.transactions.size > 0) {
      options.logger.info(
        `transaction coordinator loaded ${this.transactions.size} transactional id(s) at coordinator epoch ${this.coordinatorEpoch}`,
      );
    }
  }

  get coordinatorEpoch(): number {
    return this.options.stateLog.coordinatorEpoch;
  }

  /** Starts the background checks and completes every transaction left in PrepareCommit/PrepareAbort. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.lifecycle = new AbortController();
    this.timers.start();
    for (const transaction of this.transactions.values()) {
      if (transaction.state === 'PrepareCommit' || transaction.state === 'PrepareAbort') {
        this.completeInBackground(transaction);
      }
    }
  }

  /** Stops the background checks and marker retries; the state stays (start() resumes). */
  stop(): void {
    if (!this.started) return;
    this.started = false;
    this.timers.stop();
    this.lifecycle.abort();
  }

  close(): void {
    this.stop();
    this.closed = true;
    this.options.stateLog.close();
  }

  /** The state of an id, undefined if unknown. */
  snapshot(transactionalId: string): TransactionSnapshot | undefined {
    return this.transactions.get(transactionalId)?.snapshot;
  }

  /** Resolves once the id's markers are written and its completion persisted (or given up). */
  completion(transactionalId: string): Promise<void> {
    return this.completions.get(transactionalId) ?? Promise.resolve();
  }

  /** Compacts the state log (run with the broker's log cleanup). */
  compactLog(now = this.now()): void {
    this.options.stateLog.compact(now);
  }

  // ---------------------------------------------------------------- InitProducerId

  /**
   * InitProducerId. `transactionalId` null: an idempotent producer, a new producer id every time
   * (the pid/epoch it sends are ignored, as in Kafka). `expected`: the producer's current pid and
   * epoch (v3+, KIP-360). The caller has checked that at most one of them is -1.
   */
  initProducerId(
    transactionalId: string | null,
    timeoutMs: number,
    expected?: { producerId: number; producerEpoch: number },
  ): InitProducerIdResult {
    if (transactionalId === null) {
      return { errorCode: ErrorCode.NONE, producerId: this.options.nextProducerId(), producerEpoch: 0 };
    }
    if (transactionalId === '') return fail(ErrorCode.INVALID_REQUEST);
    if (timeoutMs <= 0 || timeoutMs > this.options.config.maxTimeoutMs) {
      return fail(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    }
    const now = this.now();
    const existing = this.transactions.get(transactionalId);
    const transaction =
      existing ?? TransactionMetadata.create(transactionalId, this.options.nextProducerId(), timeoutMs, now);
    if (transaction.hasPendingTransition) return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
    if (expected && !transaction.acceptsProducer(expected)) return fail(ErrorCode.PRODUCER_FENCED);
    switch (transaction.state) {
      case 'PrepareCommit':
      case 'PrepareAbort':
        // The decided transaction completes first; the producer retries.
        return fail(ErrorCode.CONCURRENT_TRANSACTIONS);
      case 'Ongoing': {
        // A new instance of the producer: fence the old one (epoch + 1) by aborting its
        // transaction. The caller retries and gets yet another epoch once the abort completed.
        const errorCode = this.fenceAndAbort(transaction, 'a new producer instance started');
        return fail(errorCode === ErrorCode.NONE ? ErrorCode.CONCURRENT_TRANSACTIONS : errorCode);
      }
      case 'Empty':
      case 'CompleteCommit':
      case 'CompleteAbort': {
        let target: TransactionSnapshot | undefined;
        if (
          transaction.isProducerEpochExhausted &&
          (expected === undefined || expected.producerEpoch === transaction.producerEpoch)
        ) {
          target = transaction.prepareProducerIdRotation(
            this.options.nextProducerId(),
            timeoutMs,
            now,
            expected !== undefined,
          );
        } else {
          target = transaction.prepareIncrementProducerEpoch(timeoutMs, expected?.producerEpoch, now);
          if (!target) return fail(ErrorCode.PRODUCER_FENCED);
        }
        const errorCode = this.persist(transaction, target);
        if (errorCode !== ErrorCode.NONE) return fail(errorCode);
        if (!existing) this.transactions.set(transactionalId, transaction);
        this.options.logger.debug(
          `transactional id ${transactionalId}: producer id ${target.producerId}, epoch ${target.producerEpoch}`,
        );
        return {
          errorCode: ErrorCode.NONE,
          producerId: target.producerId,
          producerEpoch: target.producerEpoch,
        };
      }
      default:
        throw new IllegalTransactionTransitionError(
          `transactional id ${transactionalId} is in state ${transaction.state}, which InitProducerId never sees.`,
        );
    }
  }

  // ---------------------------------------------------------------- AddPartitionsToTxn / AddOffsetsToTxn

  /** AddPartitionsToTxn (not VerifyOnly): the caller has checked that every partition exists. */
  addPartitions(
    transactionalId: string,
    producerId: number,
    producerEpoch: number,
    partitions: readonly TopicPartition[],
  ): number {
    if (transactionalId === '') return ErrorCode.INVALID_REQUEST;
    const transaction = this.transactions.get(transactionalId);
    if (!transaction || transaction.producerId !== producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if (transaction.producerEpoch !== producerEpoch) return ErrorCode.PRODUCER_FENCED;
    if (transaction.hasPendingTransition) return ErrorCode.CONCURRENT_TRANSACTIONS;
    const state = transaction.state;
    if (state === 'PrepareCommit' || state === 'PrepareAbort') return ErrorCode.CONCURRENT_TRANSACTIONS;
    if (state === 'Ongoing' && transaction.partitions.containsAll(partitions)) return ErrorCode.NONE;
    const target = transaction.prepareAddPartitions(new TopicPartitionSet(partitions), this.now());
    return this.persist(transaction, target);
  }

  /** AddOffsetsToTxn: adds the group's `__consumer_offsets` partition, as Kafka does. */
  addOffsets(transactionalId: string, producerId: number, producerEpoch: number, groupId: string): number {
    return this.addPartitions(transactionalId, producerId, producerEpoch, [this.offsetsPartition(groupId)]);
  }

  /**
   * AddPartitionsToTxn with VerifyOnly (KIP-890 part 1): whether each partition is in the ongoing
   * transaction (NONE) or not (TRANSACTION_ABORTABLE); one code for all when the producer is
   * unknown, fenced, or its transaction is being completed.
   */
  verifyPartitions(
    transactionalId: string,
    producerId: number,
    producerEpoch: number,
    partitions: readonly TopicPartition[],
  ): number[] {
    const all = (code: number) => partitions.map(() => code);
    if (transactionalId === '') return all(ErrorCode.INVALID_REQUEST);
    const transaction = this.transactions.get(transactionalId);
    if (!transaction || transaction.producerId !== producerId)
      return all(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    if (transaction.producerEpoch !== producerEpoch) return all(ErrorCode.PRODUCER_FENCED);
    if (transaction.state === 'PrepareCommit' || transaction.state === 'PrepareAbort') {
      return all(ErrorCode.CONCURRENT_TRANSACTIONS);
    }
    return partitions.map((p) =>
      transaction.partitions.has(p.topic, p.partition) ? ErrorCode.NONE : ErrorCode.TRANSACTION_ABORTABLE,
    );
  }

  /** TxnOffsetCommit's check that AddOffsetsToTxn put the group's offsets into the transaction. */
  verifyOffsets(transactionalId: string, producerId: number, producerEpoch: number, groupId: string): number {
    return this.verifyPartitions(transactionalId, producerId, producerEpoch, [
      this.offsetsPartition(groupId),
    ])[0];
  }

  private offsetsPartition(groupId: string): TopicPartition {
    return { topic: GROUP_OFFSETS_TOPIC, partition: this.options.offsetsPartitionFor(groupId) };
  }

  // ---------------------------------------------------------------- EndTxn

  endTransaction(
    transactionalId: string,
    producerId: number,
    producerEpoch: number,
    commit: boolean,
  ): number {
    if (transactionalId === '') return ErrorCode.INVALID_REQUEST;
    const transaction = this.transactions.get(transactionalId);
    if (!transaction) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    return this.end(transaction, producerId, producerEpoch, commit, true);
  }

  private end(
    transaction: TransactionMetadata,
    producerId: number,
    producerEpoch: number,
    commit: boolean,
    fromClient: boolean,
  ): number {
    if (transaction.producerId !== producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    // A client must present the current epoch; the coordinator's own abort carries the fencing one.
    if (
      (fromClient && producerEpoch !== transaction.producerEpoch) ||
      producerEpoch < transaction.producerEpoch
    ) {
      return ErrorCode.PRODUCER_FENCED;
    }
    const fencing = transaction.pendingState === 'PrepareEpochFence';
    if (transaction.hasPendingTransition && !fencing) return ErrorCode.CONCURRENT_TRANSACTIONS;
    switch (transaction.state) {
      case 'Ongoing': {
        if (fencing) transaction.takeEpochFence();
        const target = transaction.prepareAbortOrCommit(
          commit ? 'PrepareCommit' : 'PrepareAbort',
          this.now(),
          fencing ? producerEpoch : undefined,
        );
        const errorCode = this.persist(transaction, target);
        if (errorCode === ErrorCode.NONE) this.completeInBackground(transaction);
        return errorCode;
      }
      case 'CompleteCommit':
        return commit ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE;
      case 'CompleteAbort':
        return commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.NONE;
      case 'PrepareCommit':
        return commit ? ErrorCode.CONCURRENT_TRANSACTIONS : ErrorCode.INVALID_TXN_STATE;
      case 'PrepareAbort':
        return commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.CONCURRENT_TRANSACTIONS;
      case 'Empty':
        return ErrorCode.INVALID_TXN_STATE;
      default:
        throw new IllegalTransactionTransitionError(
          `transactional id ${transaction.transactionalId} is in state ${transaction.state}, which EndTxn never sees.`,
        );
    }
  }

  /** Fences the producer of an ongoing transaction (epoch + 1) and aborts the transaction. */
  private fenceAndAbort(transaction: TransactionMetadata, why: string): number {
    const fenced = transaction.prepareFenceProducerEpoch();
    let errorCode: number;
    try {
      errorCode = this.end(transaction, fenced.producerId, fenced.producerEpoch, false, false);
    } finally {
      if (transaction.pendingState === 'PrepareEpochFence') transaction.abandonTransition();
    }
    if (errorCode === ErrorCode.NONE) {
      this.options.logger.info(
        `transactional id ${transaction.transactionalId}: aborting its transaction (${why}); producer epoch now ${fenced.producerEpoch}`,
      );
    }
    return errorCode;
  }

  /**
   * Writes the markers of a decided transaction, retrying after a back-off, then persists its
   * completion. The transaction has a pending state only while an attempt is in flight, so
   * between retries it answers as PrepareCommit/PrepareAbort does (the EndTxn table).
   */
  private completeInBackground(transaction: TransactionMetadata): void {
    const id = transaction.transactionalId;
    if (this.completions.has(id)) return;
    const run = this.complete(transaction)
      .catch((err: unknown) => {
        this.options.logger.error(
          `transactional id ${id}: completing the transaction failed: ${(err as Error).stack ?? err}`,
        );
      })
      .finally(() => this.completions.delete(id));
    this.completions.set(id, run);
  }

  private async complete(transaction: TransactionMetadata): Promise<void> {
    const id = transaction.transactionalId;
    while (this.started && this.transactions.get(id) === transaction) {
      const state = transaction.state;
      if (state !== 'PrepareCommit' && state !== 'PrepareAbort') return;
      const commit = state === 'PrepareCommit';
      const target = transaction.prepareComplete(this.now());
      const attempt = await this.channel.write({
        transactionalId: id,
        producerId: transaction.producerId,
        producerEpoch: transaction.producerEpoch,
        coordinatorEpoch: this.coordinatorEpoch,
        commit,
        partitions: transaction.partitions,
      });
      // Closed meanwhile: the log keeps PrepareCommit/PrepareAbort and the next start completes it.
      if (this.closed) return;
      transaction.markersWritten(attempt.done);
      if (attempt.retry.length === 0) {
        if (this.persist(transaction, target) === ErrorCode.NONE) {
          this.options.logger.debug(
            `transactional id ${id}: transaction ${commit ? 'committed' : 'aborted'}`,
          );
          return;
        }
      } else {
        transaction.abandonTransition();
      }
      const signal = this.lifecycle.signal;
      try {
        await sleep(this.options.config.markerRetryBackoffMs, undefined, { signal, ref: false });
      } catch {
        // Stopped: start() resumes it (a restart while sleeping wakes this loop, which carries on).
      }
    }
  }

  // ---------------------------------------------------------------- timeouts and expiry

  /** Aborts every transaction that stayed Ongoing longer than its timeout; returns how many. */
  abortTimedOutTransactions(now = this.now()): number {
    let aborted = 0;
    for (const transaction of [...this.transactions.values()]) {
      if (!hasTimedOut(transaction, now)) continue;
      const errorCode = this.fenceAndAbort(
        transaction,
        `open longer than its timeout of ${transaction.snapshot.timeoutMs} ms`,
      );
      if (errorCode === ErrorCode.NONE) aborted++;
    }
    return aborted;
  }

  /** Forgets ids idle for transactional.id.expiration.ms (a tombstone in the log); returns how many. */
  expireTransactionalIds(now = this.now()): number {
    let expired = 0;
    const expirationMs = this.options.config.transactionalIdExpirationMs;
    for (const transaction of [...this.transactions.values()]) {
      if (!hasExpired(transaction, now, expirationMs)) continue;
      transaction.prepareDead();
      try {
        this.options.stateLog.writeTombstone(transaction.transactionalId);
      } catch (err) {
        transaction.abandonTransition();
        this.options.logger.warn(
          `transactional id ${transaction.transactionalId}: cannot write its expiry: ${(err as Error).message}`,
        );
        continue;
      }
      this.transactions.delete(transaction.transactionalId);
      expired++;
      this.options.logger.info(`transactional id ${transaction.transactionalId} expired`);
    }
    return expired;
  }

  // ---------------------------------------------------------------- DescribeTransactions / ListTransactions

  describe(transactionalId: string): DescribedTransaction {
    const transaction = this.transactions.get(transactionalId);
    const notFound = (errorCode: number): DescribedTransaction => ({
      errorCode,
      transactionalId,
      state: '',
      timeoutMs: 0,
      startTimeMs: -1,
      producerId: NO_PRODUCER_ID,
      producerEpoch: NO_PRODUCER_EPOCH,
      topics: [],
    });
    if (transactionalId === '') return notFound(ErrorCode.INVALID_REQUEST);
    if (!transaction || transaction.state === 'Dead') return notFound(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);
    const s = transaction.snapshot;
    return {
      errorCode: ErrorCode.NONE,
      transactionalId,
      state: s.state,
      timeoutMs: s.timeoutMs,
      startTimeMs: s.startTimestamp,
      producerId: s.producerId,
      producerEpoch: s.producerEpoch,
      topics: s.partitions.byTopic(),
    };
  }

  /**
   * ListTransactions: ids filtered by state names (unknown names are echoed back), producer ids and
   * (v1) a minimum running time. As in Kafka the duration compares with the start time, which is -1
   * for an id that never started a transaction.
   */
  list(
    filters: {
      states?: readonly string[];
      producerIds?: readonly number[];
      minDurationMs?: number;
    } = {},
    now = this.now(),
  ): ListedTransactions {
    const unknownStateFilters: string[] = [];
    const states = new Set<TransactionState>();
    for (const name of filters.states ?? []) {
      if (isTransactionState(name)) states.add(name);
      else unknownStateFilters.push(name);
    }
    const producerIds = new Set(filters.producerIds ?? []);
    const minDurationMs = filters.minDurationMs ?? -1;
    const transactions: ListedTransactions['transactions'] = [];
    for (const [transactionalId, transaction] of this.transactions) {
      const s = transaction.snapshot;
      if (s.state === 'Dead') continue;
      if (producerIds.size > 0 && !producerIds.has(s.producerId)) continue;
      if (states.size > 0 && !states.has(s.state)) continue;
      if (minDurationMs >= 0 && now - s.startTimestamp <= minDurationMs) continue;
      transactions.push({ transactionalId, producerId: s.producerId, state: s.state });
    }
    return { errorCode: ErrorCode.NONE, unknownStateFilters, transactions };
  }

  // ---------------------------------------------------------------- persistence

  /** Writes a prepared transition and completes it; on failure abandons it and returns Kafka's code. */
  private persist(transaction: TransactionMetadata, target: TransactionSnapshot): number {
    try {
      this.options.stateLog.write(transaction.transactionalId, logValueOf(target));
    } catch (err) {
      transaction.abandonTransition();
      this.options.logger.error(
        `transactional id ${transaction.transactionalId}: cannot write ${target.state} to the transaction log: ${(err as Error).message}`,
      );
      // Kafka answers NOT_COORDINATOR for a storage failure of the state log: clients look again.
      return err instanceof StorageError ? ErrorCode.NOT_COORDINATOR : ErrorCode.UNKNOWN_SERVER_ERROR;
    }
    transaction.completeTransition(target);
    return ErrorCode.NONE;
  }
}

function logValueOf(s: TransactionSnapshot): TransactionLogValue {
  return {
    producerId: s.producerId,
    previousProducerId: s.previousProducerId,
    nextProducerId: NO_PRODUCER_ID,
    producerEpoch: s.producerEpoch,
    timeoutMs: s.timeoutMs,
    state: s.state,
    partitions: s.partitions.byTopic(),
    lastUpdateTimestamp: s.lastUpdateTimestamp,
    startTimestamp: s.startTimestamp,
  };
}

function snapshotOf(value: TransactionLogValue): TransactionSnapshot {
  return {
    producerId: value.producerId,
    previousProducerId: value.previousProducerId,
    producerEpoch: value.producerEpoch,
    lastProducerEpoch: NO_PRODUCER_EPOCH,
    timeoutMs: value.timeoutMs,
    state: value.state,
    partitions: new TopicPartitionSet(
      value.partitions.flatMap(({ topic, partitions }) =>
        partitions.map((partition) => ({ topic, partition })),
      ),
    ),
    startTimestamp: value.startTimestamp,
    lastUpdateTimestamp: value.lastUpdateTimestamp,
  };
}
