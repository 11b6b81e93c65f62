/**
 * What becomes of a batch once its Produce request is answered or fails: completed, retried or
 * split, or failed for good.
 *
 * - Order: a failed batch stays at the head of its partition and is retried before anything behind
 *   it, so retries never reorder records (Java can reorder here with max.in.flight > 1; we do not).
 * - Retries back off per partition and stop at `retries` or `deliveryTimeoutMs`.
 * - MESSAGE_TOO_LARGE (a topic's max.message.bytes below the batch) splits the batch (batch-split.ts)
 *   and resends the pieces in order, one at a time; the partition's batches stay that small from
 *   then on.
 * - Producer-state errors go to idempotence.ts, which decides between resending (after an epoch bump
 *   for the partition, KIP-360) and failing the batch (a transactional producer must abort).
 */
import { type BufferPool, CompressionType, type ProduceResponse } from '@samsa/protocol/on-demand';
import type { Cluster } from '../cluster/cluster.js';
import { isStaleMetadataError } from '../cluster/metadata.js';
import type { ResolvedRetry } from '../config/client-options.js';
import type { ResolvedProducerConfig } from '../config/producer-options.js';
import type { ProducerMetricsRecorder } from '../diagnostics/metrics/producer-metrics.js';
import {
  ConnectionError,
  createKafkaError,
  DeliveryTimeoutError,
  ErrorCode,
  isRetriable,
  NotConnectedError,
} from '../errors.js';
import type { Logger } from '../logger.js';
import { backoffMs } from '../retry.js';
import type { ProducerBatchState } from './batch.js';
import { splitBatch, splitLimit } from './batch-split.js';
import type { BufferMemory } from './buffer-memory.js';
import type { Idempotence } from './idempotence.js';
import type { PartitionBuffer } from './partition-buffer.js';

/** What the handler needs of the accumulator whose batches it settles. */
export interface BatchOwner {
  readonly memory: BufferMemory;
  /** Buffers of acknowledged uncompressed batches, for the next ones. */
  readonly batchBuffers: BufferPool;
  readonly metrics: ProducerMetricsRecorder;
  /** Batches not done yet (for flush and expiry). */
  readonly incomplete: Set<ProducerBatchState>;
  /** Closed for good: nothing is retried or split any more. */
  readonly closedHard: boolean;
  partitionBufferOf(topic: string, partition: number): PartitionBuffer | undefined;
  /** Drain again no later than `at` (a retry's back-off ends). */
  wakeAt(at: number): void;
  /** Why a failed batch must not be retried now (its transaction is aborting or broke), else null. */
  retryRefusal(): Error | null;
}

/** The back-off between retries of a batch (Java's retry.backoff.ms / retry.backoff.max.ms). */
export function produceBackoff(config: ResolvedProducerConfig): ResolvedRetry {
  return {
    initialRetryTimeMs: config.retryBackoffMs,
    maxRetryTimeMs: config.retryBackoffMaxMs,
    retries: 0,
    factor: 0.2,
    multiplier: 2,
  };
}

export class ProduceResponseHandler {
  private readonly backoff: ResolvedRetry;

  constructor(
    private readonly owner: BatchOwner,
    private readonly config: ResolvedProducerConfig,
    private readonly cluster: Pick<Cluster, 'metadata'>,
    private readonly idempotence: Idempotence,
    private readonly logger: Logger,
  ) {
    this.backoff = produceBackoff(config);
  }

  /** The request failed as a whole (connection lost, timed out, ...): retry where that may help. */
  requestFailed(batches: ProducerBatchState[], err: Error, now: number): void {
    const retriable = isRetriable(err) && !(err instanceof NotConnectedError);
    if (isRetriable(err)) this.cluster.metadata.invalidate();
    for (const b of batches) {
      if (retriable && !this.owner.closedHard) this.retry(b, err, now, true);
      else this.finish(b, err);
    }
  }

  /** acks=0: written is all there is to know. */
  written(batches: ProducerBatchState[]): void {
    for (const b of batches) this.finish(b, null);
  }

  /** Per partition: done, retried, split or failed. */
  handle(batches: ProducerBatchState[], response: ProduceResponse, broker: string, now: number): void {
    const byTopic = new Map<string, Map<number, ProducerBatchState>>();
    for (const b of batches) {
      let m = byTopic.get(b.topic);
      if (!m) {
        m = new Map();
        byTopic.set(b.topic, m);
      }
      m.set(b.partition, b);
    }
    let refresh = false;
    for (const t of response.responses) {
      const m = byTopic.get(t.name);
      if (!m) continue;
      for (const p of t.partitionResponses) {
        const b = m.get(p.index);
        if (!b) continue;
        m.delete(p.index);
        const code = p.errorCode;
        if (code === ErrorCode.NONE || code === ErrorCode.DUPLICATE_SEQUENCE_NUMBER) {
          // A duplicate means an earlier attempt of this very batch was written: success.
          b.baseOffset = p.baseOffset;
          b.logAppendTime = p.logAppendTimeMs ?? -1n;
          b.logStartOffset = p.logStartOffset ?? -1n;
          this.idempotence.acknowledged(b, this.owner.partitionBufferOf(b.topic, b.partition));
          this.finish(b, null);
          continue;
        }
        const err = createKafkaError(code, {
          apiName: 'Produce',
          topic: b.topic,
          partition: b.partition,
          broker,
          serverMessage: p.errorMessage ?? null,
        });
        if (isStaleMetadataError(code)) refresh = true;
        const verdict = this.idempotence.onProduceError(
          code,
          b,
          this.owner.partitionBufferOf(b.topic, b.partition),
        );
        if (verdict !== null) {
          if (verdict === 'retry' && !this.owner.closedHard) this.retry(b, err, now, false);
          else this.finish(b, err);
          continue;
        }
        if (code === ErrorCode.MESSAGE_TOO_LARGE && b.count > 1 && !this.owner.closedHard) this.split(b);
        else if (err.retriable) this.retry(b, err, now, false);
        else this.finish(b, err);
      }
    }
    for (const m of byTopic.values()) {
      for (const b of m.values()) {
        this.retry(
          b,
          new ConnectionError(broker, `Produce response did not mention ${b.topic}[${b.partition}]`),
          now,
          false,
        );
      }
    }
    if (refresh) this.refreshMetadataSoon();
  }

  /** Puts a failed batch back (it never left its place in the queue), to be retried after a back-off. */
  retry(b: ProducerBatchState, err: Error, now: number, refresh: boolean): void {
    const refused = this.owner.retryRefusal();
    if (refused !== null) {
      this.finish(b, refused);
      return;
    }
    b.attempts++;
    b.lastError = err;
    this.owner.metrics.batchRetried(b);
    const pb = this.owner.partitionBufferOf(b.topic, b.partition)!;
    const expired = now - b.createdMs >= this.config.deliveryTimeoutMs;
    if (expired || b.attempts > this.config.retries) {
      this.finish(
        b,
        expired
          ? new DeliveryTimeoutError(b.topic, b.partition, this.config.deliveryTimeoutMs, { cause: err })
          : err,
      );
      return;
    }
    this.logger.debug('retrying batch', {
      topic: b.topic,
      partition: b.partition,
      attempt: b.attempts,
      error: err.message,
    });
    pb.endFlight(b);
    pb.retrying = true;
    this.idempotence.maybeBumpEpoch(pb);
    pb.retryAt = Math.max(pb.retryAt, now + backoffMs(this.backoff, b.attempts - 1));
    this.owner.wakeAt(pb.retryAt);
    if (refresh) this.refreshMetadataSoon();
  }

  /**
   * Splits a batch the broker found too large and puts the pieces where it was, to be sent next (as
   * Java does). The partition's batches stay at that size from now on.
   */
  split(b: ProducerBatchState): void {
    const owner = this.owner;
    const pb = owner.partitionBufferOf(b.topic, b.partition)!;
    const limit = splitLimit(b, this.config.batchSize);
    pb.maxBatchBytes = Math.min(pb.maxBatchBytes, limit);
    const pieces = splitBatch(b, limit);
    this.logger.debug('splitting a batch the broker found too large', {
      topic: b.topic,
      partition: b.partition,
      records: b.count,
      bytes: b.size,
      batches: pieces.length,
    });
    // Memory: the pieces hold what they take; the original's reservation goes.
    let reserved = 0;
    for (const p of pieces) reserved += p.reserved;
    if (reserved > b.reserved) owner.memory.forceReserve(reserved - b.reserved);
    else owner.memory.release(b.reserved - reserved);
    // The original's place in the queue, its flush waiters and in-flight count go to the pieces.
    pb.queue.splice(pb.queue.indexOf(b), 1, ...pieces);
    pb.endFlight(b);
    if (pb.inFlight > 0) pb.retrying = true; // resend in order once the rest is back
    owner.incomplete.delete(b);
    let remaining = pieces.length;
    pb.splitPending += pieces.length;
    for (const p of pieces) {
      owner.incomplete.add(p);
      p.onDone(() => {
        pb.splitPending--;
        if (--remaining === 0) b.markDone();
      });
    }
  }

  /** Completes (err === null) or fails a batch: frees its memory and reports to its send calls. */
  finish(b: ProducerBatchState, err: Error | null): void {
    if (b.done) return;
    const owner = this.owner;
    const pb = owner.partitionBufferOf(b.topic, b.partition);
    if (pb) {
      pb.remove(b);
      pb.endFlight(b);
      if (err !== null && !owner.closedHard) this.idempotence.batchFailed(b, pb);
      if (pb.epochBumpPending) this.idempotence.maybeBumpEpoch(pb);
    }
    owner.incomplete.delete(b);
    owner.memory.release(b.reserved);
    owner.metrics.batchDone(b, err !== null);
    if (err === null) this.recycleBuffer(b);
    for (const s of b.segments) s.call.segmentDone(err);
    b.markDone();
  }

  /**
   * Returns an acknowledged batch's buffer to the pool when nothing can still read it: sent once
   * (no earlier attempt's write may be pending on another connection) and answered (the broker read
   * the whole request, so its write is done), and uncompressed (its bytes are a view of the buffer).
   */
  private recycleBuffer(b: ProducerBatchState): void {
    if (b.acks === 0 || b.attempts > 0 || b.compression !== CompressionType.None || b.bytes === null) return;
    b.bytes = null;
    this.owner.batchBuffers.give(b.builder.backingBuffer);
  }

  private refreshMetadataSoon(): void {
    this.cluster.metadata.invalidate();
    this.cluster.metadata
      .refresh()
      .catch((err) => this.logger.warn('metadata refresh failed', { error: (err as Error).message }));
  }
}
