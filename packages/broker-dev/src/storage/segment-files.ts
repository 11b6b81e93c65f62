/**
 * File names of a partition directory, following Kafka: segment files named by their 20-digit zero-padded
 * base offset (`.log`, `.index`, `.timeindex`, `.txnindex`), plus checkpoints (producer-state snapshots are
 * producer-snapshot.ts's). Compaction's transient files also carry the exclusive end of the offset range
 * they replace (`<base>.<end>.cleaned`, `<base>.<end>.swap`), so a swap interrupted by a crash can be
 * completed without guessing which old segments it covers.
 */
import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import {
  type AtomicWriteOptions,
  fsyncDirectory,
  fsyncDirectoryAsync,
  writeFileAtomic,
  writeFileAtomicAsync,
} from './atomic-file.js';
import { OffsetIndex } from './offset-index.js';
import type { Segment } from './segment.js';
import { TimeIndex } from './time-index.js';
import { TransactionIndex } from './transaction-index.js';

export const LOG_SUFFIX = '.log';
export const INDEX_SUFFIX = '.index';
export const TIME_INDEX_SUFFIX = '.timeindex';
export const TXN_INDEX_SUFFIX = '.txnindex';
export const CLEANED_SUFFIX = '.cleaned';
export const SWAP_SUFFIX = '.swap';
export const LOG_START_OFFSET_FILE = 'log-start-offset-checkpoint';
export const LEADER_EPOCH_FILE = 'leader-epoch-checkpoint';
/** Present only while the partition is closed after a clean shutdown: recovery may trust the indexes. */
export const CLEAN_SHUTDOWN_FILE = '.clean-shutdown';

/** `<topic>-<partition>`, Kafka's partition directory name. */
export function partitionDirectory(dataDir: string, topic: string, partition: number): string {
  return path.join(dataDir, `${topic}-${partition}`);
}

export function offsetName(offset: number): string {
  return String(offset).padStart(20, '0');
}

export function segmentPath(dir: string, baseOffset: number, suffix: string): string {
  return path.join(dir, offsetName(baseOffset) + suffix);
}

export function replacementPath(dir: string, baseOffset: number, endOffset: number, suffix: string): string {
  return path.join(dir, `${offsetName(baseOffset)}.${offsetName(endOffset)}${suffix}`);
}

const SEGMENT_FILE = /^(\d{20})(\.log|\.index|\.timeindex|\.txnindex)$/;
const REPLACEMENT_FILE = /^(\d{20})\.(\d{20})(\.cleaned|\.swap)$/;

export type PartitionFile =
  | { kind: 'segment'; baseOffset: number; suffix: string }
  | { kind: 'replacement'; baseOffset: number; endOffset: number; suffix: string }
  | { kind: 'other' };

export function parsePartitionFile(name: string): PartitionFile {
  const segment = SEGMENT_FILE.exec(name);
  if (segment) return { kind: 'segment', baseOffset: Number(segment[1]), suffix: segment[2] };
  const replacement = REPLACEMENT_FILE.exec(name);
  if (replacement) {
    return {
      kind: 'replacement',
      baseOffset: Number(replacement[1]),
      endOffset: Number(replacement[2]),
      suffix: replacement[3],
    };
  }
  return { kind: 'other' };
}

/**
 * Writes a segment's index files. The `.txnindex` goes first (or is removed when the segment has no
 * aborted transaction), so an intact `.index` and `.timeindex` pair implies its `.txnindex` is current.
 * The pair shares one directory fsync, left to the caller with `syncDirectory: false`.
 */
export function writeIndexFiles(dir: string, segment: Segment, options: AtomicWriteOptions = {}): void {
  const { offsetIndex, timeIndex } = segment.indexes;
  const txnIndexPath = segmentPath(dir, segment.baseOffset, TXN_INDEX_SUFFIX);
  if (segment.txnIndex.size > 0) writeFileAtomic(txnIndexPath, segment.txnIndex.serialize());
  else removeIfExists(txnIndexPath);
  const deferred = { syncDirectory: false };
  writeFileAtomic(segmentPath(dir, segment.baseOffset, INDEX_SUFFIX), offsetIndex.serialize(), deferred);
  writeFileAtomic(segmentPath(dir, segment.baseOffset, TIME_INDEX_SUFFIX), timeIndex.serialize(), deferred);
  if (options.syncDirectory ?? true) fsyncDirectory(dir);
}

/** writeIndexFiles with its fsyncs off the event loop, in the same order. */
export async function writeIndexFilesAsync(
  dir: string,
  segment: Segment,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const { offsetIndex, timeIndex } = segment.indexes;
  const txnIndexPath = segmentPath(dir, segment.baseOffset, TXN_INDEX_SUFFIX);
  if (segment.txnIndex.size > 0) await writeFileAtomicAsync(txnIndexPath, segment.txnIndex.serialize());
  else removeIfExists(txnIndexPath);
  const deferred = { syncDirectory: false };
  await Promise.all([
    writeFileAtomicAsync(
      segmentPath(dir, segment.baseOffset, INDEX_SUFFIX),
      offsetIndex.serialize(),
      deferred,
    ),
    writeFileAtomicAsync(
      segmentPath(dir, segment.baseOffset, TIME_INDEX_SUFFIX),
      timeIndex.serialize(),
      deferred,
    ),
  ]);
  if (options.syncDirectory ?? true) await fsyncDirectoryAsync(dir);
}

/** Loads a segment's index files; undefined when either is missing or malformed. */
export function readIndexFiles(
  dir: string,
  baseOffset: number,
  logSize: number,
): { offsetIndex: OffsetIndex; timeIndex: TimeIndex } | undefined {
  const indexPath = segmentPath(dir, baseOffset, INDEX_SUFFIX);
  const timeIndexPath = segmentPath(dir, baseOffset, TIME_INDEX_SUFFIX);
  if (!existsSync(indexPath) || !existsSync(timeIndexPath)) return undefined;
  const offsetIndex = OffsetIndex.deserialize(readFileSync(indexPath), logSize);
  const timeIndex = TimeIndex.deserialize(readFileSync(timeIndexPath));
  return offsetIndex && timeIndex ? { offsetIndex, timeIndex } : undefined;
}

/**
 * A sealed segment's aborted-transaction index: empty when it has no `.txnindex` (see writeIndexFiles),
 * undefined when the file is malformed.
 */
export function readTxnIndexFile(
  dir: string,
  baseOffset: number,
  nextOffset: number,
): TransactionIndex | undefined {
  const txnIndexPath = segmentPath(dir, baseOffset, TXN_INDEX_SUFFIX);
  if (!existsSync(txnIndexPath)) return new TransactionIndex();
  return TransactionIndex.deserialize(readFileSync(txnIndexPath), baseOffset, nextOffset);
}

export function removeIndexFiles(dir: string, baseOffset: number): void {
  removeIfExists(segmentPath(dir, baseOffset, INDEX_SUFFIX));
  removeIfExists(segmentPath(dir, baseOffset, TIME_INDEX_SUFFIX));
  removeIfExists(segmentPath(dir, baseOffset, TXN_INDEX_SUFFIX));
}

/** True when there was a file to remove. */
export function removeIfExists(filePath: string): boolean {
  try {
    unlinkSync(filePath);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return false;
  }
}
