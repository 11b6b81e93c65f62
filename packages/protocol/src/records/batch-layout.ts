/**
 * Byte layout of RecordBatch v2 (Kafka's DefaultRecordBatch): field offsets from the start of a
 * batch, sizes, and the attribute bits.
 */
export const BatchField = {
  baseOffset: 0,
  length: 8,
  partitionLeaderEpoch: 12,
  magic: 16,
  crc: 17,
  attributes: 21,
  lastOffsetDelta: 23,
  baseTimestamp: 27,
  maxTimestamp: 35,
  producerId: 43,
  producerEpoch: 51,
  baseSequence: 53,
  recordsCount: 57,
  records: 61,
} as const;

/** Header size of a batch, and so the size of an empty one (RECORD_BATCH_OVERHEAD). */
export const RECORD_BATCH_OVERHEAD = 61;
/** BaseOffset and Length precede what `Length` counts (LOG_OVERHEAD). */
export const LOG_OVERHEAD = 12;
/** The only batch format this library reads and writes. */
export const CURRENT_MAGIC = 2;
/** The CRC covers everything from the attributes to the end of the batch. */
export const CRC_START = BatchField.attributes;

export const COMPRESSION_CODEC_MASK = 0x07;
export const TIMESTAMP_TYPE_MASK = 0x08;
export const TRANSACTIONAL_FLAG_MASK = 0x10;
export const CONTROL_FLAG_MASK = 0x20;
export const DELETE_HORIZON_FLAG_MASK = 0x40;

/** Bit 3 of the attributes: who set the timestamps. */
export enum TimestampType {
  CreateTime = 0,
  LogAppendTime = 1,
}

/** Producer fields of batches written without idempotence (RecordBatch.NO_PRODUCER_ID etc.). */
export const NO_PRODUCER_ID = -1n;
export const NO_PRODUCER_EPOCH = -1;
export const NO_SEQUENCE = -1;
export const NO_PARTITION_LEADER_EPOCH = -1;
