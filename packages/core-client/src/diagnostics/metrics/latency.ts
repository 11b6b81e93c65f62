/**
 * Latencies (or sizes) over about the last 30 to 60 seconds: average, max and 99th percentile from
 * Node's HDR histogram (perf_hooks.createHistogram, recording in C++, 3 significant digits). Two
 * histograms take turns, each covering one window, so old outliers age out as in Java's windowed
 * stats; `count` and `sum` run since creation.
 *
 * A histogram is allocated only when a value is recorded into it, and both are let go once two
 * windows pass without one: each is a ~150 KB calloc, which costs RSS as soon as glibc serves it from
 * its heap (once any freed chunk has raised the mmap threshold, as V8's compiler does). A client keeps
 * one Distribution per broker and per API it used, so eager histograms cost an idle consumer megabytes.
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

/** The histogram snapshots merge into: snapshots are synchronous, so every Distribution shares it. */
let mergeScratch: RecordableHistogram | null = null;

let liveCount = 0;

/** How many histograms Distributions hold now (for tests). */
export function liveHistograms(): number {
  return liveCount;
}

function newHistogram(): RecordableHistogram {
  liveCount++;
  return createHistogram();
}

export class Distribution {
  count = 0;
  sum = 0;
  /** This window's values and the last window's; null until something is recorded in them. */
  private current: RecordableHistogram | null = null;
  private previous: RecordableHistogram | null = null;
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
    this.current ??= newHistogram();
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
    mergeScratch ??= createHistogram();
    const merged = mergeScratch;
    merged.reset();
    for (const d of list) {
      if (d.current !== null) merged.add(d.current);
      if (d.previous !== null) merged.add(d.previous);
    }
    if (merged.count === 0) return { count, avg: null, max: null, p99: null };
    const scale = list[0].scale;
    return { count, avg: merged.mean / scale, max: merged.max / scale, p99: merged.percentile(99) / scale };
  }

  private rotate(now: number): void {
    const age = now - this.windowStart;
    if (age < RATE_WINDOW_MS) return;
    if (age >= 2 * RATE_WINDOW_MS) {
      // Nothing recorded for a whole window: let both go until the next value.
      liveCount -= (this.current === null ? 0 : 1) + (this.previous === null ? 0 : 1);
      this.current = null;
      this.previous = null;
    } else {
      const old = this.previous;
      this.previous = this.current;
      this.current = old;
      this.current?.reset();
    }
    this.windowStart = now;
  }
}
