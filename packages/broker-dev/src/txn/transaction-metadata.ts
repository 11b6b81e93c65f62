/**
 * The state of one transactional id and its legal transitions (Kafka's TransactionMetadata and
 * TransactionState). A transition is prepared (the target snapshot is computed and the id gets a
 * pending state, so concurrent requests see CONCURRENT_TRANSACTIONS), written to the transaction
 * log, and only then completed in memory; a failed write abandons it.
 *
 * Transaction version 2 (KIP-890 part 2: epoch bump on every EndTxn) is not implemented, so the
 * transitions are those of transaction versions 0 and 1.
 */
import { TopicPartitionSet } from './topic-partitions.js';

export type TransactionState =
  | 'Empty'
  | 'Ongoing'
  | 'PrepareCommit'
  | 'PrepareAbort'
  | 'CompleteCommit'
  | 'CompleteAbort'
  | 'Dead'
  | 'PrepareEpochFence';

/** The state ids stored in the log's TransactionStatus field. */
export const TRANSACTION_STATE_IDS: Readonly<Record<TransactionState, number>> = {
  Empty: 0,
  Ongoing: 1,
  PrepareCommit: 2,
  PrepareAbort: 3,
  CompleteCommit: 4,
  CompleteAbort: 5,
  Dead: 6,
  PrepareEpochFence: 7,
};

const STATES_BY_ID = Object.fromEntries(
  Object.entries(TRANSACTION_STATE_IDS).map(([name, id]) => [id, name as TransactionState]),
) as Record<number, TransactionState | undefined>;

export function transactionStateFromId(id: number): TransactionState | undefined {
  return STATES_BY_ID[id];
}

export function isTransactionState(name: string): name is TransactionState {
  return Object.hasOwn(TRANSACTION_STATE_IDS, name);
}

const VALID_PREVIOUS: Readonly<Record<TransactionState, readonly TransactionState[]>> = {
  Empty: ['Empty', 'CompleteCommit', 'CompleteAbort'],
  Ongoing: ['Ongoing', 'Empty', 'CompleteCommit', 'CompleteAbort'],
  PrepareCommit: ['Ongoing'],
  PrepareAbort: ['Ongoing', 'PrepareEpochFence'],
  CompleteCommit: ['PrepareCommit'],
  CompleteAbort: ['PrepareAbort'],
  Dead: ['Empty', 'CompleteCommit', 'CompleteAbort'],
  PrepareEpochFence: ['Ongoing'],
};

export const NO_PRODUCER_ID = -1;
export const NO_PRODUCER_EPOCH = -1;
/** Short.MAX_VALUE: never handed to a producer, reserved so the coordinator can always fence one. */
const MAX_EPOCH = 0x7fff;

/** Kafka stops handing out epochs at Short.MAX_VALUE - 1; the id then gets a new producer id. */
export function isEpochExhausted(epoch: number): boolean {
  return epoch >= MAX_EPOCH - 1;
}

/** Everything the transaction log stores about an id (Kafka's TxnTransitMetadata). */
export interface TransactionSnapshot {
  readonly producerId: number;
  /** The producer id before the last InitProducerId (another one after a rotation to a new id). */
  readonly previousProducerId: number;
  readonly producerEpoch: number;
  /** The epoch before the last KIP-360 bump, so a retried bump is recognised; not in the log (as in Kafka). */
  readonly lastProducerEpoch: number;
  readonly timeoutMs: number;
  readonly state: TransactionState;
  readonly partitions: TopicPartitionSet;
  /** When the first partition was added to the current transaction; -1 when none was. */
  readonly startTimestamp: number;
  readonly lastUpdateTimestamp: number;
}

/** A transition that must never happen; a bug, answered with UNKNOWN_SERVER_ERROR. */
export class IllegalTransactionTransitionError extends Error {
  override readonly name = 'IllegalTransactionTransitionError';
}

export class TransactionMetadata {
  private current: TransactionSnapshot;
  /** The state a prepared transition moves to; set while it is being written or its markers are. */
  private pending: TransactionState | undefined;

  constructor(
    readonly transactionalId: string,
    snapshot: TransactionSnapshot,
  ) {
    this.current = snapshot;
  }

  /** A transactional id seen for the first time: epoch -1, so its first InitProducerId bumps it to 0. */
  static create(transactionalId: string, producerId: number, timeoutMs: number, now: number) {
    return new TransactionMetadata(transactionalId, {
      producerId,
      previousProducerId: NO_PRODUCER_ID,
      producerEpoch: NO_PRODUCER_EPOCH,
      lastProducerEpoch: NO_PRODUCER_EPOCH,
      timeoutMs,
      state: 'Empty',
      partitions: TopicPartitionSet.EMPTY,
      startTimestamp: -1,
      lastUpdateTimestamp: now,
    });
  }

  get snapshot(): TransactionSnapshot {
    return this.current;
  }

  get state(): TransactionState {
    return this.current.state;
  }

  get producerId(): number {
    return this.current.producerId;
  }

  get producerEpoch(): number {
    return this.current.producerEpoch;
  }

  get partitions(): TopicPartitionSet {
    return this.current.partitions;
  }

  get pendingState(): TransactionState | undefined {
    return this.pending;
  }

  get hasPendingTransition(): boolean {
    return this.pending !== undefined;
  }

  get isProducerEpochExhausted(): boolean {
    return isEpochExhausted(this.current.producerEpoch);
  }

  /** Whether `expected` (a KIP-360 InitProducerId's pid/epoch) may re-initialise this id. */
  acceptsProducer(expected: { producerId: number; producerEpoch: number }): boolean {
    const c = this.current;
    return (
      c.producerEpoch === NO_PRODUCER_EPOCH ||
      expected.producerId === c.producerId ||
      (expected.producerId === c.previousProducerId && isEpochExhausted(expected.producerEpoch))
    );
  }

  /** The ongoing transaction is to be aborted by the coordinator: its producer is fenced with epoch + 1. */
  prepareFenceProducerEpoch(): TransactionSnapshot {
    if (this.current.producerEpoch === MAX_EPOCH) {
      throw new IllegalTransactionTransitionError(
        `${this.transactionalId}: cannot fence a producer whose epoch is already ${MAX_EPOCH}.`,
      );
    }
    return this.prepare({
      ...this.current,
      producerEpoch: this.current.producerEpoch + 1,
      lastProducerEpoch: NO_PRODUCER_EPOCH,
      state: 'PrepareEpochFence',
    });
  }

  /** Drops the pending PrepareEpochFence so the abort it leads to can be prepared. */
  takeEpochFence(): void {
    if (this.pending !== 'PrepareEpochFence') {
      throw new IllegalTransactionTransitionError(`${this.transactionalId}: no epoch fence is pending.`);
    }
    this.pending = undefined;
  }

  /**
   * InitProducerId on an idle id: the next epoch (KIP-360: with the producer's current epoch, or
   * the same epoch again for a retried bump). Undefined when `expectedEpoch` is stale (PRODUCER_FENCED).
   */
  prepareIncrementProducerEpoch(
    timeoutMs: number,
    expectedEpoch: number | undefined,
    now: number,
  ): TransactionSnapshot | undefined {
    const c = this.current;
    let epoch: number;
    let lastEpoch: number;
    if (expectedEpoch === undefined) {
      epoch = c.producerEpoch + 1;
      lastEpoch = NO_PRODUCER_EPOCH;
    } else if (c.producerEpoch === NO_PRODUCER_EPOCH || expectedEpoch === c.producerEpoch) {
      epoch = c.producerEpoch + 1;
      lastEpoch = c.producerEpoch;
    } else if (expectedEpoch === c.lastProducerEpoch) {
      // A retry of a bump whose response was lost: answer with the epoch it got.
      epoch = c.producerEpoch;
      lastEpoch = c.lastProducerEpoch;
    } else {
      return undefined;
    }
    if (epoch > MAX_EPOCH - 1) {
      throw new IllegalTransactionTransitionError(`${this.transactionalId}: producer epochs are exhausted.`);
    }
    return this.prepare({
      ...c,
      previousProducerId: c.producerId,
      producerEpoch: epoch,
      lastProducerEpoch: lastEpoch,
      timeoutMs,
      state: 'Empty',
      partitions: TopicPartitionSet.EMPTY,
      startTimestamp: -1,
      lastUpdateTimestamp: now,
    });
  }

  /** InitProducerId once the epochs of the current producer id are used up: a new id at epoch 0. */
  prepareProducerIdRotation(
    newProducerId: number,
    timeoutMs: number,
    now: number,
    recordLastEpoch: boolean,
  ): TransactionSnapshot {
    const c = this.current;
    return this.prepare({
      ...c,
      producerId: newProducerId,
      previousProducerId: c.producerId,
      producerEpoch: 0,
      lastProducerEpoch: recordLastEpoch ? c.producerEpoch : NO_PRODUCER_EPOCH,
      timeoutMs,
      state: 'Empty',
      partitions: TopicPartitionSet.EMPTY,
      startTimestamp: -1,
      lastUpdateTimestamp: now,
    });
  }

  /** AddPartitionsToTxn / AddOffsetsToTxn: the transaction starts (if it had not) and grows. */
  prepareAddPartitions(added: TopicPartitionSet, now: number): TransactionSnapshot {
    const c = this.current;
    const starting = c.state === 'Empty' || c.state === 'CompleteCommit' || c.state === 'CompleteAbort';
    return this.prepare({
      ...c,
      state: 'Ongoing',
      partitions: c.partitions.union(added),
      startTimestamp: starting ? now : c.startTimestamp,
      lastUpdateTimestamp: now,
    });
  }

  /**
   * EndTxn: commit or abort decided. `fencedEpoch` is the epoch of a preceding epoch fence, which
   * the abort carries (the producer that started the transaction is fenced by it).
   */
  prepareAbortOrCommit(
    state: 'PrepareCommit' | 'PrepareAbort',
    now: number,
    fencedEpoch?: number,
  ): TransactionSnapshot {
    const c = this.current;
    return this.prepare({
      ...c,
      ...(fencedEpoch !== undefined && { producerEpoch: fencedEpoch, lastProducerEpoch: NO_PRODUCER_EPOCH }),
      state,
      lastUpdateTimestamp: now,
    });
  }

  /** Every marker is written: the transaction is complete and has no partitions left. */
  prepareComplete(now: number): TransactionSnapshot {
    const c = this.current;
    if (c.state !== 'PrepareCommit' && c.state !== 'PrepareAbort') {
      throw new IllegalTransactionTransitionError(
        `${this.transactionalId}: cannot complete a transaction in state ${c.state}.`,
      );
    }
    return this.prepare({
      ...c,
      state: c.state === 'PrepareCommit' ? 'CompleteCommit' : 'CompleteAbort',
      partitions: TopicPartitionSet.EMPTY,
      lastUpdateTimestamp: now,
    });
  }

  /** The id expired (transactional.id.expiration.ms): it is about to be removed. */
  prepareDead(): TransactionSnapshot {
    return this.prepare({ ...this.current, state: 'Dead', partitions: TopicPartitionSet.EMPTY });
  }

  /** The prepared transition was written to the log: it becomes the current state. */
  completeTransition(target: TransactionSnapshot): void {
    if (this.pending !== target.state) {
      throw new IllegalTransactionTransitionError(
        `${this.transactionalId}: completing a transition to ${target.state}, but ${this.pending ?? 'none'} is pending.`,
      );
    }
    this.current = target;
    this.pending = undefined;
  }

  /** The prepared transition could not be written (or was given up): nothing changes. */
  abandonTransition(): void {
    this.pending = undefined;
  }

  /** Markers were written to these partitions; kept in memory only, as in Kafka. */
  markersWritten(done: Iterable<{ topic: string; partition: number }>): void {
    this.current = { ...this.current, partitions: this.current.partitions.without(done) };
  }

  private prepare(target: TransactionSnapshot): TransactionSnapshot {
    if (this.pending !== undefined) {
      throw new IllegalTransactionTransitionError(
        `${this.transactionalId}: preparing a transition to ${target.state} while ${this.pending} is pending.`,
      );
    }
    if (!VALID_PREVIOUS[target.state].includes(this.current.state)) {
      throw new IllegalTransactionTransitionError(
        `${this.transactionalId}: ${this.current.state} cannot move to ${target.state}.`,
      );
    }
    this.pending = target.state;
    return target;
  }
}
