/**
 * @samsa/core-client: a Kafka client for TypeScript with KafkaJS's shape and the Java client's
 * semantics. `new Kafka({ clientId, brokers })` → `.producer()` / `.admin()` (and the consumer).
 */

export { ActiveGroupError } from './admin/active-group-error.js';
export { Admin, type AdminEventName, AdminEvents, type AdminMetrics } from './admin/admin.js';
export { configSourceName } from './admin/config-source-name.js';
export type {
  AlterUserScramCredentialsOptions,
  ScramCredentialInfo,
  ScramMechanismName,
  UserScramCredentialDeletion,
  UserScramCredentialsDescription,
  UserScramCredentialUpsertion,
} from './admin/scram-credentials.js';
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
export type {
  AuthenticationProvider,
  AuthenticationProviderArgs,
  Authenticator,
  CustomSaslOptions,
  SaslAuthenticateArgs,
  SaslAuthenticationRequest,
  SaslAuthenticationResponse,
} from './auth/mechanism.js';
export type { OauthbearerSaslOptions } from './auth/mechanisms/oauthbearer.js';
export type { OauthbearerProvider, OauthbearerToken } from './auth/oauth-token-source.js';
export type { PasswordSaslOptions } from './auth/sasl-options.js';
export type { BrokerInfo, PartitionMetadata, TopicMetadata } from './cluster/metadata.js';
export type { KafkaConfig, RetryOptions, SaslMechanism, SaslOptions } from './config/client-options.js';
// The option checks' wording, shared with @samsa/nest so both packages word a bad option the same way.
export { describe as describeValue, type UnknownOption, unknownOptions } from './config/validate.js';
export * from './consumer/index.js';
export {
  type BrokerAddress,
  type ClientCreatedEvent,
  type ClientInfo,
  type ClientType,
  type CommitEvent,
  channels as diagnosticsChannels,
  DiagnosticsChannels as DiagnosticsChannelNames,
  type FetchEvent,
  type FetchedPartition,
  type HeartbeatEvent,
  type JoinEvent,
  type ProcessEvent,
  type ProducedBatch,
  type ProduceEvent,
  type RebalanceEvent,
  type RequestEvent,
  type SendEvent,
} from './diagnostics/channels.js';
export type { InstrumentationEvent } from './diagnostics/instrumentation-emitter.js';
export type { ConsumerMetrics, ConsumerPartitionMetrics } from './diagnostics/metrics/consumer-metrics.js';
export type { ProducerMetrics, ProducerTopicMetrics } from './diagnostics/metrics/producer-metrics.js';
export type {
  ApiRequestMetrics,
  BrokerRequestMetrics,
  RequestMetricsSnapshot,
} from './diagnostics/metrics/request-metrics.js';
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
  UnexpectedPeerError,
  UnsupportedApiVersionError,
} from './errors.js';
export { Kafka } from './kafka.js';
export {
  createLogger,
  type LogCreator,
  type LogEntry,
  type Logger,
  LogLevel,
  /** KafkaJS's spelling, so `import { logLevel } from 'kafkajs'` moves over by changing the package. */
  LogLevel as logLevel,
} from './logger.js';
export type { LoggerOption } from './logging/logger-option.js';
export { type PinoLike, pinoLogCreator, pinoLogger } from './logging/pino.js';
export { type WinstonLike, winstonLogCreator, winstonLogger } from './logging/winston.js';
export {
  javaPartitionForKey,
  murmur2,
  type PartitionerArgs,
  type PartitionerFactory,
  type PartitionerFunction,
  type PartitionerMessage,
  Partitioners,
} from './partitioners/index.js';
export {
  InvalidMessageError,
  Producer,
  type ProducerEvent,
  type ProducerEventName,
  ProducerEvents,
} from './producer/producer.js';
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
