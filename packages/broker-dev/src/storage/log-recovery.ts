/**
 * Opens a partition directory after a clean shutdown or a crash: finishes or discards interrupted
 * compaction swaps, loads or rebuilds segment indexes, validates the active segment batch by batch
 * (length, magic 2, CRC32C) and truncates a torn or corrupt tail, so offsets are contiguous afterwards.
 * A segment rebuilt by scanning also needs its aborted-transaction index rebuilt, which takes the
 * producer state (producer-state-log.ts); its index files are written once that is done
 * (writeRebuiltIndexes), so intact index files always come with a current `.txnindex`.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { fsyncDirectory } from './atomic-file.js';
import { FileSegmentStore } from './file-segment-store.js';
import { LeaderEpochCache } from './leader-epoch-cache.js';
import { batchBaseOffset, batchLeaderEpoch } from './record-batch.js';
import { Segment } from './segment.js';
import {
  CLEAN_SHUTDOWN_FILE,
  CLEANED_SUFFIX,
  LEADER_EPOCH_FILE,
  LOG_START_OFFSET_FILE,
  LOG_SUFFIX,
  parsePartitionFile,
  readIndexFiles,
  readTxnIndexFile,
  removeIfExists,
  removeIndexFiles,
  SWAP_SUFFIX,
  segmentPath,
  writeIndexFiles,
} from './segment-files.js';
import type { StorageLogger } from './storage-logger.js';

export interface RecoveredLog {
  /** Segments in offset order; the last one is the active segment. Empty for a new partition. */
  segments: Segment[];
  logStartOffset: number;
  epochs: LeaderEpochCache;
  /** Segments rebuilt by scanning: their aborted-transaction index must be rebuilt too. */
  rebuilt: Set<Segment>;
  /**
   * The log was closed with a checkpoint and opened from it without any repair: its index files and
   * producer snapshot are current and durable, so closing it unchanged needs to write nothing again.
   */
  fromCheckpoint: boolean;
  /**
   * Recovery changed the directory (removed the clean-shutdown marker, finished a swap, dropped a
   * corrupt tail's segments) and, as asked, left its fsync to the caller, who must sync it before
   * the log is changed.
   */
  directoryUnsynced: boolean;
}

export interface RecoveryOptions {
  indexIntervalBytes: number;
  syncWrites: boolean;
  logger: StorageLogger;
  /** Leave the final directory fsync to the caller (see RecoveredLog.directoryUnsynced). */
  deferDirectorySync?: boolean;
}

export function recoverPartitionDir(dir: string, options: RecoveryOptions): RecoveredLog {
  mkdirSync(dir, { recursive: true });
  // One listing answers which files exist (a broker opens thousands of directories at start); it is
  // taken again only if finishing a swap changed the directory.
  let names = new Set(readdirSync(dir));
  const cleanShutdown = names.has(CLEAN_SHUTDOWN_FILE);
  // The directory is fsynced once at the end, and only if recovery changed it: a directory fsync
  // per partition made starting with thousands of partitions on disk take seconds per thousand.
  let changed = finishInterruptedSwaps(dir, [...names], options.logger);
  if (changed) names = new Set(readdirSync(dir));

  const bases = [...names]
    .map(parsePartitionFile)
    .flatMap((file) => (file.kind === 'segment' && file.suffix === LOG_SUFFIX ? [file.baseOffset] : []))
    .sort((a, b) => a - b);

  const epochs = names.has(LEADER_EPOCH_FILE) ? readEpochs(dir) : new LeaderEpochCache();
  const segments: Segment[] = [];
  const rebuilt = new Set<Segment>();
  for (let i = 0; i < bases.length; i++) {
    const isLast = i === bases.length - 1;
    const store = FileSegmentStore.open(segmentPath(dir, bases[i], LOG_SUFFIX), options.syncWrites);
    const segment = new Segment(bases[i], store, options.indexIntervalBytes, store.birthTimeMs());
    const previous = segments[segments.length - 1];
    if (previous && segment.baseOffset < previous.nextOffset) {
      options.logger.warn(
        `${dir}: segment ${bases[i]} overlaps the previous one; dropping it and later segments.`,
      );
      dropFrom(dir, bases.slice(i), store);
      changed = true;
      break;
    }
    if ((!isLast || cleanShutdown) && loadIndexes(dir, segment)) {
      segments.push(segment);
      continue;
    }
    const scan = segment.rebuild(true, (buf, at) => {
      epochs.assign(batchLeaderEpoch(buf, at), batchBaseOffset(buf, at));
    });
    segments.push(segment);
    rebuilt.add(segment);
    if (scan.problem) {
      const lost = store.size - scan.validBytes;
      options.logger.warn(
        `${dir}: truncating segment ${bases[i]} at byte ${scan.validBytes} (${lost} bytes dropped): ${scan.problem}.`,
      );
      store.truncate(scan.validBytes);
      store.flush();
      if (!isLast) {
        dropFrom(dir, bases.slice(i + 1));
        changed = true;
        break;
      }
    }
  }

  const hwm = segments.length > 0 ? segments[segments.length - 1].nextOffset : 0;
  let logStartOffset = segments.length > 0 ? segments[0].baseOffset : 0;
  const savedStart = names.has(LOG_START_OFFSET_FILE) ? readLogStartOffset(dir) : 0;
  logStartOffset = Math.min(Math.max(logStartOffset, savedStart), hwm);
  // An epoch starting exactly at the end began with a leadership change and had no writes yet: keep it.
  epochs.truncateFromEnd(hwm + 1);

  const fromCheckpoint = cleanShutdown && !changed && rebuilt.size === 0;
  // Before anything is appended the marker must be gone for good, or a crash would trust stale indexes.
  if (cleanShutdown && removeIfExists(path.join(dir, CLEAN_SHUTDOWN_FILE))) changed = true;
  const directoryUnsynced = changed && options.deferDirectorySync === true;
  if (changed && !directoryUnsynced) fsyncDirectory(dir);
  return { segments, logStartOffset, epochs, rebuilt, fromCheckpoint, directoryUnsynced };
}

/** After the producer state rebuilt their aborted-transaction indexes: the sealed rebuilt segments' index files. */
export function writeRebuiltIndexes(dir: string, recovered: RecoveredLog): void {
  const active = recovered.segments[recovered.segments.length - 1];
  for (const segment of recovered.rebuilt) if (segment !== active) writeIndexFiles(dir, segment);
}

function loadIndexes(dir: string, segment: Segment): boolean {
  const indexes = readIndexFiles(dir, segment.baseOffset, segment.size);
  if (!indexes || !segment.adoptIndexes(indexes.offsetIndex, indexes.timeIndex)) return false;
  const txnIndex = readTxnIndexFile(dir, segment.baseOffset, segment.nextOffset);
  if (!txnIndex) return false;
  segment.txnIndex = txnIndex;
  return true;
}

/**
 * A `.swap` file is a finished compaction result: delete the segments it replaces and rename it into place.
 * A `.cleaned` file is an unfinished one: the originals are intact, so it is simply deleted. Returns
 * whether the directory changed (it is fsynced here when a swap was finished).
 */
function finishInterruptedSwaps(dir: string, files: readonly string[], logger: StorageLogger): boolean {
  let changed = false;
  for (const name of files) {
    if (name.endsWith('.tmp') && removeIfExists(path.join(dir, name))) changed = true;
    const file = parsePartitionFile(name);
    if (file.kind !== 'replacement') continue;
    if (file.suffix === CLEANED_SUFFIX) {
      removeIfExists(path.join(dir, name));
      changed = true;
      continue;
    }
    if (file.suffix !== SWAP_SUFFIX) continue;
    logger.info(
      `${dir}: completing interrupted compaction swap of offsets ${file.baseOffset}..${file.endOffset}.`,
    );
    for (const other of files.map(parsePartitionFile)) {
      if (other.kind !== 'segment' || other.suffix !== LOG_SUFFIX) continue;
      if (other.baseOffset >= file.baseOffset && other.baseOffset < file.endOffset) {
        removeIfExists(segmentPath(dir, other.baseOffset, LOG_SUFFIX));
        removeIndexFiles(dir, other.baseOffset);
      }
    }
    renameSync(path.join(dir, name), segmentPath(dir, file.baseOffset, LOG_SUFFIX));
    fsyncDirectory(dir);
    changed = true;
  }
  return changed;
}

function dropFrom(dir: string, bases: readonly number[], openStore?: FileSegmentStore): void {
  openStore?.close();
  for (const base of bases) {
    removeIfExists(segmentPath(dir, base, LOG_SUFFIX));
    removeIndexFiles(dir, base);
  }
}

function readLogStartOffset(dir: string): number {
  const file = path.join(dir, LOG_START_OFFSET_FILE);
  if (!existsSync(file)) return 0;
  const value = Number(readFileSync(file, 'utf8').trim());
  return Number.isSafeInteger(value) && value >= 0 ? value : 0;
}

function readEpochs(dir: string): LeaderEpochCache {
  const file = path.join(dir, LEADER_EPOCH_FILE);
  return existsSync(file) ? LeaderEpochCache.parse(readFileSync(file, 'utf8')) : new LeaderEpochCache();
}
