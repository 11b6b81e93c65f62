import { describe, expect, it } from 'vitest';
import { Meter, RATE_WINDOW_MS } from '../../../src/diagnostics/metrics/meter.js';

describe('Meter', () => {
  it('counts, and rates over the samples inside the window', () => {
    const m = new Meter(0);
    m.add(10);
    m.sample(1_000);
    expect(m.total).toBe(10);
    m.add(90);
    // 100 events over 2 s since creation.
    expect(m.rate(2_000)).toBe(50);
  });

  it('forgets samples older than the window', () => {
    const m = new Meter(0);
    m.add(1_000_000); // a burst long ago
    for (let t = 1_000; t <= 100_000; t += 1_000) {
      m.add(10);
      m.sample(t);
    }
    // 10 a second lately, whatever came before the window.
    expect(m.rate(100_000)).toBeCloseTo(10, 5);
    expect(RATE_WINDOW_MS).toBe(30_000);
  });

  it('keeps at most one sample a second', () => {
    const m = new Meter(0);
    m.add(5);
    m.sample(10);
    m.add(5);
    // The sample at 10 ms was not kept: the rate still reaches back to creation.
    expect(m.rate(1_000)).toBe(10);
  });
});
