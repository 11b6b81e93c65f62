/** Admin call shapes: KafkaJS's, plus consumer lag. Offsets are decimal strings, as in KafkaJS. */
import { AclOperation, AclPermissionType, PatternType, ResourceType } from '@samsa/protocol/on-demand';

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

/** Kafka's config sources by name (ConfigSource ids), as describe output shows them. */
export type ConfigSourceName =
  | 'UNKNOWN'
  | 'TOPIC_CONFIG'
  | 'DYNAMIC_BROKER_CONFIG'
  | 'DYNAMIC_DEFAULT_BROKER_CONFIG'
  | 'STATIC_BROKER_CONFIG'
  | 'DEFAULT_CONFIG'
  | 'DYNAMIC_BROKER_LOGGER_CONFIG';

/** One config of a topic description. */
export interface TopicConfigEntry {
  name: string;
  /** Null for sensitive values, which brokers never return. */
  value: string | null;
  /**
   * Where the value comes from: set on the topic, a broker-wide setting that differs from Kafka's default, or (only
   * with `includeDefaults`) DEFAULT_CONFIG, Kafka's default.
   */
  source: ConfigSourceName;
  isSensitive: boolean;
  readOnly: boolean;
}

/** A partition of a topic description: placement and the offsets the log spans. */
export interface TopicPartitionDescription {
  partition: number;
  /** -1 while the partition has no leader. */
  leader: number;
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
  /** The log start offset. */
  startOffset: string;
  /** The high watermark (next offset to be written). */
  endOffset: string;
}

/** What `kafka-topics --describe` shows about a topic, plus each partition's offsets. */
export interface TopicDescription {
  name: string;
  topicId: string;
  isInternal: boolean;
  partitions: TopicPartitionDescription[];
  /**
   * The configs whose value is not Kafka's default (every config with `includeDefaults`), by name. Null when the
   * brokers cannot describe configs (no DescribeConfigs, as in librdkafka's mock cluster).
   */
  configs: TopicConfigEntry[] | null;
}

export interface DescribeTopicsOptions {
  topics: string[];
  /** List every config, Kafka's defaults too (source DEFAULT_CONFIG), not only those that differ. Default false. */
  includeDefaults?: boolean;
  signal?: AbortSignal;
}

/** IncrementalAlterConfigs operations (Java's AlterConfigOp.OpType). */
export type ConfigOperation = 'SET' | 'DELETE' | 'APPEND' | 'SUBTRACT';

export interface IncrementalAlterConfigsOptions {
  resources: {
    type: ConfigResourceTypes | number;
    name: string;
    /** `value` is ignored (may be left out) for DELETE. */
    configEntries: { name: string; value?: string | null; operation?: ConfigOperation }[];
  }[];
  validateOnly?: boolean;
  signal?: AbortSignal;
}

/** A member of a consumer group: who it is, what it subscribes to, and what it owns. */
export interface ConsumerGroupMemberDescription {
  memberId: string;
  /** The static member's instance id (`groupInstanceId`), else null. */
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  /** The member epoch (KIP-848); -1 in a classic group. */
  memberEpoch: number;
  /** Decoded from the member's subscription (consumer protocol); empty for other protocol types. */
  subscribedTopics: string[];
  /** A server-side regex subscription (KIP-848), else null. */
  subscribedTopicRegex: string | null;
  /** What the member owns now, topics by name and partitions in order; empty for other protocol types. */
  assignment: { topic: string; partitions: number[] }[];
  /** What the broker is moving it towards (KIP-848); the assignment itself in a classic group. */
  targetAssignment: { topic: string; partitions: number[] }[];
}

/** One partition of a consumer group, as `kafka-consumer-groups --describe` shows it. */
export interface ConsumerGroupPartition {
  topic: string;
  partition: number;
  /** The group's committed offset; null when the group never committed one for this partition. */
  committedOffset: string | null;
  /** The high watermark (next offset to be written). */
  endOffset: string;
  /** The log start offset. */
  startOffset: string;
  /** endOffset - committedOffset (at least 0); null when nothing is committed. */
  lag: string | null;
  /** The member the partition is assigned to, when one is (and members are known). */
  memberId: string | null;
  clientId: string | null;
  clientHost: string | null;
}

export interface DescribeConsumerGroupsOptions {
  /** Only these topics' partitions (listed even where the group committed nothing). Default: every topic the group committed offsets for or is assigned. */
  topics?: string[];
  signal?: AbortSignal;
}

/**
 * A consumer group of either protocol as `kafka-consumer-groups --describe` shows it: state, members and what they
 * own, and per partition the committed offset, end offset and lag, with totals per topic.
 */
export interface ConsumerGroupDescription {
  groupId: string;
  /**
   * 'consumer' for KIP-848 groups; 'classic' for JoinGroup/SyncGroup ones, groups that do not exist, and every group
   * where the coordinator cannot describe groups.
   */
  type: 'consumer' | 'classic';
  /**
   * KIP-848 groups: Empty, Assigning, Reconciling, Stable. Classic: Empty, PreparingRebalance, CompletingRebalance,
   * Stable, Dead (also a group that does not exist, with no members and no partitions). `Unknown` when the
   * coordinator cannot describe groups (no DescribeGroups, as in librdkafka's mock cluster).
   */
  state: string;
  /** 'consumer' for consumer groups (either protocol); a classic group of another kind names its own (`connect`). */
  protocolType: string;
  /** The server assignor (KIP-848: `uniform`, `range`), or the one a classic group chose (`cooperative-sticky`). */
  assignor: string;
  /** The group epoch (KIP-848); -1 for a classic group. */
  groupEpoch: number;
  /** The epoch of the target assignment (KIP-848); -1 for a classic group. */
  assignmentEpoch: number;
  coordinator: { nodeId: number; host: string; port: number } | null;
  /** Null when the coordinator cannot describe groups (then offsets and lag are still known). */
  members: ConsumerGroupMemberDescription[] | null;
  /** Every partition of every topic the group committed offsets for or is assigned, sorted by topic and partition. */
  partitions: ConsumerGroupPartition[];
  /** Lag per topic: the sum over its partitions with a committed offset. */
  topics: { topic: string; lag: string }[];
  totalLag: string;
}

/** Where `resetConsumerGroupOffsets` moves each partition, as kafka-consumer-groups --reset-offsets does. */
export type OffsetResetStrategy =
  | { type: 'earliest' }
  | { type: 'latest' }
  | { type: 'offset'; offset: string | number | bigint }
  /** The first offset whose timestamp is at or after this time (ms since the epoch); the end when none is. */
  | { type: 'timestamp'; timestamp: number }
  /** The committed offset plus `shift` (negative moves back). Partitions need a committed offset. */
  | { type: 'shift-by'; shift: string | number | bigint };

export interface OffsetResetOptions {
  groupId: string;
  /** The partitions to move: whole topics, or some partitions of them. Default: every topic the group has offsets for. */
  topics?: { topic: string; partitions?: number[] }[];
  strategy: OffsetResetStrategy;
  /** Plan only: compute and return the new offsets without committing them (Kafka's --dry-run). */
  dryRun?: boolean;
  signal?: AbortSignal;
}

/** One partition of an offset reset plan. */
export interface PlannedOffset {
  topic: string;
  partition: number;
  /** The committed offset before the reset; null when there was none. */
  currentOffset: string | null;
  newOffset: string;
  /**
   * The strategy pointed before the log start or past its end, so `newOffset` is the start or end instead
   * (Kafka's tool does the same).
   */
  clamped: boolean;
}

export interface OffsetResetResult {
  groupId: string;
  /** The group's state when the plan was made (Empty, Dead, or Unknown where groups cannot be described). */
  state: string;
  /** False for a dry run. */
  executed: boolean;
  partitions: PlannedOffset[];
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

// ------------------------------------------------------------------ ACLs (KafkaJS's names and shapes)

/** KafkaJS `AclResourceTypes`: what an ACL protects. */
export const AclResourceTypes = ResourceType;
export type AclResourceTypes = (typeof AclResourceTypes)[keyof typeof AclResourceTypes];
/** KafkaJS 1.x's name for `AclResourceTypes`. */
export const ResourceTypes = AclResourceTypes;
export type ResourceTypes = AclResourceTypes;
/** KafkaJS `AclOperationTypes`. */
export const AclOperationTypes = AclOperation;
export type AclOperationTypes = (typeof AclOperationTypes)[keyof typeof AclOperationTypes];
/** KafkaJS `AclPermissionTypes`. */
export const AclPermissionTypes = AclPermissionType;
export type AclPermissionTypes = (typeof AclPermissionTypes)[keyof typeof AclPermissionTypes];
/** KafkaJS `ResourcePatternTypes`: LITERAL and PREFIXED in ACLs; ANY and MATCH only in filters. */
export const ResourcePatternTypes = PatternType;
export type ResourcePatternTypes = (typeof ResourcePatternTypes)[keyof typeof ResourcePatternTypes];

/** Who may (or may not) do what from where. */
export interface Acl {
  /** `Type:name`, e.g. `User:alice`; `User:*` is every user. */
  principal: string;
  /** A client IP address, or `*` for every host. */
  host: string;
  operation: AclOperationTypes;
  permissionType: AclPermissionTypes;
}

export interface AclResource {
  resourceType: AclResourceTypes;
  resourceName: string;
  resourcePatternType: ResourcePatternTypes;
}

/** One ACL to create: a resource pattern and its entry. */
export type AclEntry = Acl & AclResource;

/** Selects ACLs: omitted names, principals and hosts match any; the ANY codes (and MATCH) match broadly. */
export interface AclFilter {
  resourceType: AclResourceTypes;
  resourceName?: string | null;
  resourcePatternType: ResourcePatternTypes;
  principal?: string | null;
  host?: string | null;
  operation: AclOperationTypes;
  permissionType: AclPermissionTypes;
  signal?: AbortSignal;
}

export type DescribeAclResource = AclResource & { acls: Acl[] };

export interface DescribeAclResponse {
  throttleTime: number;
  errorCode: number;
  errorMessage?: string | null;
  resources: DescribeAclResource[];
}

export interface MatchingAcl extends AclEntry {
  errorCode: number;
  errorMessage?: string | null;
}

export interface DeleteAclFilterResponses {
  errorCode: number;
  errorMessage?: string | null;
  matchingAcls: MatchingAcl[];
}

export interface DeleteAclResponse {
  throttleTime: number;
  filterResponses: DeleteAclFilterResponses[];
}
