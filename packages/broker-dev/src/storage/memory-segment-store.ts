/**
 * Segment bytes held in memory. Appends are copied into shared 1 MiB arenas (large appends get their own
 * buffer), so the store never pins a caller's network buffer, unless the caller hands its buffer over
 * (`adopt`: a produce request read into a buffer of its own), which is kept as it is. Reads are zero-copy
 * slices.
 */
import { longLivedBuffer } from '../long-lived-buffer.js';
import { type CollectLimits, type CollectResult, type SegmentStore, takeBatches } from './segment-store.js';

const ARENA_SIZE = 1024 * 1024;
/** Appends at least this large skip the arena: copying them into one would waste its tail. */
const DEDICATED_THRESHOLD = ARENA_SIZE / 4;

export class MemorySegmentStore implements SegmentStore {
  /** Contiguous byte ranges of the segment, in order; `starts[i]` is the segment position of `views[i]`. */
  private views: Buffer[] = [];
  private starts: number[] = [];
  private arena: Buffer | undefined;
  private arenaFill = 0;
  /** Arena offset where the last view begins if that view lies in the current arena and ends at arenaFill. */
  private lastViewArenaStart = -1;
  private bytes = 0;
  peekBuffer: Buffer = Buffer.alloc(0);

  get size(): number {
    return this.bytes;
  }

  append(data: Buffer, adopt = false): void {
    if (data.length === 0) return;
    if (adopt) {
      this.pushView(data);
      this.lastViewArenaStart = -1;
    } else if (data.length >= DEDICATED_THRESHOLD) {
      const own = longLivedBuffer(data.length);
      data.copy(own);
      this.pushView(own);
      this.lastViewArenaStart = -1;
    } else {
      if (!this.arena || this.arenaFill + data.length > this.arena.length) {
        this.arena = longLivedBuffer(ARENA_SIZE);
        this.arenaFill = 0;
        this.lastViewArenaStart = -1;
      }
      data.copy(this.arena, this.arenaFill);
      if (this.lastViewArenaStart >= 0) {
        // Contiguous in the arena and in the segment: widen the last view instead of adding one.
        const last = this.views.length - 1;
        this.views[last] = this.arena.subarray(this.lastViewArenaStart, this.arenaFill + data.length);
      } else {
        this.lastViewArenaStart = this.arenaFill;
        this.pushView(this.arena.subarray(this.arenaFill, this.arenaFill + data.length));
      }
      this.arenaFill += data.length;
    }
    this.bytes += data.length;
  }

  private pushView(view: Buffer): void {
    this.views.push(view);
    this.starts.push(this.bytes);
  }

  /** Index of the view holding `position` (which must be < size). */
  private viewAt(position: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.starts[mid] <= position) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  peek(position: number, length: number): number {
    const i = this.viewAt(position);
    const local = position - this.starts[i];
    const view = this.views[i];
    // Batches never straddle views, so a header lies wholly in one view.
    if (local + length <= view.length || i === this.views.length - 1) {
      this.peekBuffer = view;
      return local;
    }
    this.peekBuffer = Buffer.concat([view.subarray(local), ...this.views.slice(i + 1)]).subarray(0, length);
    return 0;
  }

  collect(position: number, limits: CollectLimits, out: Buffer[]): CollectResult {
    let bytes = 0;
    if (position >= this.bytes) return { bytes, reachedEnd: true };
    const first = this.viewAt(position);
    for (let i = first; i < this.views.length; i++) {
      const view = this.views[i];
      const local = i === first ? position - this.starts[i] : 0;
      const before = out.length;
      const stop = takeBatches(view, local, view.length, limits, bytes, out);
      for (let j = before; j < out.length; j++) bytes += out[j].length;
      if (stop < view.length) return { bytes, reachedEnd: false };
    }
    return { bytes, reachedEnd: true };
  }

  truncate(size: number): void {
    if (size >= this.bytes) return;
    while (this.views.length > 0 && this.starts[this.starts.length - 1] >= size) {
      this.views.pop();
      this.starts.pop();
    }
    const last = this.views.length - 1;
    if (last >= 0) this.views[last] = this.views[last].subarray(0, size - this.starts[last]);
    // Never write into truncated arena bytes again: readers may still hold slices of them.
    this.lastViewArenaStart = -1;
    this.arena = undefined;
    this.bytes = size;
  }

  flush(): void {}

  close(): void {}

  remove(): void {
    this.views = [];
    this.starts = [];
    this.arena = undefined;
    this.bytes = 0;
  }
}
