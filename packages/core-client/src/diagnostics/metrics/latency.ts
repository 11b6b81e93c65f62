/**
 * Latencies (or sizes) over about the last 30 to 60 seconds: average, max and 99th percentile from
 * Node's HDR histogram (perf_hooks.createHistogram, recording in C++, 2 significant digits). Two
 * histograms take turns, each covering one window, so old outliers age out as in Java's windowed
 * stats; `count` and `sum` run since creation.
 *
 * A histogram is allocated only when a value is recorded into it, and both are let go once two
 * windows pass without one. Each is one calloc of its bucket counts, which costs RSS as soon as glibc
 * serves it from its heap (once any freed chunk has raised the mmap threshold, as V8's compiler does),
 * and a client keeps a Distribution per broker and per API it used: at 3 significant digits a
 * histogram is ~150 KB, and an idle consumer held 16 of them; at 2 digits (p99 within 1%; the
 * average and the max are kept exactly beside it) it is ~45 KB.
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

const HISTOGRAM_OPTIONS = { figures: 2 } as const;

function newHistogram(): RecordableHistogram {
  liveCount++;
  return createHistogram(HISTOGRAM_OPTIONS);
}

/** One window's values: count, sum and max kept exactly, the histogram for the percentile. */
class Window {
  count = 0;
  sum = 0;
  max = 0;
  readonly histogram = newHistogram();

  record(scaled: number): void {
    this.count++;
    this.sum += scaled;
    if (scaled > this.max) this.max = scaled;
    this.histogram.record(scaled);
  }

  reset(): void {
    this.count = 0;
    this.sum = 0;
    this.max = 0;
    this.histogram.reset();
  }
}

export class Distribution {
  count = 0;
  sum = 0;
  /** This window's values and the last window's; null until something is recorded in them. */
  private current: Window | null = null;
  private previous: Window | null = null;
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
    this.current ??= new Window();
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
    let windowCount = 0;
    let windowSum = 0;
    let max = 0;
    mergeScratch ??= createHistogram(HISTOGRAM_OPTIONS);
    const merged = mergeScratch;
    merged.reset();
    for (const d of list) {
      for (const w of [d.current, d.previous]) {
        if (w === null || w.count === 0) continue;
        windowCount += w.count;
        windowSum += w.sum;
        if (w.max > max) max = w.max;
        merged.add(w.histogram);
      }
    }
    if (windowCount === 0) return { count, avg: null, max: null, p99: null };
    const scale = list[0].scale;
    return {
      count,
      avg: windowSum / windowCount / scale,
      max: max / scale,
      p99: Math.min(merged.percentile(99), max) / scale,
    };
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
