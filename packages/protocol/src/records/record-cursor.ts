import { ProtocolDecodeError } from '../errors/samsa-error.js';

/**
 * A bounds-checked read position inside a records section. Every read checks `end`, so a
 * record can be parsed with `end` narrowed to its own length and never reads past it.
 */
export class RecordCursor {
  readonly buf: Buffer;
  pos: number;
  end: number;

  constructor(buf: Buffer, pos: number, end: number) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  int8(): number {
    if (this.pos >= this.end) throw this.truncated('an attributes byte');
    return (this.buf[this.pos++] << 24) >> 24;
  }

  /** A zig-zag varint of at most 5 bytes, as an int32. */
  varint(): number {
    const buf = this.buf;
    let pos = this.pos;
    let raw = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (pos >= this.end) throw this.truncated('a varint');
      const b = buf[pos++];
      raw |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = pos;
        return (raw >>> 1) ^ -(raw & 1);
      }
    }
    throw new ProtocolDecodeError('varint is longer than 5 bytes', this.pos, { reason: 'INVALID_VARINT' });
  }

  /** A zig-zag varlong of at most 10 bytes, as a number (exact up to 2^53, plenty for timestamps). */
  varlong(): number {
    const buf = this.buf;
    let pos = this.pos;
    let raw = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (pos >= this.end) throw this.truncated('a varlong');
      const b = buf[pos++];
      raw += (b & 0x7f) * scale;
      if (b < 0x80) {
        this.pos = pos;
        return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
      }
      scale *= 0x80;
    }
    throw new ProtocolDecodeError('varlong is longer than 10 bytes', this.pos, { reason: 'INVALID_VARINT' });
  }

  /** Bytes preceded by a varint length; -1 means null. Returns a view, never a copy. */
  nullableBytes(what: string): Buffer | null {
    const length = this.varint();
    if (length === -1) return null;
    return this.view(length, what);
  }

  /** A UTF-8 string preceded by a varint length that must not be negative. */
  string(what: string): string {
    const length = this.varint();
    const start = this.pos;
    this.skip(length, what);
    return this.buf.toString('utf8', start, start + length);
  }

  /** Advances past `length` bytes, checking they exist. */
  skip(length: number, what: string): void {
    if (length < 0)
      throw new ProtocolDecodeError(`${what} has negative length ${length}`, this.pos, {
        reason: 'INVALID_RECORD',
      });
    if (length > this.end - this.pos) {
      throw new ProtocolDecodeError(`${what} of ${length} bytes runs past the end of the record`, this.pos, {
        reason: 'INVALID_RECORD',
      });
    }
    this.pos += length;
  }

  /** Skips bytes preceded by a varint length (-1 for null). */
  skipNullableBytes(what: string): void {
    const length = this.varint();
    if (length !== -1) this.skip(length, what);
  }

  private view(length: number, what: string): Buffer {
    const start = this.pos;
    this.skip(length, what);
    return this.buf.subarray(start, start + length);
  }

  private truncated(what: string): ProtocolDecodeError {
    return new ProtocolDecodeError(`record ends inside ${what}`, this.pos, { reason: 'INVALID_RECORD' });
  }
}
