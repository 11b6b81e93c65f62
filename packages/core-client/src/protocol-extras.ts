/** Protocol pieces the client uses, re-exported in one place (to be inlined into their importers). */

export { CompressionType, codecFor, compressionReady } from '@samsa/protocol';
export {
  createKafkaError,
  ErrorCode,
  errorForCode,
  type KafkaErrorContext,
  type KafkaErrorInfo,
  KafkaProtocolError,
} from '@samsa/protocol';
export {
  decodeRecords,
  iterateRecordBatches,
  RECORD_BATCH_OVERHEAD,
  RecordBatchBuilder,
} from '@samsa/protocol';
export type {
  KafkaRecord,
  RecordHeadersInput,
  RecordInput,
} from '@samsa/protocol';
