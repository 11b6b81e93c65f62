/**
 * The producer's metrics (Java's producer-metrics and producer-topic-metrics, camelCased): records
 * and bytes sent, errors and retries, batch sizes, records per request, how long records waited in
 * the accumulator, and buffer memory. Counted per batch and per request, never per record.
 */
import type { ClientInfo } from '../channels.js';
import { Distribution } from './latency.js';
import { Meter } from './meter.js';
import type { RequestMetricsSnapshot } from './request-metrics.js';

/** What the recorder reads of a batch (a ProducerBatchState). */
export interface MeasuredBatch {
  readonly topic: string;
  readonly count: number;
  readonly size: number;
  readonly attempts: number;
  readonly createdMs: number;
}

class TopicCounters {
  readonly records = new Meter(performance.now());
  readonly bytes = new Meter(performance.now());
  readonly errors = new Meter(performance.now());
  readonly retries = new Meter(performance.now());
}

export interface ProducerTopicMetrics {
  topic: string;
  recordSendTotal: number;
  recordSendRate: number;
  byteTotal: number;
  byteRate: number;
  recordErrorTotal: number;
  recordRetryTotal: number;
}

export interface ProducerMetrics extends RequestMetricsSnapshot {
  client: ClientInfo;
  /** Records the brokers acknowledged (each once, however often its batch was retried). */
  recordSendTotal: number;
  recordSendRate: number;
  /** Records whose send failed for good. */
  recordErrorTotal: number;
  recordErrorRate: number;
  /** Records in batches that were retried (once per retry). */
  recordRetryTotal: number;
  recordRetryRate: number;
  /** Bytes of acknowledged record batches (as written, after compression). */
  byteTotal: number;
  byteRate: number;
  /** Bytes per batch sent, over the recent window. */
  batchSizeAvg: number | null;
  batchSizeMax: number | null;
  recordsPerRequestAvg: number | null;
  /** Milliseconds from a batch's first record to its first send. */
  recordQueueTimeAvg: number | null;
  recordQueueTimeMax: number | null;
  /** `bufferMemory`: the limit, what batches not yet acknowledged hold, and sends waiting for room. */
  bufferTotalBytes: number;
  bufferAvailableBytes: number;
  bufferWaiting: number;
  topics: ProducerTopicMetrics[];
}

/** What the recorder reads of the buffer memory when a snapshot is taken. */
export interface BufferState {
  readonly total: number;
  readonly used: number;
  readonly waiting: number;
}

export class ProducerMetricsRecorder {
  private readonly sent = new Meter(performance.now());
  private readonly bytes = new Meter(performance.now());
  private readonly errors = new Meter(performance.now());
  private readonly retries = new Meter(performance.now());
  private readonly batchSize = new Distribution(1, performance.now());
  private readonly recordsPerRequest = new Distribution(1, performance.now());
  private readonly queueTime = new Distribution(1, performance.now());
  private readonly topics = new Map<string, TopicCounters>();

  /** One Produce request goes out with `batches` (their bytes are built). */
  requestSent(batches: readonly MeasuredBatch[], nowMs: number): void {
    const now = performance.now();
    let records = 0;
    for (const b of batches) {
      records += b.count;
      if (b.attempts > 0) continue;
      this.batchSize.record(b.size, now);
      this.queueTime.record(Math.max(0, nowMs - b.createdMs), now);
    }
    this.recordsPerRequest.record(records, now);
  }

  /** A batch is done: acknowledged (`failed` false) or failed for good. */
  batchDone(b: MeasuredBatch, failed: boolean): void {
    const t = this.topic(b.topic);
    if (failed) {
      this.errors.add(b.count);
      t.errors.add(b.count);
      return;
    }
    const now = performance.now();
    this.sent.add(b.count);
    this.sent.sample(now);
    this.bytes.add(b.size);
    t.records.add(b.count);
    t.bytes.add(b.size);
  }

  batchRetried(b: MeasuredBatch): void {
    this.retries.add(b.count);
    this.topic(b.topic).retries.add(b.count);
  }

  snapshot(client: ClientInfo, requests: RequestMetricsSnapshot, buffer: BufferState): ProducerMetrics {
    const now = performance.now();
    const batchSize = this.batchSize.snapshot(now);
    const queueTime = this.queueTime.snapshot(now);
    return {
      client,
      ...requests,
      recordSendTotal: this.sent.total,
      recordSendRate: this.sent.rate(now),
      recordErrorTotal: this.errors.total,
      recordErrorRate: this.errors.rate(now),
      recordRetryTotal: this.retries.total,
      recordRetryRate: this.retries.rate(now),
      byteTotal: this.bytes.total,
      byteRate: this.bytes.rate(now),
      batchSizeAvg: batchSize.avg,
      batchSizeMax: batchSize.max,
      recordsPerRequestAvg: this.recordsPerRequest.snapshot(now).avg,
      recordQueueTimeAvg: queueTime.avg,
      recordQueueTimeMax: queueTime.max,
      bufferTotalBytes: buffer.total,
      bufferAvailableBytes: Math.max(0, buffer.total - buffer.used),
      bufferWaiting: buffer.waiting,
      topics: [...this.topics].map(([topic, t]) => ({
        topic,
        recordSendTotal: t.records.total,
        recordSendRate: t.records.rate(now),
        byteTotal: t.bytes.total,
        byteRate: t.bytes.rate(now),
        recordErrorTotal: t.errors.total,
        recordRetryTotal: t.retries.total,
      })),
    };
  }

  private topic(name: string): TopicCounters {
    let t = this.topics.get(name);
    if (!t) {
      t = new TopicCounters();
      this.topics.set(name, t);
    }
    return t;
  }
}
