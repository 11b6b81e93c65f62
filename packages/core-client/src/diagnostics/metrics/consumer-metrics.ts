/**
 * The consumer's metrics (Java's consumer-fetch-manager-metrics and consumer-coordinator-metrics,
 * camelCased): records and bytes consumed, fetch rate, latency and size, lag per partition, commit
 * latency, rebalances, heartbeats. Records are counted with one addition each; everything else per
 * fetch, commit or rebalance.
 */
import type { ClientInfo } from '../channels.js';
import { Distribution } from './latency.js';
import { Meter } from './meter.js';
import type { RequestMetricsSnapshot } from './request-metrics.js';

/** What the recorder reads of an assigned partition (a PartitionState) when a snapshot is taken. */
export interface MeasuredPartition {
  readonly topic: string;
  readonly partition: number;
  readonly revoked: boolean;
  readonly position: bigint | null;
  readonly finished: bigint | null;
  readonly committed: bigint | null;
  readonly highWatermark: bigint;
  readonly lastStableOffset: bigint;
  readonly chunks: readonly { fetchOffset: bigint }[];
}

export interface ConsumerPartitionMetrics {
  topic: string;
  partition: number;
  /** The next offset handlers get (Java's position); null until known. */
  position: string | null;
  /** What the group has committed for this member; null when nothing is. */
  committed: string | null;
  /** From the last fetch; null until one answered. */
  highWatermark: string | null;
  /** Records between the position and the high watermark (the last stable offset under read_committed). */
  recordsLag: number | null;
}

export interface ConsumerMetrics extends RequestMetricsSnapshot {
  client: ClientInfo;
  /** Records handed to eachMessage / eachBatch (or the iterator). */
  recordsConsumedTotal: number;
  recordsConsumedRate: number;
  /** Bytes of record batches fetched. */
  bytesConsumedTotal: number;
  bytesConsumedRate: number;
  fetchTotal: number;
  fetchRate: number;
  /** Milliseconds per Fetch request, over the recent window. */
  fetchLatencyAvg: number | null;
  fetchLatencyMax: number | null;
  /** Bytes per Fetch response. */
  fetchSizeAvg: number | null;
  fetchSizeMax: number | null;
  /** The largest recordsLag over the assigned partitions; null when none is known. */
  recordsLagMax: number | null;
  commitTotal: number;
  commitRate: number;
  commitErrorTotal: number;
  /** Milliseconds per offset commit (retries included). */
  commitLatencyAvg: number | null;
  commitLatencyMax: number | null;
  rebalanceTotal: number;
  failedRebalanceTotal: number;
  /** Milliseconds from a rebalance's start to its partitions being assigned. */
  rebalanceLatencyAvg: number | null;
  rebalanceLatencyMax: number | null;
  rebalanceLatencyTotal: number;
  /** Seconds since the last completed rebalance; null before the first. */
  lastRebalanceSecondsAgo: number | null;
  heartbeatTotal: number;
  heartbeatRate: number;
  /** Seconds since the coordinator last accepted a heartbeat; null before the first. */
  lastHeartbeatSecondsAgo: number | null;
  assignedPartitions: number;
  partitions: ConsumerPartitionMetrics[];
}

export class ConsumerMetricsRecorder {
  readonly recordsConsumed = new Meter(performance.now());
  readonly bytesConsumed = new Meter(performance.now());
  private readonly fetches = new Meter(performance.now());
  private readonly fetchLatency = new Distribution(1000, performance.now());
  private readonly fetchSize = new Distribution(1, performance.now());
  private readonly commits = new Meter(performance.now());
  private readonly commitErrors = new Meter(performance.now());
  private readonly commitLatency = new Distribution(1000, performance.now());
  private readonly rebalances = new Meter(performance.now());
  private readonly failedRebalances = new Meter(performance.now());
  private readonly rebalanceLatency = new Distribution(1000, performance.now());
  private readonly heartbeats = new Meter(performance.now());
  private lastRebalanceAt = 0;
  private lastHeartbeatAt = 0;

  /** A Fetch was answered after `ms` with `bytes` of complete record batches. */
  fetched(ms: number, bytes: number): void {
    const now = performance.now();
    this.fetches.add(1);
    this.fetches.sample(now);
    this.fetchLatency.record(ms, now);
    this.fetchSize.record(bytes, now);
    this.bytesConsumed.add(bytes);
    this.bytesConsumed.sample(now);
    this.recordsConsumed.sample(now);
  }

  committed(ms: number, failed: boolean): void {
    const now = performance.now();
    if (failed) this.commitErrors.add(1);
    else this.commits.add(1);
    this.commitLatency.record(ms, now);
  }

  rebalanced(ms: number, failed: boolean): void {
    if (failed) {
      this.failedRebalances.add(1);
      return;
    }
    this.rebalances.add(1);
    this.rebalanceLatency.record(ms, performance.now());
    this.lastRebalanceAt = performance.now();
  }

  heartbeat(): void {
    this.heartbeats.add(1);
    this.lastHeartbeatAt = performance.now();
  }

  snapshot(
    client: ClientInfo,
    requests: RequestMetricsSnapshot,
    assigned: Iterable<MeasuredPartition>,
    readCommitted: boolean,
  ): ConsumerMetrics {
    const now = performance.now();
    const partitions: ConsumerPartitionMetrics[] = [];
    let lagMax: number | null = null;
    for (const p of assigned) {
      if (p.revoked) continue;
      const position = deliveryPosition(p);
      const end = readCommitted && p.lastStableOffset >= 0n ? p.lastStableOffset : p.highWatermark;
      const lag = position === null || end < 0n ? null : Number(end > position ? end - position : 0n);
      if (lag !== null && (lagMax === null || lag > lagMax)) lagMax = lag;
      partitions.push({
        topic: p.topic,
        partition: p.partition,
        position: position === null ? null : position.toString(),
        committed: p.committed === null ? null : p.committed.toString(),
        highWatermark: p.highWatermark < 0n ? null : p.highWatermark.toString(),
        recordsLag: lag,
      });
    }
    const fetchLatency = this.fetchLatency.snapshot(now);
    const fetchSize = this.fetchSize.snapshot(now);
    const commitLatency = this.commitLatency.snapshot(now);
    const rebalanceLatency = this.rebalanceLatency.snapshot(now);
    return {
      client,
      ...requests,
      recordsConsumedTotal: this.recordsConsumed.total,
      recordsConsumedRate: this.recordsConsumed.rate(now),
      bytesConsumedTotal: this.bytesConsumed.total,
      bytesConsumedRate: this.bytesConsumed.rate(now),
      fetchTotal: this.fetches.total,
      fetchRate: this.fetches.rate(now),
      fetchLatencyAvg: fetchLatency.avg,
      fetchLatencyMax: fetchLatency.max,
      fetchSizeAvg: fetchSize.avg,
      fetchSizeMax: fetchSize.max,
      recordsLagMax: lagMax,
      commitTotal: this.commits.total,
      commitRate: this.commits.rate(now),
      commitErrorTotal: this.commitErrors.total,
      commitLatencyAvg: commitLatency.avg,
      commitLatencyMax: commitLatency.max,
      rebalanceTotal: this.rebalances.total,
      failedRebalanceTotal: this.failedRebalances.total,
      rebalanceLatencyAvg: rebalanceLatency.avg,
      rebalanceLatencyMax: rebalanceLatency.max,
      rebalanceLatencyTotal: this.rebalanceLatency.sum,
      lastRebalanceSecondsAgo: this.lastRebalanceAt === 0 ? null : (now - this.lastRebalanceAt) / 1000,
      heartbeatTotal: this.heartbeats.total,
      heartbeatRate: this.heartbeats.rate(now),
      lastHeartbeatSecondsAgo: this.lastHeartbeatAt === 0 ? null : (now - this.lastHeartbeatAt) / 1000,
      assignedPartitions: partitions.length,
      partitions,
    };
  }
}

/**
 * Where delivery stands: past the last record a handler finished, else at the first buffered chunk
 * (the fetch position runs ahead of delivery), else the fetch position.
 */
function deliveryPosition(p: MeasuredPartition): bigint | null {
  if (p.finished !== null) return p.finished;
  if (p.chunks.length > 0) return p.chunks[0].fetchOffset;
  return p.position;
}
