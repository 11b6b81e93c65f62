/**
 * Latencies (or sizes) over about the last 30 to 60 seconds: average, max and 99th percentile from
 * Node's HDR histogram (perf_hooks.createHistogram, recording in C++, 3 significant digits). Two
 * histograms take turns, each covering one window, so old outliers age out as in Java's windowed
 * stats; `count` and `sum` run since creation.
 */
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import { RATE_WINDOW_MS } from './meter.js';

export interface DistributionSnapshot {
  /** Values recorded since creation. */
  count: number;
  /** Over the recent window; null when nothing was recorded in it. */
  avg: number | null;
  max: number | null;
  p99: number | null;
}

export class Distribution {
  count = 0;
  sum = 0;
  private current: RecordableHistogram = createHistogram();
  private previous: RecordableHistogram = createHistogram();
  private readonly scratch: RecordableHistogram = createHistogram();
  private windowStart: number;

  /**
   * `scale`: the histogram records integers, so values are kept multiplied by it (1000 keeps
   * milliseconds to the microsecond).
   */
  constructor(
    private readonly scale = 1,
    now: number = performance.now(),
  ) {
    this.windowStart = now;
  }

  record(value: number, now: number): void {
    this.rotate(now);
    this.count++;
    this.sum += value;
    const scaled = Math.round(value * this.scale);
    this.current.record(scaled >= 1 ? scaled : 1);
  }

  snapshot(now: number): DistributionSnapshot {
    return Distribution.merged([this], now);
  }

  /** One snapshot over several distributions of the same scale (a client's brokers together). */
  static merged(list: readonly Distribution[], now: number): DistributionSnapshot {
    let count = 0;
    for (const d of list) {
      d.rotate(now);
      count += d.count;
    }
    if (list.length === 0) return { count, avg: null, max: null, p99: null };
    const merged = list[0].scratch;
    merged.reset();
    for (const d of list) {
      merged.add(d.current);
      merged.add(d.previous);
    }
    if (merged.count === 0) return { count, avg: null, max: null, p99: null };
    const scale = list[0].scale;
    return { count, avg: merged.mean / scale, max: merged.max / scale, p99: merged.percentile(99) / scale };
  }

  private rotate(now: number): void {
    const age = now - this.windowStart;
    if (age < RATE_WINDOW_MS) return;
    if (age >= 2 * RATE_WINDOW_MS) this.previous.reset();
    else {
      const old = this.previous;
      this.previous = this.current;
      this.current = old;
    }
    this.current.reset();
    this.windowStart = now;
  }
}
