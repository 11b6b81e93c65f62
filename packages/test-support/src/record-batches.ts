/**
 * The one RecordBatch v2 encoder for tests, on @samsa/protocol's RecordBatchBuilder (tested against
 * KafkaJS there), plus readers for what brokers send back. Tests of a broker or a consumer write their
 * input with it instead of a hand-made encoder of their own.
 */
import {
  BatchField,
  buildControlBatch,
  CompressionType,
  computeBatchCrc,
  decodeRecords,
  iterateRecordBatches,
  RECORD_BATCH_OVERHEAD,
  RecordBatchBuilder,
  type RecordBatchHeader,
  type RecordHeadersInput,
} from '@samsa/protocol';

export interface TestRecord {
  /** Absent or null for no key. */
  key?: string | Buffer | null;
  /** Null (or absent) for a tombstone. */
  value?: string | Buffer | null;
  /** Absolute timestamp; defaults to the batch's `timestamp` option. */
  timestamp?: number;
  /** An array of { key, value } (repeats allowed) or a KafkaJS-style object. */
  headers?: RecordHeadersInput;
}

export interface TestBatchOptions {
  /** The base offset written in the batch (a producer writes 0; a fetch response carries the real one). */
  baseOffset?: bigint | number;
  /** Timestamp of records that have none (default: now, as a producer would stamp them). */
  timestamp?: number;
  compression?: CompressionType;
  producerId?: bigint | number;
  producerEpoch?: number;
  baseSequence?: number;
  transactional?: boolean;
  partitionLeaderEpoch?: number;
  /** Writes this LastOffsetDelta instead of the true one (and a CRC matching it): a malformed batch. */
  lastOffsetDelta?: number;
  /**
   * Writes these record offset deltas instead of 0, 1, 2, ... (and a CRC matching them): a malformed
   * batch. Uncompressed batches only, and each delta must fit the byte its record's delta had (0-63).
   */
  offsetDeltas?: readonly number[];
}

/** One RecordBatch v2 holding `records`, offsets baseOffset, baseOffset + 1, ... */
export function buildBatch(records: readonly TestRecord[], options: TestBatchOptions = {}): Buffer {
  const timestamp = options.timestamp ?? Date.now();
  const builder = new RecordBatchBuilder({
    compression: options.compression ?? CompressionType.None,
    producerId: options.producerId === undefined ? undefined : BigInt(options.producerId),
    producerEpoch: options.producerEpoch,
    baseSequence: options.baseSequence,
    transactional: options.transactional,
    partitionLeaderEpoch: options.partitionLeaderEpoch,
    baseOffset: options.baseOffset === undefined ? undefined : BigInt(options.baseOffset),
    // Tests build many small batches: start small (the builder doubles its buffer as records need).
    initialCapacity: 1024,
  });
  for (const record of records) {
    builder.append({
      key: record.key ?? null,
      value: record.value ?? null,
      headers: record.headers,
      timestamp: record.timestamp ?? timestamp,
    });
  }
  // A view of the builder's buffer: copy it so the batch owns its memory (tests mutate batches).
  const batch = Buffer.from(builder.build());
  if (options.lastOffsetDelta !== undefined) {
    batch.writeInt32BE(options.lastOffsetDelta, BatchField.lastOffsetDelta);
  }
  if (options.offsetDeltas !== undefined) {
    if (options.compression !== undefined && options.compression !== CompressionType.None) {
      throw new Error('buildBatch: offsetDeltas needs an uncompressed batch');
    }
    rewriteOffsetDeltas(batch, options.offsetDeltas);
  }
  if (options.lastOffsetDelta !== undefined || options.offsetDeltas !== undefined) {
    batch.writeUInt32BE(computeBatchCrc(batch), BatchField.crc);
  }
  return batch;
}

/** A varint's byte length at `at`, and its zigzag-decoded value (small values only: tests). */
function readSmallVarint(bytes: Buffer, at: number): { value: number; length: number } {
  let raw = 0;
  let length = 0;
  for (let shift = 0; ; shift += 7) {
    const byte = bytes[at + length++];
    raw += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) break;
  }
  return { value: raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2, length };
}

/** Overwrites each record's offset delta in place; every new delta must zigzag-encode into one byte. */
function rewriteOffsetDeltas(batch: Buffer, deltas: readonly number[]): void {
  let at = RECORD_BATCH_OVERHEAD;
  for (const delta of deltas) {
    if (!Number.isInteger(delta) || delta < 0 || delta > 63) {
      throw new Error(`buildBatch: offset delta ${delta} does not fit one byte (0-63)`);
    }
    const recordLength = readSmallVarint(batch, at);
    const start = at + recordLength.length;
    const timestampDelta = readSmallVarint(batch, start + 1); // after the attributes byte
    const deltaAt = start + 1 + timestampDelta.length;
    if (readSmallVarint(batch, deltaAt).length !== 1)
      throw new Error('buildBatch: too many records for offsetDeltas');
    batch[deltaAt] = delta * 2;
    at = start + recordLength.value;
  }
}

/** `count` records without keys valued `${prefix}0`, `${prefix}1`, ... */
export function numberedRecords(prefix: string, count: number): TestRecord[] {
  return Array.from({ length: count }, (_, i) => ({ value: `${prefix}${i}` }));
}

/** A transaction marker (control batch) ending `producerId`'s transaction. */
export function transactionMarker(
  type: 'COMMIT' | 'ABORT',
  producerId: bigint | number,
  options: { baseOffset?: bigint | number; producerEpoch?: number; timestamp?: number } = {},
): Buffer {
  return buildControlBatch({
    type,
    producerId: BigInt(producerId),
    producerEpoch: options.producerEpoch ?? 0,
    coordinatorEpoch: 0,
    timestamp: options.timestamp,
    baseOffset: options.baseOffset === undefined ? undefined : BigInt(options.baseOffset),
  });
}

export interface ReadRecord {
  offset: number;
  /** The record's timestamp, or the batch's for LogAppendTime batches. */
  timestamp: number;
  key: string | null;
  value: string | null;
  headers: { key: string; value: string | null }[];
  /** The partition leader epoch of the record's batch. */
  leaderEpoch: number;
}

/** Concatenates fetched record data (a Fetch response's `records`). */
function bytesOf(data: Buffer | readonly Buffer[] | null | undefined): Buffer {
  if (data === null || data === undefined) return Buffer.alloc(0);
  return Buffer.isBuffer(data) ? data : Buffer.concat(data);
}

/**
 * Every record of the complete batches in `data` (compressed or not), keys and values as UTF-8. A
 * final batch cut off at the fetch size limit is ignored, as a consumer would.
 */
export function readRecords(data: Buffer | readonly Buffer[] | null | undefined): ReadRecord[] {
  const out: ReadRecord[] = [];
  for (const batch of iterateRecordBatches(bytesOf(data))) {
    for (const record of decodeRecords(batch)) {
      out.push({
        offset: Number(record.offset),
        timestamp: record.timestamp,
        key: record.key?.toString() ?? null,
        value: record.value?.toString() ?? null,
        headers: record.headers.map((h) => ({ key: h.key, value: h.value?.toString() ?? null })),
        leaderEpoch: batch.partitionLeaderEpoch,
      });
    }
  }
  return out;
}

/** The headers of the complete batches in `data` (codec, producer id, sequence, record count...). */
export function readBatchHeaders(data: Buffer | readonly Buffer[] | null | undefined): RecordBatchHeader[] {
  return [...iterateRecordBatches(bytesOf(data))].map(({ bytes: _bytes, ...header }) => header);
}
