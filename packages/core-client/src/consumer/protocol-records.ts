/** The RecordBatch v2 reader the consumer uses, from `@samsa/protocol`. */
export {
  iterateRecordBatches,
  iterateRecords,
  type KafkaRecord,
  type RecordBatchView,
  readControlRecord,
} from '@samsa/protocol';
