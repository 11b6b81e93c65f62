/**
 * Producer state of one partition, as Kafka's ProducerStateManager, ProducerStateEntry and
 * ProducerAppendInfo: per producer id its epoch, the metadata of its last five batches (a retried
 * batch is answered with its original offsets instead of being written twice), the coordinator
 * epoch of its last marker, and the first offset of its open transaction here. The open
 * transactions give the first unstable offset, hence the last stable offset.
 *
 * The log updates this state for every batch it appends or replays (appendDataBatch,
 * appendMarker); the leader checks a client's batch (checkClientBatch) and a coordinator's marker
 * (checkMarker) before appending them. The checks follow UnifiedLog.analyzeAndValidateProducerState:
 *
 * - same epoch and the sequence range of one of the last five batches: a duplicate;
 * - epoch lower than the producer's: INVALID_PRODUCER_EPOCH (the produce path has not used
 *   PRODUCER_FENCED since Kafka 2.7);
 * - a higher epoch must start at sequence 0, the same epoch continue at last sequence + 1
 *   (Int32 max wraps to 0): else OUT_OF_ORDER_SEQUENCE_NUMBER;
 * - no state for the producer id (new, expired, or its data removed by retention): any sequence
 *   is accepted. Brokers before Kafka 2.5 answered UNKNOWN_PRODUCER_ID here; KIP-360 removed that,
 *   and no Kafka 3.x/4.x produce path returns it, so neither does this one;
 * - a non-transactional batch while the producer has a transaction open here: INVALID_TXN_STATE.
 *
 * Appending the common batch allocates nothing: an entry's five batch slots are reused.
 */
import { ErrorCode } from '@samsa/protocol';

/** Kafka keeps the last five batches per producer (max.in.flight.requests.per.connection for idempotence). */
export const RETAINED_BATCHES = 5;

/** RecordBatch.NO_PRODUCER_EPOCH / NO_SEQUENCE. */
const NO_EPOCH = -1;
const NO_SEQUENCE = -1;
const INT32_MAX = 0x7fffffff;

/** A batch a producer wrote: its sequence range, offsets and MaxTimestamp. */
export class BatchMetadata {
  firstSeq = 0;
  lastSeq = 0;
  firstOffset = 0;
  lastOffset = 0;
  timestamp = -1;
}

/** A refused batch or marker: the Kafka error code to answer and why. */
export interface ProducerStateError {
  readonly errorCode: number;
  readonly message: string;
}

/** A transaction a marker ended here: [firstOffset, lastOffset], lastOffset being the marker. */
export interface CompletedTxn {
  readonly producerId: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
  readonly aborted: boolean;
  /** See AbortedTxn.lastStableOffset: the next open transaction of another producer, else lastOffset + 1. */
  readonly lastStableOffset: number;
}

/** What Kafka's snapshot keeps of a producer (ProducerSnapshot.json), and DescribeProducers shows. */
export interface ProducerSnapshotEntry {
  producerId: number;
  epoch: number;
  lastSequence: number;
  /** Last offset of the producer's last data batch, -1 if none. */
  lastOffset: number;
  /** lastOffset minus the first offset of that batch. */
  offsetDelta: number;
  timestamp: number;
  coordinatorEpoch: number;
  /** -1 when no transaction is open. */
  currentTxnFirstOffset: number;
}

function nextSequence(lastSeq: number): number {
  return lastSeq === INT32_MAX ? 0 : lastSeq + 1;
}

/** The last sequence of a batch: baseSequence + lastOffsetDelta, wrapping past Int32 max (incrementSequence). */
export function lastSequenceOf(baseSequence: number, lastOffsetDelta: number): number {
  return baseSequence > INT32_MAX - lastOffsetDelta
    ? lastOffsetDelta - (INT32_MAX - baseSequence) - 1
    : baseSequence + lastOffsetDelta;
}

/** Sequence `offsetDelta` before `lastSeq`, wrapping below 0 as Kafka's decrementSequence. */
function firstSequenceOf(lastSeq: number, offsetDelta: number): number {
  return lastSeq - offsetDelta < 0 ? INT32_MAX - (offsetDelta - lastSeq) + 1 : lastSeq - offsetDelta;
}

export class ProducerStateEntry {
  /** Ring of the last batches; `head` is the oldest. */
  private readonly slots: BatchMetadata[] = [];
  private head = 0;
  private count = 0;

  constructor(
    readonly producerId: number,
    public epoch: number,
    public coordinatorEpoch: number,
    public lastTimestamp: number,
    /** First offset of the transaction the producer has open on this partition, -1 if none. */
    public currentTxnFirstOffset: number,
  ) {}

  get batchCount(): number {
    return this.count;
  }

  /** The newest batch, undefined when the producer wrote none in its current epoch. */
  get lastBatch(): BatchMetadata | undefined {
    return this.count === 0 ? undefined : this.slots[(this.head + this.count - 1) % RETAINED_BATCHES];
  }

  get lastSeq(): number {
    return this.lastBatch?.lastSeq ?? NO_SEQUENCE;
  }

  /** Last offset of the newest data batch, -1 if none (Kafka's lastDataOffset). */
  get lastDataOffset(): number {
    return this.lastBatch?.lastOffset ?? -1;
  }

  /** The cached batch with exactly this sequence range (a retry), if any. */
  findBatch(firstSeq: number, lastSeq: number): BatchMetadata | undefined {
    for (let i = 0; i < this.count; i++) {
      const batch = this.slots[(this.head + i) % RETAINED_BATCHES];
      if (batch.firstSeq === firstSeq && batch.lastSeq === lastSeq) return batch;
    }
    return undefined;
  }

  addBatch(
    epoch: number,
    firstSeq: number,
    lastSeq: number,
    firstOffset: number,
    lastOffset: number,
    timestamp: number,
  ): void {
    this.updateEpoch(epoch);
    let slot: BatchMetadata;
    if (this.count < RETAINED_BATCHES) {
      const index = (this.head + this.count) % RETAINED_BATCHES;
      slot = this.slots[index] ?? new BatchMetadata();
      this.slots[index] = slot;
      this.count++;
    } else {
      slot = this.slots[this.head];
      this.head = (this.head + 1) % RETAINED_BATCHES;
    }
    slot.firstSeq = firstSeq;
    slot.lastSeq = lastSeq;
    slot.firstOffset = firstOffset;
    slot.lastOffset = lastOffset;
    slot.timestamp = timestamp;
    this.lastTimestamp = timestamp;
  }

  /** A new epoch starts with no cached batches (ProducerStateEntry.maybeUpdateProducerEpoch). */
  updateEpoch(epoch: number): void {
    if (epoch === this.epoch) return;
    this.epoch = epoch;
    this.head = 0;
    this.count = 0;
  }

  toSnapshot(): ProducerSnapshotEntry {
    const last = this.lastBatch;
    return {
      producerId: this.producerId,
      epoch: this.epoch,
      lastSequence: last?.lastSeq ?? NO_SEQUENCE,
      lastOffset: last?.lastOffset ?? -1,
      offsetDelta: last ? last.lastOffset - last.firstOffset : 0,
      timestamp: this.lastTimestamp,
      coordinatorEpoch: this.coordinatorEpoch,
      currentTxnFirstOffset: this.currentTxnFirstOffset,
    };
  }

  static fromSnapshot(s: ProducerSnapshotEntry): ProducerStateEntry {
    const entry = new ProducerStateEntry(
      s.producerId,
      s.epoch,
      s.coordinatorEpoch,
      s.timestamp,
      s.currentTxnFirstOffset,
    );
    if (s.lastOffset >= 0) {
      entry.addBatch(
        s.epoch,
        firstSequenceOf(s.lastSequence, s.offsetDelta),
        s.lastSequence,
        s.lastOffset - s.offsetDelta,
        s.lastOffset,
        s.timestamp,
      );
    }
    return entry;
  }
}

export class ProducerStateManager {
  private readonly producers = new Map<number, ProducerStateEntry>();
  /** Open transactions: first offset → producer id, in offset order (transactions start in log order). */
  private readonly ongoing = new Map<number, number>();
  private firstOngoing = -1;

  constructor(private readonly partitionName: string) {}

  get size(): number {
    return this.producers.size;
  }

  entry(producerId: number): ProducerStateEntry | undefined {
    return this.producers.get(producerId);
  }

  entries(): IterableIterator<ProducerStateEntry> {
    return this.producers.values();
  }

  /** First offset of the earliest open transaction, -1 when none is open (Kafka's first unstable offset). */
  get firstUnstableOffset(): number {
    return this.firstOngoing;
  }

  get ongoingTransactionCount(): number {
    return this.ongoing.size;
  }

  hasOngoingTransaction(producerId: number): boolean {
    const entry = this.producers.get(producerId);
    return entry !== undefined && entry.currentTxnFirstOffset >= 0;
  }

  /**
   * A client's data batch, before it is appended: the cached batch of a retry (answer with its
   * offsets, append nothing), an error to answer, or undefined to append.
   */
  checkClientBatch(
    producerId: number,
    epoch: number,
    firstSeq: number,
    lastSeq: number,
    transactional: boolean,
  ): BatchMetadata | ProducerStateError | undefined {
    const entry = this.producers.get(producerId);
    // No state: a new producer, or one whose state expired or whose data retention removed.
    if (!entry) return undefined;
    if (epoch === entry.epoch) {
      const duplicate = entry.findBatch(firstSeq, lastSeq);
      if (duplicate) return duplicate;
    }
    if (epoch < entry.epoch) {
      return {
        errorCode: ErrorCode.INVALID_PRODUCER_EPOCH,
        message: `Epoch of producer ${producerId} is ${epoch}, which is smaller than the last seen epoch ${entry.epoch} in ${this.partitionName}.`,
      };
    }
    if (epoch !== entry.epoch) {
      if (firstSeq !== 0 && entry.epoch !== NO_EPOCH) {
        return {
          errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
          message: `Invalid sequence number for new epoch of producer ${producerId} in ${this.partitionName}: ${epoch} (request epoch), ${firstSeq} (seq. number), ${entry.epoch} (current producer epoch).`,
        };
      }
    } else if (firstSeq !== nextSequence(entry.lastSeq)) {
      return {
        errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
        message: `Out of order sequence number for producer ${producerId} in ${this.partitionName}: ${firstSeq} (incoming seq. number), ${entry.lastSeq} (current end sequence number).`,
      };
    }
    if (entry.currentTxnFirstOffset >= 0 && !transactional) {
      return {
        errorCode: ErrorCode.INVALID_TXN_STATE,
        message: `Expected transactional write from producer ${producerId} in ${this.partitionName}: it has a transaction open since offset ${entry.currentTxnFirstOffset}.`,
      };
    }
    return undefined;
  }

  /** A coordinator's COMMIT/ABORT marker, before it is appended: an error to answer, or undefined. */
  checkMarker(producerId: number, epoch: number, coordinatorEpoch: number): ProducerStateError | undefined {
    const entry = this.producers.get(producerId);
    if (!entry) return undefined;
    if (epoch < entry.epoch) {
      return {
        errorCode: ErrorCode.INVALID_PRODUCER_EPOCH,
        message: `Marker epoch ${epoch} of producer ${producerId} is smaller than the last seen epoch ${entry.epoch} in ${this.partitionName}.`,
      };
    }
    if (entry.coordinatorEpoch > coordinatorEpoch) {
      return {
        errorCode: ErrorCode.TRANSACTION_COORDINATOR_FENCED,
        message: `Invalid coordinator epoch for producer ${producerId} in ${this.partitionName}: ${coordinatorEpoch} (zombie), ${entry.coordinatorEpoch} (current).`,
      };
    }
    return undefined;
  }

  /** Records a data batch written to the log (appended or replayed). */
  appendDataBatch(
    producerId: number,
    epoch: number,
    firstSeq: number,
    lastSeq: number,
    firstOffset: number,
    lastOffset: number,
    timestamp: number,
    transactional: boolean,
  ): void {
    let entry = this.producers.get(producerId);
    if (!entry) {
      entry = new ProducerStateEntry(producerId, epoch, -1, timestamp, -1);
      this.producers.set(producerId, entry);
    }
    entry.addBatch(epoch, firstSeq, lastSeq, firstOffset, lastOffset, timestamp);
    if (transactional && entry.currentTxnFirstOffset < 0) {
      entry.currentTxnFirstOffset = firstOffset;
      this.ongoing.set(firstOffset, producerId);
      if (this.firstOngoing < 0) this.firstOngoing = firstOffset;
    }
  }

  /**
   * Records a COMMIT/ABORT marker written at `offset`. Returns the transaction it ended, or
   * undefined when the producer wrote no data here since its last marker (a marker sent again, or
   * one for a transaction that never reached this partition): such a marker changes neither the
   * last stable offset nor the aborted-transaction index.
   */
  appendMarker(
    producerId: number,
    epoch: number,
    coordinatorEpoch: number,
    aborted: boolean,
    offset: number,
    timestamp: number,
  ): CompletedTxn | undefined {
    let entry = this.producers.get(producerId);
    if (!entry) {
      entry = new ProducerStateEntry(producerId, epoch, coordinatorEpoch, timestamp, -1);
      this.producers.set(producerId, entry);
    }
    let completed: CompletedTxn | undefined;
    const firstOffset = entry.currentTxnFirstOffset;
    if (firstOffset >= 0) {
      completed = {
        producerId,
        firstOffset,
        lastOffset: offset,
        aborted,
        lastStableOffset: this.nextOpenTransactionOfOthers(producerId) ?? offset + 1,
      };
      this.ongoing.delete(firstOffset);
      if (firstOffset === this.firstOngoing) this.firstOngoing = this.earliestOngoing();
    }
    entry.updateEpoch(epoch);
    entry.coordinatorEpoch = coordinatorEpoch;
    entry.lastTimestamp = timestamp;
    entry.currentTxnFirstOffset = -1;
    return completed;
  }

  private nextOpenTransactionOfOthers(producerId: number): number | undefined {
    for (const [firstOffset, owner] of this.ongoing) if (owner !== producerId) return firstOffset;
    return undefined;
  }

  private earliestOngoing(): number {
    let earliest = -1;
    for (const firstOffset of this.ongoing.keys()) {
      if (earliest < 0 || firstOffset < earliest) earliest = firstOffset;
    }
    return earliest;
  }

  /**
   * Forgets producers idle for producer.id.expiration.ms (KIP-854), never one with a transaction
   * open; their next batch is then accepted whatever its sequence. Returns how many went.
   */
  removeExpired(nowMs: number, expirationMs: number): number {
    let removed = 0;
    for (const [producerId, entry] of this.producers) {
      if (entry.currentTxnFirstOffset < 0 && nowMs - entry.lastTimestamp >= expirationMs) {
        this.producers.delete(producerId);
        removed++;
      }
    }
    return removed;
  }

  snapshot(): ProducerSnapshotEntry[] {
    return [...this.producers.values()].map((entry) => entry.toSnapshot());
  }

  /** Replaces the state with a snapshot's entries (recovery). */
  load(entries: readonly ProducerSnapshotEntry[]): void {
    this.clear();
    const open: ProducerStateEntry[] = [];
    for (const s of entries) {
      const entry = ProducerStateEntry.fromSnapshot(s);
      this.producers.set(s.producerId, entry);
      if (entry.currentTxnFirstOffset >= 0) open.push(entry);
    }
    open.sort((a, b) => a.currentTxnFirstOffset - b.currentTxnFirstOffset);
    for (const entry of open) this.ongoing.set(entry.currentTxnFirstOffset, entry.producerId);
    this.firstOngoing = open[0]?.currentTxnFirstOffset ?? -1;
  }

  clear(): void {
    this.producers.clear();
    this.ongoing.clear();
    this.firstOngoing = -1;
  }
}
