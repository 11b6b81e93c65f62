/**
 * Segments as files in one partition directory (`<data-dir>/<topic>-<partition>/`). Crash-safety rules:
 * a sealed segment is fsynced and has its index files; the active segment is recovered by scanning; a
 * compaction result becomes visible by renames only (`.cleaned` → `.swap` → `.log`).
 */
import { closeSync, openSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import {
  type AtomicWriteOptions,
  fsyncDirectory,
  fsyncDirectoryAsync,
  writeFileAtomic,
} from './atomic-file.js';
import { FileSegmentStore } from './file-segment-store.js';
import type { LeaderEpochCache } from './leader-epoch-cache.js';
import type { ClosePlan, LogBackend } from './log-backend.js';
import {
  deleteProducerSnapshot,
  snapshotOffsets,
  writeProducerSnapshot,
  writeProducerSnapshotAsync,
} from './producer-snapshot.js';
import type { ProducerSnapshotEntry } from './producer-state.js';
import { Segment } from './segment.js';
import {
  CLEAN_SHUTDOWN_FILE,
  CLEANED_SUFFIX,
  LEADER_EPOCH_FILE,
  LOG_START_OFFSET_FILE,
  LOG_SUFFIX,
  removeIndexFiles,
  replacementPath,
  SWAP_SUFFIX,
  segmentPath,
  writeIndexFiles,
  writeIndexFilesAsync,
} from './segment-files.js';

export class DiskLogBackend implements LogBackend {
  readonly durable = true;
  /** Files were deleted since the directory was last fsynced (retention, truncation): close syncs it. */
  private unsyncedDeletions = false;

  constructor(
    readonly dir: string,
    private readonly syncWrites: boolean,
  ) {}

  createSegment(baseOffset: number, indexIntervalBytes: number, nowMs: number): Segment {
    // Stale index files of an earlier segment with this base offset would not match the new log.
    removeIndexFiles(this.dir, baseOffset);
    const store = FileSegmentStore.create(segmentPath(this.dir, baseOffset, LOG_SUFFIX), this.syncWrites);
    this.syncDirectory();
    return new Segment(baseOffset, store, indexIntervalBytes, nowMs);
  }

  sealSegment(segment: Segment): void {
    segment.sealIndexes();
    segment.store.flush();
    writeIndexFiles(this.dir, segment);
  }

  unsealSegment(segment: Segment): void {
    removeIndexFiles(this.dir, segment.baseOffset);
    this.unsyncedDeletions = true;
  }

  deleteSegment(segment: Segment): void {
    segment.store.remove();
    removeIndexFiles(this.dir, segment.baseOffset);
    this.unsyncedDeletions = true;
  }

  createReplacement(
    baseOffset: number,
    endOffset: number,
    indexIntervalBytes: number,
    nowMs: number,
  ): Segment {
    const filePath = replacementPath(this.dir, baseOffset, endOffset, CLEANED_SUFFIX);
    const store = FileSegmentStore.create(filePath, this.syncWrites);
    return new Segment(baseOffset, store, indexIntervalBytes, nowMs);
  }

  swapIn(replacement: Segment, endOffset: number, replaced: readonly Segment[]): void {
    const store = replacement.store as FileSegmentStore;
    replacement.sealIndexes();
    store.flush();
    // From here on recovery finishes the swap: the .swap name says which offsets it replaces.
    store.rename(replacementPath(this.dir, replacement.baseOffset, endOffset, SWAP_SUFFIX));
    this.syncDirectory();
    for (const segment of replaced) this.deleteSegment(segment);
    store.rename(segmentPath(this.dir, replacement.baseOffset, LOG_SUFFIX));
    writeIndexFiles(this.dir, replacement, { syncDirectory: false });
    this.syncDirectory();
  }

  discardReplacement(replacement: Segment): void {
    replacement.store.remove();
    this.unsyncedDeletions = true;
  }

  saveLogStartOffset(offset: number): void {
    writeFileAtomic(path.join(this.dir, LOG_START_OFFSET_FILE), `${offset}\n`);
  }

  saveLeaderEpochs(epochs: LeaderEpochCache): void {
    writeFileAtomic(path.join(this.dir, LEADER_EPOCH_FILE), epochs.serialize());
  }

  saveProducerSnapshot(
    offset: number,
    entries: readonly ProducerSnapshotEntry[],
    options: AtomicWriteOptions = {},
  ): void {
    writeProducerSnapshot(this.dir, offset, entries, options);
  }

  saveProducerSnapshotAsync(
    offset: number,
    entries: readonly ProducerSnapshotEntry[],
    options: AtomicWriteOptions = {},
  ): Promise<void> {
    return writeProducerSnapshotAsync(this.dir, offset, entries, options);
  }

  deleteProducerSnapshotsBefore(offset: number): void {
    for (const snapshot of snapshotOffsets(this.dir)) {
      if (snapshot < offset) {
        deleteProducerSnapshot(this.dir, snapshot);
        this.unsyncedDeletions = true;
      }
    }
  }

  flush(active: Segment): void {
    active.store.flush();
  }

  /**
   * Syncs the active segment (sealed ones were synced when they rolled); for a checkpoint also writes its
   * index files (the producer snapshot PartitionLog wrote just before shares their directory fsync); then
   * marks the clean shutdown. The marker is created after the directory fsync, so it never becomes durable
   * before the files it vouches for; its own durability is not needed (without it the next open scans the
   * active segment), so nothing syncs it.
   */
  close(segments: readonly Segment[], plan: ClosePlan): void {
    const active = segments[segments.length - 1];
    if (active && plan !== 'unchanged') active.store.flush();
    if (active && plan === 'checkpoint') writeIndexFiles(this.dir, active, { syncDirectory: false });
    for (const segment of segments) segment.store.close();
    if (plan === 'checkpoint' || this.unsyncedDeletions) this.syncDirectory();
    if (plan !== 'rescan') this.markCleanShutdown();
  }

  /** close() with its fsyncs off the event loop, in the same order. */
  async closeAsync(segments: readonly Segment[], plan: ClosePlan): Promise<void> {
    const active = segments[segments.length - 1];
    if (active && plan !== 'unchanged') await (active.store as FileSegmentStore).flushAsync();
    if (active && plan === 'checkpoint')
      await writeIndexFilesAsync(this.dir, active, { syncDirectory: false });
    for (const segment of segments) segment.store.close();
    if (plan === 'checkpoint' || this.unsyncedDeletions) {
      this.unsyncedDeletions = false;
      await fsyncDirectoryAsync(this.dir);
    }
    if (plan !== 'rescan') this.markCleanShutdown();
  }

  private markCleanShutdown(): void {
    // The marker is empty: creating it is all it takes.
    closeSync(openSync(path.join(this.dir, CLEAN_SHUTDOWN_FILE), 'w'));
  }

  private syncDirectory(): void {
    this.unsyncedDeletions = false;
    fsyncDirectory(this.dir);
  }

  destroy(segments: readonly Segment[]): void {
    for (const segment of segments) segment.store.close();
    // Rename first so a crash mid-delete never leaves a half-deleted partition that looks valid.
    const doomed = `${this.dir}.${Date.now()}-delete`;
    renameSync(this.dir, doomed);
    rmSync(doomed, { recursive: true, force: true });
  }
}
