/**
 * @samsa/core-client: a Kafka client for TypeScript with KafkaJS's shape and the Java client's
 * semantics. `new Kafka({ clientId, brokers })` → `.producer()` / `.admin()` (and the consumer).
 */

export { Admin } from './admin/admin.js';
export { configSourceName } from './admin/configs.js';
export { ActiveGroupError } from './admin/offset-reset.js';
export type * from './admin/types.js';
export {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  ConfigResourceTypes,
  ConfigSource,
  ResourcePatternTypes,
  ResourceTypes,
} from './admin/types.js';
export type { BrokerInfo, PartitionMetadata, TopicMetadata } from './cluster/metadata.js';
export type { KafkaConfig, RetryOptions, SaslMechanism, SaslOptions } from './config/client-options.js';
// The option checks' wording, shared with @samsa/nest so both packages word a bad option the same way.
export { describe as describeValue, type UnknownOption, unknownOptions } from './config/validate.js';
export * from './consumer/index.js';
export {
  AuthenticationError,
  BrokerNotFoundError,
  BufferExhaustedError,
  ConfigurationError,
  ConnectionError,
  DeliveryTimeoutError,
  ErrorCode,
  InvalidTopicNameError,
  isRetriable,
  KafkaClientError,
  KafkaProtocolError,
  KafkaTimeoutError,
  NotConnectedError,
  ProducerDisconnectedError,
  ProtocolDecodeError,
  RecordTooLargeError,
  RequestAbortedError,
  RequestTimeoutError,
  RetriesExhaustedError,
  SamsaError,
  UnsupportedApiVersionError,
} from './errors.js';
export { Kafka } from './kafka.js';
export { createLogger, type LogCreator, type LogEntry, type Logger, LogLevel } from './logger.js';
export {
  javaPartitionForKey,
  murmur2,
  type PartitionerArgs,
  type PartitionerFactory,
  type PartitionerFunction,
  type PartitionerMessage,
  Partitioners,
} from './partitioners/index.js';
export { InvalidMessageError, Producer, ProducerEvents } from './producer/producer.js';
export {
  type GroupMetadataSource,
  type SendOffsetsOptions,
  Transaction,
  type TransactionTopicOffsets,
} from './producer/transaction.js';
export {
  classifyTransactionError,
  ProducerFencedError,
  TransactionAbortableError,
  TransactionAbortedError,
  type TransactionErrorClass,
  TransactionFatalError,
  TransactionStateError,
} from './producer/transaction-errors.js';
export type { TransactionOffset, TransactionState } from './producer/transaction-manager.js';
export {
  type Bytes,
  type CompressionName,
  CompressionTypes,
  type IHeaders,
  type Message,
  type ProducerBatch,
  type ProducerConfig,
  type ProducerRecord,
  type RecordMetadata,
  type RecordResult,
  type SendOptions,
  type SendResult,
  type Serializer,
  type TopicMessages,
} from './producer/types.js';
export {
  type RunTransactionalOptions,
  runTransactional,
  type TransactionalBatchPayload,
  type TransactionalMessagePayload,
  type TransactionalRun,
  type TransactionalSend,
} from './transactions/run-transactional.js';
