import { describe, expect, it } from 'vitest';
import { Distribution } from '../../../src/diagnostics/metrics/latency.js';
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
