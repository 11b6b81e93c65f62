import { describe, expect, it } from 'vitest';
import { Distribution, liveHistograms } from '../../../src/diagnostics/metrics/latency.js';
import { RATE_WINDOW_MS } from '../../../src/diagnostics/metrics/meter.js';

describe('Distribution', () => {
  it('gives avg, max and p99 of the recent window, kept to the scale', () => {
    const d = new Distribution(1000, 0);
    for (let i = 1; i <= 100; i++) d.record(i / 10, 1); // 0.1 .. 10 ms
    const s = d.snapshot(2);
    expect(s.count).toBe(100);
    expect(s.avg).toBeCloseTo(5.05, 1);
    expect(s.max).toBeCloseTo(10, 1);
    expect(s.p99).toBeCloseTo(9.9, 1);
    expect(d.sum).toBeCloseTo(505, 6);
  });

  it('ages values out after two windows; null when the window is empty', () => {
    const d = new Distribution(1, 0);
    d.record(500, 0);
    expect(d.snapshot(RATE_WINDOW_MS + 1).max).toBe(500);
    d.record(7, RATE_WINDOW_MS + 1);
    expect(d.snapshot(2 * RATE_WINDOW_MS + 2).max).toBe(7);
    expect(d.snapshot(5 * RATE_WINDOW_MS)).toEqual({ count: 2, avg: null, max: null, p99: null });
  });

  it('merges distributions (a client over its brokers)', () => {
    const a = new Distribution(1, 0);
    const b = new Distribution(1, 0);
    a.record(10, 1);
    b.record(30, 1);
    expect(Distribution.merged([a, b], 2)).toMatchObject({ count: 2, avg: 20, max: 30 });
  });
});

describe('Distribution histograms', () => {
  it('allocates a histogram only when a value is recorded, and lets both go after two quiet windows', () => {
    const live = liveHistograms();
    const unused = Array.from({ length: 10 }, () => new Distribution(1000, 0));
    expect(liveHistograms()).toBe(live);
    expect(Distribution.merged(unused, 1)).toEqual({ count: 0, avg: null, max: null, p99: null });
    expect(liveHistograms()).toBe(live);

    const d = new Distribution(1, 0);
    d.record(5, 1);
    expect(liveHistograms()).toBe(live + 1);
    d.record(6, RATE_WINDOW_MS + 1); // the next window: the first histogram becomes `previous`
    expect(liveHistograms()).toBe(live + 2);
    expect(d.snapshot(RATE_WINDOW_MS + 2)).toMatchObject({ count: 2, max: 6 });
    expect(d.snapshot(4 * RATE_WINDOW_MS)).toEqual({ count: 2, avg: null, max: null, p99: null });
    expect(liveHistograms()).toBe(live);
    d.record(9, 4 * RATE_WINDOW_MS + 1);
    expect(d.snapshot(4 * RATE_WINDOW_MS + 2)).toMatchObject({ count: 3, max: 9 });
  });
});
