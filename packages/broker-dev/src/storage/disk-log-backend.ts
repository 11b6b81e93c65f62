/**
 * Segments as files in one partition directory (`<data-dir>/<topic>-<partition>/`). Crash-safety rules:
 * a sealed segment is fsynced and has its index files; the active segment is recovered by scanning; a
 * compaction result becomes visible by renames only (`.cleaned` → `.swap` → `.log`).
 */
import { closeSync, openSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { type AtomicWriteOptions, fsyncDirectory, writeFileAtomic } from './atomic-file.js';
import { FileSegmentStore } from './file-segment-store.js';
import type { LeaderEpochCache } from './leader-epoch-cache.js';
import type { LogBackend } from './log-backend.js';
import { deleteProducerSnapshot, snapshotOffsets, writeProducerSnapshot } from './producer-snapshot.js';
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
} from './segment-files.js';

export class DiskLogBackend implements LogBackend {
  readonly durable = true;

  constructor(
    readonly dir: string,
    private readonly syncWrites: boolean,
  ) {}

  createSegment(baseOffset: number, indexIntervalBytes: number, nowMs: number): Segment {
    // Stale index files of an earlier segment with this base offset would not match the new log.
    removeIndexFiles(this.dir, baseOffset);
    const store = FileSegmentStore.create(segmentPath(this.dir, baseOffset, LOG_SUFFIX), this.syncWrites);
    fsyncDirectory(this.dir);
    return new Segment(baseOffset, store, indexIntervalBytes, nowMs);
  }

  sealSegment(segment: Segment): void {
    segment.sealIndexes();
    segment.store.flush();
    writeIndexFiles(this.dir, segment);
  }

  unsealSegment(segment: Segment): void {
    removeIndexFiles(this.dir, segment.baseOffset);
  }

  deleteSegment(segment: Segment): void {
    segment.store.remove();
    removeIndexFiles(this.dir, segment.baseOffset);
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
    fsyncDirectory(this.dir);
    for (const segment of replaced) this.deleteSegment(segment);
    store.rename(segmentPath(this.dir, replacement.baseOffset, LOG_SUFFIX));
    writeIndexFiles(this.dir, replacement);
    fsyncDirectory(this.dir);
  }

  discardReplacement(replacement: Segment): void {
    replacement.store.remove();
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

  deleteProducerSnapshotsBefore(offset: number): void {
    for (const snapshot of snapshotOffsets(this.dir)) {
      if (snapshot < offset) deleteProducerSnapshot(this.dir, snapshot);
    }
  }

  flush(active: Segment): void {
    active.store.flush();
  }

  /**
   * Flushes the active segment, writes its index files, then marks the clean shutdown. Two directory
   * fsyncs in all (the snapshot PartitionLog.close wrote just before, the index files, then the
   * marker): the marker must not be durable before the files it vouches for.
   */
  close(segments: readonly Segment[]): void {
    const active = segments[segments.length - 1];
    if (active) {
      active.store.flush();
      writeIndexFiles(this.dir, active, { syncDirectory: false });
    }
    for (const segment of segments) segment.store.close();
    fsyncDirectory(this.dir);
    // The marker is empty: creating it and syncing the directory is all it takes.
    closeSync(openSync(path.join(this.dir, CLEAN_SHUTDOWN_FILE), 'w'));
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
