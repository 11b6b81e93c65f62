import { uuidToBytes } from './uuid.js';

/** Fields nullable in some versions of a message but not in the one being written. */
const nonNullable = (what: string) =>
  new TypeError(`null ${what} in a field that is not nullable in this version`);

const INITIAL_SIZE = 256;
/** Buffers at least this large are referenced as separate chunks instead of copied. */
const ZERO_COPY_THRESHOLD = 4096;

/**
 * Big-endian writer for Kafka's wire types. It grows one scratch buffer for small fields and
 * keeps large byte payloads (record batches) as references, so a 1 MiB Produce request is
 * never copied before it reaches the socket. `finish()` returns the chunks to write in order.
 */
export class Writer {
  private buf: Buffer;
  private pos = 0;
  /** Start of the scratch region not yet handed out as a chunk. */
  private chunkStart = 0;
  private chunks: Buffer[] | null = null;
  private chunkedBytes = 0;

  constructor(initialSize = INITIAL_SIZE) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  /** Bytes written so far, including referenced chunks. */
  get length(): number {
    return this.chunkedBytes + (this.pos - this.chunkStart);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(
      Math.max(this.buf.length * 2, this.pos - this.chunkStart + n + INITIAL_SIZE),
    );
    this.buf.copy(next, 0, this.chunkStart, this.pos);
    this.pos -= this.chunkStart;
    this.chunkStart = 0;
    this.buf = next;
  }

  int8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
  }

  bool(v: boolean): void {
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
  }

  int16(v: number): void {
    this.ensure(2);
    const b = this.buf;
    const p = this.pos;
    b[p] = (v >>> 8) & 0xff;
    b[p + 1] = v & 0xff;
    this.pos = p + 2;
  }

  uint16(v: number): void {
    this.int16(v);
  }

  int32(v: number): void {
    this.ensure(4);
    const b = this.buf;
    const p = this.pos;
    b[p] = (v >>> 24) & 0xff;
    b[p + 1] = (v >>> 16) & 0xff;
    b[p + 2] = (v >>> 8) & 0xff;
    b[p + 3] = v & 0xff;
    this.pos = p + 4;
  }

  uint32(v: number): void {
    this.int32(v);
  }

  int64(v: bigint | number): void {
    this.ensure(8);
    if (typeof v === 'number' && Number.isSafeInteger(v)) {
      // Split without BigInt: high word via floor division keeps negative values right.
      const hi = Math.floor(v / 0x100000000);
      this.int32(hi | 0);
      this.int32(v - hi * 0x100000000);
      return;
    }
    this.buf.writeBigInt64BE(BigInt(v), this.pos);
    this.pos += 8;
  }

  float64(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
  }

  /** Unsigned LEB128 varint, as Kafka's UNSIGNED_VARINT. */
  uvarint(v: number): void {
    this.ensure(5);
    const b = this.buf;
    let p = this.pos;
    let x = v >>> 0;
    while (x >= 0x80) {
      b[p++] = (x & 0x7f) | 0x80;
      x >>>= 7;
    }
    b[p++] = x;
    this.pos = p;
  }

  /** Zigzag varint, as Kafka's VARINT. */
  varint(v: number): void {
    this.uvarint((v << 1) ^ (v >> 31));
  }

  /** Zigzag varlong, as Kafka's VARLONG. */
  varlong(v: bigint | number): void {
    this.ensure(10);
    let x = BigInt.asUintN(64, (BigInt(v) << 1n) ^ (BigInt(v) >> 63n));
    const b = this.buf;
    let p = this.pos;
    while (x >= 0x80n) {
      b[p++] = Number(x & 0x7fn) | 0x80;
      x >>= 7n;
    }
    b[p++] = Number(x);
    this.pos = p;
  }

  uuid(v: string): void {
    this.raw(uuidToBytes(v));
  }

  /** STRING: int16 length, then UTF-8 bytes. */
  string(v: string | null | undefined): void {
    if (v == null) throw nonNullable('string');
    const n = Buffer.byteLength(v);
    if (n > 0x7fff) throw new RangeError(`string of ${n} bytes does not fit Kafka's int16 length`);
    this.int16(n);
    this.utf8(v, n);
  }

  /** NULLABLE_STRING: length -1 for null. */
  nullableString(v: string | null | undefined): void {
    if (v == null) this.int16(-1);
    else this.string(v);
  }

  /** COMPACT_STRING: unsigned varint length + 1, then UTF-8 bytes. */
  compactString(v: string | null | undefined): void {
    if (v == null) throw nonNullable('string');
    const n = Buffer.byteLength(v);
    this.uvarint(n + 1);
    this.utf8(v, n);
  }

  compactNullableString(v: string | null | undefined): void {
    if (v == null) this.uvarint(0);
    else this.compactString(v);
  }

  private utf8(v: string, byteLength: number): void {
    this.ensure(byteLength);
    if (byteLength === v.length && byteLength < 64) {
      // Short ASCII strings (topic names, ids) are cheaper to copy by hand than through C++.
      const b = this.buf;
      let p = this.pos;
      for (let i = 0; i < byteLength; i++) b[p++] = v.charCodeAt(i);
      this.pos = p;
    } else {
      this.pos += this.buf.write(v, this.pos, byteLength, 'utf8');
    }
  }

  /** BYTES: int32 length, then the bytes. */
  bytes(v: Uint8Array | null | undefined): void {
    if (v == null) throw nonNullable('bytes');
    this.int32(v.length);
    this.raw(v);
  }

  nullableBytes(v: Uint8Array | null | undefined): void {
    if (v == null) this.int32(-1);
    else this.bytes(v);
  }

  compactBytes(v: Uint8Array | null | undefined): void {
    if (v == null) throw nonNullable('bytes');
    this.uvarint(v.length + 1);
    this.raw(v);
  }

  compactNullableBytes(v: Uint8Array | null | undefined): void {
    if (v == null) this.uvarint(0);
    else this.compactBytes(v);
  }

  /**
   * RECORDS: a nullable byte blob of whole record batches. Several buffers may be given so
   * batches accumulated separately are sent without being concatenated first.
   */
  records(v: Uint8Array | readonly Uint8Array[] | null | undefined, compact: boolean): void {
    if (v == null) {
      if (compact) this.uvarint(0);
      else this.int32(-1);
      return;
    }
    if (v instanceof Uint8Array) {
      if (compact) this.uvarint(v.length + 1);
      else this.int32(v.length);
      this.raw(v);
      return;
    }
    let total = 0;
    for (const part of v) total += part.length;
    if (compact) this.uvarint(total + 1);
    else this.int32(total);
    for (const part of v) this.raw(part);
  }

  /** Appends bytes as they are; large payloads are referenced, not copied. */
  raw(v: Uint8Array): void {
    if (v.length >= ZERO_COPY_THRESHOLD) {
      this.cutChunk();
      this.chunks!.push(Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.length));
      this.chunkedBytes += v.length;
      return;
    }
    this.ensure(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
  }

  /** Array length prefix: int32 (-1 for null) or compact unsigned varint N+1 (0 for null). */
  arrayLength(length: number | null, compact: boolean): void {
    if (compact) this.uvarint(length === null ? 0 : length + 1);
    else this.int32(length === null ? -1 : length);
  }

  private cutChunk(): void {
    if (this.chunks === null) this.chunks = [];
    if (this.pos > this.chunkStart) {
      this.chunks.push(this.buf.subarray(this.chunkStart, this.pos));
      this.chunkedBytes += this.pos - this.chunkStart;
      this.chunkStart = this.pos;
    }
  }

  /** The written bytes as chunks, in order. */
  finish(): Buffer[] {
    if (this.chunks === null) return [this.buf.subarray(0, this.pos)];
    this.cutChunk();
    return this.chunks;
  }

  /** The written bytes as one buffer (copies only when large payloads were referenced). */
  toBuffer(): Buffer {
    const chunks = this.finish();
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
  }

  /**
   * The chunks of a frame begun with `Writer.forFrame()`, its leading int32 size filled in with
   * the number of bytes that follow it.
   */
  finishFrame(): Buffer[] {
    const chunks = this.finish();
    chunks[0].writeInt32BE(this.length - 4, 0);
    return chunks;
  }

  /** A writer whose first four bytes are reserved for the frame size `finishFrame()` fills in. */
  static forFrame(initialSize = INITIAL_SIZE): Writer {
    const w = new Writer(initialSize);
    w.pos = 4;
    return w;
  }
}
