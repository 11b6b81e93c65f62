/**
 * The transaction manager of a transactional producer: its state machine (Java's
 * TransactionManager), which partitions and offsets the open transaction holds, and ending it.
 *
 *   UNINITIALIZED ─initialize()→ INITIALIZING ─→ READY ─begin()→ IN_TRANSACTION ─commit()→ COMMITTING ─→ READY
 *                                     ↑                            │  │                        │
 *                                     │ (epoch bump)               │  └─error→ ABORTABLE_ERROR ←┘
 *                                     └──────────── ABORTING ←abort()┴───────────┘
 *   any ─→ FATAL_ERROR (fenced, not authorized, broker state we cannot recover from)
 *
 * - Sends (`trackSend`) are counted per transaction: commit waits for every one of them, and a
 *   failed one makes the transaction abortable (nothing partial is ever committed).
 * - A partition gets its first batch of the transaction (`addPartition`, from the accumulator):
 *   all partitions added since the last AddPartitionsToTxn go into the next one, one request at a
 *   time, and the partition's batches wait (`PartitionBuffer.awaitingTransaction`) until it is
 *   confirmed.
 * - Commit flushes, waits for every send and coordinator request, then sends EndTxn(commit) (none
 *   when nothing was added). Abort fails what was not sent yet, waits for what is in flight, sends
 *   EndTxn(abort), and where a sequenced batch was lost bumps the epoch with InitProducerId (KIP-360,
 *   coordinators with InitProducerId v3+; without it the producer is fatally broken).
 * - The requests themselves, their retries and error classes: transaction-coordinator.ts.
 */

import { ApiKey } from '@samsa/protocol/on-demand';
import type { Cluster } from '../cluster/cluster.js';
import {
  ConfigurationError,
  isRetriable,
  KafkaProtocolError,
  NotConnectedError,
  UnsupportedApiVersionError,
} from '../errors.js';
import type { Logger } from '../logger.js';
import type { Idempotence } from './idempotence.js';
import type { PartitionBuffer } from './partition-buffer.js';
import {
  type ConsumerGroupMetadata,
  TransactionCoordinatorClient,
  type TransactionOffset,
  TransactionRequestError,
} from './transaction-coordinator.js';
import {
  classifyTransactionError,
  ProducerFencedError,
  TransactionAbortableError,
  TransactionAbortedError,
  TransactionFatalError,
  TransactionStateError,
} from './transaction-errors.js';

export type TransactionState =
  | 'UNINITIALIZED'
  | 'INITIALIZING'
  | 'READY'
  | 'IN_TRANSACTION'
  | 'COMMITTING'
  | 'ABORTING'
  | 'ABORTABLE_ERROR'
  | 'FATAL_ERROR';

/** For each state, the states it may be entered from (FATAL_ERROR from any). */
const ENTERED_FROM: Record<TransactionState, readonly TransactionState[]> = {
  // From INITIALIZING when initialization failed (it may be tried again), and on disconnect.
  UNINITIALIZED: ['INITIALIZING', 'READY', 'IN_TRANSACTION', 'COMMITTING', 'ABORTING', 'ABORTABLE_ERROR'],
  // From ABORTING: the epoch bump after an abort.
  INITIALIZING: ['UNINITIALIZED', 'ABORTING'],
  READY: ['INITIALIZING', 'COMMITTING', 'ABORTING'],
  IN_TRANSACTION: ['READY'],
  COMMITTING: ['IN_TRANSACTION'],
  ABORTING: ['IN_TRANSACTION', 'ABORTABLE_ERROR'],
  ABORTABLE_ERROR: ['IN_TRANSACTION', 'COMMITTING', 'ABORTABLE_ERROR', 'INITIALIZING'],
  FATAL_ERROR: [
    'UNINITIALIZED',
    'INITIALIZING',
    'READY',
    'IN_TRANSACTION',
    'COMMITTING',
    'ABORTING',
    'ABORTABLE_ERROR',
    'FATAL_ERROR',
  ],
};

/** Whether the state machine allows `from` → `to`. */
export function isValidTransition(from: TransactionState, to: TransactionState): boolean {
  return ENTERED_FROM[to].includes(from);
}

/** What the manager needs of the producer's accumulator. */
export interface TransactionHost {
  /** Fails every batch that is not in flight with `err` (aborting, or the transaction broke). */
  abortUndrained(err: Error): void;
  /** Sends what is buffered now; resolves when those batches are done. */
  flush(): Promise<void>;
  /** Partitions were confirmed: their batches may go. */
  scheduleDrain(): void;
}

export interface TransactionManagerConfig {
  transactionalId: string;
  transactionTimeoutMs: number;
  retryBackoffMs: number;
  retryBackoffMaxMs: number;
  /** Bounds initialization, sendOffsets and EndTxn (Java's max.block.ms). */
  maxBlockMs: number;
  /** Bounds adding partitions (their batches expire after it anyway). */
  deliveryTimeoutMs: number;
}

export class TransactionManager {
  private stateNow: TransactionState = 'UNINITIALIZED';
  /** Why the state is ABORTABLE_ERROR or FATAL_ERROR: what operations throw then. */
  private error: Error | null = null;
  /** The cause of an abortable error (INVALID_PRODUCER_ID_MAPPING skips EndTxn). */
  private abortableCause: unknown = null;
  /** Numbers transactions, so a send accepted in one never appends into the next. */
  private sequence = 0;
  /** Partitions with batches in the open transaction, confirmed or not. */
  private readonly partitions = new Set<PartitionBuffer>();
  /** Partitions to add with the next AddPartitionsToTxn. */
  private newPartitions: PartitionBuffer[] = [];
  private addScheduled = false;
  /** A partition or the offsets were added on the coordinator: EndTxn is needed. */
  private started = false;
  /** An AddPartitionsToTxn succeeded in this transaction (for the CONCURRENT_TRANSACTIONS back-off). */
  private anyPartitionAdded = false;
  /** The epoch must be bumped after the abort (beyond what idempotence.ts asks for). */
  private bumpRequired = false;
  /** Coordinator requests, one at a time, in order. */
  private chain: Promise<void> = Promise.resolve();
  private pendingSends = 0;
  private sendWaiters: (() => void)[] = [];
  private initializing: Promise<void> | null = null;
  /** The commit or abort under way (a second call joins it; after a timeout it is run again). */
  private ending: Promise<void> | null = null;
  /** EndTxn already answered for the transaction being ended (a retried commit/abort skips to the epoch bump). */
  private endTxnDone = false;
  readonly coordinator: TransactionCoordinatorClient;

  constructor(
    readonly config: TransactionManagerConfig,
    cluster: Pick<Cluster, 'findCoordinator' | 'invalidateCoordinator' | 'request' | 'apiVersion'>,
    private readonly idempotence: Idempotence,
    private readonly host: TransactionHost,
    private readonly logger: Logger,
  ) {
    this.coordinator = new TransactionCoordinatorClient(cluster, config, logger);
  }

  get state(): TransactionState {
    return this.stateNow;
  }

  get transactionalId(): string {
    return this.config.transactionalId;
  }

  /** Numbers the open (or last) transaction. */
  get currentTransaction(): number {
    return this.sequence;
  }

  /** Whether transaction `seq` is still open (not committed or aborted). */
  isOpen(seq: number): boolean {
    if (seq !== this.sequence) return false;
    const s = this.stateNow;
    return s === 'IN_TRANSACTION' || s === 'COMMITTING' || s === 'ABORTING' || s === 'ABORTABLE_ERROR';
  }

  private transition(to: TransactionState, error?: Error): void {
    const from = this.stateNow;
    if (!isValidTransition(from, to)) {
      throw new TransactionStateError(
        `transactionalId ${JSON.stringify(this.transactionalId)}: invalid transition from ${from} to ${to}`,
      );
    }
    this.stateNow = to;
    if (to === 'ABORTABLE_ERROR' || to === 'FATAL_ERROR') this.error = error ?? this.error;
    else this.error = null;
    this.logger.debug('transaction state', { transactionalId: this.transactionalId, from, to });
  }

  // ------------------------------------------------------------------ initialization

  /** InitProducerId with the transactional id (fences older instances); a no-op once done. */
  initialize(): Promise<void> {
    switch (this.stateNow) {
      case 'UNINITIALIZED':
        break;
      case 'INITIALIZING':
        if (this.initializing) return this.initializing;
        break;
      case 'FATAL_ERROR':
        return Promise.reject(this.error);
      default:
        return Promise.resolve();
    }
    this.transition('INITIALIZING');
    this.coordinator.open();
    const run = (async () => {
      try {
        const { producerId, producerEpoch } = await this.coordinator.initProducerId(
          null,
          Date.now() + this.config.maxBlockMs,
        );
        this.idempotence.setProducer(producerId, producerEpoch);
        this.transition('READY');
        this.logger.info('transactional producer initialized', {
          transactionalId: this.transactionalId,
          producerId: String(producerId),
          epoch: producerEpoch,
        });
      } catch (err) {
        // Initialization may be tried again (a timeout, missing ACLs fixed meanwhile).
        const typed = this.typedInitError(err);
        if (this.stateNow === 'INITIALIZING') this.transition('UNINITIALIZED');
        this.idempotence.clearProducer();
        throw typed;
      } finally {
        this.initializing = null;
      }
    })();
    this.initializing = run;
    return run;
  }

  private typedInitError(err: unknown): Error {
    if (!(err instanceof TransactionRequestError)) return err as Error;
    if (err.kind === 'timeout') return err.cause;
    if (err.kind === 'fenced') return new ProducerFencedError(this.transactionalId, err.cause);
    return new TransactionFatalError(this.transactionalId, err.cause);
  }

  // ------------------------------------------------------------------ beginning, sending

  /** Opens a transaction; returns its number. */
  begin(): number {
    const s = this.stateNow;
    if (s === 'READY') {
      this.transition('IN_TRANSACTION');
      this.sequence++;
      this.started = false;
      this.anyPartitionAdded = false;
      this.bumpRequired = false;
      this.abortableCause = null;
      this.endTxnDone = false;
      return this.sequence;
    }
    throw this.refusal('begin');
  }

  /** Why `what` cannot be done now; null when it can (a send in an open transaction). */
  sendRefusal(): Error | null {
    return this.stateNow === 'IN_TRANSACTION' ? null : this.refusal('send');
  }

  /** Whether send call made in transaction `seq` may append its records now. */
  acceptsAppend(seq: number): boolean {
    return seq === this.sequence && (this.stateNow === 'IN_TRANSACTION' || this.stateNow === 'COMMITTING');
  }

  /** The error for a send call of transaction `seq` that may not append (any more). */
  appendRefusal(seq: number): Error {
    if (this.stateNow === 'FATAL_ERROR' || this.stateNow === 'ABORTABLE_ERROR') return this.stateError();
    if (seq !== this.sequence || this.stateNow === 'ABORTING')
      return new TransactionAbortedError(this.transactionalId);
    return this.refusal('send');
  }

  /** The error the current state stands for (ABORTABLE_ERROR, FATAL_ERROR, or disconnected meanwhile). */
  private stateError(): Error {
    switch (this.stateNow) {
      case 'ABORTABLE_ERROR':
        return new TransactionAbortableError(this.transactionalId, this.error);
      case 'FATAL_ERROR':
        return this.error as Error;
      case 'UNINITIALIZED':
        return new NotConnectedError('The producer was disconnected before the transaction ended');
      default:
        return new TransactionStateError(
          `The transaction of transactionalId ${JSON.stringify(this.transactionalId)} is in state ${this.stateNow}`,
        );
    }
  }

  private refusal(what: 'begin' | 'send' | 'commit' | 'abort' | 'sendOffsets'): Error {
    const id = JSON.stringify(this.transactionalId);
    switch (this.stateNow) {
      case 'FATAL_ERROR':
      case 'ABORTABLE_ERROR':
        if (what === 'begin') {
          return this.stateNow === 'FATAL_ERROR'
            ? (this.error as Error)
            : new TransactionStateError(
                `A transaction is already open on the producer of transactionalId ${id} and it failed ` +
                  `(${this.error?.message}); abort() it before starting another`,
              );
        }
        return this.stateError();
      case 'UNINITIALIZED':
      case 'INITIALIZING':
        return new TransactionStateError(
          `The producer of transactionalId ${id} is not initialized: await producer.connect() (or initTransactions()) before ${what}`,
        );
      case 'READY':
        return what === 'send'
          ? new TransactionStateError(
              `The producer has transactionalId ${id}, so records go in a transaction: ` +
                'const txn = await producer.transaction(); await txn.send(...) (or beginTransaction() before send())',
            )
          : new TransactionStateError(
              `No transaction is open on the producer of transactionalId ${id}; nothing to ${what}`,
            );
      case 'IN_TRANSACTION':
        return new TransactionStateError(
          `A transaction is already open on the producer of transactionalId ${id}: commit() or abort() it before starting another`,
        );
      case 'COMMITTING':
        return new TransactionStateError(
          what === 'abort'
            ? `The transaction of transactionalId ${id} is being committed (or its commit timed out): call commit() again to finish it`
            : `The transaction of transactionalId ${id} is being committed; start a new transaction for more records`,
        );
      case 'ABORTING':
        return new TransactionStateError(
          `The transaction of transactionalId ${id} is being aborted; start a new transaction for more records`,
        );
    }
  }

  /**
   * Why a failed batch must not be retried now: the transaction is aborting, or broke (Java aborts
   * the batches it would re-enqueue then); null while it may be.
   */
  retryRefusal(): Error | null {
    switch (this.stateNow) {
      case 'ABORTING':
        return new TransactionAbortedError(this.transactionalId);
      case 'ABORTABLE_ERROR':
      case 'FATAL_ERROR':
        return this.stateError();
      default:
        return null;
    }
  }

  /** Counts a send call of the open transaction: commit waits for it; its failure makes the transaction abortable. */
  trackSend(call: Promise<unknown>): void {
    this.pendingSends++;
    call.then(
      () => this.sendSettled(null),
      (err) => this.sendSettled(err),
    );
  }

  private sendSettled(err: unknown): void {
    if (err !== null) this.sendFailed(err);
    if (--this.pendingSends === 0) for (const resolve of this.sendWaiters.splice(0)) resolve();
  }

  private sendsSettled(): Promise<void> {
    if (this.pendingSends === 0) return Promise.resolve();
    return new Promise((resolve) => this.sendWaiters.push(resolve));
  }

  /** A send of the open transaction failed (a batch was refused or expired, or appending failed). */
  private sendFailed(err: unknown): void {
    const s = this.stateNow;
    if (s !== 'IN_TRANSACTION' && s !== 'COMMITTING') return;
    if (err instanceof TransactionAbortedError || err instanceof TransactionAbortableError) return;
    let kind: ReturnType<typeof classifyTransactionError>;
    if (err instanceof KafkaProtocolError) kind = classifyTransactionError('Produce', err.errorCode);
    else if (err instanceof UnsupportedApiVersionError) kind = 'fatal';
    else if (err instanceof TransactionFatalError)
      kind = err instanceof ProducerFencedError ? 'fenced' : 'fatal';
    else kind = 'abortable';
    this.failWith(kind, err as Error);
  }

  /** A partition receives its first batch of the open transaction (the accumulator calls this). */
  addPartition(pb: PartitionBuffer): void {
    pb.inTransaction = true;
    pb.awaitingTransaction = true;
    this.partitions.add(pb);
    this.newPartitions.push(pb);
    if (this.addScheduled) return;
    this.addScheduled = true;
    // After the current turn: the partitions of every send made in it go in one request.
    setImmediate(() => {
      this.addScheduled = false;
      this.enqueue(() => this.addPartitions());
    });
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.chain.then(task);
    this.chain = run.catch(() => {});
    return run;
  }

  /** Resolves once no coordinator request is queued or running. */
  private async requestsIdle(): Promise<void> {
    for (;;) {
      const chain = this.chain;
      await chain;
      if (chain === this.chain && !this.addScheduled) return;
      if (this.addScheduled) await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private async addPartitions(): Promise<void> {
    const s = this.stateNow;
    if (this.newPartitions.length === 0 || (s !== 'IN_TRANSACTION' && s !== 'COMMITTING')) return;
    const adding = this.newPartitions.splice(0);
    try {
      await this.coordinator.addPartitions(
        this.producer(),
        adding.map((pb) => ({ topic: pb.topic, partition: pb.partition })),
        !this.anyPartitionAdded,
        Date.now() + this.config.deliveryTimeoutMs,
      );
    } catch (err) {
      this.requestFailed(err);
      return;
    }
    this.started = true;
    this.anyPartitionAdded = true;
    for (const pb of adding) pb.awaitingTransaction = false;
    this.host.scheduleDrain();
  }

  // ------------------------------------------------------------------ offsets

  /**
   * Commits consumer offsets with the transaction: AddOffsetsToTxn, then TxnOffsetCommit to the
   * group coordinator with the consumer's group metadata (KIP-447).
   */
  sendOffsets(offsets: TransactionOffset[], group: ConsumerGroupMetadata): Promise<void> {
    if (this.stateNow !== 'IN_TRANSACTION') return Promise.reject(this.refusal('sendOffsets'));
    if (typeof group?.groupId !== 'string' || group.groupId.length === 0) {
      return Promise.reject(
        new ConfigurationError(
          'consumerGroupId',
          'sendOffsets needs the consumer group (consumerGroupId or consumer)',
        ),
      );
    }
    if (offsets.length === 0) return Promise.resolve();
    const seq = this.sequence;
    return this.enqueue(async () => {
      if (!this.acceptsAppend(seq)) throw this.appendRefusal(seq);
      const deadline = Date.now() + this.config.maxBlockMs;
      try {
        await this.coordinator.addOffsets(this.producer(), group.groupId, deadline);
        this.started = true;
        await this.coordinator.txnOffsetCommit(this.producer(), group, offsets, deadline);
      } catch (err) {
        throw this.requestFailed(err);
      }
    });
  }

  // ------------------------------------------------------------------ ending

  /** Commits the open transaction: flush, wait for every send and request, EndTxn(commit). */
  commit(): Promise<void> {
    const s = this.stateNow;
    if (s === 'COMMITTING') return this.ending ?? this.startEnding(true);
    if (s !== 'IN_TRANSACTION') return Promise.reject(this.refusal('commit'));
    this.transition('COMMITTING');
    return this.startEnding(true);
  }

  /** Aborts the open transaction (also one that hit an abortable error). */
  abort(): Promise<void> {
    const s = this.stateNow;
    if (s === 'ABORTING') return this.ending ?? this.startEnding(false);
    if (s !== 'IN_TRANSACTION' && s !== 'ABORTABLE_ERROR') return Promise.reject(this.refusal('abort'));
    this.transition('ABORTING');
    // Partitions not asked for yet never need to be; their batches go with the rest.
    this.newPartitions = [];
    this.host.abortUndrained(new TransactionAbortedError(this.transactionalId));
    return this.startEnding(false);
  }

  private startEnding(commit: boolean): Promise<void> {
    const run = (commit ? this.finishCommit() : this.finishAbort()).finally(() => {
      this.ending = null;
    });
    this.ending = run;
    return run;
  }

  private async finishCommit(): Promise<void> {
    const flushed = this.host.flush();
    await this.sendsSettled();
    await flushed;
    await this.requestsIdle();
    if (this.stateNow !== 'COMMITTING') throw this.stateError();
    if (this.started && !this.endTxnDone) await this.endTxn(true);
    this.complete();
  }

  private async finishAbort(): Promise<void> {
    await this.sendsSettled();
    await this.requestsIdle();
    if (this.stateNow !== 'ABORTING') throw this.stateError();
    // INVALID_PRODUCER_ID_MAPPING: the coordinator does not know our id; EndTxn would be refused.
    const mappingLost =
      this.abortableCause instanceof KafkaProtocolError &&
      this.abortableCause.type === 'INVALID_PRODUCER_ID_MAPPING';
    if (this.started && !this.endTxnDone && !mappingLost) await this.endTxn(false);
    if (this.bumpRequired || this.idempotence.epochBumpRequired) await this.bumpEpoch();
    this.complete();
  }

  private async endTxn(commit: boolean): Promise<void> {
    try {
      await this.coordinator.endTxn(this.producer(), commit, Date.now() + this.config.maxBlockMs);
      this.endTxnDone = true;
    } catch (err) {
      if (err instanceof TransactionRequestError && err.kind === 'timeout') {
        // The outcome is unknown: the state stays, and commit()/abort() again retries EndTxn.
        throw err.cause;
      }
      if (!commit && err instanceof TransactionRequestError && err.kind === 'abortable-bump') {
        // The coordinator lost our producer id: nothing to end there; the epoch bump follows.
        this.bumpRequired = true;
        return;
      }
      throw this.requestFailed(err);
    }
  }

  /** InitProducerId with the current id and epoch after an abort (KIP-360): sequences start over. */
  private async bumpEpoch(): Promise<void> {
    if (!this.coordinator.canBumpEpoch()) {
      // A batch of the aborted transaction was lost after it got a sequence number, and only a
      // KIP-360 coordinator (Kafka 2.5+) can bump the epoch to start the sequences over.
      const cause = new UnsupportedApiVersionError(
        'InitProducerId',
        ApiKey.InitProducerId,
        'the transaction coordinator',
        'below v3',
        'v3+ to bump the producer epoch after a lost batch (KIP-360, Kafka 2.5)',
      );
      this.failWith('fatal', cause);
      throw this.error;
    }
    this.transition('INITIALIZING');
    try {
      const { producerId, producerEpoch } = await this.coordinator.initProducerId(
        { producerId: this.idempotence.producerId, producerEpoch: this.idempotence.producerEpoch },
        Date.now() + this.config.maxBlockMs,
      );
      this.idempotence.setProducer(producerId, producerEpoch);
      this.logger.info('producer epoch bumped after an abort', {
        transactionalId: this.transactionalId,
        producerId: String(producerId),
        epoch: producerEpoch,
      });
    } catch (err) {
      if (err instanceof TransactionRequestError && (err.kind === 'abortable' || err.kind === 'timeout')) {
        // EndTxn is done; the next abort() only retries the bump.
        this.started = false;
        this.bumpRequired = true;
        this.transition('ABORTABLE_ERROR', err.cause);
        throw this.stateError();
      }
      throw this.requestFailed(err);
    }
  }

  /** The transaction is over: partitions leave it, the producer takes the next one. */
  private complete(): void {
    for (const pb of this.partitions) {
      pb.inTransaction = false;
      pb.awaitingTransaction = false;
    }
    this.partitions.clear();
    this.newPartitions = [];
    this.started = false;
    this.endTxnDone = false;
    this.bumpRequired = false;
    this.abortableCause = null;
    this.transition('READY');
  }

  // ------------------------------------------------------------------ errors

  /** Turns a failed coordinator request into the state it leaves the transaction in; returns the error to throw. */
  private requestFailed(err: unknown): Error {
    if (err instanceof NotConnectedError) return err;
    let kind: ReturnType<typeof classifyTransactionError> | 'timeout';
    let cause: Error;
    if (err instanceof TransactionRequestError) {
      kind = err.kind;
      cause = err.cause;
    } else {
      kind = isRetriable(err) ? 'abortable' : 'fatal';
      cause = err as Error;
    }
    this.failWith(kind === 'timeout' ? 'abortable' : kind, cause);
    return this.stateNow === 'FATAL_ERROR'
      ? (this.error as Error)
      : new TransactionAbortableError(this.transactionalId, cause);
  }

  /** Enters ABORTABLE_ERROR or FATAL_ERROR for `cause` (if not already worse off). */
  private failWith(kind: ReturnType<typeof classifyTransactionError>, cause: Error): void {
    if (this.stateNow === 'FATAL_ERROR') return;
    if (kind === 'abortable-bump') {
      if (this.coordinator.canBumpEpoch()) {
        this.bumpRequired = true;
        kind = 'abortable';
      } else kind = 'fatal';
    }
    if (kind === 'fenced' || kind === 'fatal') {
      const error =
        kind === 'fenced'
          ? new ProducerFencedError(this.transactionalId, cause)
          : cause instanceof TransactionFatalError
            ? cause
            : new TransactionFatalError(this.transactionalId, cause);
      this.transition('FATAL_ERROR', error);
      this.logger.error('transactional producer failed', {
        transactionalId: this.transactionalId,
        error: error.message,
      });
      this.host.abortUndrained(error);
      return;
    }
    // Abortable (or a retriable error that outlasted its deadline).
    if (this.stateNow === 'ABORTING' || this.stateNow === 'ABORTABLE_ERROR') return;
    if (this.stateNow !== 'IN_TRANSACTION' && this.stateNow !== 'COMMITTING') return;
    this.abortableCause = cause;
    this.transition('ABORTABLE_ERROR', cause);
    this.logger.warn('transaction must be aborted', {
      transactionalId: this.transactionalId,
      error: cause.message,
    });
    this.host.abortUndrained(new TransactionAbortableError(this.transactionalId, cause));
  }

  /** The producer disconnects: requests give up; a fenced or fatally broken producer stays so. */
  close(): void {
    this.coordinator.close();
    for (const pb of this.partitions) {
      pb.inTransaction = false;
      pb.awaitingTransaction = false;
    }
    this.partitions.clear();
    this.newPartitions = [];
    if (this.stateNow !== 'FATAL_ERROR' && this.stateNow !== 'UNINITIALIZED')
      this.transition('UNINITIALIZED');
    this.idempotence.clearProducer();
  }

  private producer(): { producerId: bigint; producerEpoch: number } {
    return { producerId: this.idempotence.producerId, producerEpoch: this.idempotence.producerEpoch };
  }
}

export type { ConsumerGroupMetadata, TransactionOffset } from './transaction-coordinator.js';
