/**
 * The admin client: KafkaJS's calls (topics, partitions, cluster, configs, ACLs, groups, offsets) plus
 * `fetchConsumerLag`, the per-partition committed-vs-end numbers teams most often miss. Each call
 * routes to the right broker (controller, group coordinator, partition leaders) and retries
 * retriable errors, refreshing metadata or the coordinator where the error says it is stale.
 * The calls live by area in this directory; this class is their public face.
 */
import type { Cluster } from '../cluster/cluster.js';
import { DEFAULT_RETRY, resolveRetry } from '../config/client-options.js';
import { rejectUnknown } from '../config/validate.js';
import { type ClientInfo, channels } from '../diagnostics/channels.js';
import {
  InstrumentationEmitter,
  type InstrumentationEvent,
  networkEvents,
} from '../diagnostics/instrumentation-emitter.js';
import type { RequestMetricsSnapshot } from '../diagnostics/metrics/request-metrics.js';
import type { Logger } from '../logger.js';
import { AdminContext } from './admin-context.js';
import type {
  AlterUserScramCredentialsOptions,
  UserScramCredentialsDescription,
} from './scram-credentials.js';
import type {
  AclEntry,
  AclFilter,
  AdminConfig,
  AlterConfigsOptions,
  ClusterDescription,
  ConsumerGroupDescription,
  ConsumerLagOptions,
  CreatePartitionsOptions,
  CreateTopicsOptions,
  DeleteAclResponse,
  DeleteTopicsOptions,
  DescribeAclResponse,
  DescribeConfigResponse,
  DescribeConsumerGroupsOptions,
  DescribeTopicsOptions,
  FetchOffsetsOptions,
  GroupDescription,
  GroupOverview,
  GroupTopicOffsets,
  IncrementalAlterConfigsOptions,
  OffsetResetOptions,
  OffsetResetResult,
  PartitionLag,
  PartitionProducers,
  ResourceConfigQuery,
  SeekEntry,
  TopicDescription,
  TopicMetadataView,
  TopicOffsets,
  TransactionDescription,
  TransactionListing,
  TransactionStateName,
} from './types.js';

export type { AdminConfig } from './types.js';

/** Imports a module once, on first use. */
function onFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => (loading ??= load());
}

/**
 * The admin areas' code, imported on an area's first call: a process whose clients never administer
 * (most producers and consumers) does not load it.
 */
const areas = {
  acls: onFirstUse(() => import('./acls.js')),
  cluster: onFirstUse(() => import('./cluster.js')),
  configs: onFirstUse(() => import('./configs.js')),
  consumerGroups: onFirstUse(() => import('./consumer-groups.js')),
  groups: onFirstUse(() => import('./groups-and-offsets.js')),
  offsetReset: onFirstUse(() => import('./offset-reset.js')),
  scramCredentials: onFirstUse(() => import('./scram-credentials.js')),
  topics: onFirstUse(() => import('./topics.js')),
  transactions: onFirstUse(() => import('./transactions.js')),
};

/** KafkaJS's admin events (`admin.on(admin.events.REQUEST, e => ...)`), with its payloads. */
export const AdminEvents = {
  CONNECT: 'admin.connect',
  DISCONNECT: 'admin.disconnect',
  ...networkEvents('admin'),
} as const;

export type AdminEventName = (typeof AdminEvents)[keyof typeof AdminEvents];

/** The admin's metrics: its requests, per broker and per API (docs/observability.md). */
export interface AdminMetrics extends RequestMetricsSnapshot {
  client: ClientInfo;
}

export class Admin {
  readonly events = AdminEvents;
  private readonly ctx: AdminContext;
  private readonly emitter = new InstrumentationEmitter<AdminEventName>();
  private readonly info: ClientInfo;

  constructor(
    readonly cluster: Cluster,
    config: AdminConfig,
    private readonly log: Logger,
  ) {
    rejectUnknown('admin()', config ?? {}, ['retry']);
    const retry = resolveRetry('retry', config?.retry, cluster.config.retry ?? DEFAULT_RETRY);
    this.ctx = new AdminContext(cluster, retry, log);
    this.info = { type: 'admin', clientId: cluster.config.clientId };
    cluster.requestMetrics.client = this.info;
    cluster.requestMetrics.emitTo(this.emitter, AdminEvents);
    if (channels.clientCreated.hasSubscribers)
      channels.clientCreated.publish({ client: this.info, instance: this });
  }

  logger(): Logger {
    return this.log;
  }

  async connect(): Promise<void> {
    await this.cluster.connect();
    this.emitter.emit(AdminEvents.CONNECT, null);
  }

  async disconnect(): Promise<void> {
    await this.cluster.disconnect();
    this.emitter.emit(AdminEvents.DISCONNECT, null);
  }

  /** KafkaJS's instrumentation events (AdminEvents); returns a function that removes the listener. */
  on(
    event: AdminEventName,
    listener: (e: InstrumentationEvent<Record<string, unknown>, AdminEventName>) => void,
  ): () => void {
    return this.emitter.on(event, listener);
  }

  /** Request counts and latencies, per broker and per API. */
  metrics(): AdminMetrics {
    return { client: this.info, ...this.cluster.requestMetrics.snapshot() };
  }

  // ------------------------------------------------------------------ topics: topics.ts

  listTopics(options: { signal?: AbortSignal } = {}): Promise<string[]> {
    return areas.topics().then((area) => area.listTopics(this.ctx, options));
  }

  /** Resolves true when every topic was created, false when some already existed (KafkaJS). */
  createTopics(options: CreateTopicsOptions): Promise<boolean> {
    return areas.topics().then((area) => area.createTopics(this.ctx, options));
  }

  deleteTopics(options: DeleteTopicsOptions): Promise<void> {
    return areas.topics().then((area) => area.deleteTopics(this.ctx, options));
  }

  createPartitions(options: CreatePartitionsOptions): Promise<boolean> {
    return areas.topics().then((area) => area.createPartitions(this.ctx, options));
  }

  fetchTopicMetadata(options: { topics?: string[]; signal?: AbortSignal } = {}): Promise<{
    topics: TopicMetadataView[];
  }> {
    return areas.topics().then((area) => area.fetchTopicMetadata(this.ctx, options));
  }

  /**
   * Topics as `kafka-topics --describe` shows them: partitions (leader, replicas, ISR, start and end offsets) and
   * the configs whose value is not Kafka's default, or every config with `includeDefaults` (null where the brokers
   * cannot describe configs).
   */
  describeTopics(options: DescribeTopicsOptions): Promise<TopicDescription[]> {
    return areas.topics().then((area) => area.describeTopics(this.ctx, options));
  }

  /** Low and high watermarks of every partition of `topic`. */
  fetchTopicOffsets(topic: string, options: { signal?: AbortSignal } = {}): Promise<TopicOffsets[]> {
    return areas.topics().then((area) => area.fetchTopicOffsets(this.ctx, topic, options));
  }

  /** The first offset at or after `timestamp` per partition (the end offset when there is none). */
  fetchTopicOffsetsByTimestamp(
    topic: string,
    timestamp?: number,
    options: { signal?: AbortSignal } = {},
  ): Promise<{ partition: number; offset: string }[]> {
    return areas
      .topics()
      .then((area) => area.fetchTopicOffsetsByTimestamp(this.ctx, topic, timestamp, options));
  }

  /** Deletes records before the given offsets ("-1" = up to the high watermark). */
  deleteTopicRecords(options: {
    topic: string;
    partitions: SeekEntry[];
    signal?: AbortSignal;
  }): Promise<void> {
    return areas.topics().then((area) => area.deleteTopicRecords(this.ctx, options));
  }

  // ------------------------------------------------------------------ cluster: cluster.ts

  describeCluster(options: { signal?: AbortSignal } = {}): Promise<ClusterDescription> {
    return areas.cluster().then((area) => area.describeCluster(this.ctx, options));
  }

  // ------------------------------------------------------------------ configs: configs.ts

  describeConfigs(options: {
    resources: ResourceConfigQuery[];
    includeSynonyms?: boolean;
    signal?: AbortSignal;
  }): Promise<DescribeConfigResponse> {
    return areas.configs().then((area) => area.describeConfigs(this.ctx, options));
  }

  /** Replaces whole resource configs (AlterConfigs), as KafkaJS does. */
  alterConfigs(options: AlterConfigsOptions): Promise<{
    resources: {
      errorCode: number;
      errorMessage: string | null;
      resourceType: number;
      resourceName: string;
    }[];
  }> {
    return areas.configs().then((area) => area.alterConfigs(this.ctx, options));
  }

  /**
   * Sets, deletes, appends to or subtracts from single configs, leaving the others as they are
   * (IncrementalAlterConfigs, Kafka 2.3+; Java's `incrementalAlterConfigs`).
   */
  incrementalAlterConfigs(options: IncrementalAlterConfigsOptions): Promise<void> {
    return areas.configs().then((area) => area.incrementalAlterConfigs(this.ctx, options));
  }

  // ------------------------------------------------------------------ ACLs: acls.ts

  /** The ACLs matching a filter, grouped by resource pattern (needs DESCRIBE on the cluster). */
  describeAcls(filter: AclFilter): Promise<DescribeAclResponse> {
    return areas.acls().then((area) => area.describeAcls(this.ctx, filter));
  }

  /** Creates ACLs (needs ALTER on the cluster); resolves true, or rejects with the broker's error. */
  createAcls(options: { acl: AclEntry[]; signal?: AbortSignal }): Promise<boolean> {
    return areas.acls().then((area) => area.createAcls(this.ctx, options));
  }

  /** Deletes the ACLs each filter matches and lists them per filter (needs ALTER on the cluster). */
  deleteAcls(options: { filters: AclFilter[]; signal?: AbortSignal }): Promise<DeleteAclResponse> {
    return areas.acls().then((area) => area.deleteAcls(this.ctx, options));
  }

  // ------------------------------------------------------------ groups, offsets: groups-and-offsets.ts

  /** Groups known to every broker (each broker coordinates a share of them). */
  listGroups(options: { signal?: AbortSignal } = {}): Promise<{ groups: GroupOverview[] }> {
    return areas.groups().then((area) => area.listGroups(this.ctx, options));
  }

  describeGroups(
    groupIds: string[],
    options: { signal?: AbortSignal } = {},
  ): Promise<{ groups: GroupDescription[] }> {
    return areas.groups().then((area) => area.describeGroups(this.ctx, groupIds, options));
  }

  /**
   * Consumer groups of either protocol as kafka-consumer-groups --describe shows them: state, members with their
   * subscriptions and decoded assignments (KIP-848 groups also with epochs, the server assignor and each member's
   * target assignment), and per partition the committed offset, end offset, lag and owner, with totals per topic
   * (`topics` narrows it). Where the coordinator cannot describe groups (librdkafka's mock cluster), the state is
   * `Unknown`, `members` null, and offsets and lag are still given.
   */
  describeConsumerGroups(
    groupIds: string[],
    options: DescribeConsumerGroupsOptions = {},
  ): Promise<{ groups: ConsumerGroupDescription[] }> {
    return areas.consumerGroups().then((area) => area.describeConsumerGroups(this.ctx, groupIds, options));
  }

  deleteGroups(
    groupIds: string[],
    options: { signal?: AbortSignal } = {},
  ): Promise<{ groupId: string; errorCode: number }[]> {
    return areas.groups().then((area) => area.deleteGroups(this.ctx, groupIds, options));
  }

  /** Committed offsets of a group ("-1" where nothing is committed). */
  fetchOffsets(options: FetchOffsetsOptions): Promise<GroupTopicOffsets[]> {
    return areas.groups().then((area) => area.fetchOffsets(this.ctx, options));
  }

  /** Commits explicit offsets for a group with no active members (KafkaJS `setOffsets`). */
  setOffsets(options: {
    groupId: string;
    topic: string;
    partitions: SeekEntry[];
    signal?: AbortSignal;
  }): Promise<void> {
    return areas.groups().then((area) => area.setOffsets(this.ctx, options));
  }

  /** Moves a group's committed offsets of `topic` to the earliest or latest offsets (group must be empty). */
  resetOffsets(options: {
    groupId: string;
    topic: string;
    earliest?: boolean;
    signal?: AbortSignal;
  }): Promise<void> {
    return areas.groups().then((area) => area.resetOffsets(this.ctx, options));
  }

  /** Removes a group's committed offsets for topics/partitions (OffsetDelete, Kafka 2.4+). */
  deleteGroupOffsets(options: {
    groupId: string;
    topics: { topic: string; partitions?: number[] }[];
    signal?: AbortSignal;
  }): Promise<void> {
    return areas.groups().then((area) => area.deleteGroupOffsets(this.ctx, options));
  }

  /**
   * Moves a group's committed offsets (kafka-consumer-groups --reset-offsets): to the earliest or latest offset, an
   * offset, a time, or shifted; clamped into each log. `dryRun` only plans. Rejects with ActiveGroupError while the
   * group has members, as Kafka does.
   */
  resetConsumerGroupOffsets(options: OffsetResetOptions): Promise<OffsetResetResult> {
    return areas.offsetReset().then((area) => area.resetConsumerGroupOffsets(this.ctx, options));
  }

  /**
   * Consumer lag per partition: committed offset vs end offset (high watermark). Partitions without
   * a committed offset count everything retained as lag.
   */
  fetchConsumerLag(options: ConsumerLagOptions): Promise<PartitionLag[]> {
    return areas.groups().then((area) => area.fetchConsumerLag(this.ctx, options));
  }

  // ------------------------------------------------------------ SCRAM credentials: scram-credentials.ts

  /** Each user's SCRAM mechanisms and iterations (KIP-554); every user with credentials when `users` is empty. */
  describeUserScramCredentials(
    users?: string[],
    options: { signal?: AbortSignal } = {},
  ): Promise<UserScramCredentialsDescription[]> {
    return areas
      .scramCredentials()
      .then((area) => area.describeUserScramCredentials(this.ctx, users, options));
  }

  /** Creates or replaces and deletes SCRAM credentials; the password is salted and hashed here, never sent. */
  alterUserScramCredentials(
    alterations: AlterUserScramCredentialsOptions,
    options: { signal?: AbortSignal } = {},
  ): Promise<void> {
    return areas
      .scramCredentials()
      .then((area) => area.alterUserScramCredentials(this.ctx, alterations, options));
  }

  // ------------------------------------------------------------ transactions, producers: transactions.ts

  /** The producers each partition's leader tracks, and the open transaction holding back its LSO (Kafka 3.0+). */
  describeProducers(options: {
    topics: { topic: string; partitions?: number[] }[];
    signal?: AbortSignal;
  }): Promise<PartitionProducers[]> {
    return areas.transactions().then((area) => area.describeProducers(this.ctx, options));
  }

  /** What each transactional id's transaction is doing: state, partitions, since when (Kafka 3.0+). */
  describeTransactions(
    transactionalIds: string[],
    options: { signal?: AbortSignal } = {},
  ): Promise<TransactionDescription[]> {
    return areas
      .transactions()
      .then((area) => area.describeTransactions(this.ctx, transactionalIds, options));
  }

  /** The transactions of every coordinator, optionally by state or producer id (Kafka 3.0+). */
  listTransactions(
    options: {
      states?: TransactionStateName[];
      producerIds?: (string | bigint | number)[];
      signal?: AbortSignal;
    } = {},
  ): Promise<TransactionListing[]> {
    return areas.transactions().then((area) => area.listTransactions(this.ctx, options));
  }
}
