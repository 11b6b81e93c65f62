/**
 * One RecordBatch v2 on its way to a partition: records are written straight into its builder's
 * buffer; once sent it keeps its built bytes (a retry resends them as they are), its attempts, and
 * what the broker answered. The send calls whose records it carries are its segments.
 */
import { type CompressionType, RecordBatchBuilder } from '@samsa/protocol/on-demand';
import type { Segment } from './send-call.js';

export class ProducerBatchState {
  readonly builder: RecordBatchBuilder;
  /** When its first record was appended (a split batch keeps its original's: deliveryTimeoutMs counts from there). */
  createdMs = Date.now();
  readonly segments: Segment[] = [];
  lastSegment: Segment | null = null;
  attempts = 0;
  lastError: Error | null = null;
  baseOffset = -1n;
  logAppendTime = -1n;
  logStartOffset = -1n;
  /** Idempotence: stamped into the header when the batch is first sent (see idempotence.ts). */
  producerId = -1n;
  producerEpoch = -1;
  baseSequence = -1;
  bytes: Buffer | null = null;
  /** Started while its partition could not send it at once (so it may grow past batchSize). */
  backlogged = false;
  /** Sent and not answered yet. */
  inFlight = false;
  done = false;
  private doneListeners: (() => void)[] | null = null;

  constructor(
    readonly topic: string,
    readonly partition: number,
    capacity: number,
    /** Bytes of buffer memory this batch holds (grows with a backlogged batch). */
    public reserved: number,
    readonly acks: number,
    readonly compression: CompressionType,
    readonly timeoutMs: number,
    maxBatchBytes: number,
    /** A recycled buffer to write into (see the accumulator's `batchBuffers`). */
    buffer?: Buffer,
    /** Part of a transaction (attributes bit 4): a transactional producer's batches all are. */
    readonly transactional = false,
  ) {
    this.builder = new RecordBatchBuilder({
      compression,
      maxBatchBytes,
      initialCapacity: capacity,
      ...(buffer && { buffer }),
      ...(transactional && { transactional }),
    });
  }

  get count(): number {
    return this.builder.recordCount;
  }

  get size(): number {
    return this.builder.estimatedSizeInBytes;
  }

  onDone(listener: () => void): void {
    if (this.done) listener();
    else {
      this.doneListeners ??= [];
      this.doneListeners.push(listener);
    }
  }

  markDone(): void {
    this.done = true;
    if (this.doneListeners) for (const l of this.doneListeners) l();
    this.doneListeners = null;
  }
}
