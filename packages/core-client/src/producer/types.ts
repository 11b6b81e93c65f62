/** The producer's public types: KafkaJS's shapes with Java's option names, generic in key and value. */

import { CompressionType } from '@samsa/protocol/on-demand';
import type { RetryOptions } from '../config/client-options.js';
import type { PartitionerFactory } from '../partitioners/index.js';

/** KafkaJS's `CompressionTypes`, the codec ids Kafka stores in a batch's attributes (protocol's CompressionType). */
export const CompressionTypes = {
  None: CompressionType.None,
  GZIP: CompressionType.GZIP,
  Snappy: CompressionType.Snappy,
  LZ4: CompressionType.LZ4,
  ZSTD: CompressionType.ZSTD,
} as const;
export type CompressionTypes = (typeof CompressionTypes)[keyof typeof CompressionTypes];
/** Java's `compression.type` names. */
export type CompressionName = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

export type Bytes = Buffer | string | null;

export interface IHeaders {
  [key: string]: Buffer | string | (Buffer | string)[] | undefined;
}

export interface Message<K = Bytes, V = Bytes> {
  key?: K | null;
  value: V | null;
  /** Overrides the partitioner. */
  partition?: number;
  headers?: IHeaders;
  /** Milliseconds since the epoch, as KafkaJS (string) or a number. Default: now. */
  timestamp?: string | number;
}

export interface SendOptions {
  /** 0, 1 or -1 (all). Default: the producer's `acks`. */
  acks?: number;
  /** The broker's time limit for the Produce request (KafkaJS `timeout`). Default `requestTimeoutMs`. */
  timeout?: number;
  /** Overrides the producer's `compressionType` for these messages. */
  compression?: CompressionTypes;
  /** Aborts waiting for buffer room; records already handed to the accumulator are still sent. */
  signal?: AbortSignal;
}

export interface ProducerRecord<K = Bytes, V = Bytes> extends SendOptions {
  topic: string;
  messages: Message<K, V>[];
}

export interface TopicMessages<K = Bytes, V = Bytes> {
  topic: string;
  messages: Message<K, V>[];
}

export interface ProducerBatch<K = Bytes, V = Bytes> extends SendOptions {
  topicMessages: TopicMessages<K, V>[];
}

/** KafkaJS's per topic-partition result: offsets as decimal strings. */
export interface RecordMetadata {
  topicName: string;
  partition: number;
  errorCode: number;
  /** Offset of the first message of this call in this partition ("-1" with acks=0). */
  baseOffset: string;
  /** "-1" unless the topic uses LogAppendTime. */
  logAppendTime: string;
  logStartOffset: string;
}

/** Where one message went. */
export interface RecordResult {
  topic: string;
  partition: number;
  /** "-1" with acks=0. */
  offset: string;
  /** The record's timestamp (the broker's with LogAppendTime), ms since the epoch as a string. */
  timestamp: string;
}

/** KafkaJS's array of per-partition results, plus `records`: one entry per message, in input order. */
export type SendResult = RecordMetadata[] & { readonly records: RecordResult[] };

export type Serializer<T> = (data: T, topic: string) => Bytes;

export interface ProducerConfig<K = Bytes, V = Bytes> {
  /** -1 (all), 0 or 1. Default -1 (Java's default). */
  acks?: number | 'all';
  /** How long to wait for more records before sending a batch (Java `linger.ms`, Kafka 4 default). Default 5. */
  lingerMs?: number;
  /** Target batch size in bytes per partition (Java `batch.size`). Default 16384. */
  batchSize?: number;
  /** Bytes of unacknowledged records before `send()` waits (Java `buffer.memory`). Default 33554432. */
  bufferMemory?: number;
  /** How long `send()` waits for buffer room or metadata (Java `max.block.ms`). Default 60000. */
  maxBlockMs?: number;
  /** Largest Produce request (Java `max.request.size`). Default 1048576. */
  maxRequestSize?: number;
  /** Produce requests in flight per broker (Java). Default 5. KafkaJS alias: `maxInFlightRequests`. */
  maxInFlightRequestsPerConnection?: number;
  /** Default 'none'. Also accepts CompressionTypes values. */
  compressionType?: CompressionName | CompressionTypes;
  /** Upper bound on the time from send() to success or failure (Java `delivery.timeout.ms`). Default 120000. */
  deliveryTimeoutMs?: number;
  /** Produce request timeout (Java `request.timeout.ms`). Default: the client's `requestTimeoutMs`. */
  requestTimeoutMs?: number;
  /** Retries of a failed batch (Java `retries`). Default MAX_SAFE_INTEGER, bounded by deliveryTimeoutMs. */
  retries?: number;
  /** Back-off between retries (Java `retry.backoff.ms` / `retry.backoff.max.ms`). Defaults 100 / 1000. */
  retryBackoffMs?: number;
  retryBackoffMaxMs?: number;
  /** 'default' (Java: murmur2 keys, sticky unkeyed), 'roundRobin', or a KafkaJS-style factory. */
  partitioner?: 'default' | 'roundRobin' | PartitionerFactory;
  /** KafkaJS alias of `partitioner`. */
  createPartitioner?: PartitionerFactory;
  /** Send keyed records with the sticky partitioner too (Java `partitioner.ignore.keys`). Default false. */
  partitionerIgnoreKeys?: boolean;
  /** Let metadata requests create missing topics (KafkaJS). Default true. */
  allowAutoTopicCreation?: boolean;
  metadataMaxAgeMs?: number;
  /**
   * Idempotent producer (Java `enable.idempotence`; KafkaJS alias `idempotent`): a producer id and
   * per-partition sequence numbers make retries duplicate-free and let each partition pipeline up to
   * `maxInFlightRequestsPerConnection` batches. Default true, as in Java since 3.0, unless `acks`,
   * `maxInFlightRequestsPerConnection` or `retries` rule it out (then quietly off); set to true
   * together with a conflicting option it is a ConfigurationError.
   */
  enableIdempotence?: boolean;
  idempotent?: boolean;
  /**
   * Makes this a transactional producer (Java `transactional.id`): sends go through
   * `producer.transaction()` (or `beginTransaction()`), and a newer producer with the same id fences
   * this one. Keep it stable per producing process (e.g. `${app}-${instance}`). See docs/transactions.md.
   */
  transactionalId?: string;
  /**
   * How long the broker lets a transaction stay open before aborting it (Java
   * `transaction.timeout.ms`; KafkaJS alias `transactionTimeout`). Default 60000; the broker caps it at
   * its `transaction.max.timeout.ms` (900000 by default).
   */
  transactionTimeoutMs?: number;
  keySerializer?: Serializer<K>;
  valueSerializer?: Serializer<V>;
  /** KafkaJS producer `retry` (used for metadata lookups). */
  retry?: RetryOptions;
  /** KafkaJS aliases. */
  maxInFlightRequests?: number;
  metadataMaxAge?: number;
  transactionTimeout?: number;
}
