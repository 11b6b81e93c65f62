/**
 * A count and its rate per second over about the last 30 seconds (Java's default metrics window:
 * `metrics.sample.window.ms` × `metrics.num.samples`). Adding is one addition, with no clock read, so
 * hot paths can count every record; the rate comes from (time, total) samples taken by `sample(now)`
 * wherever a clock is at hand anyway (a response, a batch) and when a snapshot is taken.
 */

/** How far back rates look. */
export const RATE_WINDOW_MS = 30_000;
/** Samples closer together than this are not kept. */
const SAMPLE_SPACING_MS = 1_000;
const SLOTS = Math.ceil(RATE_WINDOW_MS / SAMPLE_SPACING_MS) + 2;

export class Meter {
  total = 0;
  private readonly times = new Float64Array(SLOTS);
  private readonly totals = new Float64Array(SLOTS);
  /** Index of the newest sample. */
  private newest = 0;
  private count = 1;

  constructor(now: number = performance.now()) {
    this.times[0] = now;
  }

  add(n: number): void {
    this.total += n;
  }

  /** Remembers the total at `now` (at most one sample a second is kept). */
  sample(now: number): void {
    if (now - this.times[this.newest] < SAMPLE_SPACING_MS) return;
    this.newest = (this.newest + 1) % SLOTS;
    this.times[this.newest] = now;
    this.totals[this.newest] = this.total;
    if (this.count < SLOTS) this.count++;
  }

  /** Events per second since the oldest sample inside the window (since creation, early on). */
  rate(now: number): number {
    this.sample(now);
    // Walk back from the newest sample to the oldest one still inside the window.
    let index = this.newest;
    for (let i = 1; i < this.count; i++) {
      const previous = (this.newest - i + SLOTS) % SLOTS;
      if (now - this.times[previous] > RATE_WINDOW_MS) break;
      index = previous;
    }
    const elapsed = now - this.times[index];
    if (elapsed <= 0) return 0;
    return ((this.total - this.totals[index]) * 1000) / elapsed;
  }
}
