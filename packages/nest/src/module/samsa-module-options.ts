import type { LoggerService, ModuleMetadata } from '@nestjs/common';
import type { SchemaRegistryClient } from '@samsa/schema-registry';
import type { KafkaLike } from '../client/kafka-like.js';
import type { SubscribeDefaults } from '../subscribe/subscribe-options.js';
import type { TopicDefinition } from '../topics.js';

export interface SchemaRegistryOptions {
  /** Base URL of a Confluent-compatible registry, e.g. `http://127.0.0.1:8081`. */
  url: string;
}

export interface EnsureTopicsOptions {
  numPartitions?: number;
  replicationFactor?: number;
}

export interface SamsaModuleOptions {
  /** Bootstrap brokers: `['127.0.0.1:9092']` or a comma-separated string (as in `KAFKA_BROKERS`). */
  brokers: string[] | string;
  /** Client id sent to the brokers; consumers append `-<groupId>`. */
  clientId: string;
  /** Group of every `@Subscribe` handler that does not name its own. Default: `clientId`. */
  groupId?: string;
  /** A registry URL, or a client object, for Avro topics. */
  schemaRegistry?: SchemaRegistryOptions | SchemaRegistryClient;
  /**
   * Topics this application publishes: created when `ensureTopics` is set, and their Avro schemas
   * registered at start (so a bad schema fails the boot, not the first publish).
   */
  // biome-ignore lint/suspicious/noExplicitAny: definitions of any event type
  topics?: TopicDefinition<any>[];
  /** Defaults for every `@Subscribe` (each handler's own options win). */
  subscribeDefaults?: SubscribeDefaults;
  /** Passed to `kafka.consumer()` (e.g. `sessionTimeoutMs`, `partitionAssigners`). */
  consumer?: Record<string, unknown>;
  /** Passed to `kafka.producer()` (e.g. `acks`, `lingerMs`, `enableIdempotence`). */
  producer?: Record<string, unknown>;
  /**
   * Create the subscribed topics and their dead-letter topics at start when missing.
   * `true` uses the broker's defaults. Default: false.
   */
  ensureTopics?: boolean | EnsureTopicsOptions;
  /**
   * Where the transactional ids of `transactional: true` subscriptions start:
   * `<prefix>:<groupId>:<Class.method>:<n>`. Keep it stable per running instance (a StatefulSet pod
   * name, a host name) and never share it between two running instances: a producer with the same id
   * fences the other. Default `<clientId>-<host name>-<process id>`.
   */
  transactionalIdPrefix?: string;
  /** How long shutdown waits for in-flight handlers before leaving the group anyway. Default 30000 ms. */
  shutdownTimeoutMs?: number;
  /** Set false to connect (and produce) without consuming: producer-only deployments, some tests. */
  startConsumers?: boolean;
  /**
   * More settings for the default client (`new Kafka({...})` of `@samsa/core-client`): `ssl`, `sasl`,
   * `connectionTimeout`, `logLevel`, ... Ignored when `client` is given.
   */
  clientConfig?: Record<string, unknown>;
  /** Bring your own KafkaJS-shaped client instead of `@samsa/core-client` (tests, migrations). */
  client?: KafkaLike;
  /** Where consumer and producer logs go. Default: Nest's `Logger`; `false` silences them. */
  logger?: LoggerService | false;
  /**
   * Add each consumer's client metrics (`consumer.metrics()` of @samsa/core-client: records consumed,
   * lag per partition as the consumer sees it, fetch and commit latency, rebalances, last heartbeat)
   * and the producer's to `SamsaHealthIndicator`'s details. Clients without `metrics()` (KafkaJS) are
   * left out. Default false.
   */
  healthMetrics?: boolean;
}

export interface SamsaModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  // biome-ignore lint/suspicious/noExplicitAny: mirrors Nest's own useFactory signature
  useFactory: (...args: any[]) => SamsaModuleOptions | Promise<SamsaModuleOptions>;
  // biome-ignore lint/suspicious/noExplicitAny: injection tokens are class refs, strings or symbols
  inject?: any[];
}

/** Options after validation: brokers split, defaults applied. */
export interface ResolvedSamsaOptions extends Omit<SamsaModuleOptions, 'brokers'> {
  brokers: string[];
  groupId: string;
  shutdownTimeoutMs: number;
  startConsumers: boolean;
}
