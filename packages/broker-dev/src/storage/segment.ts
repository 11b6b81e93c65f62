/**
 * One log segment: the batches from `baseOffset` on, their bytes in a SegmentStore, and the sparse offset and
 * time indexes that locate a batch by offset or timestamp without scanning the whole segment. The same
 * class serves memory and file stores; only the store differs.
 */
import { BatchField, CURRENT_MAGIC, LOG_OVERHEAD, RECORD_BATCH_OVERHEAD } from '@samsa/protocol';
import { OffsetIndex } from './offset-index.js';
import {
  BATCH_HEADER_PEEK,
  batchBaseOffset,
  batchLastOffset,
  batchMaxTimestamp,
  batchProblem,
  batchSize,
} from './record-batch.js';
import type { CollectLimits, CollectResult, SegmentStore } from './segment-store.js';
import { TimeIndex } from './time-index.js';
import { TransactionIndex } from './transaction-index.js';

/** Relative offsets and positions are i32 in the index files, as in Kafka. */
export const MAX_RELATIVE_OFFSET = 2147483647;

/** Bytes read per step when a whole segment is scanned (recovery, compaction). */
const SCAN_CHUNK = 8 * 1024 * 1024;

export interface ScanResult {
  /** Bytes of intact batches from the start of the segment. */
  validBytes: number;
  /** Why scanning stopped before the end, if it did. */
  problem?: string;
}

export class Segment {
  /** One past the last offset of the last batch; the base offset while the segment is empty. */
  nextOffset: number;
  /** Largest MaxTimestamp of any batch, -1 while empty. */
  maxTimestamp = -1;
  /** Last offset of the first batch that reached maxTimestamp. */
  offsetOfMaxTimestamp = -1;
  private offsetIndex = new OffsetIndex();
  private timeIndex = new TimeIndex();
  private bytesSinceIndexEntry = 0;
  /** The aborted transactions whose ABORT marker is in this segment (kept by the log, not by scanning). */
  txnIndex = new TransactionIndex();

  constructor(
    readonly baseOffset: number,
    readonly store: SegmentStore,
    private readonly indexIntervalBytes: number,
    /** Wall-clock time the segment was created, for segment.ms. */
    readonly createdAtMs: number,
  ) {
    this.nextOffset = baseOffset;
  }

  get size(): number {
    return this.store.size;
  }

  get indexes(): { offsetIndex: OffsetIndex; timeIndex: TimeIndex } {
    return { offsetIndex: this.offsetIndex, timeIndex: this.timeIndex };
  }

  /** Appends batches whose offsets were already assigned; `adopt`: see SegmentStore.append. */
  append(data: Buffer, adopt = false): void {
    const start = this.store.size;
    // Store first: if the write fails, the indexes must not point at bytes that are not there.
    this.store.append(data, adopt);
    let pos = 0;
    while (pos < data.length) {
      const size = batchSize(data, pos);
      this.indexBatch(start + pos, size, batchLastOffset(data, pos), batchMaxTimestamp(data, pos));
      pos += size;
    }
  }

  private indexBatch(position: number, size: number, lastOffset: number, maxTimestamp: number): void {
    if (maxTimestamp > this.maxTimestamp) {
      this.maxTimestamp = maxTimestamp;
      this.offsetOfMaxTimestamp = lastOffset;
    }
    if (this.bytesSinceIndexEntry > this.indexIntervalBytes) {
      this.offsetIndex.append(lastOffset - this.baseOffset, position);
      this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp - this.baseOffset);
      this.bytesSinceIndexEntry = 0;
    }
    this.bytesSinceIndexEntry += size;
    this.nextOffset = lastOffset + 1;
  }

  /** Final time index entry, so the newest timestamp survives a restart (Kafka does this on roll too). */
  sealIndexes(): void {
    if (this.maxTimestamp >= 0) {
      this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp - this.baseOffset);
    }
  }

  /** Position of the first batch whose last offset is >= `offset`, or -1 if there is none. */
  locate(offset: number): number {
    if (offset >= this.nextOffset) return -1;
    return this.walkFrom(this.offsetIndex.lookup(offset - this.baseOffset), (pos) => {
      const at = this.store.peek(pos, BATCH_HEADER_PEEK);
      return batchLastOffset(this.store.peekBuffer, at) >= offset;
    });
  }

  /** Position of the first batch with MaxTimestamp >= `timestamp`, or -1. */
  locateTimestamp(timestamp: number): number {
    if (this.maxTimestamp < timestamp) return -1;
    const relative = this.timeIndex.lookup(timestamp);
    const start = relative < 0 ? 0 : this.offsetIndex.lookup(relative);
    return this.walkFrom(start, (pos) => {
      const at = this.store.peek(pos, BATCH_HEADER_PEEK);
      return batchMaxTimestamp(this.store.peekBuffer, at) >= timestamp;
    });
  }

  private walkFrom(position: number, found: (position: number) => boolean): number {
    let pos = position;
    const end = this.store.size;
    while (pos < end) {
      if (found(pos)) return pos;
      const at = this.store.peek(pos, LOG_OVERHEAD);
      pos += batchSize(this.store.peekBuffer, at);
    }
    return -1;
  }

  /** Collects batches from the one holding `fetchOffset` on. */
  read(fetchOffset: number, limits: CollectLimits, out: Buffer[]): CollectResult {
    const position = this.locate(fetchOffset);
    if (position < 0) return { bytes: 0, reachedEnd: true };
    return this.store.collect(position, limits, out);
  }

  /** The whole batch at `position` (zero-copy in memory). */
  batchAt(position: number): Buffer {
    const out: Buffer[] = [];
    this.store.collect(
      position,
      { maxBytes: 0, minOneBatch: true, maxOffset: Number.POSITIVE_INFINITY },
      out,
    );
    return out[0];
  }

  /** Calls `visit` for every batch in order, reading the store in bounded chunks. */
  forEachBatch(visit: (batch: Buffer, position: number) => void): void {
    let position = 0;
    const limits = { maxBytes: SCAN_CHUNK, minOneBatch: true, maxOffset: Number.POSITIVE_INFINITY };
    while (position < this.store.size) {
      const batches: Buffer[] = [];
      const { bytes } = this.store.collect(position, limits, batches);
      if (bytes === 0) break;
      for (const batch of batches) {
        visit(batch, position);
        position += batch.length;
      }
    }
  }

  /**
   * Re-reads the whole segment, validating every batch (CRC32C when `checkCrc`), and rebuilds the indexes and
   * offsets from the intact prefix. The caller truncates the store to `validBytes` if a problem was found.
   */
  rebuild(checkCrc: boolean, onBatch?: (buf: Buffer, at: number) => void): ScanResult {
    this.resetIndexes();
    let position = 0;
    const end = this.store.size;
    while (position < end) {
      const available = end - position;
      if (available < RECORD_BATCH_OVERHEAD) {
        return {
          validBytes: position,
          problem: `truncated batch header (${available} of ${RECORD_BATCH_OVERHEAD} bytes)`,
        };
      }
      const headerAt = this.store.peek(position, RECORD_BATCH_OVERHEAD);
      const size = batchSize(this.store.peekBuffer, headerAt);
      if (size > available)
        return { validBytes: position, problem: `truncated batch (${available} of ${size} bytes)` };
      const at = this.store.peek(position, Math.max(size, RECORD_BATCH_OVERHEAD));
      const problem = batchProblem(this.store.peekBuffer, at, at + available, checkCrc);
      if (problem) return { validBytes: position, problem };
      const buf = this.store.peekBuffer;
      if (batchBaseOffset(buf, at) < this.nextOffset) {
        return { validBytes: position, problem: `batch offset ${batchBaseOffset(buf, at)} goes backwards` };
      }
      this.indexBatch(position, size, batchLastOffset(buf, at), batchMaxTimestamp(buf, at));
      onBatch?.(buf, at);
      position += size;
    }
    return { validBytes: position };
  }

  /**
   * Adopts indexes loaded from disk and derives nextOffset/maxTimestamp by walking the batches after the last
   * index entry. Returns false when the indexes do not fit the log (the caller rebuilds instead).
   */
  adoptIndexes(offsetIndex: OffsetIndex, timeIndex: TimeIndex): boolean {
    this.resetIndexes();
    this.offsetIndex = offsetIndex;
    this.timeIndex = timeIndex;
    if (timeIndex.entries > 0) {
      this.maxTimestamp = timeIndex.lastTimestamp;
      this.offsetOfMaxTimestamp = this.baseOffset + timeIndex.lastRelativeOffset;
    }
    let position = offsetIndex.lastPosition;
    const end = this.store.size;
    while (position < end) {
      if (end - position < BATCH_HEADER_PEEK) return false;
      const at = this.store.peek(position, BATCH_HEADER_PEEK);
      const buf = this.store.peekBuffer;
      const size = batchSize(buf, at);
      if (
        buf[at + BatchField.magic] !== CURRENT_MAGIC ||
        size < RECORD_BATCH_OVERHEAD ||
        position + size > end
      )
        return false;
      const lastOffset = batchLastOffset(buf, at);
      if (lastOffset < this.baseOffset || lastOffset - this.baseOffset > MAX_RELATIVE_OFFSET) return false;
      const indexed = offsetIndex.entries > 0 && position === offsetIndex.lastPosition;
      if (indexed && lastOffset - this.baseOffset !== offsetIndex.lastRelativeOffset) return false;
      const maxTimestamp = batchMaxTimestamp(buf, at);
      if (maxTimestamp > this.maxTimestamp) {
        this.maxTimestamp = maxTimestamp;
        this.offsetOfMaxTimestamp = lastOffset;
      }
      this.nextOffset = lastOffset + 1;
      position += size;
    }
    this.bytesSinceIndexEntry = end - offsetIndex.lastPosition;
    return true;
  }

  /** Removes every batch from the one holding `offset` on; returns the segment's new next offset. */
  truncateTo(offset: number): number {
    const position = this.locate(offset);
    if (position < 0) return this.nextOffset;
    this.store.truncate(position);
    this.rebuild(false);
    this.txnIndex.truncateTo(this.nextOffset);
    return this.nextOffset;
  }

  private resetIndexes(): void {
    this.offsetIndex = new OffsetIndex();
    this.timeIndex = new TimeIndex();
    this.bytesSinceIndexEntry = 0;
    this.nextOffset = this.baseOffset;
    this.maxTimestamp = -1;
    this.offsetOfMaxTimestamp = -1;
  }
}
