/**
 * @samsa/nest: Kafka for NestJS. `SamsaModule`, `@Subscribe` handlers with per-handler groups, ordered
 * concurrency, retries and dead-letter topics; `SamsaProducer` with typed events (Avro, JSON Schema, Protobuf,
 * or derived from zod); graceful
 * shutdown. Subpaths: `@samsa/nest/microservices` (transport strategy and client), `@samsa/nest/health`
 * (Terminus indicator), `@samsa/nest/testing` (in-process broker and registry for e2e tests).
 */
import 'reflect-metadata';

export type {
  AdminLike,
  ConsumedBatch,
  ConsumedMessage,
  ConsumerLike,
  EachBatchPayload,
  KafkaLike,
  ProducedMessage,
  ProducerLike,
  ProducerRecord,
  RecordMetadata,
  TransactionLike,
  TransactionOffsets,
} from './client/kafka-like.js';
export type { ContainerState, ContainerStats } from './consume/container-stats.js';
export { DeadLetterHeaders, defaultDeadLetterTopic } from './consume/dead-letter.js';
export { buildHealthReport, type ConsumerHealth, type SamsaHealthReport } from './consume/health-report.js';
export { isRetryableByDefault } from './consume/retry-policy.js';
export { SamsaConsumers } from './consume/samsa.consumers.js';
export type { SubscriptionContainer } from './consume/subscription-container.js';
export { SamsaTransaction } from './consume/transactions/samsa-transaction.js';
export { defaultTransactionalIdPrefix } from './consume/transactions/transactional-producers.js';
export {
  BatchRecordError,
  DeserializationError,
  NonRetryableError,
  PublishError,
  SamsaConfigurationError,
  SubscriptionStoppedError,
  TransactionClosedError,
} from './errors.js';
export { SamsaModule } from './module/samsa.module.js';
export type {
  EnsureTopicsOptions,
  ResolvedSamsaOptions,
  SamsaModuleAsyncOptions,
  SamsaModuleOptions,
  SchemaRegistryOptions,
} from './module/samsa-module-options.js';
export { SAMSA_CODEC, SAMSA_KAFKA, SAMSA_OPTIONS } from './module/tokens.js';
export { validateSamsaOptions } from './module/validate-samsa-options.js';
export { type EventOf, type PublishOptions, SamsaProducer } from './produce/samsa.producer.js';
export { ValueCodec } from './serde/value-codec.js';
export { HANDLE_CHANNEL, type HandleEvent, type HandleOutcome } from './subscribe/handler-tracing.js';
export { Ctx, Headers, Key, Payload } from './subscribe/params.decorator.js';
export { decodeHeaders, SamsaBatchContext, SamsaContext } from './subscribe/samsa.context.js';
export {
  Subscribe,
  type SubscribeMetadata,
  type SubscribeTarget,
  type TypedSubscribeDecorator,
} from './subscribe/subscribe.decorator.js';
export type {
  BackoffOptions,
  BatchOptions,
  ConcurrencyOptions,
  RetryOptions,
  SubscribeDefaults,
  SubscribeOptions,
  ValueFormat,
} from './subscribe/subscribe-options.js';
export {
  type AvroSchema,
  type DefineTopicOptions,
  type DefineZodTopicOptions,
  defineTopic,
  type KeyValue,
  type SchemaFormat,
  type TopicDefinition,
  type TypedAvroSchema,
} from './topics.js';
