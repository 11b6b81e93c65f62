/**
 * `new Kafka({ clientId, brokers, ... })`: the entry point, as in KafkaJS. Each producer, consumer
 * and admin gets its own Cluster (connections and metadata), built from the shared, validated config.
 */
import { Admin, type AdminConfig } from './admin/admin.js';
import { Cluster } from './cluster/cluster.js';
import { type KafkaConfig, type ResolvedClientConfig, resolveClientConfig } from './config/client-options.js';
import { resolveProducerConfig } from './config/producer-options.js';
import { type ConsumerConfig, resolveConsumerConfig } from './consumer/config.js';
import { Consumer } from './consumer/consumer.js';
import type { Logger } from './logger.js';
import { Producer } from './producer/producer.js';
import type { Bytes, ProducerConfig } from './producer/types.js';

export class Kafka {
  readonly config: ResolvedClientConfig;

  constructor(config: KafkaConfig) {
    this.config = resolveClientConfig(config);
  }

  logger(): Logger {
    return this.config.logger;
  }

  producer<K = Bytes, V = Bytes>(config: ProducerConfig<K, V> = {}): Producer<K, V> {
    const resolved = resolveProducerConfig(
      config as ProducerConfig<unknown, unknown>,
      this.config.requestTimeoutMs,
    );
    const cluster = new Cluster(
      {
        ...this.config,
        metadataMaxAgeMs: resolved.metadataMaxAgeMs ?? this.config.metadataMaxAgeMs,
        logger: this.config.logger.namespace('producer'),
      },
      { allowAutoTopicCreation: resolved.allowAutoTopicCreation },
    );
    return new Producer<K, V>(cluster, resolved, this.config.logger.namespace('producer'));
  }

  /** A consumer in the group `config.groupId` (KafkaJS's shape, Java's option names); see docs/consumer.md. */
  consumer<K = Buffer | null, V = Buffer | null>(config: ConsumerConfig<K, V>): Consumer<K, V> {
    // KafkaJS gives consumers the client's `retry` (its restartOnFailure included) under their own.
    const { restartOnFailure } = this.config;
    const withRetry =
      restartOnFailure !== null && config?.retry === undefined
        ? { ...config, retry: { ...this.config.retry, restartOnFailure } }
        : config;
    const { allowAutoTopicCreation, metadataMaxAgeMs } = resolveConsumerConfig(withRetry);
    const cluster = this.createCluster({
      namespace: 'consumer',
      allowAutoTopicCreation,
      metadataMaxAgeMs: metadataMaxAgeMs ?? undefined,
    });
    return new Consumer<K, V>(cluster, withRetry);
  }

  admin(config: AdminConfig = {}): Admin {
    const cluster = new Cluster(
      { ...this.config, logger: this.config.logger.namespace('admin') },
      { allowAutoTopicCreation: false },
    );
    return new Admin(cluster, config, this.config.logger.namespace('admin'));
  }

  /** A Cluster for clients built on this config (the consumer uses it). */
  createCluster(
    options: { allowAutoTopicCreation?: boolean; namespace?: string; metadataMaxAgeMs?: number } = {},
  ): Cluster {
    return new Cluster(
      {
        ...this.config,
        metadataMaxAgeMs: options.metadataMaxAgeMs ?? this.config.metadataMaxAgeMs,
        logger: this.config.logger.namespace(options.namespace ?? 'client'),
      },
      { allowAutoTopicCreation: options.allowAutoTopicCreation },
    );
  }
}
