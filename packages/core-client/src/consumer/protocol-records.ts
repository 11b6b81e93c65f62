/** The RecordBatch v2 reader the consumer uses, from `@samsa/protocol`. */
export {
  iterateRecordBatches,
  iterateRecords,
  type KafkaRecord,
  type RecordBatchView,
  type RecordIterator,
  readControlRecord,
} from '@samsa/protocol/on-demand';
