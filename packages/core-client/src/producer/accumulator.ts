/**
 * The record accumulator: per-partition buffers of RecordBatch v2 batches, drained per broker.
 *
 * - Records are written straight into the open batch of their partition (the protocol's RecordBatchBuilder).
 * - A partition buffer belongs to the sink of its current leader and moves when the leader does
 *   (franz-go's recBuf migration); batches in flight finish against the old leader first.
 * - A broker is drained when one of its partitions has a ready batch: closed, full, past `lingerMs`, or
 *   any when flushing / short of buffer memory. Draining takes one batch from every sendable partition
 *   of that broker into one Produce request (Java's drain), ready ones first, up to `maxRequestSize`,
 *   with at most `maxInFlightRequestsPerConnection` requests in flight per broker. Open batches that
 *   are not ready ride along in a request's spare room but never get a request of their own.
 * - Batch size adapts to back-pressure: a batch that could be sent at once closes at `batchSize` (or
 *   goes after `lingerMs`); one that could not (an earlier batch of its partition is queued or in
 *   flight, or its broker has all its requests in flight) keeps filling up to `maxRequestSize`
 *   (franz-go's behaviour), so a busy partition moves large batches instead of a round trip per
 *   16 KiB (a partition sends one batch per request). Buffer memory is taken in `batchSize` steps as
 *   a batch grows, before the record goes in; such batches start with a buffer the size of their
 *   partition's previous one.
 * - Unkeyed records: the sticky partitioner (KIP-480) moves on when its batch closes, and a record
 *   that does not fit the sticky batch goes to the next sticky partition (Java's abortOnNewBatch).
 * - MESSAGE_TOO_LARGE (a topic's max.message.bytes below the batch) splits the batch and resends the
 *   pieces in order; the partition's batches stay that small from then on.
 * - Order: without idempotence a partition has at most one batch in flight. A failed batch stays at
 *   the head of its partition and is retried before anything behind it, so retries never reorder
 *   records (Java can reorder here with max.in.flight > 1; we do not).
 * - Idempotence: batches get producer id, epoch and per-partition sequence numbers when first sent, and
 *   a partition may have up to `maxInFlightRequestsPerConnection` batches in flight (the broker rejects
 *   out-of-order sequences, which are then resent from the first unacknowledged batch). When the broker
 *   lost our producer state, or a sequenced batch failed for good, the producer takes a new producer id
 *   once nothing is in flight and renumbers what is still queued.
 */
import {
  BufferPool,
  crc32c,
  decodeRecords,
  type ProduceRequest,
  type ProduceResponse,
  RECORD_BATCH_OVERHEAD,
  RecordBatchBuilder,
  type RecordInput,
} from '@samsa/protocol';
import type { Cluster } from '../cluster/cluster.js';
import { isStaleMetadataError, type MetadataChange } from '../cluster/metadata.js';
import type { ResolvedProducerConfig } from '../config/producer-options.js';
import {
  ConnectionError,
  createKafkaError,
  DeliveryTimeoutError,
  ErrorCode,
  isRetriable,
  KafkaProtocolError,
  NotConnectedError,
  UnsupportedApiVersionError,
} from '../errors.js';
import type { Logger } from '../logger.js';
import { backoffMs, withRetry } from '../retry.js';
import { BufferMemory } from './buffer-memory.js';
import type { Segment, SendCall } from './send-call.js';

const PRODUCE = 0;
const INIT_PRODUCER_ID = 22;
/** RecordBatch v2 needs Produce v3+. */
const MIN_PRODUCE_VERSION = 3;
/** Framing bytes a record may need beyond its key, value and headers (length, deltas, lengths). */
const RECORD_OVERHEAD_MAX = 5 + 1 + 10 + 5 + 5 + 5 + 5;
/** RecordBatch v2 header offsets of the idempotence fields and the CRC. */
const OFFSET_CRC = 17;
const OFFSET_ATTRIBUTES = 21;
const OFFSET_PRODUCER_ID = 43;
const OFFSET_PRODUCER_EPOCH = 51;
const OFFSET_BASE_SEQUENCE = 53;
const MAX_SEQUENCE = 0x7fffffff;

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
  /** Idempotence: stamped into the header when the batch is first sent. */
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
    readonly compression: number,
    readonly timeoutMs: number,
    maxBatchBytes: number,
    /** A recycled buffer to write into (see `batchBuffers`). */
    buffer?: Buffer,
  ) {
    this.builder = new RecordBatchBuilder({
      compression,
      maxBatchBytes,
      initialCapacity: capacity,
      ...(buffer && { buffer }),
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

export class PartitionBuffer {
  /** Closed batches in order; the first `inFlight` of them are in flight (after a failure, fewer). */
  readonly queue: ProducerBatchState[] = [];
  open: ProducerBatchState | null = null;
  /** Batches in flight: 0 or 1 without idempotence, up to maxInFlightRequestsPerConnection with it. */
  inFlight = 0;
  /** Where the in-flight batches went: after a leader move nothing goes to the new leader before they are back. */
  inFlightSink: Sink | null = null;
  /** A batch failed: nothing more is sent until the in-flight ones are back, then the queue is resent from its head. */
  retrying = false;
  retryAt = 0;
  /**
   * Pieces of split batches not acknowledged yet: they go one at a time, so a smaller later piece
   * cannot be written while an earlier one is refused again (a broker without state for a new
   * producer id accepts any sequence number).
   */
  splitPending = 0;
  /** Largest batch the broker takes here, once it answered MESSAGE_TOO_LARGE (see splitBatch). */
  maxBatchBytes = Number.POSITIVE_INFINITY;
  /** Size of the last batch that started backlogged here: how large to make the next such batch. */
  lastBacklogBytes = 0;
  /** Next sequence number for a new batch (idempotence). */
  nextSequence = 0;
  sink: Sink | null = null;

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {}

  closeOpen(): void {
    if (this.open) {
      if (this.open.backlogged) this.lastBacklogBytes = this.open.size;
      this.queue.push(this.open);
      this.open = null;
    }
  }

  get isEmpty(): boolean {
    return this.queue.length === 0 && (this.open === null || this.open.count === 0);
  }

  /** Whether another batch of this partition may be sent now (ignoring back-off). */
  canSend(maxPerPartition: number, sink: Sink | null): boolean {
    if (this.inFlight === 0) return true;
    return (
      !this.retrying &&
      this.splitPending === 0 &&
      this.inFlight < maxPerPartition &&
      this.inFlightSink === sink
    );
  }

  /** The next batch to send: the first queued one not in flight, else the open batch. */
  nextBatch(maxPerPartition: number, sink: Sink): ProducerBatchState | null {
    if (!this.canSend(maxPerPartition, sink)) return null;
    const i = this.inFlight === 0 ? 0 : this.firstNotInFlight();
    if (i < this.queue.length) return this.queue[i];
    const open = this.open;
    return open !== null && open.count > 0 ? open : null;
  }

  private firstNotInFlight(): number {
    let i = 0;
    while (i < this.queue.length && this.queue[i].inFlight) i++;
    return i;
  }
}

interface TopicState {
  name: string;
  partitions: PartitionBuffer[];
  /** Sticky partition for unkeyed records (KIP-480), -1 before the first. */
  sticky: number;
  /** The sticky partition's batch was closed: the next unkeyed record picks a new partition. */
  stickyDone: boolean;
  roundRobin: number;
}

/** Produce requests to one broker. */
export class Sink {
  readonly partitions: PartitionBuffer[] = [];
  inFlight = 0;
  private rotate = 0;

  constructor(
    readonly nodeId: number,
    private readonly acc: Accumulator,
  ) {}

  add(pb: PartitionBuffer): void {
    this.partitions.push(pb);
  }

  remove(pb: PartitionBuffer): void {
    const i = this.partitions.indexOf(pb);
    if (i >= 0) this.partitions.splice(i, 1);
  }

  /** Earliest time a partition here becomes sendable, or 0 if one is sendable now; Infinity if none. */
  readyAt(now: number, forceAll: boolean, lingerMs: number): number {
    let earliest = Number.POSITIVE_INFINITY;
    const maxPerPartition = this.acc.maxPerPartition;
    for (const pb of this.partitions) {
      if (pb.retryAt > now) {
        if (!pb.isEmpty && pb.inFlight === 0) earliest = Math.min(earliest, pb.retryAt);
        continue;
      }
      const next = pb.nextBatch(maxPerPartition, this);
      if (next === null) continue;
      if (next !== pb.open) return 0;
      const at = forceAll || next.size >= this.acc.config.batchSize ? 0 : next.createdMs + lingerMs;
      if (at <= now) return 0;
      earliest = Math.min(earliest, at);
    }
    return earliest;
  }

  /**
   * Sends as many requests as the in-flight limit allows. A request goes only if it carries a ready
   * batch (closed, full, past `lingerMs`, or everything when forced); open batches that are not ready
   * ride along in its spare room (as Java's drain does) but never cost a request of their own, which
   * would spend an in-flight slot and a round trip on a few records.
   */
  drain(now: number, forceAll: boolean): void {
    const max = this.acc.config.maxInFlightRequestsPerConnection;
    const maxRequestSize = this.acc.config.maxRequestSize;
    const batchSize = this.acc.config.batchSize;
    const lingerMs = this.acc.config.lingerMs;
    const maxPerPartition = this.acc.maxPerPartition;
    const chosen: PartitionBuffer[] = [];
    const batches: ProducerBatchState[] = [];
    while (this.inFlight < max) {
      let size = 0;
      let acks: number | undefined;
      const n = this.partitions.length;
      const start = n > 0 ? this.rotate++ % n : 0;
      // Ready batches first, then not-ready open batches where there is room.
      for (let pass = 0; pass < 2; pass++) {
        if (pass === 1 && batches.length === 0) break;
        for (let k = 0; k < n; k++) {
          const pb = this.partitions[(start + k) % n];
          if (pb.retryAt > now) continue;
          const batch = pb.nextBatch(maxPerPartition, this);
          if (!batch) continue;
          const ready =
            batch !== pb.open || forceAll || batch.size >= batchSize || batch.createdMs + lingerMs <= now;
          if (ready !== (pass === 0)) continue;
          if (acks !== undefined && batch.acks !== acks) continue;
          const estimate = batch.size;
          if (batches.length > 0 && size + estimate > maxRequestSize) continue;
          acks = batch.acks;
          size += estimate;
          batches.push(batch);
          chosen.push(pb);
        }
      }
      if (batches.length === 0) return;
      for (let i = 0; i < batches.length; i++) {
        const pb = chosen[i];
        const batch = batches[i];
        if (batch === pb.open) this.acc.closeForSend(pb);
        this.acc.settleReservation(batch);
        if (pb.inFlight === 0) pb.retrying = false;
        pb.inFlight++;
        pb.inFlightSink = this;
        batch.inFlight = true;
        this.acc.assignSequence(pb, batch);
      }
      this.inFlight++;
      this.acc.sendRequest(this, batches.splice(0), acks!);
      chosen.length = 0;
    }
  }
}

type ProducerIdState = 'ready' | 'none' | 'fetching' | 'reset';

export class Accumulator {
  readonly memory: BufferMemory;
  /** Buffers of acknowledged uncompressed batches, for the next ones (16 KiB to 16 MiB classes). */
  private readonly batchBuffers: BufferPool;
  /** Batches a partition may have in flight: 1 unless sequences (idempotence) keep them in order. */
  readonly maxPerPartition: number;
  readonly idempotent: boolean;
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
  closed = false;
  private closedHard = false;
  private metadataRefreshing = false;
  private readonly unsubscribe: () => void;
  private producerId = -1n;
  private producerEpoch = -1;
  private producerIdState: ProducerIdState;

  constructor(
    readonly config: ResolvedProducerConfig,
    private readonly cluster: Cluster,
    private readonly logger: Logger,
  ) {
    this.memory = new BufferMemory(config.bufferMemory, config.maxBlockMs);
    this.batchBuffers = new BufferPool({
      minClass: 16 * 1024,
      maxClass: 16 * 1024 * 1024,
      maxIdleBytes: Math.floor(config.bufferMemory / 2),
    });
    this.idempotent = config.enableIdempotence;
    this.maxPerPartition = this.idempotent ? config.maxInFlightRequestsPerConnection : 1;
    this.producerIdState = this.idempotent ? 'none' : 'ready';
    this.unsubscribe = cluster.metadata.subscribe((change) => this.onMetadataChange(change));
  }

  // ---------------------------------------------------------------- appending

  topicState(topic: string): TopicState {
    let t = this.topics.get(topic);
    if (!t) {
      t = {
        name: topic,
        partitions: [],
        sticky: -1,
        stickyDone: false,
        roundRobin: Math.floor(Math.random() * 1e6),
      };
      this.topics.set(topic, t);
    }
    return t;
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
    current?.remove(pb);
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
   * Sticky partition for an unkeyed record (KIP-480): stays put until its batch is closed (full, or
   * taken for sending), then moves to a partition with a leader and the least data waiting (the idea
   * of KIP-794's adaptive partitioning), so a partition stuck behind a slow broker gets less.
   * Closing at the batch rather than every `batchSize` bytes (KIP-794) lets a backlogged partition
   * build one large batch, which measured faster here.
   */
  stickyPartition(t: TopicState, count: number): number {
    if (t.sticky < 0 || t.sticky >= count || t.stickyDone) {
      t.sticky = this.pickAvailable(t, count);
      t.stickyDone = false;
    }
    return t.sticky;
  }

  roundRobinPartition(t: TopicState, count: number): number {
    const available = this.availablePartitions(t.name, count);
    if (available.length === 0) return t.roundRobin++ % count;
    return available[t.roundRobin++ % available.length];
  }

  private availablePartitions(topic: string, count: number): number[] {
    const meta = this.cluster.metadata.topic(topic);
    const out: number[] = [];
    if (meta) for (let p = 0; p < count; p++) if ((meta.partitions[p]?.leader ?? -1) >= 0) out.push(p);
    return out;
  }

  private pickAvailable(t: TopicState, count: number): number {
    const available = this.availablePartitions(t.name, count);
    const pool = available.length > 0 ? available : Array.from({ length: count }, (_, i) => i);
    if (pool.length === 1) return pool[0];
    // Least queued bytes first (in flight counts as queued); random among ties; not the previous one.
    let best: number[] = [];
    let bestLoad = Number.POSITIVE_INFINITY;
    for (const p of pool) {
      if (p === t.sticky) continue;
      const pb = t.partitions[p];
      let load = 0;
      if (pb) {
        for (const b of pb.queue) load += b.size;
        if (pb.open) load += pb.open.size;
      }
      if (load < bestLoad) {
        bestLoad = load;
        best = [p];
      } else if (load === bestLoad) best.push(p);
    }
    return best[Math.floor(Math.random() * best.length)];
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
    compression: number,
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
        this.noteSegment(call, batch, delta);
        const size = batch.size;
        if (size >= this.config.batchSize && (size >= this.growthLimit(pb) || this.sendableAtOnce(pb)))
          this.batchFull(pb);
        return 0;
      }
      this.batchFull(pb);
      if (stickyCount > 0) {
        const next = this.stickyPartition(t, stickyCount);
        if (next !== partition) return this.append(call, t, next, record, acks, compression, timeoutMs);
      }
    }
    const capacity = this.capacityFor(record);
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
    compression: number,
    timeoutMs: number,
  ): void {
    const pb = this.partitionBuffer(t, partition);
    if (pb.open) this.batchFull(pb);
    this.startBatch(call, t, pb, reserved, record, acks, compression, timeoutMs);
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
   * A backlogged batch (one its partition cannot send now) grows past batchSize in batchSize steps
   * of buffer memory, up to `backlogBatchBytes`. False when it may not grow: it is full.
   */
  private growReservation(pb: PartitionBuffer, batch: ProducerBatchState, recordBytes: number): boolean {
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
    compression: number,
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
      compression === 0 ? this.batchBuffers.take(reserved) : undefined,
    );
    batch.backlogged = backlogged;
    batch.builder.append(record);
    this.incomplete.add(batch);
    this.ensureExpiryTimer();
    pb.open = batch;
    this.noteSegment(call, batch, 0);
    if (
      batch.size >= this.config.batchSize &&
      (batch.size >= this.growthLimit(pb) || this.sendableAtOnce(pb))
    ) {
      this.batchFull(pb);
    } else if (this.config.lingerMs > 0) this.armTimer(batch.createdMs + this.config.lingerMs);
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

  private noteSegment(call: SendCall, batch: ProducerBatchState, delta: number): void {
    const last = batch.lastSegment;
    if (last !== null && last.call === call) {
      last.count++;
      return;
    }
    const s = call.addSegment(batch, delta);
    batch.segments.push(s);
    batch.lastSegment = s;
  }

  /** The drain takes a partition's open batch. */
  closeForSend(pb: PartitionBuffer): void {
    this.stickyMovesOn(pb);
    pb.closeOpen();
  }

  private stickyMovesOn(pb: PartitionBuffer): void {
    const t = this.topics.get(pb.topic);
    if (t !== undefined && t.sticky === pb.partition) t.stickyDone = true;
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

  // ---------------------------------------------------------------- idempotence

  /** Gives a batch its producer id, epoch and sequence numbers the first time it is sent. */
  assignSequence(pb: PartitionBuffer, b: ProducerBatchState): void {
    if (!this.idempotent || b.baseSequence >= 0) return;
    b.producerId = this.producerId;
    b.producerEpoch = this.producerEpoch;
    b.baseSequence = pb.nextSequence;
    pb.nextSequence = (pb.nextSequence + b.count) % (MAX_SEQUENCE + 1);
  }

  /** Takes a new producer id once nothing is in flight (see drainAll). */
  private requestProducerIdReset(): void {
    if (this.producerIdState === 'ready') this.producerIdState = 'reset';
  }

  private get totalInFlight(): number {
    let n = 0;
    for (const s of this.sinks.values()) n += s.inFlight;
    return n;
  }

  /** InitProducerId (retried), then renumbers every queued batch under the new id. */
  private fetchProducerId(): void {
    const renumber = this.producerIdState === 'reset';
    this.producerIdState = 'fetching';
    withRetry(
      this.config.retry,
      async () => {
        const { response } = await this.cluster.request(
          'any',
          INIT_PRODUCER_ID,
          () => ({
            transactionalId: null,
            transactionTimeoutMs: 2147483647,
            producerId: -1n,
            producerEpoch: -1,
          }),
          { purpose: 'produce' },
        );
        if (response.errorCode !== 0)
          throw createKafkaError(response.errorCode, { apiName: 'InitProducerId' });
        return response;
      },
      { what: 'InitProducerId' },
    ).then(
      (response) => {
        this.producerId = response.producerId;
        this.producerEpoch = response.producerEpoch;
        this.producerIdState = 'ready';
        if (renumber) this.renumberQueued();
        this.logger.debug('producer id', { producerId: String(this.producerId), epoch: this.producerEpoch });
        this.drainAll();
      },
      (err: Error) => {
        this.logger.error('could not get a producer id for the idempotent producer', { error: err.message });
        this.producerIdState = 'none';
        this.abortAll(err, false);
      },
    );
  }

  private renumberQueued(): void {
    for (const t of this.topics.values()) {
      for (const pb of t.partitions) {
        if (!pb) continue;
        let seq = 0;
        for (const b of pb.queue) {
          if (b.baseSequence < 0 && b.bytes === null) continue;
          b.producerId = this.producerId;
          b.producerEpoch = this.producerEpoch;
          b.baseSequence = seq;
          if (b.bytes) restamp(b.bytes, b.producerId, b.producerEpoch, seq);
          seq = (seq + b.count) % (MAX_SEQUENCE + 1);
        }
        pb.nextSequence = seq;
      }
    }
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
    if (this.producerIdState !== 'ready') {
      if (this.incomplete.size === 0 || this.closedHard) return;
      if (this.producerIdState === 'none') this.fetchProducerId();
      else if (this.producerIdState === 'reset' && this.totalInFlight === 0) this.fetchProducerId();
      return;
    }
    const now = Date.now();
    const forceAll = this.flushing > 0 || this.closed || this.memory.hasWaiters;
    const linger = this.config.lingerMs;
    let earliest = Number.POSITIVE_INFINITY;
    for (const sink of this.sinks.values()) {
      if (sink.inFlight >= this.config.maxInFlightRequestsPerConnection) continue;
      const at = sink.readyAt(now, forceAll, linger);
      if (at <= now) sink.drain(now, forceAll);
      else earliest = Math.min(earliest, at);
    }
    if (earliest !== Number.POSITIVE_INFINITY) this.armTimer(earliest);
    if (this.parked.size > 0) this.refreshForParked();
  }

  private armTimer(at: number): void {
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

  private get backoff() {
    return {
      initialRetryTimeMs: this.config.retryBackoffMs,
      maxRetryTimeMs: this.config.retryBackoffMaxMs,
      retries: 0,
      factor: 0.2,
      multiplier: 2,
    };
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

  /** Sends one Produce request with `batches` (one per partition) and handles its outcome. */
  async sendRequest(sink: Sink, batches: ProducerBatchState[], acks: number): Promise<void> {
    let requestError: Error | null = null;
    let response: ProduceResponse | null = null;
    let broker = `node ${sink.nodeId}`;
    try {
      // Build (header, CRC, compression) once; a retry resends the same bytes (and sequence numbers).
      // Compression of big batches may run on the threadpool.
      let pending: Promise<unknown>[] | null = null;
      for (const b of batches) {
        if (b.bytes) continue;
        b.builder.setProducerState(b.producerId, b.producerEpoch, b.baseSequence);
        if (b.compression === 0) {
          b.bytes = b.builder.build();
        } else {
          pending ??= [];
          pending.push(
            b.builder.buildAsync().then((bytes) => {
              b.bytes = bytes;
            }),
          );
        }
      }
      if (pending) await Promise.all(pending);
      const conn = await this.cluster.connectionFor(sink.nodeId, 'produce');
      broker = conn.config.label;
      const version = conn.versionFor(PRODUCE);
      if (version < MIN_PRODUCE_VERSION) {
        throw new UnsupportedApiVersionError(
          'Produce',
          PRODUCE,
          conn.config.label,
          `up to v${version}`,
          `v${MIN_PRODUCE_VERSION}+ (RecordBatch v2)`,
        );
      }
      const body = buildProduceRequest(batches, acks, batches[0].timeoutMs);
      if (acks === 0) {
        await conn.send(PRODUCE, version, body);
      } else {
        response = await conn.request(PRODUCE, version, body, {
          timeoutMs: batches[0].timeoutMs + 5_000,
        });
      }
    } catch (err) {
      requestError = err as Error;
    }
    sink.inFlight--;
    const now = Date.now();
    if (requestError) {
      const retriable = isRetriable(requestError) && !(requestError instanceof NotConnectedError);
      if (isRetriable(requestError)) this.cluster.metadata.invalidate();
      for (const b of batches) {
        if (retriable && !this.closedHard) this.retryBatch(b, requestError, now, true);
        else this.finishBatch(b, requestError);
      }
    } else if (response === null) {
      for (const b of batches) this.finishBatch(b, null);
    } else {
      this.handleResponse(batches, response, broker, now);
    }
    this.drainAll();
  }

  private handleResponse(
    batches: ProducerBatchState[],
    response: ProduceResponse,
    broker: string,
    now: number,
  ): void {
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
          this.finishBatch(b, null);
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
        if (this.idempotent && this.isSequenceError(code, b)) {
          this.retryBatch(b, err, now, false);
          continue;
        }
        if (code === ErrorCode.MESSAGE_TOO_LARGE && b.count > 1 && !this.closedHard) this.splitBatch(b);
        else if (err.retriable) this.retryBatch(b, err, now, false);
        else this.finishBatch(b, err);
      }
    }
    for (const m of byTopic.values()) {
      for (const b of m.values()) {
        this.retryBatch(
          b,
          new ConnectionError(broker, `Produce response did not mention ${b.topic}[${b.partition}]`),
          now,
          false,
        );
      }
    }
    if (refresh) this.refreshMetadataSoon();
  }

  /**
   * Idempotence errors. OUT_OF_ORDER_SEQUENCE_NUMBER behind an earlier failed batch just means "resend
   * in order" (the retry does that). For the first unacknowledged batch, or UNKNOWN_PRODUCER_ID /
   * INVALID_PRODUCER_EPOCH, the broker lost or rejects our state: take a new producer id.
   */
  private isSequenceError(code: number, b: ProducerBatchState): boolean {
    if (code === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER) {
      const pb = this.topics.get(b.topic)?.partitions[b.partition];
      if (pb && pb.queue[0] === b) this.requestProducerIdReset();
      return true;
    }
    if (code === ErrorCode.UNKNOWN_PRODUCER_ID || code === ErrorCode.INVALID_PRODUCER_EPOCH) {
      this.requestProducerIdReset();
      return true;
    }
    return false;
  }

  private refreshMetadataSoon(): void {
    this.cluster.metadata.invalidate();
    this.cluster.metadata
      .refresh()
      .catch((err) => this.logger.warn('metadata refresh failed', { error: (err as Error).message }));
  }

  /** Puts a failed batch back (it never left its place in the queue), to be retried after a back-off. */
  private retryBatch(b: ProducerBatchState, err: Error, now: number, refresh: boolean): void {
    b.attempts++;
    b.lastError = err;
    const pb = this.topics.get(b.topic)!.partitions[b.partition];
    const expired = now - b.createdMs >= this.config.deliveryTimeoutMs;
    if (expired || b.attempts > this.config.retries) {
      this.finishBatch(
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
    if (b.inFlight) {
      b.inFlight = false;
      pb.inFlight--;
    }
    pb.retrying = true;
    pb.retryAt = Math.max(pb.retryAt, now + backoffMs(this.backoff, b.attempts - 1));
    this.armTimer(pb.retryAt);
    if (refresh) this.refreshMetadataSoon();
  }

  /**
   * MESSAGE_TOO_LARGE for a batch of several records (the topic's max.message.bytes is below what
   * this batch grew to): split it into batches of at most batchSize, and at most half its size so
   * every split makes progress, and put them where it was, to be sent next (as Java does). The
   * partition's batches stay at that size from now on. Sequence numbers (idempotence) carry over:
   * the pieces cover exactly the original's range, so batches behind it keep theirs.
   */
  private splitBatch(b: ProducerBatchState): void {
    const pb = this.topics.get(b.topic)!.partitions[b.partition];
    const limit = Math.max(RECORD_BATCH_OVERHEAD + 1, Math.min(this.config.batchSize, Math.ceil(b.size / 2)));
    pb.maxBatchBytes = Math.min(pb.maxBatchBytes, limit);
    const pieces: ProducerBatchState[] = [];
    const firstIndex: number[] = [];
    let piece: ProducerBatchState | null = null;
    decodeRecords(b.bytes!).forEach((r, i) => {
      const input: RecordInput = { key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp };
      if (piece === null || !piece.builder.tryAppend(input)) {
        piece = new ProducerBatchState(
          b.topic,
          b.partition,
          limit,
          0,
          b.acks,
          b.compression,
          b.timeoutMs,
          limit,
        );
        piece.createdMs = b.createdMs;
        piece.builder.append(input);
        pieces.push(piece);
        firstIndex.push(i);
      }
    });
    this.logger.debug('splitting a batch the broker found too large', {
      topic: b.topic,
      partition: b.partition,
      records: b.count,
      bytes: b.size,
      batches: pieces.length,
    });
    // Memory: the pieces hold what they take; the original's reservation goes.
    let reserved = 0;
    for (let k = 0; k < pieces.length; k++) {
      const p = pieces[k];
      p.reserved = p.size;
      reserved += p.size;
      if (b.baseSequence >= 0) {
        p.producerId = b.producerId;
        p.producerEpoch = b.producerEpoch;
        p.baseSequence = (b.baseSequence + firstIndex[k]) % (MAX_SEQUENCE + 1);
      }
    }
    if (reserved > b.reserved) this.memory.forceReserve(reserved - b.reserved);
    else this.memory.release(b.reserved - reserved);
    // Send calls: each segment (a run of one call's records) moves to the piece(s) now holding it.
    for (const s of b.segments) {
      let first = s.firstDelta;
      let left = s.count;
      let k = pieceAt(firstIndex, first);
      let segment: Segment | null = null;
      while (left > 0) {
        const p = pieces[k];
        const end = k + 1 < pieces.length ? firstIndex[k + 1] : b.count;
        const n = Math.min(left, end - first);
        if (segment === null) {
          s.batch = p;
          s.firstDelta = first - firstIndex[k];
          s.count = n;
          segment = s;
        } else {
          segment = s.call.insertSegmentAfter(segment, p, first - firstIndex[k], n);
        }
        p.segments.push(segment);
        p.lastSegment = segment;
        left -= n;
        first += n;
        k++;
      }
    }
    // The original's place in the queue, its flush waiters and in-flight count go to the pieces.
    const i = pb.queue.indexOf(b);
    pb.queue.splice(i, 1, ...pieces);
    if (b.inFlight) {
      b.inFlight = false;
      pb.inFlight--;
    }
    if (pb.inFlight > 0) pb.retrying = true; // resend in order once the rest is back
    this.incomplete.delete(b);
    let remaining = pieces.length;
    pb.splitPending += pieces.length;
    for (const p of pieces) {
      this.incomplete.add(p);
      p.onDone(() => {
        pb.splitPending--;
        if (--remaining === 0) b.markDone();
      });
    }
  }

  /** Completes (err === null) or fails a batch: frees its memory and reports to its send calls. */
  finishBatch(b: ProducerBatchState, err: Error | null): void {
    if (b.done) return;
    const pb = this.topics.get(b.topic)?.partitions[b.partition];
    if (pb) {
      if (pb.queue[0] === b) pb.queue.shift();
      else {
        const i = pb.queue.indexOf(b);
        if (i >= 0) pb.queue.splice(i, 1);
        if (pb.open === b) pb.open = null;
      }
      if (b.inFlight) {
        b.inFlight = false;
        pb.inFlight--;
      }
      // A sequenced batch that never made it leaves a gap the broker will not accept: start over
      // with a new producer id (as Java bumps the epoch).
      if (err !== null && this.idempotent && b.baseSequence >= 0 && !this.closedHard)
        this.requestProducerIdReset();
    }
    this.incomplete.delete(b);
    this.memory.release(b.reserved);
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
    if (b.acks === 0 || b.attempts > 0 || b.compression !== 0 || b.bytes === null) return;
    b.bytes = null;
    this.batchBuffers.give(b.builder.backingBuffer);
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
      this.finishBatch(
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

  /** Fails everything still buffered (closing, or no producer id could be had). */
  abortAll(err: Error, hard = true): void {
    if (hard) this.closedHard = true;
    this.memory.failAll(err);
    for (const b of [...this.incomplete]) this.finishBatch(b, err);
  }

  close(): void {
    this.closed = true;
    this.unsubscribe();
    if (this.timer) clearTimeout(this.timer);
    if (this.expiryTimer) clearInterval(this.expiryTimer);
    this.timer = null;
    this.expiryTimer = null;
  }
}

/** The piece holding record `index`, given each piece's first record index (ascending). */
function pieceAt(firstIndex: number[], index: number): number {
  let k = firstIndex.length - 1;
  while (firstIndex[k] > index) k--;
  return k;
}

/** Rewrites the idempotence fields of a built batch and its CRC (they are inside the CRC). */
function restamp(bytes: Buffer, producerId: bigint, producerEpoch: number, baseSequence: number): void {
  bytes.writeBigInt64BE(producerId, OFFSET_PRODUCER_ID);
  bytes.writeInt16BE(producerEpoch, OFFSET_PRODUCER_EPOCH);
  bytes.writeInt32BE(baseSequence, OFFSET_BASE_SEQUENCE);
  bytes.writeUInt32BE(crc32c(bytes.subarray(OFFSET_ATTRIBUTES)) >>> 0, OFFSET_CRC);
}

function buildProduceRequest(batches: ProducerBatchState[], acks: number, timeoutMs: number): ProduceRequest {
  const topicData: ProduceRequest['topicData'] = [];
  let last: ProduceRequest['topicData'][number] | null = null;
  const byName = batches.length > 8 ? new Map<string, ProduceRequest['topicData'][number]>() : null;
  for (const b of batches) {
    let t: ProduceRequest['topicData'][number] | undefined =
      last !== null && last.name === b.topic
        ? last
        : (byName?.get(b.topic) ?? topicData.find((x) => x.name === b.topic));
    if (!t) {
      t = { name: b.topic, partitionData: [] };
      topicData.push(t);
      byName?.set(b.topic, t);
    }
    last = t;
    t.partitionData.push({ index: b.partition, records: b.bytes });
  }
  return { transactionalId: null, acks, timeoutMs, topicData };
}

export { KafkaProtocolError };
