/**
 * Record-level decoding and re-encoding of RecordBatch v2, for the few places that must look inside a batch
 * (compaction, ListOffsets by timestamp, compacted-topic key checks). The fetch and produce paths never do.
 */
import {
  BatchField,
  COMPRESSION_CODEC_MASK,
  CompressionType,
  CURRENT_MAGIC,
  LOG_OVERHEAD,
  RECORD_BATCH_OVERHEAD,
  TIMESTAMP_TYPE_MASK,
} from '@samsa/protocol';
import type { RecordCodecs } from './compression.js';
import { crc32c } from './crc.js';
import { CorruptRecordError } from './errors.js';
import { readInt16, readInt32, readInt64, writeInt32, writeInt64 } from './record-batch.js';

export interface StoredRecord {
  attributes: number;
  /** Absolute offset (batch base offset + offset delta). */
  offset: number;
  /** Absolute timestamp (batch base timestamp + timestamp delta; LogAppendTime batches report MaxTimestamp). */
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  /** Raw header section (count varint + entries): carried over verbatim when a record is rewritten. */
  headers: Buffer;
}

/** Header fields of a batch, as numbers. */
export interface BatchHeader {
  baseOffset: number;
  partitionLeaderEpoch: number;
  attributes: number;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordsCount: number;
}

export function readBatchHeader(batch: Buffer): BatchHeader {
  return {
    baseOffset: readInt64(batch, BatchField.baseOffset),
    partitionLeaderEpoch: readInt32(batch, BatchField.partitionLeaderEpoch),
    attributes: readInt16(batch, BatchField.attributes),
    lastOffsetDelta: readInt32(batch, BatchField.lastOffsetDelta),
    baseTimestamp: readInt64(batch, BatchField.baseTimestamp),
    maxTimestamp: readInt64(batch, BatchField.maxTimestamp),
    producerId: readInt64(batch, BatchField.producerId),
    producerEpoch: readInt16(batch, BatchField.producerEpoch),
    baseSequence: readInt32(batch, BatchField.baseSequence),
    recordsCount: readInt32(batch, BatchField.recordsCount),
  };
}

/** Reads zig-zag varints/varlongs as JS numbers (exact to 2^53). */
class VarintReader {
  pos: number;

  constructor(
    private readonly buf: Buffer,
    start: number,
    private readonly end: number,
  ) {
    this.pos = start;
  }

  varlong(): number {
    let raw = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new CorruptRecordError('Record data ends inside a varint.');
      const byte = this.buf[this.pos++];
      raw += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
      scale *= 128;
    }
    throw new CorruptRecordError('Varint longer than 10 bytes in record data.');
  }

  int8(): number {
    if (this.pos >= this.end) throw new CorruptRecordError('Record data ends inside a record.');
    return (this.buf[this.pos++] << 24) >> 24;
  }

  bytes(): Buffer | null {
    const length = this.varlong();
    if (length < 0) return null;
    if (this.pos + length > this.end)
      throw new CorruptRecordError('Record key or value runs past its record.');
    const out = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }
}

/** The (decompressed) records section of a batch. */
export function recordData(batch: Buffer, codecs: RecordCodecs): Buffer {
  const codec = readInt16(batch, BatchField.attributes) & COMPRESSION_CODEC_MASK;
  const data = batch.subarray(RECORD_BATCH_OVERHEAD);
  return codec === CompressionType.None ? data : codecs.decompress(codec, data);
}

/** Decodes every record of a batch; throws CorruptRecordError on malformed record data. */
export function decodeRecords(batch: Buffer, codecs: RecordCodecs): StoredRecord[] {
  const header = readBatchHeader(batch);
  const data = recordData(batch, codecs);
  const logAppendTime = (header.attributes & TIMESTAMP_TYPE_MASK) !== 0;
  const records: StoredRecord[] = [];
  const reader = new VarintReader(data, 0, data.length);
  for (let i = 0; i < header.recordsCount; i++) {
    const length = reader.varlong();
    const end = reader.pos + length;
    if (length < 0 || end > data.length) throw new CorruptRecordError('Record length runs past its batch.');
    const recordReader = new VarintReader(data, reader.pos, end);
    const attributes = recordReader.int8();
    const timestampDelta = recordReader.varlong();
    const offsetDelta = recordReader.varlong();
    const key = recordReader.bytes();
    const value = recordReader.bytes();
    records.push({
      attributes,
      offset: header.baseOffset + offsetDelta,
      timestamp: logAppendTime ? header.maxTimestamp : header.baseTimestamp + timestampDelta,
      key,
      value,
      headers: data.subarray(recordReader.pos, end),
    });
    reader.pos = end;
  }
  return records;
}

function varlongSize(value: number): number {
  let raw = value >= 0 ? value * 2 : -value * 2 - 1;
  let size = 1;
  while (raw >= 128) {
    raw = Math.floor(raw / 128);
    size++;
  }
  return size;
}

function writeVarlong(buf: Buffer, pos: number, value: number): number {
  let raw = value >= 0 ? value * 2 : -value * 2 - 1;
  while (raw >= 128) {
    buf[pos++] = (raw % 128) | 0x80;
    raw = Math.floor(raw / 128);
  }
  buf[pos++] = raw;
  return pos;
}

function encodeRecordData(
  records: readonly StoredRecord[],
  baseOffset: number,
  baseTimestamp: number,
): Buffer {
  const bodySizes: number[] = [];
  let total = 0;
  for (const record of records) {
    const keyLength = record.key ? record.key.length : -1;
    const valueLength = record.value ? record.value.length : -1;
    const body =
      1 +
      varlongSize(record.timestamp - baseTimestamp) +
      varlongSize(record.offset - baseOffset) +
      varlongSize(keyLength) +
      Math.max(keyLength, 0) +
      varlongSize(valueLength) +
      Math.max(valueLength, 0) +
      record.headers.length;
    bodySizes.push(body);
    total += varlongSize(body) + body;
  }
  const out = Buffer.allocUnsafe(total);
  let pos = 0;
  records.forEach((record, i) => {
    pos = writeVarlong(out, pos, bodySizes[i]);
    out[pos++] = record.attributes & 0xff;
    pos = writeVarlong(out, pos, record.timestamp - baseTimestamp);
    pos = writeVarlong(out, pos, record.offset - baseOffset);
    for (const field of [record.key, record.value]) {
      pos = writeVarlong(out, pos, field ? field.length : -1);
      if (field) pos += field.copy(out, pos);
    }
    pos += record.headers.copy(out, pos);
  });
  return out;
}

/**
 * Builds a batch with the given header and records (offsets and timestamps are taken from the records, deltas
 * are recomputed against the header's base values). Compresses with the header's codec when `codecs.compress`
 * exists, otherwise clears the codec bits and writes the records uncompressed.
 */
export function encodeBatch(
  header: BatchHeader,
  records: readonly StoredRecord[],
  codecs: RecordCodecs,
): Buffer {
  let attributes = header.attributes;
  let data = encodeRecordData(records, header.baseOffset, header.baseTimestamp);
  const codec = attributes & COMPRESSION_CODEC_MASK;
  if (codec !== CompressionType.None) {
    if (codecs.compress && records.length > 0) data = codecs.compress(codec, data);
    else attributes &= ~COMPRESSION_CODEC_MASK;
  }
  const batch = Buffer.allocUnsafe(RECORD_BATCH_OVERHEAD + data.length);
  writeInt64(batch, BatchField.baseOffset, header.baseOffset);
  writeInt32(batch, BatchField.length, batch.length - LOG_OVERHEAD);
  writeInt32(batch, BatchField.partitionLeaderEpoch, header.partitionLeaderEpoch);
  batch[BatchField.magic] = CURRENT_MAGIC;
  batch.writeInt16BE(attributes, BatchField.attributes);
  writeInt32(batch, BatchField.lastOffsetDelta, header.lastOffsetDelta);
  writeInt64(batch, BatchField.baseTimestamp, header.baseTimestamp);
  writeInt64(batch, BatchField.maxTimestamp, header.maxTimestamp);
  writeInt64(batch, BatchField.producerId, header.producerId);
  batch.writeInt16BE(header.producerEpoch, BatchField.producerEpoch);
  writeInt32(batch, BatchField.baseSequence, header.baseSequence);
  writeInt32(batch, BatchField.recordsCount, records.length);
  data.copy(batch, RECORD_BATCH_OVERHEAD);
  writeInt32(batch, BatchField.crc, crc32c(batch, BatchField.attributes, batch.length));
  return batch;
}
