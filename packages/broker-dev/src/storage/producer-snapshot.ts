/**
 * Producer-state snapshot files, as Kafka's `<20-digit offset>.snapshot` (ProducerSnapshot.json,
 * ProducerStateManager.writeSnapshot): `version int16 (1) | crc uint32 | count int32 | entries`,
 * each entry `ProducerId int64 | Epoch int16 | LastSequence int32 | LastOffset int64 |
 * OffsetDelta int32 | Timestamp int64 | CoordinatorEpoch int32 | CurrentTxnFirstOffset int64`, the
 * CRC32C covering everything after itself. The offset in the name is the log end offset the state
 * reflects: recovery loads a snapshot and replays the batches from that offset on.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type AtomicWriteOptions, writeFileAtomic, writeFileAtomicAsync } from './atomic-file.js';
import { crc32c } from './crc.js';
import type { ProducerSnapshotEntry } from './producer-state.js';
import { offsetName, removeIfExists } from './segment-files.js';

export const SNAPSHOT_SUFFIX = '.snapshot';
const SNAPSHOT_FILE = /^(\d{20})\.snapshot$/;

const SNAPSHOT_VERSION = 1;
const CRC_AT = 2;
const ENTRIES_AT = 6;
const ENTRY_SIZE = 46;

/** A snapshot file that cannot be used (recovery falls back to an older one or to replaying the log). */
export class CorruptSnapshotError extends Error {}

export function encodeProducerSnapshot(entries: readonly ProducerSnapshotEntry[]): Buffer {
  const out = Buffer.alloc(ENTRIES_AT + 4 + entries.length * ENTRY_SIZE);
  out.writeInt16BE(SNAPSHOT_VERSION, 0);
  out.writeInt32BE(entries.length, ENTRIES_AT);
  let at = ENTRIES_AT + 4;
  for (const e of entries) {
    out.writeBigInt64BE(BigInt(e.producerId), at);
    out.writeInt16BE(e.epoch, at + 8);
    out.writeInt32BE(e.lastSequence, at + 10);
    out.writeBigInt64BE(BigInt(e.lastOffset), at + 14);
    out.writeInt32BE(e.offsetDelta, at + 22);
    out.writeBigInt64BE(BigInt(e.timestamp), at + 26);
    out.writeInt32BE(e.coordinatorEpoch, at + 34);
    out.writeBigInt64BE(BigInt(e.currentTxnFirstOffset), at + 38);
    at += ENTRY_SIZE;
  }
  out.writeUInt32BE(crc32c(out, ENTRIES_AT, out.length), CRC_AT);
  return out;
}

export function decodeProducerSnapshot(bytes: Buffer): ProducerSnapshotEntry[] {
  if (bytes.length < ENTRIES_AT + 4)
    throw new CorruptSnapshotError(`snapshot of ${bytes.length} bytes is cut off`);
  const version = bytes.readInt16BE(0);
  if (version !== SNAPSHOT_VERSION) throw new CorruptSnapshotError(`unknown snapshot version ${version}`);
  const stored = bytes.readUInt32BE(CRC_AT);
  const computed = crc32c(bytes, ENTRIES_AT, bytes.length);
  if (stored !== computed) {
    throw new CorruptSnapshotError(`CRC32C mismatch (stored ${stored}, computed ${computed})`);
  }
  const count = bytes.readInt32BE(ENTRIES_AT);
  if (count < 0 || bytes.length !== ENTRIES_AT + 4 + count * ENTRY_SIZE) {
    throw new CorruptSnapshotError(`${count} entries do not fill ${bytes.length} bytes`);
  }
  const entries: ProducerSnapshotEntry[] = [];
  for (let at = ENTRIES_AT + 4; at < bytes.length; at += ENTRY_SIZE) {
    entries.push({
      producerId: Number(bytes.readBigInt64BE(at)),
      epoch: bytes.readInt16BE(at + 8),
      lastSequence: bytes.readInt32BE(at + 10),
      lastOffset: Number(bytes.readBigInt64BE(at + 14)),
      offsetDelta: bytes.readInt32BE(at + 22),
      timestamp: Number(bytes.readBigInt64BE(at + 26)),
      coordinatorEpoch: bytes.readInt32BE(at + 34),
      currentTxnFirstOffset: Number(bytes.readBigInt64BE(at + 38)),
    });
  }
  return entries;
}

export function snapshotPath(dir: string, offset: number): string {
  return path.join(dir, offsetName(offset) + SNAPSHOT_SUFFIX);
}

/** Offsets of the snapshot files in a partition directory, ascending. */
export function snapshotOffsets(dir: string): number[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .flatMap((name) => {
      const match = SNAPSHOT_FILE.exec(name);
      return match ? [Number(match[1])] : [];
    })
    .sort((a, b) => a - b);
}

export function writeProducerSnapshot(
  dir: string,
  offset: number,
  entries: readonly ProducerSnapshotEntry[],
  options: AtomicWriteOptions = {},
): void {
  writeFileAtomic(snapshotPath(dir, offset), encodeProducerSnapshot(entries), options);
}

export function writeProducerSnapshotAsync(
  dir: string,
  offset: number,
  entries: readonly ProducerSnapshotEntry[],
  options: AtomicWriteOptions = {},
): Promise<void> {
  return writeFileAtomicAsync(snapshotPath(dir, offset), encodeProducerSnapshot(entries), options);
}

export function readProducerSnapshot(dir: string, offset: number): ProducerSnapshotEntry[] {
  return decodeProducerSnapshot(readFileSync(snapshotPath(dir, offset)));
}

export function deleteProducerSnapshot(dir: string, offset: number): void {
  removeIfExists(snapshotPath(dir, offset));
}
