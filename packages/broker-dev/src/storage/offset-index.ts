/**
 * Sparse offset index of one segment, as Kafka's `.index`: entries of (last offset of a batch relative to the
 * segment base, byte position of that batch), one every `index.interval.bytes` of log. A lookup gives a
 * position at or before the batch holding an offset; the caller walks batch headers from there.
 */
export const OFFSET_INDEX_ENTRY_SIZE = 8;

export class OffsetIndex {
  private relativeOffsets = new Int32Array(16);
  private positions = new Int32Array(16);
  private count = 0;

  get entries(): number {
    return this.count;
  }

  get lastPosition(): number {
    return this.count === 0 ? 0 : this.positions[this.count - 1];
  }

  get lastRelativeOffset(): number {
    return this.count === 0 ? -1 : this.relativeOffsets[this.count - 1];
  }

  append(relativeOffset: number, position: number): void {
    if (this.count === this.positions.length) {
      this.relativeOffsets = grow(this.relativeOffsets);
      this.positions = grow(this.positions);
    }
    this.relativeOffsets[this.count] = relativeOffset;
    this.positions[this.count] = position;
    this.count++;
  }

  /** Position of the last indexed batch whose last offset is <= `relativeOffset` (0 if none). */
  lookup(relativeOffset: number): number {
    let lo = 0;
    let hi = this.count - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.relativeOffsets[mid] <= relativeOffset) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? 0 : this.positions[found];
  }

  /** Drops entries pointing at or past `position` (after the log was truncated there). */
  truncateToPosition(position: number): void {
    while (this.count > 0 && this.positions[this.count - 1] >= position) this.count--;
  }

  serialize(): Buffer {
    const out = Buffer.allocUnsafe(this.count * OFFSET_INDEX_ENTRY_SIZE);
    for (let i = 0; i < this.count; i++) {
      out.writeInt32BE(this.relativeOffsets[i], i * OFFSET_INDEX_ENTRY_SIZE);
      out.writeInt32BE(this.positions[i], i * OFFSET_INDEX_ENTRY_SIZE + 4);
    }
    return out;
  }

  /** Parses an index file; undefined when it cannot belong to a log of `logSize` bytes (rebuild it then). */
  static deserialize(data: Buffer, logSize: number): OffsetIndex | undefined {
    if (data.length % OFFSET_INDEX_ENTRY_SIZE !== 0) return undefined;
    const index = new OffsetIndex();
    let previousOffset = -1;
    let previousPosition = -1;
    for (let at = 0; at < data.length; at += OFFSET_INDEX_ENTRY_SIZE) {
      const relativeOffset = data.readInt32BE(at);
      const position = data.readInt32BE(at + 4);
      if (relativeOffset <= previousOffset || position <= previousPosition || position >= logSize)
        return undefined;
      index.append(relativeOffset, position);
      previousOffset = relativeOffset;
      previousPosition = position;
    }
    return index;
  }
}

export function grow<T extends Int32Array | Float64Array>(array: T): T {
  const next = new (array.constructor as new (length: number) => T)(array.length * 2);
  next.set(array);
  return next;
}
