export { isControlBatch, isTransactional } from './batch-attributes.js';
export {
  computeBatchCrc,
  patchBaseOffset,
  patchPartitionLeaderEpoch,
  type RecordBatchHeader,
  readAttributes,
  readBaseOffset,
  readBaseSequence,
  readBaseTimestamp,
  readBatchHeader,
  readBatchLength,
  readBatchSize,
  readCrc,
  readLastOffset,
  readLastOffsetDelta,
  readMagic,
  readMaxTimestamp,
  readPartitionLeaderEpoch,
  readProducerEpoch,
  readProducerId,
  readRecordsCount,
  stampLogAppendTime,
} from './batch-header.js';
export {
  BatchField,
  COMPRESSION_CODEC_MASK,
  CONTROL_FLAG_MASK,
  CRC_START,
  CURRENT_MAGIC,
  DELETE_HORIZON_FLAG_MASK,
  LOG_OVERHEAD,
  NO_PARTITION_LEADER_EPOCH,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
  RECORD_BATCH_OVERHEAD,
  TIMESTAMP_TYPE_MASK,
  TimestampType,
  TRANSACTIONAL_FLAG_MASK,
} from './batch-layout.js';
export {
  buildControlBatch,
  type ControlRecord,
  type ControlRecordType,
  readControlRecord,
  type TransactionMarkerOptions,
} from './control-records.js';
export { crc32c, crc32cImplementation } from './crc32c.js';
export { decodeRecords, iterateRecords, RecordIterator } from './decode-records.js';
export { crcCheckedOnArrival, FetchCrcScanner } from './fetch-crc-scanner.js';
export { iterateRecordBatches, RecordBatchIterator } from './iterate-record-batches.js';
export { RecordBatchBuilder, type RecordBatchBuilderOptions } from './record-batch-builder.js';
export { type RecordBatchView, recordBatchView } from './record-batch-view.js';
export type {
  HeaderValueInput,
  KafkaRecord,
  RecordHeader,
  RecordHeadersInput,
  RecordInput,
} from './record-types.js';
export type { DecodeRecordsOptions } from './records-section.js';
export { type ValidateRecordBatchOptions, validateRecordBatch } from './validate-record-batch.js';
