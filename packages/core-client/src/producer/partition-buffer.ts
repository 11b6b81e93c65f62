/**
 * One partition's batches in the accumulator: the open batch records go into, the closed ones
 * queued behind it in order, and what decides whether the next one may be sent now (batches in
 * flight, a retry or split under way, the broker they went to).
 */
import type { ProducerBatchState } from './batch.js';

/** The broker a partition's batches go to (a Sink, see sink.ts), as far as a partition buffer cares. */
export interface PartitionSink {
  readonly nodeId: number;
  /** Produce requests in flight to this broker. */
  readonly inFlight: number;
}

export class PartitionBuffer {
  /** Closed batches in order; the first `inFlight` of them are in flight (after a failure, fewer). */
  readonly queue: ProducerBatchState[] = [];
  open: ProducerBatchState | null = null;
  /** Batches in flight: 0 or 1 without idempotence, up to maxInFlightRequestsPerConnection with it. */
  inFlight = 0;
  /** Where the in-flight batches went: after a leader move nothing goes to the new leader before they are back. */
  inFlightSink: PartitionSink | null = null;
  /** A batch failed: nothing more is sent until the in-flight ones are back, then the queue is resent from its head. */
  retrying = false;
  retryAt = 0;
  /**
   * Pieces of split batches not acknowledged yet: they go one at a time, so a smaller later piece
   * cannot be written while an earlier one is refused again (a broker without state for a new
   * producer id accepts any sequence number).
   */
  splitPending = 0;
  /** Largest batch the broker takes here, once it answered MESSAGE_TOO_LARGE (see batch-split.ts). */
  maxBatchBytes = Number.POSITIVE_INFINITY;
  /** Size of the last batch that started backlogged here: how large to make the next such batch. */
  lastBacklogBytes = 0;
  /** The send call that appended here last (`SendCall.id`): a call's first segment here is its result entry. */
  lastCallId = 0;
  /** Size of the last batch closed here: a new batch starts with room for about that much (accumulator.ts). */
  lastBatchBytes = 0;
  /** Next sequence number for a new batch (idempotence.ts). */
  nextSequence = 0;
  /**
   * The producer id under which the partition's leader acknowledged a batch of ours: it holds our
   * producer state here and checks the sequence numbers of later batches (idempotence.ts). Until
   * then the partition has one batch in flight, as a broker without state for a producer id takes
   * any sequence number: a batch behind one it refused would be written first.
   */
  acknowledgedProducerId = -1n;
  /** The producer id/epoch generation `nextSequence` counts under (idempotence.ts). */
  sequenceGeneration = 0;
  /** The partition starts over under a new epoch once nothing of it is in flight (KIP-360, idempotence.ts). */
  epochBumpPending = false;
  /** Transactions: the partition is part of the open transaction (transaction-manager.ts). */
  inTransaction = false;
  /** Transactions: AddPartitionsToTxn has not confirmed the partition yet, so nothing may be sent. */
  awaitingTransaction = false;
  /** The sink of the partition's leader; null while it has none (parked). */
  sink: PartitionSink | null = null;

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {}

  closeOpen(): void {
    if (this.open) {
      if (this.open.backlogged) this.lastBacklogBytes = this.open.size;
      this.lastBatchBytes = this.open.size;
      this.queue.push(this.open);
      this.open = null;
    }
  }

  get isEmpty(): boolean {
    return this.queue.length === 0 && (this.open === null || this.open.count === 0);
  }

  /** Bytes waiting here, in flight included (the sticky partitioner prefers the least loaded partition). */
  get queuedBytes(): number {
    let load = 0;
    for (const b of this.queue) load += b.size;
    if (this.open) load += this.open.size;
    return load;
  }

  /**
   * Whether another batch of this partition may be sent now (ignoring back-off). A second batch in
   * flight also needs the leader to hold our producer state for the first one's producer id (the
   * oldest batch is the first in flight unless one failed, and then `retrying` holds everything).
   */
  canSend(maxPerPartition: number, sink: PartitionSink | null): boolean {
    if (this.inFlight === 0) return true;
    return (
      !this.retrying &&
      this.splitPending === 0 &&
      this.inFlight < maxPerPartition &&
      this.inFlightSink === sink &&
      this.queue[0].producerId === this.acknowledgedProducerId
    );
  }

  /**
   * The next batch to send: the first queued one not in flight, else the open batch. With
   * `generation` (the producer id/epoch's, see idempotence.ts): a batch without a sequence number
   * waits while batches numbered under an older epoch are in flight, so a partition never mixes
   * epochs in flight.
   */
  nextBatch(maxPerPartition: number, sink: PartitionSink, generation = 0): ProducerBatchState | null {
    if (this.awaitingTransaction || !this.canSend(maxPerPartition, sink)) return null;
    const i = this.inFlight === 0 ? 0 : this.firstNotInFlight();
    const next =
      i < this.queue.length ? this.queue[i] : this.open !== null && this.open.count > 0 ? this.open : null;
    if (next !== null && this.inFlight > 0 && next.baseSequence < 0 && this.sequenceGeneration !== generation)
      return null;
    return next;
  }

  /** Takes a batch out of the queue (or the open slot) once it is done. */
  remove(b: ProducerBatchState): void {
    if (this.queue[0] === b) this.queue.shift();
    else {
      const i = this.queue.indexOf(b);
      if (i >= 0) this.queue.splice(i, 1);
      if (this.open === b) this.open = null;
    }
  }

  /** A batch that was in flight is back (answered, failed or given up on). */
  endFlight(b: ProducerBatchState): void {
    if (b.inFlight) {
      b.inFlight = false;
      this.inFlight--;
    }
  }

  private firstNotInFlight(): number {
    let i = 0;
    while (i < this.queue.length && this.queue[i].inFlight) i++;
    return i;
  }
}
