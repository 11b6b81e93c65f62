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
  /** Drops the producer snapshots below `offset` (their segments are gone). */
  deleteProducerSnapshotsBefore(offset: number): void;
  flush(active: Segment): void;
  close(segments: readonly Segment[]): void;
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

  deleteProducerSnapshotsBefore(): void {}

  flush(): void {}

  /** Frees kernel memory now rather than at exit; the bytes are gone either way. */
  close(segments: readonly Segment[]): void {
    for (const segment of segments) segment.store.close();
  }

  destroy(segments: readonly Segment[]): void {
    for (const segment of segments) segment.store.remove();
  }
}
