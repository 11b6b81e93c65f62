/**
 * Test-side RecordBatch v2 encoder, written independently of src/storage so tests check storage against
 * the format itself: zig-zag varints, CRC-32C over attributes..end, optional gzip of the records section.
 */

import { gzipSync } from 'node:zlib';
import {
  BatchField,
  CONTROL_FLAG_MASK,
  CompressionType,
  CRC_START,
  CURRENT_MAGIC,
  LOG_OVERHEAD,
  NO_PARTITION_LEADER_EPOCH,
  RECORD_BATCH_OVERHEAD,
  TRANSACTIONAL_FLAG_MASK,
} from '@samsa/protocol';
import { crc32c } from '../../src/storage/crc.js';

export interface TestRecord {
  key?: string | Buffer | null;
  value?: string | Buffer | null;
  /** Absolute timestamp; defaults to the batch's base timestamp. */
  timestamp?: number;
  headers?: Array<[string, string]>;
}

export interface BatchOptions {
  baseTimestamp?: number;
  gzip?: boolean;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  transactional?: boolean;
  control?: boolean;
  /** Override lastOffsetDelta (defaults to records.length - 1). */
  lastOffsetDelta?: number;
  /** Offset deltas of the records (defaults to 0..n-1). */
  offsetDeltas?: number[];
}

function zigzag(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

function varint(value: number): number[] {
  let raw = zigzag(value);
  const out: number[] = [];
  while (raw >= 128) {
    out.push((raw % 128) | 0x80);
    raw = Math.floor(raw / 128);
  }
  out.push(raw);
  return out;
}

function bytesOf(value: string | Buffer | null | undefined): Buffer | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? Buffer.from(value) : value;
}

function encodeRecord(record: TestRecord, offsetDelta: number, baseTimestamp: number): Buffer {
  const key = bytesOf(record.key);
  const value = bytesOf(record.value === undefined ? 'v' : record.value);
  const parts: number[] = [0];
  parts.push(...varint((record.timestamp ?? baseTimestamp) - baseTimestamp));
  parts.push(...varint(offsetDelta));
  const body: Buffer[] = [Buffer.from(parts)];
  for (const field of [key, value]) {
    body.push(Buffer.from(varint(field ? field.length : -1)));
    if (field) body.push(field);
  }
  const headers = record.headers ?? [];
  body.push(Buffer.from(varint(headers.length)));
  for (const [k, v] of headers) {
    body.push(Buffer.from(varint(Buffer.byteLength(k))), Buffer.from(k));
    body.push(Buffer.from(varint(Buffer.byteLength(v))), Buffer.from(v));
  }
  const content = Buffer.concat(body);
  return Buffer.concat([Buffer.from(varint(content.length)), content]);
}

export function buildBatch(records: TestRecord[], options: BatchOptions = {}): Buffer {
  const baseTimestamp = options.baseTimestamp ?? records[0]?.timestamp ?? 1_700_000_000_000;
  const deltas = options.offsetDeltas ?? records.map((_, i) => i);
  let data = Buffer.concat(records.map((r, i) => encodeRecord(r, deltas[i], baseTimestamp)));
  if (options.gzip) data = gzipSync(data);
  const maxTimestamp = Math.max(baseTimestamp, ...records.map((r) => r.timestamp ?? baseTimestamp));
  const header = Buffer.alloc(RECORD_BATCH_OVERHEAD);
  header.writeBigInt64BE(0n, BatchField.baseOffset);
  header.writeInt32BE(RECORD_BATCH_OVERHEAD - LOG_OVERHEAD + data.length, BatchField.length);
  header.writeInt32BE(NO_PARTITION_LEADER_EPOCH, BatchField.partitionLeaderEpoch);
  header.writeInt8(CURRENT_MAGIC, BatchField.magic);
  let attributes: number = options.gzip ? CompressionType.GZIP : CompressionType.None;
  if (options.transactional) attributes |= TRANSACTIONAL_FLAG_MASK;
  if (options.control) attributes |= CONTROL_FLAG_MASK;
  header.writeInt16BE(attributes, BatchField.attributes);
  header.writeInt32BE(options.lastOffsetDelta ?? records.length - 1, BatchField.lastOffsetDelta);
  header.writeBigInt64BE(BigInt(baseTimestamp), BatchField.baseTimestamp);
  header.writeBigInt64BE(BigInt(maxTimestamp), BatchField.maxTimestamp);
  header.writeBigInt64BE(BigInt(options.producerId ?? -1), BatchField.producerId);
  header.writeInt16BE(options.producerEpoch ?? -1, BatchField.producerEpoch);
  header.writeInt32BE(options.baseSequence ?? -1, BatchField.baseSequence);
  header.writeInt32BE(records.length, BatchField.recordsCount);
  const batch = Buffer.concat([header, data]);
  batch.writeUInt32BE(crc32c(batch, CRC_START, batch.length), BatchField.crc);
  return batch;
}

/** A batch of `count` records with values of `valueSize` bytes (keys k0..). */
export function filledBatch(count: number, valueSize: number, timestamp = 1_700_000_000_000): Buffer {
  const value = Buffer.alloc(valueSize, 0x61);
  return buildBatch(Array.from({ length: count }, (_, i) => ({ key: `k${i}`, value, timestamp })));
}

/** A transaction marker (control batch), COMMIT by default. */
export function controlBatch(producerId: number, commit = true, timestamp = 1_700_000_000_000): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(commit ? 1 : 0, 2);
  const value = Buffer.alloc(6);
  return buildBatch([{ key, value, timestamp }], {
    producerId,
    producerEpoch: 0,
    baseSequence: -1,
    transactional: true,
    control: true,
  });
}

export function baseOffsetOf(batch: Buffer): number {
  return Number(batch.readBigInt64BE(BatchField.baseOffset));
}

export function lastOffsetOf(batch: Buffer): number {
  return baseOffsetOf(batch) + batch.readInt32BE(BatchField.lastOffsetDelta);
}

export function crcIsValid(batch: Buffer): boolean {
  return batch.readUInt32BE(BatchField.crc) === crc32c(batch, CRC_START, batch.length);
}
