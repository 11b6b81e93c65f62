/**
 * Where a PartitionLog keeps its segments. The log decides what happens (offsets, rolls, retention,
 * compaction); the backend makes it happen in memory or on disk, including the crash-safe file steps.
 */
import type { AtomicWriteOptions } from './atomic-file.js';
import type { LeaderEpochCache } from './leader-epoch-cache.js';
import { MemorySegmentStore } from './memory-segment-store.js';
import type { ProducerSnapshotEntry } from './producer-state.js';
import { Segment } from './segment.js';
import { kernelMemoryDirectory, ShmSegmentStore } from './shm-segment-store.js';

/**
 * What closing a log writes for the next open (on disk; memory frees its segments either way):
 * - 'checkpoint': the active segment's index files, a producer snapshot at the log end and the
 *   clean-shutdown marker, so the next open reads those instead of scanning the active segment;
 * - 'rescan': only the active segment's bytes are synced and the next open scans it, as after a
 *   crash (for a small active segment that costs less than writing and syncing three files);
 * - 'unchanged': the log was opened from a checkpoint and nothing changed since, so those files are
 *   still current and durable and only the marker is made again.
 */
export type ClosePlan = 'checkpoint' | 'rescan' | 'unchanged';

export interface LogBackend {
  readonly durable: boolean;
  createSegment(baseOffset: number, indexIntervalBytes: number, nowMs: number): Segment;
  /** The segment stops being the active one: make it durable and persist its indexes. */
  sealSegment(segment: Segment): void;
  /** A sealed segment becomes the active one again (after truncation): its persisted indexes go stale. */
  unsealSegment(segment: Segment): void;
  deleteSegment(segment: Segment): void;
  /** A segment that compaction fills and then swaps in for the segments covering [baseOffset, endOffset). */
  createReplacement(
    baseOffset: number,
    endOffset: number,
    indexIntervalBytes: number,
    nowMs: number,
  ): Segment;
  /** Atomically puts `replacement` in place of `replaced` (crash-safe on disk). */
  swapIn(replacement: Segment, endOffset: number, replaced: readonly Segment[]): void;
  /** Drops an unfinished replacement. */
  discardReplacement(replacement: Segment): void;
  saveLogStartOffset(offset: number): void;
  saveLeaderEpochs(epochs: LeaderEpochCache): void;
  /**
   * Persists the producer state as of log end offset `offset` (a `.snapshot` file on disk);
   * `syncDirectory: false` when `close` follows at once and fsyncs the directory itself.
   */
  saveProducerSnapshot(
    offset: number,
    entries: readonly ProducerSnapshotEntry[],
    options?: AtomicWriteOptions,
  ): void;
  /** saveProducerSnapshot with its fsync off the event loop. */
  saveProducerSnapshotAsync(
    offset: number,
    entries: readonly ProducerSnapshotEntry[],
    options?: AtomicWriteOptions,
  ): Promise<void>;
  /** Drops the producer snapshots below `offset` (their segments are gone). */
  deleteProducerSnapshotsBefore(offset: number): void;
  flush(active: Segment): void;
  /** Syncs and closes the segments, writing what `plan` says for the next open. */
  close(segments: readonly Segment[], plan: ClosePlan): void;
  /** close() with its fsyncs off the event loop. */
  closeAsync(segments: readonly Segment[], plan: ClosePlan): Promise<void>;
  /** Closes and removes everything the partition stored. */
  destroy(segments: readonly Segment[]): void;
}

/**
 * Where an in-memory log keeps segment bytes: 'auto' is kernel memory (ShmSegmentStore) where a tmpfs
 * is available and the heap elsewhere; 'heap' is always the heap (MemorySegmentStore).
 */
export type SegmentMemory = 'auto' | 'heap';

/** Whether in-memory logs keep their bytes in the heap by default ('auto' without a tmpfs). */
export function segmentsInHeap(): boolean {
  return kernelMemoryDirectory() === undefined;
}

export class MemoryLogBackend implements LogBackend {
  readonly durable = false;
  private readonly shmDir: string | undefined;

  constructor(memory: SegmentMemory = 'auto') {
    this.shmDir = memory === 'heap' ? undefined : kernelMemoryDirectory();
  }

  createSegment(baseOffset: number, indexIntervalBytes: number, nowMs: number): Segment {
    const store = this.shmDir ? new ShmSegmentStore(this.shmDir) : new MemorySegmentStore();
    return new Segment(baseOffset, store, indexIntervalBytes, nowMs);
  }

  sealSegment(segment: Segment): void {
    segment.sealIndexes();
  }

  unsealSegment(): void {}

  deleteSegment(segment: Segment): void {
    segment.store.remove();
  }

  createReplacement(
    baseOffset: number,
    _endOffset: number,
    indexIntervalBytes: number,
    nowMs: number,
  ): Segment {
    return this.createSegment(baseOffset, indexIntervalBytes, nowMs);
  }

  swapIn(replacement: Segment, _endOffset: number, replaced: readonly Segment[]): void {
    replacement.sealIndexes();
    for (const segment of replaced) segment.store.remove();
  }

  discardReplacement(replacement: Segment): void {
    replacement.store.remove();
  }

  saveLogStartOffset(): void {}

  saveLeaderEpochs(): void {}

  saveProducerSnapshot(): void {}

  async saveProducerSnapshotAsync(): Promise<void> {}

  deleteProducerSnapshotsBefore(): void {}

  flush(): void {}

  /** Frees kernel memory now rather than at exit; the bytes are gone either way. */
  close(segments: readonly Segment[]): void {
    for (const segment of segments) segment.store.close();
  }

  async closeAsync(segments: readonly Segment[]): Promise<void> {
    this.close(segments);
  }

  destroy(segments: readonly Segment[]): void {
    for (const segment of segments) segment.store.remove();
  }
}
