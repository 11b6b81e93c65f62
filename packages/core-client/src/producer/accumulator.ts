/**
 * The record accumulator: per-partition buffers of RecordBatch v2 batches (partition-buffer.ts),
 * filled by `send()` and drained per broker by the sinks (sink.ts).
 *
 * - Records are written straight into the open batch of their partition (the protocol's RecordBatchBuilder).
 * - A partition buffer belongs to the sink of its current leader and moves when the leader does
 *   (franz-go's recBuf migration); partitions without a leader are parked until metadata has one.
 * - A broker is drained when one of its partitions has a ready batch: closed, full, past `lingerMs`, or
 *   any when flushing / short of buffer memory.
 * - A batch starts with room (buffer memory and buffer) for about its partition's previous batch,
 *   from SPARSE_BATCH_START_BYTES up to `batchSize`, and grows by doubling: reserving `batchSize` for
 *   every partition's batch would hold 16 KiB per partition for a record or two, so a few thousand
 *   sparse partitions would exhaust `bufferMemory`, block `send()` and force out one-record batches.
 * - Batch size adapts to back-pressure: a batch that could be sent at once closes at `batchSize` (or
 *   goes after `lingerMs`); one that could not (an earlier batch of its partition is queued or in
 *   flight, or its broker has all its requests in flight) keeps filling up to `maxRequestSize`
 *   (franz-go's behaviour), so a busy partition moves large batches instead of a round trip per
 *   16 KiB (a partition sends one batch per request). Buffer memory is taken in `batchSize` steps as
 *   a batch grows, before the record goes in; such batches start with a buffer the size of their
 *   partition's previous one.
 * - Unkeyed records: the sticky partitioner (partitioners/sticky.ts) moves on when its batch closes,
 *   and a record that does not fit the sticky batch goes to the next sticky partition (Java's
 *   abortOnNewBatch).
 * - Without idempotence a partition has at most one batch in flight; with it, up to
 *   `maxInFlightRequestsPerConnection` (sequence numbers keep them in order, see idempotence.ts),
 *   once its leader acknowledged a batch under the producer id.
 *   Nothing is sent while the idempotent producer waits for a producer id.
 * - Answers, retries and splits: produce-response.ts.
 */
import {
  BufferPool,
  CompressionType,
  RECORD_BATCH_OVERHEAD,
  type RecordInput,
} from '@samsa/protocol/on-demand';
import type { Cluster } from '../cluster/cluster.js';
import type { MetadataChange } from '../cluster/metadata.js';
import type { ResolvedRetry } from '../config/client-options.js';
import type { ResolvedProducerConfig } from '../config/producer-options.js';
import type { ClientInfo } from '../diagnostics/channels.js';
import { ProducerMetricsRecorder } from '../diagnostics/metrics/producer-metrics.js';
import { DeliveryTimeoutError } from '../errors.js';
import type { Logger } from '../logger.js';
import { RoundRobinPartitioner } from '../partitioners/round-robin.js';
import { StickyPartitioner } from '../partitioners/sticky.js';
import { backoffMs } from '../retry.js';
import { ProducerBatchState } from './batch.js';
import { BufferMemory } from './buffer-memory.js';
import { Idempotence } from './idempotence.js';
import { PartitionBuffer } from './partition-buffer.js';
import { type BatchOwner, ProduceResponseHandler, produceBackoff } from './produce-response.js';
import type { SendCall } from './send-call.js';
import { Sink, type SinkContext } from './sink.js';

/**
 * Where a partition's new batch starts when its last one was small: a sparse partition (a few records
 * per linger, as with thousands of partitions) reserves and allocates this much, not `batchSize`, and
 * grows by doubling up to `batchSize` as records come.
 */
export const SPARSE_BATCH_START_BYTES = 1024;

/** Framing bytes a record may need beyond its key, value and headers (length, deltas, lengths). */
const RECORD_OVERHEAD_MAX = 5 + 1 + 10 + 5 + 5 + 5 + 5;

/** A transactional producer's transaction manager, as the accumulator sees it (transaction-manager.ts). */
export interface AccumulatorTransactions {
  /** A partition gets its first batch of the open transaction. */
  addPartition(pb: PartitionBuffer): void;
  /** Why failed batches are not retried now (the transaction is aborting or broke), else null. */
  retryRefusal(): Error | null;
}

/** A topic's partition buffers and its partitioners' state. */
export interface TopicState {
  readonly name: string;
  /** Indexed by partition; created on first use. */
  readonly partitions: PartitionBuffer[];
  /** For unkeyed records with the default partitioner. */
  readonly sticky: StickyPartitioner;
  readonly roundRobin: RoundRobinPartitioner;
}

export class Accumulator implements SinkContext, BatchOwner {
  readonly memory: BufferMemory;
  /** Buffers of acknowledged uncompressed batches, for the next ones (16 KiB to 16 MiB classes). */
  readonly batchBuffers: BufferPool;
  /** Batches a partition may have in flight: 1 unless sequences (idempotence) keep them in order. */
  readonly maxPerPartition: number;
  readonly idempotence: Idempotence;
  readonly responses: ProduceResponseHandler;
  private readonly topics = new Map<string, TopicState>();
  private readonly sinks = new Map<number, Sink>();
  /** Partitions without a known leader; re-homed on metadata changes. */
  private readonly parked = new Set<PartitionBuffer>();
  readonly incomplete = new Set<ProducerBatchState>();
  /** Where the last `append` put its record. */
  appendedPartition = -1;
  private drainScheduled = false;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = 0;
  private expiryTimer: NodeJS.Timeout | null = null;
  private flushing = 0;
  /** The producer is disconnecting: every batch is ready at once (linger is over). */
  private closing = false;
  /** Closed for good (disconnect): nothing is retried or split any more. */
  closedHard = false;
  private metadataRefreshing = false;
  /** Set for a transactional producer: partitions join the open transaction with their first batch. */
  transactions: AccumulatorTransactions | null = null;
  private readonly transactional: boolean;
  private readonly backoff: ResolvedRetry;
  private readonly unsubscribe: () => void;

  constructor(
    readonly config: ResolvedProducerConfig,
    readonly cluster: Cluster,
    private readonly logger: Logger,
    readonly metrics: ProducerMetricsRecorder = new ProducerMetricsRecorder(),
  ) {
    this.memory = new BufferMemory(config.bufferMemory, config.maxBlockMs);
    this.batchBuffers = new BufferPool({
      minClass: 16 * 1024,
      maxClass: 16 * 1024 * 1024,
      maxIdleBytes: Math.floor(config.bufferMemory / 2),
    });
    this.transactional = config.transactionalId !== null;
    this.idempotence = new Idempotence(
      { enabled: config.enableIdempotence, transactional: this.transactional },
      cluster,
      config.retry,
      logger,
    );
    this.maxPerPartition = config.enableIdempotence ? config.maxInFlightRequestsPerConnection : 1;
    this.responses = new ProduceResponseHandler(this, config, cluster, this.idempotence, logger);
    this.backoff = produceBackoff(config);
    this.unsubscribe = cluster.metadata.subscribe((change) => this.onMetadataChange(change));
  }

  /** Who sends, for diagnostics events. */
  get client(): ClientInfo {
    return this.cluster.requestMetrics.client;
  }

  // ---------------------------------------------------------------- appending

  topicState(topic: string): TopicState {
    let t = this.topics.get(topic);
    if (!t) {
      const partitions: PartitionBuffer[] = [];
      const metadata = this.cluster.metadata;
      t = {
        name: topic,
        partitions,
        sticky: new StickyPartitioner(topic, metadata, (p) => partitions[p]?.queuedBytes ?? 0),
        roundRobin: new RoundRobinPartitioner(topic, metadata),
      };
      this.topics.set(topic, t);
    }
    return t;
  }

  partitionBufferOf(topic: string, partition: number): PartitionBuffer | undefined {
    return this.topics.get(topic)?.partitions[partition];
  }

  private partitionBuffer(t: TopicState, partition: number): PartitionBuffer {
    let pb = t.partitions[partition];
    if (!pb) {
      pb = new PartitionBuffer(t.name, partition);
      t.partitions[partition] = pb;
      this.home(pb);
    }
    return pb;
  }

  /** Puts a partition buffer in the sink of its current leader (or parks it). */
  private home(pb: PartitionBuffer): void {
    const leader = this.cluster.metadata.leaderFor(pb.topic, pb.partition);
    const current = pb.sink;
    if (current && current.nodeId === leader) return;
    if (current) this.sinks.get(current.nodeId)?.remove(pb);
    if (leader < 0) {
      pb.sink = null;
      this.parked.add(pb);
      return;
    }
    this.parked.delete(pb);
    let sink = this.sinks.get(leader);
    if (!sink) {
      sink = new Sink(leader, this);
      this.sinks.set(leader, sink);
    }
    pb.sink = sink;
    sink.add(pb);
  }

  /**
   * Appends one record. Returns 0 when appended, or the number of bytes of buffer memory the caller
   * must wait for (then call `appendReserved` with them). `appendedPartition` tells where the record
   * went: with `stickyCount` (the topic's partition count when the sticky partitioner chose
   * `partition`), a record that does not fit the sticky partition's open batch moves to the next
   * sticky partition instead of starting a batch of one record there (Java's abortOnNewBatch, KIP-480).
   */
  append(
    call: SendCall,
    t: TopicState,
    partition: number,
    record: RecordInput,
    acks: number,
    compression: CompressionType,
    timeoutMs: number,
    stickyCount = 0,
  ): number {
    this.appendedPartition = partition;
    const pb = this.partitionBuffer(t, partition);
    let batch = pb.open;
    if (batch && (batch.acks !== acks || batch.compression !== compression)) {
      pb.closeOpen();
      batch = null;
    }
    if (batch) {
      // A record that would take the batch past its reservation: a batch that could be sent now is
      // full (Java's rule), a backlogged one takes another step of memory first so `bufferMemory`
      // holds; without room it is full too and the record waits for memory in a new batch.
      let fits = batch.size + this.recordBytes(record, false) <= batch.reserved;
      if (!fits) {
        const bytes = this.recordBytes(record, true);
        fits = batch.size + bytes <= batch.reserved || this.growReservation(pb, batch, bytes);
      }
      const delta = batch.count;
      if (fits && batch.builder.tryAppend(record)) {
        this.noteSegment(call, pb, batch, delta);
        const size = batch.size;
        if (size >= this.config.batchSize && (size >= this.growthLimit(pb) || this.sendableAtOnce(pb)))
          this.batchFull(pb);
        return 0;
      }
      this.batchFull(pb);
      if (stickyCount > 0) {
        const next = t.sticky.partition(stickyCount);
        if (next !== partition) return this.append(call, t, next, record, acks, compression, timeoutMs);
      }
    }
    const capacity = this.startCapacity(pb, record);
    // A batch that starts behind another of its partition grows past batchSize (see sendableAtOnce):
    // give it a buffer the size of the partition's previous such batch at once, as growing by doubling
    // copies every byte again and churns large buffers (at 1 KB values the copies alone measured ~8%
    // of the producer's CPU, plus the garbage collections they set off).
    const backlogged = !this.sendableAtOnce(pb);
    const presized = Math.min(pb.lastBacklogBytes, this.growthLimit(pb));
    if (backlogged && presized > capacity && this.memory.tryReserve(presized)) {
      this.startBatch(call, t, pb, presized, record, acks, compression, timeoutMs, true);
      return 0;
    }
    if (!this.memory.tryReserve(capacity)) {
      this.scheduleDrain();
      return capacity;
    }
    this.startBatch(call, t, pb, capacity, record, acks, compression, timeoutMs, backlogged);
    return 0;
  }

  /** Like `append` after the caller waited for and reserved `reserved` bytes for a new batch. */
  appendReserved(
    reserved: number,
    call: SendCall,
    t: TopicState,
    partition: number,
    record: RecordInput,
    acks: number,
    compression: CompressionType,
    timeoutMs: number,
  ): void {
    const pb = this.partitionBuffer(t, partition);
    if (pb.open) this.batchFull(pb);
    this.startBatch(call, t, pb, reserved, record, acks, compression, timeoutMs);
  }

  /**
   * Room a new batch of the partition reserves: about the size of its previous batch (busy partitions
   * get `batchSize` at once, sparse ones start small and grow in `growReservation`).
   */
  private startCapacity(pb: PartitionBuffer, record: RecordInput): number {
    const full = this.capacityFor(record);
    if (pb.lastBatchBytes >= this.config.batchSize) return full;
    const needed = Math.max(pb.lastBatchBytes, RECORD_BATCH_OVERHEAD + this.recordBytes(record, false));
    let start = SPARSE_BATCH_START_BYTES;
    while (start < needed) start *= 2;
    return Math.min(full, start);
  }

  /** Room for batchSize, or for this one record when it is larger. */
  private capacityFor(record: RecordInput): number {
    const batchSize = this.config.batchSize;
    if (RECORD_BATCH_OVERHEAD + this.recordBytes(record, false) <= batchSize) return batchSize;
    return Math.max(batchSize, RECORD_BATCH_OVERHEAD + this.recordBytes(record, true));
  }

  /**
   * Bytes a record may take in a batch. Not `exact`: a cheap bound from lengths alone (strings at 3
   * bytes a character, headers left out) for the common case of plenty of room; `exact` measures.
   */
  private recordBytes(record: RecordInput, exact: boolean): number {
    const key = record.key;
    const value = record.value;
    let n = RECORD_OVERHEAD_MAX;
    if (!exact) {
      if (key != null) n += typeof key === 'string' ? key.length * 3 : key.length;
      if (value != null) n += typeof value === 'string' ? value.length * 3 : value.length;
      return n;
    }
    if (key != null) n += typeof key === 'string' ? Buffer.byteLength(key) : key.length;
    if (value != null) n += typeof value === 'string' ? Buffer.byteLength(value) : value.length;
    const headers = record.headers as Record<string, unknown> | undefined;
    if (headers) {
      for (const k in headers) {
        const v = headers[k];
        const vs = Array.isArray(v) ? v : [v];
        for (const x of vs) {
          n += Buffer.byteLength(k) + 10;
          if (x != null) n += typeof x === 'string' ? Buffer.byteLength(x) : (x as Buffer).length;
        }
      }
    }
    return n;
  }

  /**
   * A batch that started small (see `startCapacity`) doubles its reservation up to batchSize; a
   * backlogged batch (one its partition cannot send now) grows past batchSize in batchSize steps
   * of buffer memory, up to `backlogBatchBytes`. False when it may not grow: it is full.
   */
  private growReservation(pb: PartitionBuffer, batch: ProducerBatchState, recordBytes: number): boolean {
    const batchSize = this.config.batchSize;
    const needed = batch.size + recordBytes;
    if (batch.reserved < batchSize && needed <= batchSize) {
      const step = Math.min(batchSize, Math.max(batch.reserved * 2, needed)) - batch.reserved;
      if (!this.memory.tryReserve(step)) return false;
      batch.reserved += step;
      return true;
    }
    if (batch.size + recordBytes > this.growthLimit(pb) || this.sendableAtOnce(pb)) return false;
    const step = Math.max(this.config.batchSize, batch.size + recordBytes - batch.reserved);
    if (!this.memory.tryReserve(step)) return false;
    batch.reserved += step;
    return true;
  }

  private startBatch(
    call: SendCall,
    _t: TopicState,
    pb: PartitionBuffer,
    reserved: number,
    record: RecordInput,
    acks: number,
    compression: CompressionType,
    timeoutMs: number,
    backlogged = false,
  ): void {
    const batch = new ProducerBatchState(
      pb.topic,
      pb.partition,
      reserved,
      reserved,
      acks,
      compression,
      timeoutMs,
      Math.min(Math.max(reserved, this.backlogBatchBytes), pb.maxBatchBytes),
      // Small starts take plain memory: a pooled buffer is at least 16 KiB.
      compression === CompressionType.None && reserved >= this.config.batchSize
        ? this.batchBuffers.take(reserved)
        : undefined,
      this.transactional,
    );
    if (this.transactions !== null && !pb.inTransaction) this.transactions.addPartition(pb);
    batch.backlogged = backlogged;
    batch.builder.append(record);
    this.incomplete.add(batch);
    this.ensureExpiryTimer();
    pb.open = batch;
    this.noteSegment(call, pb, batch, 0);
    if (
      batch.size >= this.config.batchSize &&
      (batch.size >= this.growthLimit(pb) || this.sendableAtOnce(pb))
    ) {
      this.batchFull(pb);
    } else if (this.config.lingerMs > 0) this.wakeAt(batch.createdMs + this.config.lingerMs);
  }

  /**
   * Whether the partition's open batch, closed now, would be the next one sent: nothing of the
   * partition waits unsent ahead of it, the partition may have another batch in flight and its
   * broker another request. If not, closing it at `batchSize` only queues a small batch that costs a
   * round trip of its own later (a partition sends one batch per request), so it keeps filling.
   */
  private sendableAtOnce(pb: PartitionBuffer): boolean {
    if (!pb.canSend(this.maxPerPartition, pb.sink)) return false;
    if (pb.sink !== null && pb.sink.inFlight >= this.config.maxInFlightRequestsPerConnection) return false;
    const queue = pb.queue;
    return queue.length === 0 || queue[queue.length - 1].inFlight;
  }

  /** How large a batch may grow while its partition waits for the previous one. */
  private get backlogBatchBytes(): number {
    return Math.max(this.config.batchSize, this.config.maxRequestSize - 1024);
  }

  private growthLimit(pb: PartitionBuffer): number {
    return Math.min(this.backlogBatchBytes, pb.maxBatchBytes);
  }

  private noteSegment(call: SendCall, pb: PartitionBuffer, batch: ProducerBatchState, delta: number): void {
    const last = batch.lastSegment;
    if (last !== null && last.call === call) {
      last.count++;
      return;
    }
    // Calls append one after the other (producer.ts), so a call that did not append here last has
    // no segment in this partition yet.
    const s = call.addSegment(batch, delta, pb.lastCallId !== call.id);
    pb.lastCallId = call.id;
    batch.segments.push(s);
    batch.lastSegment = s;
  }

  /** The drain takes a partition's open batch. */
  closeForSend(pb: PartitionBuffer): void {
    this.stickyMovesOn(pb);
    pb.closeOpen();
  }

  private stickyMovesOn(pb: PartitionBuffer): void {
    this.topics.get(pb.topic)?.sticky.batchClosed(pb.partition);
  }

  /** A batch may end up past what it reserved (its last record overshoots batchSize): account for it. */
  settleReservation(b: ProducerBatchState): void {
    const extra = b.size - b.reserved;
    if (extra > 0) {
      this.memory.forceReserve(extra);
      b.reserved += extra;
    }
  }

  private batchFull(pb: PartitionBuffer): void {
    this.stickyMovesOn(pb);
    if (pb.open) this.settleReservation(pb.open);
    pb.closeOpen();
    this.scheduleDrain();
  }

  // ---------------------------------------------------------------- draining

  scheduleDrain(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    setImmediate(this.runDrain);
  }

  private readonly runDrain = (): void => {
    this.drainScheduled = false;
    this.drainAll();
  };

  drainAll(): void {
    if (!this.idempotence.ready) {
      if (this.incomplete.size === 0 || this.closedHard) return;
      if (this.idempotence.fetchDue(this.totalInFlight)) this.takeProducerId();
      return;
    }
    const now = Date.now();
    const forceAll = this.flushing > 0 || this.closing || this.memory.hasWaiters;
    const linger = this.config.lingerMs;
    let earliest = Number.POSITIVE_INFINITY;
    for (const sink of this.sinks.values()) {
      if (sink.inFlight >= this.config.maxInFlightRequestsPerConnection) continue;
      const at = sink.readyAt(now, forceAll, linger);
      if (at <= now) sink.drain(now, forceAll);
      else earliest = Math.min(earliest, at);
    }
    if (earliest !== Number.POSITIVE_INFINITY) this.wakeAt(earliest);
    if (this.parked.size > 0) this.refreshForParked();
  }

  /** InitProducerId, then (after a reset) renumbers every queued batch under the new id and sends. */
  private takeProducerId(): void {
    const idempotence = this.idempotence;
    idempotence.fetchProducerId().then(
      (reset) => {
        if (reset) {
          for (const t of this.topics.values())
            for (const pb of t.partitions) if (pb) idempotence.renumber(pb);
        }
        this.drainAll();
      },
      (err: Error) => this.abortAll(err, false),
    );
  }

  private get totalInFlight(): number {
    let n = 0;
    for (const s of this.sinks.values()) n += s.inFlight;
    return n;
  }

  /** Drains no later than `at` (linger, or a retry's back-off). */
  wakeAt(at: number): void {
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.drainAll();
      },
      Math.max(0, at - Date.now()),
    );
  }

  private refreshForParked(): void {
    if (this.metadataRefreshing) return;
    this.metadataRefreshing = true;
    const delay = backoffMs(this.backoff, 0);
    setTimeout(() => {
      this.cluster.metadata
        .refresh()
        .catch((err) => this.logger.warn('metadata refresh failed', { error: (err as Error).message }))
        .finally(() => {
          this.metadataRefreshing = false;
          for (const pb of [...this.parked]) this.home(pb);
          this.drainAll();
        });
    }, delay).unref();
  }

  private onMetadataChange(change: MetadataChange): void {
    let moved = false;
    for (const [topic, partitions] of change.leaderChanges) {
      const t = this.topics.get(topic);
      if (!t) continue;
      for (const p of partitions) {
        const pb = t.partitions[p];
        if (pb) {
          this.home(pb);
          moved = true;
        }
      }
    }
    for (const pb of [...this.parked]) {
      this.home(pb);
      moved = true;
    }
    if (moved) this.scheduleDrain();
  }

  // ---------------------------------------------------------------- expiry, flush, close

  private ensureExpiryTimer(): void {
    if (this.expiryTimer) return;
    const period = Math.min(1000, Math.max(50, Math.floor(this.config.deliveryTimeoutMs / 10)));
    this.expiryTimer = setInterval(() => this.expire(), period);
    this.expiryTimer.unref();
  }

  /** Fails batches that waited past `deliveryTimeoutMs` without being in flight. */
  private expire(): void {
    if (this.incomplete.size === 0) {
      clearInterval(this.expiryTimer!);
      this.expiryTimer = null;
      return;
    }
    const now = Date.now();
    const limit = this.config.deliveryTimeoutMs;
    for (const b of [...this.incomplete]) {
      if (now - b.createdMs < limit) continue;
      if (b.inFlight) continue;
      this.responses.finish(
        b,
        new DeliveryTimeoutError(
          b.topic,
          b.partition,
          limit,
          b.lastError ? { cause: b.lastError } : undefined,
        ),
      );
    }
  }

  /** Sends everything buffered now and resolves when those batches are done (acknowledged or failed). */
  async flush(): Promise<void> {
    const waiting = [...this.incomplete];
    if (waiting.length === 0) return;
    this.flushing++;
    try {
      this.drainAll();
      await Promise.all(waiting.map((b) => new Promise<void>((resolve) => b.onDone(resolve))));
    } finally {
      this.flushing--;
    }
  }

  retryRefusal(): Error | null {
    return this.transactions === null ? null : this.transactions.retryRefusal();
  }

  /**
   * Fails every batch that is not in flight (a transaction aborts or broke: Java's
   * abortUndrainedBatches); batches in flight finish as the broker answers them.
   */
  abortUndrained(err: Error): void {
    for (const b of [...this.incomplete]) if (!b.inFlight) this.responses.finish(b, err);
  }

  /** Fails everything still buffered (closing, or no producer id could be had). */
  abortAll(err: Error, hard = true): void {
    if (hard) this.closedHard = true;
    this.memory.failAll(err);
    for (const b of [...this.incomplete]) this.responses.finish(b, err);
  }

  /** Disconnecting: batches stop lingering; sends still appending may add more until close(). */
  beginClose(): void {
    this.closing = true;
    this.scheduleDrain();
  }

  close(): void {
    this.closing = true;
    this.unsubscribe();
    if (this.timer) clearTimeout(this.timer);
    if (this.expiryTimer) clearInterval(this.expiryTimer);
    this.timer = null;
    this.expiryTimer = null;
  }
}
