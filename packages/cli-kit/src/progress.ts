/**
 * A one-line progress display for long inputs, redrawn in place on a terminal at most ten times a second:
 * `[=========>          ] 45%  4,512 records  10,210 records/s`. It draws nothing unless told the stream is a
 * terminal, so piped and redirected output never sees it.
 */

export interface ProgressOptions {
  /** Where the line goes (stderr, so that stdout stays data). */
  write(text: string): void;
  /** Draw at all: true only when `write` goes to a terminal. */
  enabled: boolean;
  /** What is counted, plural (`records`). */
  unit: string;
  /** Terminal width; the bar shrinks to fit. Default 80. */
  columns?: number;
  /** For tests: the clock, in ms. */
  now?: () => number;
}

const REDRAW_MS = 100;
const BAR_WIDTH = 24;

export class ProgressBar {
  private readonly now: () => number;
  private readonly started: number;
  private lastDraw = -Infinity;
  private drawn = false;
  private count = 0;
  private fraction: number | undefined;

  constructor(private readonly options: ProgressOptions) {
    this.now = options.now ?? Date.now;
    this.started = this.now();
  }

  /** `count` items so far; `fraction` (0-1) of the input done, when the input's size is known. */
  update(count: number, fraction?: number): void {
    this.count = count;
    this.fraction = fraction;
    if (!this.options.enabled) return;
    const now = this.now();
    if (now - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = now;
    this.draw(now);
  }

  /** Removes the line (before a summary is printed in its place). */
  clear(): void {
    if (!this.drawn) return;
    this.options.write('\r\u001b[2K');
    this.drawn = false;
  }

  /** The line as drawn now (for tests and for the last redraw). */
  render(now = this.now()): string {
    const seconds = Math.max((now - this.started) / 1000, 0.001);
    const rate = Math.round(this.count / seconds);
    const { unit } = this.options;
    const counts = `${this.count.toLocaleString('en-US')} ${unit}  ${rate.toLocaleString('en-US')} ${unit}/s`;
    if (this.fraction === undefined) return counts;
    const fraction = Math.min(Math.max(this.fraction, 0), 1);
    const room = (this.options.columns ?? 80) - counts.length - 10;
    const width = Math.max(Math.min(BAR_WIDTH, room), 5);
    const filled = Math.floor(fraction * width);
    const bar =
      filled >= width ? '='.repeat(width) : `${'='.repeat(filled)}>${' '.repeat(width - filled - 1)}`;
    return `[${bar}] ${String(Math.floor(fraction * 100)).padStart(3)}%  ${counts}`;
  }

  private draw(now: number): void {
    this.options.write(`\r\u001b[2K${this.render(now)}`);
    this.drawn = true;
  }
}
