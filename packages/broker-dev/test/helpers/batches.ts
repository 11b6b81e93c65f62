/**
 * Minimal RecordBatch v2 encoding/decoding for tests (uncompressed), so handler tests do not
 * depend on a client implementation.
 */
import {
  BatchField,
  COMPRESSION_CODEC_MASK,
  CRC_START,
  CURRENT_MAGIC,
  crc32c,
  LOG_OVERHEAD,
  NO_PARTITION_LEADER_EPOCH,
  RECORD_BATCH_OVERHEAD,
  TIMESTAMP_TYPE_MASK,
} from '@samsa/protocol';

export interface TestRecord {
  key: string | Buffer | null;
  value: string | Buffer | null;
  timestamp?: number;
  headers?: { key: string; value: string }[];
}

function varint(value: number): Buffer {
  let v = (value << 1) ^ (value >> 31);
  const out: number[] = [];
  v >>>= 0;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return Buffer.from(out);
}

function varlong(value: number): Buffer {
  let v = BigInt(value);
  v = v >= 0n ? v << 1n : (-v << 1n) - 1n;
  const out: number[] = [];
  while (v > 0x7fn) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Buffer.from(out);
}

const bytesOf = (v: string | Buffer) => (typeof v === 'string' ? Buffer.from(v) : v);

function lengthPrefixed(v: string | Buffer | null): Buffer {
  if (v === null) return varint(-1);
  const b = bytesOf(v);
  return Buffer.concat([varint(b.length), b]);
}

export interface BatchOptions {
  baseTimestamp?: number;
  producerId?: bigint;
  producerEpoch?: number;
  baseSequence?: number;
  attributes?: number;
}

/** One uncompressed RecordBatch v2 holding `records`. */
export function buildBatch(records: TestRecord[], options: BatchOptions = {}): Buffer {
  const base = options.baseTimestamp ?? records[0]?.timestamp ?? Date.now();
  let maxTs = base;
  const encoded = records.map((r, i) => {
    const ts = r.timestamp ?? base;
    maxTs = Math.max(maxTs, ts);
    const headers = r.headers ?? [];
    const body = Buffer.concat([
      Buffer.from([0]),
      varlong(ts - base),
      varint(i),
      lengthPrefixed(r.key),
      lengthPrefixed(r.value),
      varint(headers.length),
      ...headers.flatMap((h) => [lengthPrefixed(h.key), lengthPrefixed(h.value)]),
    ]);
    return Buffer.concat([varint(body.length), body]);
  });
  const recordsBytes = Buffer.concat(encoded);
  const batch = Buffer.alloc(RECORD_BATCH_OVERHEAD + recordsBytes.length);
  batch.writeBigInt64BE(0n, BatchField.baseOffset);
  batch.writeInt32BE(batch.length - LOG_OVERHEAD, BatchField.length);
  batch.writeInt32BE(NO_PARTITION_LEADER_EPOCH, BatchField.partitionLeaderEpoch);
  batch.writeInt8(CURRENT_MAGIC, BatchField.magic);
  batch.writeInt16BE(options.attributes ?? 0, BatchField.attributes);
  batch.writeInt32BE(records.length - 1, BatchField.lastOffsetDelta);
  batch.writeBigInt64BE(BigInt(base), BatchField.baseTimestamp);
  batch.writeBigInt64BE(BigInt(maxTs), BatchField.maxTimestamp);
  batch.writeBigInt64BE(options.producerId ?? -1n, BatchField.producerId);
  batch.writeInt16BE(options.producerEpoch ?? -1, BatchField.producerEpoch);
  batch.writeInt32BE(options.baseSequence ?? -1, BatchField.baseSequence);
  batch.writeInt32BE(records.length, BatchField.recordsCount);
  recordsBytes.copy(batch, RECORD_BATCH_OVERHEAD);
  batch.writeUInt32BE(crc32c(batch, CRC_START, batch.length), BatchField.crc);
  return batch;
}

export interface ReadRecord {
  offset: number;
  timestamp: number;
  key: string | null;
  value: string | null;
  leaderEpoch: number;
}

function readVarint(buf: Buffer, pos: { p: number }): number {
  let shift = 0;
  let result = 0;
  while (true) {
    const b = buf[pos.p++];
    result |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) break;
    shift += 7;
  }
  return (result >>> 1) ^ -(result & 1);
}

function readVarlong(buf: Buffer, pos: { p: number }): number {
  let shift = 0n;
  let result = 0n;
  while (true) {
    const b = BigInt(buf[pos.p++]);
    result |= (b & 0x7fn) << shift;
    if ((b & 0x80n) === 0n) break;
    shift += 7n;
  }
  return Number((result >> 1n) ^ -(result & 1n));
}

/** Decodes every record of uncompressed batches (Fetch response records). */
export function readRecords(data: Buffer | Buffer[] | null | undefined): ReadRecord[] {
  const buf = Array.isArray(data) ? Buffer.concat(data) : (data ?? Buffer.alloc(0));
  const out: ReadRecord[] = [];
  let pos = 0;
  while (pos + 61 <= buf.length) {
    const size = buf.readInt32BE(pos + 8) + 12;
    if (pos + size > buf.length) break;
    const baseOffset = Number(buf.readBigInt64BE(pos));
    const leaderEpoch = buf.readInt32BE(pos + 12);
    const attributes = buf.readInt16BE(pos + BatchField.attributes);
    const baseTs = Number(buf.readBigInt64BE(pos + BatchField.baseTimestamp));
    const logAppendTime =
      (attributes & TIMESTAMP_TYPE_MASK) !== 0
        ? Number(buf.readBigInt64BE(pos + BatchField.maxTimestamp))
        : undefined;
    const count = buf.readInt32BE(pos + BatchField.recordsCount);
    if ((attributes & COMPRESSION_CODEC_MASK) !== 0)
      throw new Error('readRecords only decodes uncompressed batches');
    const p = { p: pos + 61 };
    for (let i = 0; i < count; i++) {
      const len = readVarint(buf, p);
      const end = p.p + len;
      p.p++; // attributes
      const tsDelta = readVarlong(buf, p);
      const offsetDelta = readVarint(buf, p);
      const keyLen = readVarint(buf, p);
      const key = keyLen < 0 ? null : buf.toString('utf8', p.p, p.p + keyLen);
      if (keyLen > 0) p.p += keyLen;
      const valueLen = readVarint(buf, p);
      const value = valueLen < 0 ? null : buf.toString('utf8', p.p, p.p + valueLen);
      p.p = end;
      out.push({
        offset: baseOffset + offsetDelta,
        timestamp: logAppendTime ?? baseTs + tsDelta,
        key,
        value,
        leaderEpoch,
      });
    }
    pos += size;
  }
  return out;
}

/** Compression codec (attributes bits 0-2) of each batch in fetched data. */
export function batchCodecs(data: Buffer | Buffer[] | null | undefined): number[] {
  const buf = Array.isArray(data) ? Buffer.concat(data) : (data ?? Buffer.alloc(0));
  const out: number[] = [];
  let pos = 0;
  while (pos + RECORD_BATCH_OVERHEAD <= buf.length) {
    const size = buf.readInt32BE(pos + BatchField.length) + LOG_OVERHEAD;
    if (pos + size > buf.length) break;
    out.push(buf.readInt16BE(pos + BatchField.attributes) & COMPRESSION_CODEC_MASK);
    pos += size;
  }
  return out;
}
