/** Admin call shapes: KafkaJS's, plus consumer lag. Offsets are decimal strings, as in KafkaJS. */

export interface AdminConfig {
  /** Retry of admin calls on retriable errors (KafkaJS `retry`). */
  retry?: import('../config/client-options.js').RetryOptions;
}

/** KafkaJS `ConfigResourceTypes` (Kafka's resource type ids for configs). */
export const ConfigResourceTypes = { UNKNOWN: 0, TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8 } as const;
export type ConfigResourceTypes = (typeof ConfigResourceTypes)[keyof typeof ConfigResourceTypes];

/** Kafka's config source ids (DescribeConfigs v1+). */
export const ConfigSource = {
  UNKNOWN: 0,
  TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
  DYNAMIC_BROKER_LOGGER_CONFIG: 6,
} as const;

export interface ITopicConfig {
  topic: string;
  /** Default: the broker's num.partitions (-1). */
  numPartitions?: number;
  /** Default: the broker's default.replication.factor (-1). */
  replicationFactor?: number;
  replicaAssignment?: { partition: number; replicas: number[] }[];
  configEntries?: { name: string; value: string }[];
}

export interface CreateTopicsOptions {
  topics: ITopicConfig[];
  validateOnly?: boolean;
  /** Wait until every new partition has a leader. Default true. */
  waitForLeaders?: boolean;
  /** Broker-side timeout in ms. Default 5000. */
  timeout?: number;
  signal?: AbortSignal;
}

export interface DeleteTopicsOptions {
  topics: string[];
  timeout?: number;
  signal?: AbortSignal;
}

export interface CreatePartitionsOptions {
  topicPartitions: { topic: string; count: number; assignments?: number[][] }[];
  validateOnly?: boolean;
  timeout?: number;
  signal?: AbortSignal;
}

export interface PartitionMetadataView {
  partitionErrorCode: number;
  partitionId: number;
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
}

export interface TopicMetadataView {
  name: string;
  topicId: string;
  isInternal: boolean;
  partitions: PartitionMetadataView[];
}

export interface TopicOffsets {
  partition: number;
  /** The high watermark (KafkaJS returns it as `offset` too). */
  offset: string;
  high: string;
  low: string;
}

export interface ClusterDescription {
  brokers: { nodeId: number; host: string; port: number; rack: string | null }[];
  controller: number | null;
  clusterId: string;
}

export interface ResourceConfigQuery {
  type: ConfigResourceTypes | number;
  name: string;
  configNames?: string[];
}

export interface ConfigEntry {
  configName: string;
  configValue: string | null;
  isDefault: boolean;
  configSource: number;
  isSensitive: boolean;
  readOnly: boolean;
  configSynonyms: { configName: string; configValue: string | null; configSource: number }[];
}

export interface DescribeConfigResponse {
  resources: {
    errorCode: number;
    errorMessage: string | null;
    resourceType: number;
    resourceName: string;
    configEntries: ConfigEntry[];
  }[];
  throttleTime: number;
}

export interface AlterConfigsOptions {
  validateOnly?: boolean;
  resources: {
    type: ConfigResourceTypes | number;
    name: string;
    configEntries: { name: string; value: string | null }[];
  }[];
  signal?: AbortSignal;
}

export interface GroupOverview {
  groupId: string;
  protocolType: string;
  groupState?: string;
}

export interface MemberDescription {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  memberMetadata: Buffer;
  memberAssignment: Buffer;
}

export interface GroupDescription {
  errorCode: number;
  groupId: string;
  state: string;
  protocolType: string;
  protocol: string;
  members: MemberDescription[];
}

export interface FetchOffsetsOptions {
  groupId: string;
  /** Default: every topic the group committed offsets for. */
  topics?: string[];
  /** Replace -1 (nothing committed) with the partition's earliest/latest offset per `auto.offset.reset`. */
  resolveOffsets?: boolean;
  signal?: AbortSignal;
}

export interface GroupTopicOffsets {
  topic: string;
  partitions: { partition: number; offset: string; metadata: string | null }[];
}

export interface SeekEntry {
  partition: number;
  offset: string;
}

export interface ConsumerLagOptions {
  groupId: string;
  /** Default: every topic the group committed offsets for. */
  topics?: string[];
  signal?: AbortSignal;
}

/** Lag of one partition: how many records the group has not committed past yet. */
export interface PartitionLag {
  topic: string;
  partition: number;
  /** "-1" when the group never committed an offset for this partition. */
  committedOffset: string;
  /** The high watermark (next offset to be written). */
  endOffset: string;
  /** The log start offset. */
  startOffset: string;
  /**
   * endOffset - committedOffset; with nothing committed, endOffset - startOffset (all retained
   * records are unconsumed).
   */
  lag: string;
}

/** Kafka's transaction states, as DescribeTransactions and ListTransactions name them. */
export type TransactionStateName =
  | 'Empty'
  | 'Ongoing'
  | 'PrepareCommit'
  | 'PrepareAbort'
  | 'CompleteCommit'
  | 'CompleteAbort'
  | 'PrepareEpochFence'
  | 'Dead';

/** A producer a partition leader tracks. Ids, offsets and timestamps are decimal strings. */
export interface ActiveProducer {
  producerId: string;
  producerEpoch: number;
  /** Sequence number of its last batch on the partition (-1 when none). */
  lastSequence: number;
  lastTimestamp: string;
  coordinatorEpoch: number;
  /** First offset of its open transaction on the partition ("-1" when none): what holds the LSO back. */
  currentTransactionStartOffset: string;
}

export interface PartitionProducers {
  topic: string;
  partition: number;
  activeProducers: ActiveProducer[];
}

export interface TransactionDescription {
  transactionalId: string;
  state: TransactionStateName;
  transactionTimeoutMs: number;
  /** When the open transaction started (ms since the epoch, "-1" when none is open). */
  transactionStartTimeMs: string;
  producerId: string;
  producerEpoch: number;
  /** The partitions the open transaction holds. */
  topics: { topic: string; partitions: number[] }[];
}

export interface TransactionListing {
  transactionalId: string;
  producerId: string;
  state: TransactionStateName;
  /** The broker that coordinates it. */
  coordinatorId: number;
}
