/**
 * The slice of a KafkaJS-shaped client that @samsa/nest uses. `@samsa/core-client` implements it;
 * so does KafkaJS, which lets tests and migrations pass their own client through `options.client`.
 */

export type HeaderValue = Buffer | string | null | (Buffer | string | null)[] | undefined;
export type MessageHeaders = Record<string, HeaderValue>;

/** One consumed record, as the client hands it to `eachBatch`. Offsets and timestamps are decimal strings. */
export interface ConsumedMessage {
  key: Buffer | null;
  value: Buffer | null;
  headers?: MessageHeaders;
  offset: string;
  timestamp: string;
}

export interface ConsumedBatch {
  topic: string;
  partition: number;
  messages: ConsumedMessage[];
  highWatermark?: string;
}

export interface EachBatchPayload {
  batch: ConsumedBatch;
  resolveOffset(offset: string): void;
  heartbeat(): Promise<void>;
  isRunning(): boolean;
  isStale(): boolean;
}

export interface ConsumerRunOptions {
  autoCommit?: boolean;
  eachBatchAutoResolve?: boolean;
  partitionsConsumedConcurrently?: number;
  eachBatch(payload: EachBatchPayload): Promise<void>;
}

export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  offset: string;
}

export interface TopicPartitions {
  topic: string;
  partitions?: number[];
}

export interface ConsumerLike {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  subscribe(subscription: { topics: (string | RegExp)[]; fromBeginning?: boolean }): Promise<void>;
  run(options: ConsumerRunOptions): Promise<void>;
  stop?(): Promise<void>;
  commitOffsets(offsets: TopicPartitionOffset[]): Promise<void>;
  pause(topics: TopicPartitions[]): void;
  resume(topics: TopicPartitions[]): void;
  // biome-ignore lint/suspicious/noExplicitAny: event listeners differ between clients
  on?(event: string, listener: (...args: any[]) => void): unknown;
}

export interface ProducedMessage {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, Buffer | string>;
  partition?: number;
  timestamp?: string;
}

export interface ProducerRecord {
  topic: string;
  messages: ProducedMessage[];
  acks?: number;
}

export interface RecordMetadata {
  topicName: string;
  partition: number;
  baseOffset?: string;
  errorCode?: number;
}

export interface ProducerLike {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  send(record: ProducerRecord): Promise<RecordMetadata[]>;
  /** Transactional producers (`transactionalId`) only: opens a transaction (KafkaJS's and Samsa's shape). */
  transaction?(): Promise<TransactionLike>;
}

/** Offsets committed with a transaction: `offset` is the next one to consume (last handled + 1). */
export interface TransactionOffsets {
  /** The group's id (all KafkaJS knows). */
  consumerGroupId: string;
  /** The consumer itself: Samsa's client commits under its group generation (KIP-447), KafkaJS ignores it. */
  consumer?: ConsumerLike;
  topics: { topic: string; partitions: { partition: number; offset: string }[] }[];
}

/** One open transaction of a transactional producer. */
export interface TransactionLike {
  send(record: ProducerRecord): Promise<RecordMetadata[]>;
  sendOffsets(offsets: TransactionOffsets): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
  isActive(): boolean;
}

export interface PartitionOffset {
  partition: number;
  offset: string;
}

export interface AdminLike {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  createTopics(options: {
    topics: { topic: string; numPartitions?: number; replicationFactor?: number }[];
    waitForLeaders?: boolean;
  }): Promise<boolean>;
  fetchTopicOffsets(topic: string): Promise<(PartitionOffset & { high?: string; low?: string })[]>;
  fetchOffsets(options: {
    groupId: string;
    topics?: string[];
  }): Promise<{ topic: string; partitions: PartitionOffset[] }[]>;
  describeGroups?(
    groupIds: string[],
  ): Promise<{ groups: { groupId: string; state: string; members: unknown[] }[] }>;
  listTopics?(): Promise<string[]>;
}

export interface KafkaLike {
  producer(config?: Record<string, unknown>): ProducerLike;
  consumer(config: { groupId: string } & Record<string, unknown>): ConsumerLike;
  admin(config?: Record<string, unknown>): AdminLike;
}
