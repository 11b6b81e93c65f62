/**
 * Reading RecordBatch v2 headers in place, and the two in-place edits a broker makes when it
 * stores a batch: BaseOffset and PartitionLeaderEpoch sit before the CRC'd range, so patching
 * them leaves the checksum valid.
 */
import type { CompressionType } from '../compression/compression-type.js';
import { ProtocolDecodeError } from '../errors/samsa-error.js';
import {
  BatchField,
  COMPRESSION_CODEC_MASK,
  CONTROL_FLAG_MASK,
  CRC_START,
  DELETE_HORIZON_FLAG_MASK,
  LOG_OVERHEAD,
  RECORD_BATCH_OVERHEAD,
  TIMESTAMP_TYPE_MASK,
  TimestampType,
  TRANSACTIONAL_FLAG_MASK,
} from './batch-layout.js';
import { crc32c } from './crc32c.js';

/** Every field of a RecordBatch v2 header, plus the attribute bits decoded. */
export interface RecordBatchHeader {
  readonly baseOffset: bigint;
  /** The Length field: bytes after it, so the batch spans `LOG_OVERHEAD + batchLength` bytes. */
  readonly batchLength: number;
  readonly partitionLeaderEpoch: number;
  readonly magic: number;
  readonly crc: number;
  readonly attributes: number;
  readonly lastOffsetDelta: number;
  readonly baseTimestamp: number;
  readonly maxTimestamp: number;
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly recordsCount: number;
  readonly compression: CompressionType;
  readonly timestampType: TimestampType;
  readonly isTransactional: boolean;
  readonly isControl: boolean;
  readonly hasDeleteHorizon: boolean;
}

/** An int64 as a number; exact for every timestamp Kafka can hold in practice. */
function readInt64AsNumber(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * 0x100000000 + buf.readUInt32BE(pos + 4);
}

/** Reads a batch header at `offset`. Throws ProtocolDecodeError if fewer than 61 bytes remain. */
export function readBatchHeader(buf: Buffer, offset = 0): RecordBatchHeader {
  if (buf.length - offset < RECORD_BATCH_OVERHEAD) {
    throw new ProtocolDecodeError(
      `record batch header needs ${RECORD_BATCH_OVERHEAD} bytes, only ${buf.length - offset} remain`,
      offset,
      { reason: 'TRUNCATED' },
    );
  }
  const attributes = buf.readInt16BE(offset + BatchField.attributes);
  return {
    baseOffset: buf.readBigInt64BE(offset + BatchField.baseOffset),
    batchLength: buf.readInt32BE(offset + BatchField.length),
    partitionLeaderEpoch: buf.readInt32BE(offset + BatchField.partitionLeaderEpoch),
    magic: buf.readInt8(offset + BatchField.magic),
    crc: buf.readUInt32BE(offset + BatchField.crc),
    attributes,
    lastOffsetDelta: buf.readInt32BE(offset + BatchField.lastOffsetDelta),
    baseTimestamp: readInt64AsNumber(buf, offset + BatchField.baseTimestamp),
    maxTimestamp: readInt64AsNumber(buf, offset + BatchField.maxTimestamp),
    producerId: buf.readBigInt64BE(offset + BatchField.producerId),
    producerEpoch: buf.readInt16BE(offset + BatchField.producerEpoch),
    baseSequence: buf.readInt32BE(offset + BatchField.baseSequence),
    recordsCount: buf.readInt32BE(offset + BatchField.recordsCount),
    compression: (attributes & COMPRESSION_CODEC_MASK) as CompressionType,
    timestampType: attributes & TIMESTAMP_TYPE_MASK ? TimestampType.LogAppendTime : TimestampType.CreateTime,
    isTransactional: (attributes & TRANSACTIONAL_FLAG_MASK) !== 0,
    isControl: (attributes & CONTROL_FLAG_MASK) !== 0,
    hasDeleteHorizon: (attributes & DELETE_HORIZON_FLAG_MASK) !== 0,
  };
}

// Single-field accessors for batches already framed (by iterateRecordBatches or
// validateRecordBatch); they read at fixed offsets and do no validation of their own.

export function readBaseOffset(buf: Buffer, offset = 0): bigint {
  return buf.readBigInt64BE(offset + BatchField.baseOffset);
}

export function readBatchLength(buf: Buffer, offset = 0): number {
  return buf.readInt32BE(offset + BatchField.length);
}

/** Total bytes the batch at `offset` occupies, BaseOffset and Length included. */
export function readBatchSize(buf: Buffer, offset = 0): number {
  return LOG_OVERHEAD + buf.readInt32BE(offset + BatchField.length);
}

export function readPartitionLeaderEpoch(buf: Buffer, offset = 0): number {
  return buf.readInt32BE(offset + BatchField.partitionLeaderEpoch);
}

export function readMagic(buf: Buffer, offset = 0): number {
  return buf.readInt8(offset + BatchField.magic);
}

export function readCrc(buf: Buffer, offset = 0): number {
  return buf.readUInt32BE(offset + BatchField.crc);
}

export function readAttributes(buf: Buffer, offset = 0): number {
  return buf.readInt16BE(offset + BatchField.attributes);
}

export function readLastOffsetDelta(buf: Buffer, offset = 0): number {
  return buf.readInt32BE(offset + BatchField.lastOffsetDelta);
}

/** The offset of the batch's last record: BaseOffset + LastOffsetDelta. */
export function readLastOffset(buf: Buffer, offset = 0): bigint {
  return readBaseOffset(buf, offset) + BigInt(readLastOffsetDelta(buf, offset));
}

export function readBaseTimestamp(buf: Buffer, offset = 0): number {
  return readInt64AsNumber(buf, offset + BatchField.baseTimestamp);
}

export function readMaxTimestamp(buf: Buffer, offset = 0): number {
  return readInt64AsNumber(buf, offset + BatchField.maxTimestamp);
}

export function readProducerId(buf: Buffer, offset = 0): bigint {
  return buf.readBigInt64BE(offset + BatchField.producerId);
}

export function readProducerEpoch(buf: Buffer, offset = 0): number {
  return buf.readInt16BE(offset + BatchField.producerEpoch);
}

export function readBaseSequence(buf: Buffer, offset = 0): number {
  return buf.readInt32BE(offset + BatchField.baseSequence);
}

export function readRecordsCount(buf: Buffer, offset = 0): number {
  return buf.readInt32BE(offset + BatchField.recordsCount);
}

/** Sets the batch's BaseOffset in place; outside the CRC, so the batch stays valid. */
export function patchBaseOffset(buf: Buffer, offset: number, baseOffset: bigint): void {
  buf.writeBigInt64BE(baseOffset, offset + BatchField.baseOffset);
}

/** Sets the batch's PartitionLeaderEpoch in place; outside the CRC, so the batch stays valid. */
export function patchPartitionLeaderEpoch(buf: Buffer, offset: number, epoch: number): void {
  buf.writeInt32BE(epoch, offset + BatchField.partitionLeaderEpoch);
}

/** CRC-32C of the batch at `offset` as it should be stored (attributes to the end). */
export function computeBatchCrc(buf: Buffer, offset = 0): number {
  return crc32c(buf, offset + CRC_START, offset + readBatchSize(buf, offset));
}

/**
 * Marks the batch as LogAppendTime with `timestamp` as its MaxTimestamp and rewrites the CRC,
 * as a broker does for topics with message.timestamp.type=LogAppendTime.
 */
export function stampLogAppendTime(buf: Buffer, offset: number, timestamp: number): void {
  const attributes = readAttributes(buf, offset);
  buf.writeInt16BE(attributes | TIMESTAMP_TYPE_MASK, offset + BatchField.attributes);
  buf.writeBigInt64BE(BigInt(timestamp), offset + BatchField.maxTimestamp);
  buf.writeUInt32BE(computeBatchCrc(buf, offset), offset + BatchField.crc);
}
