/** What handlers receive: KafkaJS's payload shapes, with `topic`/`partition` on every message. */

/** Record headers, KafkaJS-style: a key that repeats gets an array of values. */
export interface MessageHeaders {
  [key: string]: Buffer | null | Array<Buffer | null> | undefined;
}

export interface DeserializerContext {
  topic: string;
  partition: number;
  headers: MessageHeaders;
}

/** Turns raw key or value bytes (zero-copy views of the fetched data) into what handlers see. */
export type Deserializer<T> = (data: Buffer | null, context: DeserializerContext) => T;

export interface KafkaMessage<K = Buffer | null, V = Buffer | null> {
  topic: string;
  partition: number;
  key: K;
  value: V;
  headers: MessageHeaders;
  /** The record's offset, as a string like KafkaJS (exact for every int64). */
  offset: string;
  /** Milliseconds since the epoch, as a string like KafkaJS. */
  timestamp: string;
  attributes: number;
  /** Leader epoch of the batch the record came in (-1 when unknown). */
  leaderEpoch: number;
}

export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  /** The next offset to consume (one past the last handled message). */
  offset: string | bigint | number;
  metadata?: string | null;
}

/**
 * Who a consumer is in its group, for transactional offset commits (Java's ConsumerGroupMetadata,
 * KIP-447): a transaction that commits offsets under an old generation is refused, so a member that
 * lost its partitions in a rebalance cannot commit for them.
 */
export interface ConsumerGroupMetadata {
  groupId: string;
  /** The group generation (the member epoch with KIP-848); -1 while not in the group. */
  generationId: number;
  /** '' while not in the group. */
  memberId: string;
  groupInstanceId: string | null;
}

export interface TopicPartitionSelector {
  topic: string;
  /** All partitions of the topic when left out. */
  partitions?: number[];
}

export interface EachMessagePayload<K = Buffer | null, V = Buffer | null> {
  topic: string;
  partition: number;
  message: KafkaMessage<K, V>;
  /** Heartbeats run on their own timer; kept for KafkaJS code, resolves at once. */
  heartbeat(): Promise<void>;
  /** Pauses this partition; returns a function that resumes it. */
  pause(): () => void;
}

export interface Batch<K = Buffer | null, V = Buffer | null> {
  topic: string;
  partition: number;
  highWatermark: string;
  messages: KafkaMessage<K, V>[];
  isEmpty(): boolean;
  firstOffset(): string | null;
  lastOffset(): string;
  /** Messages between the last one in this batch and the high watermark. */
  offsetLag(): string;
  /** Messages between the first one in this batch and the high watermark. */
  offsetLagLow(): string;
  /**
   * Where consumption continues after this batch: one past its last message, or further when
   * control records (transaction markers) or aborted records follow it in the fetched data. The
   * offset to commit once every message of the batch is handled (e.g. with a transaction's
   * `sendOffsets`), so a committed position never stops in front of a marker.
   */
  nextOffset(): string;
}

export interface OffsetsByTopicPartition {
  topics: { topic: string; partitions: { partition: number; offset: string }[] }[];
}

export interface EachBatchPayload<K = Buffer | null, V = Buffer | null> {
  batch: Batch<K, V>;
  /** Marks `offset` handled: a commit covers everything up to and including it. */
  resolveOffset(offset: string | bigint | number): void;
  heartbeat(): Promise<void>;
  pause(): () => void;
  /** Commits now if auto-commit's interval or threshold says so (or the given offsets). */
  commitOffsetsIfNecessary(offsets?: OffsetsByTopicPartition): Promise<void>;
  uncommittedOffsets(): OffsetsByTopicPartition;
  /** False once the consumer stops or the partition is revoked: finish up quickly. */
  isRunning(): boolean;
  /** True once the batch's partition was revoked or seeked: its remaining messages will be refetched or belong to another member. */
  isStale(): boolean;
}

export type EachMessageHandler<K, V> = (payload: EachMessagePayload<K, V>) => Promise<void> | void;
export type EachBatchHandler<K, V> = (payload: EachBatchPayload<K, V>) => Promise<void> | void;
