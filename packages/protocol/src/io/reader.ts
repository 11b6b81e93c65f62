import { ProtocolDecodeError } from '../errors/samsa-error.js';
import { uuidFromBytes } from './uuid.js';

/**
 * Big-endian reader for Kafka's wire types over one frame. Every read is bounds-checked and
 * every length is checked against the bytes that remain, so malformed input raises
 * `ProtocolDecodeError` instead of reading garbage or allocating without limit. Byte fields
 * and record batches come back as views of the frame, never copies.
 */
export class Reader {
  readonly buf: Buffer;
  pos: number;
  readonly end: number;

  constructor(buf: Buffer, pos = 0, end = buf.length) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number): number {
    const p = this.pos;
    if (p + n > this.end) throw new ProtocolDecodeError(`frame truncated: needed ${n} more bytes`, p);
    this.pos = p + n;
    return p;
  }

  int8(): number {
    const p = this.need(1);
    return (this.buf[p] << 24) >> 24;
  }

  bool(): boolean {
    return this.buf[this.need(1)] !== 0;
  }

  int16(): number {
    const p = this.need(2);
    const b = this.buf;
    return ((b[p] << 24) | (b[p + 1] << 16)) >> 16;
  }

  uint16(): number {
    const p = this.need(2);
    const b = this.buf;
    return (b[p] << 8) | b[p + 1];
  }

  int32(): number {
    const p = this.need(4);
    const b = this.buf;
    return (b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3];
  }

  uint32(): number {
    return this.int32() >>> 0;
  }

  int64(): bigint {
    const p = this.need(8);
    return this.buf.readBigInt64BE(p);
  }

  float64(): number {
    const p = this.need(8);
    return this.buf.readDoubleBE(p);
  }

  uuid(): string {
    const p = this.need(16);
    return uuidFromBytes(this.buf.subarray(p, p + 16));
  }

  /** Unsigned LEB128 varint of at most 5 bytes (32 bits). */
  uvarint(): number {
    const b = this.buf;
    let p = this.pos;
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (p >= this.end) throw new ProtocolDecodeError('frame truncated inside a varint', p);
      const byte = b[p++];
      result |= (byte & 0x7f) << shift;
      if (byte < 0x80) {
        if (shift === 28 && byte > 0x0f) break;
        this.pos = p;
        return result >>> 0;
      }
    }
    throw new ProtocolDecodeError('varint is longer than 5 bytes', this.pos);
  }

  varint(): number {
    const v = this.uvarint();
    return (v >>> 1) ^ -(v & 1);
  }

  varlong(): bigint {
    const b = this.buf;
    let p = this.pos;
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (p >= this.end) throw new ProtocolDecodeError('frame truncated inside a varlong', p);
      const byte = b[p++];
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) {
        this.pos = p;
        return BigInt.asIntN(64, (result >> 1n) ^ -(result & 1n));
      }
    }
    throw new ProtocolDecodeError('varlong is longer than 10 bytes', this.pos);
  }

  private utf8(length: number): string {
    if (length > this.end - this.pos) {
      throw new ProtocolDecodeError(`string of ${length} bytes runs past the end of the frame`, this.pos);
    }
    const p = this.pos;
    this.pos = p + length;
    return this.buf.toString('utf8', p, p + length);
  }

  string(): string {
    const n = this.int16();
    if (n < 0) throw new ProtocolDecodeError(`non-nullable string has length ${n}`, this.pos - 2);
    return this.utf8(n);
  }

  nullableString(): string | null {
    const n = this.int16();
    if (n === -1) return null;
    if (n < 0) throw new ProtocolDecodeError(`string has negative length ${n}`, this.pos - 2);
    return this.utf8(n);
  }

  compactString(): string {
    const n = this.uvarint();
    if (n === 0) throw new ProtocolDecodeError('non-nullable compact string is null', this.pos - 1);
    return this.utf8(n - 1);
  }

  compactNullableString(): string | null {
    const n = this.uvarint();
    return n === 0 ? null : this.utf8(n - 1);
  }

  private slice(length: number): Buffer {
    if (length > this.end - this.pos) {
      throw new ProtocolDecodeError(
        `${length} bytes announced but only ${this.end - this.pos} remain`,
        this.pos,
      );
    }
    const p = this.pos;
    this.pos = p + length;
    return this.buf.subarray(p, p + length);
  }

  bytes(): Buffer {
    const n = this.int32();
    if (n < 0) throw new ProtocolDecodeError(`non-nullable bytes have length ${n}`, this.pos - 4);
    return this.slice(n);
  }

  nullableBytes(): Buffer | null {
    const n = this.int32();
    if (n === -1) return null;
    if (n < 0) throw new ProtocolDecodeError(`bytes have negative length ${n}`, this.pos - 4);
    return this.slice(n);
  }

  compactBytes(): Buffer {
    const n = this.uvarint();
    if (n === 0) throw new ProtocolDecodeError('non-nullable compact bytes are null', this.pos - 1);
    return this.slice(n - 1);
  }

  compactNullableBytes(): Buffer | null {
    const n = this.uvarint();
    return n === 0 ? null : this.slice(n - 1);
  }

  /** RECORDS: the batches as a view of the frame (null when absent). */
  records(compact: boolean): Buffer | null {
    return compact ? this.compactNullableBytes() : this.nullableBytes();
  }

  /** Raw bytes of a known length (tagged field payloads). */
  raw(length: number): Buffer {
    return this.slice(length);
  }

  /**
   * An array's element count, or -1 for null. The count is checked against the remaining bytes
   * (every element takes at least one byte), so a forged count cannot trigger a huge allocation.
   */
  arrayLength(compact: boolean): number {
    let n: number;
    if (compact) {
      n = this.uvarint() - 1;
    } else {
      n = this.int32();
      if (n < -1) throw new ProtocolDecodeError(`array has negative length ${n}`, this.pos - 4);
    }
    if (n > this.end - this.pos) {
      throw new ProtocolDecodeError(
        `array of ${n} elements cannot fit in ${this.end - this.pos} bytes`,
        this.pos,
      );
    }
    return n;
  }

  /** A reader over the next `length` bytes only (a tagged field's payload); this reader does not move. */
  sub(length: number): Reader {
    if (length > this.end - this.pos) {
      throw new ProtocolDecodeError(
        `tagged field of ${length} bytes runs past the end of the frame`,
        this.pos,
      );
    }
    return new Reader(this.buf, this.pos, this.pos + length);
  }

  /** Skips to `to`, checking it stays inside the frame (after a tagged field of known size). */
  seek(to: number): void {
    if (to > this.end || to < 0)
      throw new ProtocolDecodeError('tagged field runs past the end of its frame', this.pos);
    this.pos = to;
  }
}
