/** The broker's storage layer: partition logs (memory or disk), retention, compaction and cluster state. */
export {
  type ClusterSnapshot,
  ClusterState,
  type ClusterStateOptions,
  type CommittedOffset,
  type PartitionRef,
  type PendingTransactionalOffsets,
  type TopicRecord,
} from './cluster-state.js';
export { gzipOnlyCodecs, type RecordCodecs } from './compression.js';
export {
  CorruptRecordError,
  InvalidConfigError,
  InvalidRecordError,
  InvalidTimestampError,
  KafkaStorageError,
  OffsetOutOfRangeError,
  RecordTooLargeError,
  StorageClosedError,
  StorageError,
  UnsupportedCompressionError,
} from './errors.js';
export type { EpochEndOffset } from './leader-epoch-cache.js';
export { type SegmentMemory, segmentsInHeap } from './log-backend.js';
export {
  DEFAULT_LOG_CONFIG,
  describeLogConfig,
  LOG_CONFIG_NAMES,
  type LogConfig,
  parseLogConfig,
} from './log-config.js';
export { LogManager, type LogManagerOptions, type StorageTotals } from './log-manager.js';
export {
  type AppendOptions,
  type AppendResult,
  type CompactionResult,
  ListOffsetsTimestamp,
  type OffsetAndTimestamp,
  PartitionLog,
  type PartitionLogOptions,
  type ReadOptions,
  type RetentionResult,
  type SegmentInfo,
} from './partition-log.js';
export {
  type ProducedBatch,
  type ProduceValidationConfig,
  type ProduceValidationContext,
  validateProducedBatch,
} from './produce-validation.js';
export {
  BatchMetadata,
  type CompletedTxn,
  lastSequenceOf,
  type ProducerStateEntry,
  type ProducerStateError,
  ProducerStateManager,
} from './producer-state.js';
export { ReadBufferPool } from './read-buffer-pool.js';
export { consoleStorageLogger, type StorageLogger, silentStorageLogger } from './storage-logger.js';
export type { AbortedTxn } from './transaction-index.js';
