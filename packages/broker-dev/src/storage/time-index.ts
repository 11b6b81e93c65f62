/**
 * Sparse time index of one segment, as Kafka's `.timeindex`: entries of (largest timestamp so far, relative
 * last offset of the batch that first reached it), appended with the offset index entries and strictly
 * increasing in timestamp. Used by ListOffsets-by-timestamp and to know a segment's newest timestamp.
 */
import { grow } from './offset-index.js';

export const TIME_INDEX_ENTRY_SIZE = 12;

export class TimeIndex {
  private timestamps = new Float64Array(16);
  private relativeOffsets = new Int32Array(16);
  private count = 0;

  get entries(): number {
    return this.count;
  }

  get lastTimestamp(): number {
    return this.count === 0 ? -1 : this.timestamps[this.count - 1];
  }

  get lastRelativeOffset(): number {
    return this.count === 0 ? -1 : this.relativeOffsets[this.count - 1];
  }

  /** Adds an entry unless it would not raise the largest timestamp (entries stay strictly increasing). */
  maybeAppend(timestamp: number, relativeOffset: number): void {
    if (this.count > 0 && timestamp <= this.timestamps[this.count - 1]) return;
    if (this.count === this.timestamps.length) {
      this.timestamps = grow(this.timestamps);
      this.relativeOffsets = grow(this.relativeOffsets);
    }
    this.timestamps[this.count] = timestamp;
    this.relativeOffsets[this.count] = relativeOffset;
    this.count++;
  }

  /**
   * A relative offset such that every batch before the batch holding it has only timestamps < `timestamp`,
   * or -1 when the search must start at the segment's first batch.
   */
  lookup(timestamp: number): number {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.timestamps[mid] < timestamp) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? -1 : this.relativeOffsets[found];
  }

  serialize(): Buffer {
    const out = Buffer.allocUnsafe(this.count * TIME_INDEX_ENTRY_SIZE);
    for (let i = 0; i < this.count; i++) {
      out.writeBigInt64BE(BigInt(this.timestamps[i]), i * TIME_INDEX_ENTRY_SIZE);
      out.writeInt32BE(this.relativeOffsets[i], i * TIME_INDEX_ENTRY_SIZE + 8);
    }
    return out;
  }

  /** Parses a time index file; undefined when it is malformed or not increasing (rebuild it then). */
  static deserialize(data: Buffer): TimeIndex | undefined {
    if (data.length % TIME_INDEX_ENTRY_SIZE !== 0) return undefined;
    const index = new TimeIndex();
    for (let at = 0; at < data.length; at += TIME_INDEX_ENTRY_SIZE) {
      const timestamp = Number(data.readBigInt64BE(at));
      const relativeOffset = data.readInt32BE(at + 8);
      if (index.count > 0 && timestamp <= index.lastTimestamp) return undefined;
      if (relativeOffset < 0 || (index.count > 0 && relativeOffset < index.lastRelativeOffset))
        return undefined;
      index.maybeAppend(timestamp, relativeOffset);
    }
    return index;
  }
}
