/**
 * The admin client: KafkaJS's calls (topics, partitions, cluster, configs, groups, offsets) plus
 * `fetchConsumerLag`, the per-partition committed-vs-end numbers teams most often miss. Each call
 * routes to the right broker (controller, group coordinator, partition leaders) and retries
 * retriable errors, refreshing metadata or the coordinator where the error says it is stale.
 */
import type { Cluster } from '../cluster/cluster.js';
import { isCoordinatorError } from '../cluster/cluster.js';
import {
  EARLIEST_TIMESTAMP,
  LATEST_TIMESTAMP,
  listOffsets,
  type OffsetQuery,
  tpKey,
} from '../cluster/list-offsets.js';
import { isStaleMetadataError } from '../cluster/metadata.js';
import { DEFAULT_RETRY, type ResolvedRetry, resolveRetry } from '../config/client-options.js';
import { rejectUnknown } from '../config/validate.js';
import {
  ConfigurationError,
  createKafkaError,
  ErrorCode,
  isRetriable,
  KafkaProtocolError,
  KafkaTimeoutError,
} from '../errors.js';
import type { Logger } from '../logger.js';
import { sleep, withRetry } from '../retry.js';
import type {
  AdminConfig,
  AlterConfigsOptions,
  ClusterDescription,
  ConsumerLagOptions,
  CreatePartitionsOptions,
  CreateTopicsOptions,
  DeleteTopicsOptions,
  DescribeConfigResponse,
  FetchOffsetsOptions,
  GroupDescription,
  GroupOverview,
  GroupTopicOffsets,
  PartitionLag,
  ResourceConfigQuery,
  SeekEntry,
  TopicMetadataView,
  TopicOffsets,
} from './types.js';

const API = {
  OffsetCommit: 8,
  OffsetFetch: 9,
  DescribeGroups: 15,
  ListGroups: 16,
  CreateTopics: 19,
  DeleteTopics: 20,
  DeleteRecords: 21,
  DescribeConfigs: 32,
  AlterConfigs: 33,
  CreatePartitions: 37,
  DeleteGroups: 42,
  OffsetDelete: 47,
  DescribeCluster: 60,
} as const;

export type { AdminConfig } from './types.js';

export class Admin {
  private readonly retry: ResolvedRetry;

  constructor(
    readonly cluster: Cluster,
    config: AdminConfig,
    private readonly log: Logger,
  ) {
    rejectUnknown('admin()', config ?? {}, ['retry']);
    this.retry = resolveRetry('retry', config?.retry, cluster.config.retry ?? DEFAULT_RETRY);
  }

  logger(): Logger {
    return this.log;
  }

  connect(): Promise<void> {
    return this.cluster.connect();
  }

  disconnect(): Promise<void> {
    return this.cluster.disconnect();
  }

  // ------------------------------------------------------------------ topics

  async listTopics(options: { signal?: AbortSignal } = {}): Promise<string[]> {
    await this.withRetry('listTopics', () => this.cluster.metadata.refresh(null), options.signal);
    return [...this.cluster.metadata.topics.values()].filter((t) => !t.isInternal).map((t) => t.name);
  }

  /** Resolves true when every topic was created, false when some already existed (KafkaJS). */
  async createTopics(options: CreateTopicsOptions): Promise<boolean> {
    if (!options || !Array.isArray(options.topics) || options.topics.length === 0) {
      throw new ConfigurationError(
        'topics',
        'createTopics needs { topics: [{ topic, numPartitions?, ... }] }',
      );
    }
    const seen = new Set<string>();
    for (const t of options.topics) {
      if (typeof t?.topic !== 'string' || t.topic.length === 0) {
        throw new ConfigurationError('topics[].topic', 'each topic needs a non-empty name');
      }
      if (seen.has(t.topic)) throw new ConfigurationError('topics', `topic ${t.topic} is listed twice`);
      seen.add(t.topic);
    }
    const timeoutMs = options.timeout ?? 5000;
    let alreadyExisted = false;
    let pending = options.topics;
    await this.withController(
      'createTopics',
      async (controller) => {
        const { response } = await this.cluster.request(
          controller,
          API.CreateTopics,
          (v) => ({
            topics: pending.map((t) => ({
              name: t.topic,
              numPartitions: t.replicaAssignment?.length ? -1 : (t.numPartitions ?? (v >= 4 ? -1 : 1)),
              replicationFactor: t.replicaAssignment?.length
                ? -1
                : (t.replicationFactor ?? (v >= 4 ? -1 : 1)),
              assignments: (t.replicaAssignment ?? []).map((a) => ({
                partitionIndex: a.partition,
                brokerIds: a.replicas,
              })),
              configs: (t.configEntries ?? []).map((c) => ({ name: c.name, value: c.value })),
            })),
            timeoutMs,
            validateOnly: options.validateOnly ?? false,
          }),
          { signal: options.signal, timeoutMs: this.cluster.config.requestTimeoutMs + timeoutMs },
        );
        const retry: typeof pending = [];
        let retriable: KafkaProtocolError | null = null;
        for (const r of response.topics) {
          if (r.errorCode === ErrorCode.NONE) continue;
          if (r.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS) {
            alreadyExisted = true;
            continue;
          }
          const err = createKafkaError(r.errorCode, {
            apiName: 'CreateTopics',
            topic: r.name,
            serverMessage: r.errorMessage ?? null,
          });
          if (!err.retriable && r.errorCode !== ErrorCode.NOT_CONTROLLER) throw err;
          retriable = err;
          const t = pending.find((x) => x.topic === r.name);
          if (t) retry.push(t);
        }
        pending = retry;
        if (retriable) throw retriable;
      },
      options.signal,
    );
    if (options.waitForLeaders !== false && !options.validateOnly) {
      await this.waitForLeaders(
        options.topics.map((t) => t.topic),
        timeoutMs + this.cluster.config.requestTimeoutMs,
        options.signal,
      );
    }
    return !alreadyExisted;
  }

  private async waitForLeaders(topics: string[], timeoutMs: number, signal?: AbortSignal): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const metadata = this.cluster.metadata;
    for (let i = 0; ; i++) {
      try {
        await metadata.refresh(topics);
      } catch (err) {
        this.log.debug('metadata refresh failed while waiting for leaders', {
          error: (err as Error).message,
        });
      }
      const ready = topics.every((t) => {
        const m = metadata.topic(t);
        return m && m.partitions.length > 0 && m.partitions.every((p) => p.leader >= 0);
      });
      if (ready) return;
      if (Date.now() > deadline) {
        throw new KafkaTimeoutError(
          `Topics ${topics.join(', ')} were created but have no leaders after ${timeoutMs} ms`,
        );
      }
      await sleep(Math.min(100 * 2 ** i, 1000), signal);
    }
  }

  async deleteTopics(options: DeleteTopicsOptions): Promise<void> {
    if (!options || !Array.isArray(options.topics) || options.topics.length === 0) {
      throw new ConfigurationError('topics', 'deleteTopics needs { topics: [name, ...] }');
    }
    const timeoutMs = options.timeout ?? 5000;
    let pending = [...options.topics];
    await this.withController(
      'deleteTopics',
      async (controller) => {
        const { response } = await this.cluster.request(
          controller,
          API.DeleteTopics,
          (v) =>
            v >= 6
              ? { topics: pending.map((name) => ({ name, topicId: 'AAAAAAAAAAAAAAAAAAAAAA' })), timeoutMs }
              : { topicNames: pending, timeoutMs },
          { signal: options.signal, timeoutMs: this.cluster.config.requestTimeoutMs + timeoutMs },
        );
        const retry: string[] = [];
        let retriable: KafkaProtocolError | null = null;
        for (const r of response.responses) {
          if (r.errorCode === ErrorCode.NONE) continue;
          const err = createKafkaError(r.errorCode, {
            apiName: 'DeleteTopics',
            topic: r.name ?? undefined,
            serverMessage: r.errorMessage ?? null,
          });
          if (!err.retriable && r.errorCode !== ErrorCode.NOT_CONTROLLER) throw err;
          retriable = err;
          if (r.name) retry.push(r.name);
        }
        pending = retry;
        if (retriable) throw retriable;
      },
      options.signal,
      (err) =>
        isRetriable(err) &&
        !(err instanceof KafkaProtocolError && err.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION),
    );
    this.cluster.metadata.untrack(options.topics);
    for (const t of options.topics) this.cluster.metadata.topics.delete(t);
  }

  async createPartitions(options: CreatePartitionsOptions): Promise<boolean> {
    if (!options || !Array.isArray(options.topicPartitions) || options.topicPartitions.length === 0) {
      throw new ConfigurationError(
        'topicPartitions',
        'createPartitions needs { topicPartitions: [{ topic, count }] }',
      );
    }
    const timeoutMs = options.timeout ?? 5000;
    let pending = options.topicPartitions;
    await this.withController(
      'createPartitions',
      async (controller) => {
        const { response } = await this.cluster.request(
          controller,
          API.CreatePartitions,
          () => ({
            topics: pending.map((t) => ({
              name: t.topic,
              count: t.count,
              assignments: t.assignments ? t.assignments.map((brokerIds) => ({ brokerIds })) : null,
            })),
            timeoutMs,
            validateOnly: options.validateOnly ?? false,
          }),
          { signal: options.signal, timeoutMs: this.cluster.config.requestTimeoutMs + timeoutMs },
        );
        const retry: typeof pending = [];
        let retriable: KafkaProtocolError | null = null;
        for (const r of response.results) {
          if (r.errorCode === ErrorCode.NONE) continue;
          const err = createKafkaError(r.errorCode, {
            apiName: 'CreatePartitions',
            topic: r.name,
            serverMessage: r.errorMessage,
          });
          if (!err.retriable && r.errorCode !== ErrorCode.NOT_CONTROLLER) throw err;
          retriable = err;
          const t = pending.find((x) => x.topic === r.name);
          if (t) retry.push(t);
        }
        pending = retry;
        if (retriable) throw retriable;
      },
      options.signal,
    );
    this.cluster.metadata.invalidate();
    return true;
  }

  async fetchTopicMetadata(options: { topics?: string[]; signal?: AbortSignal } = {}): Promise<{
    topics: TopicMetadataView[];
  }> {
    const topics = options.topics;
    await this.withRetry(
      'fetchTopicMetadata',
      async () => {
        await this.cluster.metadata.refresh(topics && topics.length > 0 ? topics : null);
        for (const t of topics ?? []) {
          if (!this.cluster.metadata.topic(t)) {
            throw createKafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, { apiName: 'Metadata', topic: t });
          }
        }
      },
      options.signal,
    );
    const names = topics && topics.length > 0 ? topics : [...this.cluster.metadata.topics.keys()];
    return {
      topics: names.map((name) => {
        const t = this.cluster.metadata.topic(name)!;
        return {
          name,
          topicId: t.topicId,
          isInternal: t.isInternal,
          partitions: t.partitions.map((p) => ({
            partitionErrorCode: p.errorCode,
            partitionId: p.partition,
            leader: p.leader,
            leaderEpoch: p.leaderEpoch,
            replicas: p.replicas,
            isr: p.isr,
            offlineReplicas: p.offlineReplicas,
          })),
        };
      }),
    };
  }

  /** Low and high watermarks of every partition of `topic`. */
  async fetchTopicOffsets(topic: string, options: { signal?: AbortSignal } = {}): Promise<TopicOffsets[]> {
    const partitions = await this.partitionsOf(topic, options.signal);
    const queries = (ts: bigint): OffsetQuery[] =>
      partitions.map((partition) => ({ topic, partition, timestamp: ts }));
    const [high, low] = await Promise.all([
      listOffsets(this.cluster, this.retry, queries(LATEST_TIMESTAMP), { signal: options.signal }),
      listOffsets(this.cluster, this.retry, queries(EARLIEST_TIMESTAMP), { signal: options.signal }),
    ]);
    return partitions.map((partition) => {
      const h = high.get(tpKey(topic, partition))!.offset.toString();
      return { partition, offset: h, high: h, low: low.get(tpKey(topic, partition))!.offset.toString() };
    });
  }

  /** The first offset at or after `timestamp` per partition (the end offset when there is none). */
  async fetchTopicOffsetsByTimestamp(
    topic: string,
    timestamp?: number,
    options: { signal?: AbortSignal } = {},
  ): Promise<{ partition: number; offset: string }[]> {
    const partitions = await this.partitionsOf(topic, options.signal);
    const ts = timestamp === undefined ? LATEST_TIMESTAMP : BigInt(timestamp);
    const [byTime, high] = await Promise.all([
      listOffsets(
        this.cluster,
        this.retry,
        partitions.map((partition) => ({ topic, partition, timestamp: ts })),
        options,
      ),
      listOffsets(
        this.cluster,
        this.retry,
        partitions.map((partition) => ({ topic, partition, timestamp: LATEST_TIMESTAMP })),
        options,
      ),
    ]);
    return partitions.map((partition) => {
      const k = tpKey(topic, partition);
      const o = byTime.get(k)!.offset;
      return { partition, offset: (o < 0n ? high.get(k)!.offset : o).toString() };
    });
  }

  /** Deletes records before the given offsets ("-1" = up to the high watermark). */
  async deleteTopicRecords(options: {
    topic: string;
    partitions: SeekEntry[];
    signal?: AbortSignal;
  }): Promise<void> {
    const { topic, partitions } = options;
    await this.partitionsOf(topic, options.signal);
    await this.withRetry(
      'deleteTopicRecords',
      async () => {
        const byLeader = new Map<number, SeekEntry[]>();
        for (const p of partitions) {
          const leader = this.cluster.metadata.leaderFor(topic, p.partition);
          if (leader < 0)
            throw createKafkaError(ErrorCode.LEADER_NOT_AVAILABLE, { topic, partition: p.partition });
          let l = byLeader.get(leader);
          if (!l) {
            l = [];
            byLeader.set(leader, l);
          }
          l.push(p);
        }
        await Promise.all(
          [...byLeader].map(async ([leader, ps]) => {
            const { response } = await this.cluster.request(
              leader,
              API.DeleteRecords,
              () => ({
                topics: [
                  {
                    name: topic,
                    partitions: ps.map((p) => ({ partitionIndex: p.partition, offset: BigInt(p.offset) })),
                  },
                ],
                timeoutMs: 5000,
              }),
              { signal: options.signal },
            );
            for (const t of response.topics) {
              for (const p of t.partitions) {
                if (p.errorCode !== 0) {
                  throw createKafkaError(p.errorCode, {
                    apiName: 'DeleteRecords',
                    topic,
                    partition: p.partitionIndex,
                  });
                }
              }
            }
          }),
        );
      },
      options.signal,
    );
  }

  // ------------------------------------------------------------------ cluster and configs

  async describeCluster(options: { signal?: AbortSignal } = {}): Promise<ClusterDescription> {
    await this.withRetry('describeCluster', () => this.cluster.metadata.refresh(), options.signal);
    const m = this.cluster.metadata;
    return {
      brokers: [...m.brokers.values()].map((b) => ({
        nodeId: b.nodeId,
        host: b.host,
        port: b.port,
        rack: b.rack,
      })),
      controller: m.controllerId >= 0 ? m.controllerId : null,
      clusterId: m.clusterId ?? '',
    };
  }

  async describeConfigs(options: {
    resources: ResourceConfigQuery[];
    includeSynonyms?: boolean;
    signal?: AbortSignal;
  }): Promise<DescribeConfigResponse> {
    if (!options || !Array.isArray(options.resources) || options.resources.length === 0) {
      throw new ConfigurationError('resources', 'describeConfigs needs { resources: [{ type, name }] }');
    }
    // Broker resources must go to that broker; everything else to any broker.
    const groups = new Map<number | 'any', ResourceConfigQuery[]>();
    for (const r of options.resources) {
      const target = isBrokerResource(r.type) && /^\d+$/.test(r.name) ? Number(r.name) : 'any';
      let l = groups.get(target);
      if (!l) {
        l = [];
        groups.set(target, l);
      }
      l.push(r);
    }
    const out: DescribeConfigResponse = { resources: [], throttleTime: 0 };
    await this.withRetry(
      'describeConfigs',
      async () => {
        out.resources = [];
        await Promise.all(
          [...groups].map(async ([target, resources]) => {
            const { version, response } = await this.cluster.request(
              target,
              API.DescribeConfigs,
              () => ({
                resources: resources.map((r) => ({
                  resourceType: r.type,
                  resourceName: r.name,
                  configurationKeys: r.configNames && r.configNames.length > 0 ? r.configNames : null,
                })),
                includeSynonyms: options.includeSynonyms ?? false,
                includeDocumentation: false,
              }),
              { signal: options.signal },
            );
            out.throttleTime = Math.max(out.throttleTime, response.throttleTimeMs);
            for (const r of response.results) {
              if (r.errorCode !== 0) {
                const err = createKafkaError(r.errorCode, {
                  apiName: 'DescribeConfigs',
                  serverMessage: r.errorMessage,
                });
                if (!err.retriable) throw err;
                throw err;
              }
              out.resources.push({
                errorCode: r.errorCode,
                errorMessage: r.errorMessage,
                resourceType: r.resourceType,
                resourceName: r.resourceName,
                configEntries: r.configs.map((c) => ({
                  configName: c.name,
                  configValue: c.value,
                  isDefault: version === 0 ? (c.isDefault ?? false) : c.configSource === 5,
                  configSource: c.configSource ?? (c.isDefault ? 5 : 0),
                  isSensitive: c.isSensitive,
                  readOnly: c.readOnly,
                  configSynonyms: (c.synonyms ?? []).map((s) => ({
                    configName: s.name,
                    configValue: s.value,
                    configSource: s.source,
                  })),
                })),
              });
            }
          }),
        );
      },
      options.signal,
    );
    return out;
  }

  /** Replaces whole resource configs (AlterConfigs), as KafkaJS does. */
  async alterConfigs(options: AlterConfigsOptions): Promise<{
    resources: {
      errorCode: number;
      errorMessage: string | null;
      resourceType: number;
      resourceName: string;
    }[];
  }> {
    if (!options || !Array.isArray(options.resources) || options.resources.length === 0) {
      throw new ConfigurationError(
        'resources',
        'alterConfigs needs { resources: [{ type, name, configEntries }] }',
      );
    }
    const groups = new Map<number | 'any', AlterConfigsOptions['resources']>();
    for (const r of options.resources) {
      const target = isBrokerResource(r.type) && /^\d+$/.test(r.name) ? Number(r.name) : 'any';
      let l = groups.get(target);
      if (!l) {
        l = [];
        groups.set(target, l);
      }
      l.push(r);
    }
    const resources: {
      errorCode: number;
      errorMessage: string | null;
      resourceType: number;
      resourceName: string;
    }[] = [];
    await this.withRetry(
      'alterConfigs',
      async () => {
        resources.length = 0;
        await Promise.all(
          [...groups].map(async ([target, rs]) => {
            const { response } = await this.cluster.request(
              target,
              API.AlterConfigs,
              () => ({
                resources: rs.map((r) => ({
                  resourceType: r.type,
                  resourceName: r.name,
                  configs: r.configEntries.map((c) => ({ name: c.name, value: c.value })),
                })),
                validateOnly: options.validateOnly ?? false,
              }),
              { signal: options.signal },
            );
            for (const r of response.responses) {
              if (r.errorCode !== 0) {
                throw createKafkaError(r.errorCode, {
                  apiName: 'AlterConfigs',
                  serverMessage: r.errorMessage,
                });
              }
              resources.push({
                errorCode: r.errorCode,
                errorMessage: r.errorMessage,
                resourceType: r.resourceType,
                resourceName: r.resourceName,
              });
            }
          }),
        );
      },
      options.signal,
    );
    return { resources };
  }

  // ------------------------------------------------------------------ groups

  /** Groups known to every broker (each broker coordinates a share of them). */
  async listGroups(options: { signal?: AbortSignal } = {}): Promise<{ groups: GroupOverview[] }> {
    await this.withRetry('listGroups', () => this.cluster.metadata.refreshIfStale(), options.signal);
    const groups: GroupOverview[] = [];
    await Promise.all(
      this.cluster.brokerIds().map((nodeId) =>
        this.withRetry(
          'listGroups',
          async () => {
            const { response } = await this.cluster.request(nodeId, API.ListGroups, () => ({}), {
              signal: options.signal,
            });
            if (response.errorCode !== 0)
              throw createKafkaError(response.errorCode, { apiName: 'ListGroups' });
            for (const g of response.groups) {
              groups.push({
                groupId: g.groupId,
                protocolType: g.protocolType,
                ...(g.groupState !== undefined ? { groupState: g.groupState } : {}),
              });
            }
          },
          options.signal,
        ),
      ),
    );
    return { groups };
  }

  async describeGroups(
    groupIds: string[],
    options: { signal?: AbortSignal } = {},
  ): Promise<{ groups: GroupDescription[] }> {
    if (!Array.isArray(groupIds) || groupIds.length === 0) {
      throw new ConfigurationError('groupIds', 'describeGroups needs a non-empty array of group ids');
    }
    const groups = await Promise.all(
      groupIds.map((groupId) =>
        this.withCoordinator(groupId, options.signal, async (coordinator) => {
          const { response } = await this.cluster.request(
            coordinator,
            API.DescribeGroups,
            () => ({ groups: [groupId], includeAuthorizedOperations: false }),
            { purpose: 'group', signal: options.signal },
          );
          const g = response.groups[0];
          if (g.errorCode !== 0) throw createKafkaError(g.errorCode, { apiName: 'DescribeGroups', groupId });
          return {
            errorCode: g.errorCode,
            groupId: g.groupId,
            state: g.groupState,
            protocolType: g.protocolType,
            protocol: g.protocolData,
            members: g.members.map((m) => ({
              memberId: m.memberId,
              groupInstanceId: m.groupInstanceId ?? null,
              clientId: m.clientId,
              clientHost: m.clientHost,
              memberMetadata: m.memberMetadata,
              memberAssignment: m.memberAssignment,
            })),
          };
        }),
      ),
    );
    return { groups };
  }

  async deleteGroups(
    groupIds: string[],
    options: { signal?: AbortSignal } = {},
  ): Promise<{ groupId: string; errorCode: number }[]> {
    if (!Array.isArray(groupIds) || groupIds.length === 0) {
      throw new ConfigurationError('groupIds', 'deleteGroups needs a non-empty array of group ids');
    }
    return Promise.all(
      groupIds.map((groupId) =>
        this.withCoordinator(groupId, options.signal, async (coordinator) => {
          const { response } = await this.cluster.request(
            coordinator,
            API.DeleteGroups,
            () => ({ groupsNames: [groupId] }),
            { purpose: 'group', signal: options.signal },
          );
          const r = response.results[0];
          if (r.errorCode !== 0) throw createKafkaError(r.errorCode, { apiName: 'DeleteGroups', groupId });
          return { groupId, errorCode: 0 };
        }),
      ),
    );
  }

  // ------------------------------------------------------------------ group offsets

  /** Committed offsets of a group ("-1" where nothing is committed). */
  async fetchOffsets(options: FetchOffsetsOptions): Promise<GroupTopicOffsets[]> {
    const { groupId } = options;
    if (typeof groupId !== 'string' || groupId.length === 0)
      throw new ConfigurationError('groupId', 'is required');
    const committed = await this.committedOffsets(groupId, options.topics, options.signal);
    const topics = options.topics ?? [...new Set([...committed.keys()].map((k) => k.split('\u0000')[0]))];
    const out: GroupTopicOffsets[] = [];
    let unresolved: OffsetQuery[] = [];
    for (const topic of topics) {
      const partitions = await this.partitionsOf(topic, options.signal);
      out.push({
        topic,
        partitions: partitions.map((partition) => {
          const c = committed.get(tpKey(topic, partition));
          if ((!c || c.offset < 0n) && options.resolveOffsets)
            unresolved.push({ topic, partition, timestamp: EARLIEST_TIMESTAMP });
          return { partition, offset: c ? c.offset.toString() : '-1', metadata: c?.metadata ?? null };
        }),
      });
    }
    if (unresolved.length > 0) {
      const answers = await listOffsets(this.cluster, this.retry, unresolved, options);
      for (const t of out) {
        for (const p of t.partitions) {
          const a = answers.get(tpKey(t.topic, p.partition));
          if (a && p.offset === '-1') p.offset = a.offset.toString();
        }
      }
      unresolved = [];
    }
    return out;
  }

  /** Commits explicit offsets for a group with no active members (KafkaJS `setOffsets`). */
  async setOffsets(options: {
    groupId: string;
    topic: string;
    partitions: SeekEntry[];
    signal?: AbortSignal;
  }): Promise<void> {
    const { groupId, topic, partitions } = options;
    if (typeof groupId !== 'string' || groupId.length === 0)
      throw new ConfigurationError('groupId', 'is required');
    await this.commitOffsets(
      groupId,
      partitions.map((p) => ({ topic, partition: p.partition, offset: BigInt(p.offset) })),
      options.signal,
    );
  }

  /** Moves a group's committed offsets of `topic` to the earliest or latest offsets (group must be empty). */
  async resetOffsets(options: {
    groupId: string;
    topic: string;
    earliest?: boolean;
    signal?: AbortSignal;
  }): Promise<void> {
    const { groupId, topic } = options;
    if (typeof groupId !== 'string' || groupId.length === 0)
      throw new ConfigurationError('groupId', 'is required');
    const partitions = await this.partitionsOf(topic, options.signal);
    const ts = options.earliest ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP;
    const answers = await listOffsets(
      this.cluster,
      this.retry,
      partitions.map((partition) => ({ topic, partition, timestamp: ts })),
      options,
    );
    await this.commitOffsets(
      groupId,
      partitions.map((partition) => ({
        topic,
        partition,
        offset: answers.get(tpKey(topic, partition))!.offset,
      })),
      options.signal,
    );
  }

  /** Removes a group's committed offsets for topics/partitions (OffsetDelete, Kafka 2.4+). */
  async deleteGroupOffsets(options: {
    groupId: string;
    topics: { topic: string; partitions?: number[] }[];
    signal?: AbortSignal;
  }): Promise<void> {
    const { groupId } = options;
    if (typeof groupId !== 'string' || groupId.length === 0)
      throw new ConfigurationError('groupId', 'is required');
    const topics = await Promise.all(
      options.topics.map(async (t) => ({
        name: t.topic,
        partitions: (t.partitions ?? (await this.partitionsOf(t.topic, options.signal))).map(
          (partitionIndex) => ({
            partitionIndex,
          }),
        ),
      })),
    );
    await this.withCoordinator(groupId, options.signal, async (coordinator) => {
      const { response } = await this.cluster.request(
        coordinator,
        API.OffsetDelete,
        () => ({ groupId, topics }),
        { purpose: 'group', signal: options.signal },
      );
      if (response.errorCode !== 0)
        throw createKafkaError(response.errorCode, { apiName: 'OffsetDelete', groupId });
      for (const t of response.topics) {
        for (const p of t.partitions) {
          if (p.errorCode !== 0) {
            throw createKafkaError(p.errorCode, {
              apiName: 'OffsetDelete',
              groupId,
              topic: t.name,
              partition: p.partitionIndex,
            });
          }
        }
      }
    });
  }

  /**
   * Consumer lag per partition: committed offset vs end offset (high watermark). Partitions without
   * a committed offset count everything retained as lag.
   */
  async fetchConsumerLag(options: ConsumerLagOptions): Promise<PartitionLag[]> {
    const { groupId } = options;
    if (typeof groupId !== 'string' || groupId.length === 0)
      throw new ConfigurationError('groupId', 'is required');
    const committed = await this.committedOffsets(groupId, options.topics, options.signal);
    const topics =
      options.topics ?? [...new Set([...committed.keys()].map((k) => k.split('\u0000')[0]))].sort();
    const queries: OffsetQuery[] = [];
    const partitionsByTopic = new Map<string, number[]>();
    for (const topic of topics) {
      const partitions = await this.partitionsOf(topic, options.signal);
      partitionsByTopic.set(topic, partitions);
      for (const partition of partitions) queries.push({ topic, partition, timestamp: LATEST_TIMESTAMP });
    }
    const [ends, starts] = await Promise.all([
      listOffsets(this.cluster, this.retry, queries, options),
      listOffsets(
        this.cluster,
        this.retry,
        queries.map((q) => ({ ...q, timestamp: EARLIEST_TIMESTAMP })),
        options,
      ),
    ]);
    const out: PartitionLag[] = [];
    for (const [topic, partitions] of partitionsByTopic) {
      for (const partition of partitions) {
        const k = tpKey(topic, partition);
        const end = ends.get(k)!.offset;
        const start = starts.get(k)!.offset;
        const c = committed.get(k)?.offset ?? -1n;
        const from = c >= 0n ? c : start;
        const lag = end - from;
        out.push({
          topic,
          partition,
          committedOffset: c.toString(),
          endOffset: end.toString(),
          startOffset: start.toString(),
          lag: (lag < 0n ? 0n : lag).toString(),
        });
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ helpers

  private async committedOffsets(
    groupId: string,
    topics: string[] | undefined,
    signal?: AbortSignal,
  ): Promise<Map<string, { offset: bigint; metadata: string | null }>> {
    const request = topics
      ? await Promise.all(
          topics.map(async (name) => ({ name, partitionIndexes: await this.partitionsOf(name, signal) })),
        )
      : null;
    return this.withCoordinator(groupId, signal, async (coordinator) => {
      const { version, response } = await this.cluster.request(
        coordinator,
        API.OffsetFetch,
        (v) =>
          v >= 8
            ? { groups: [{ groupId, topics: request }], requireStable: false }
            : { groupId, topics: request, requireStable: false },
        { purpose: 'group', signal },
      );
      const out = new Map<string, { offset: bigint; metadata: string | null }>();
      const topicsResult = version >= 8 ? response.groups?.[0]?.topics : response.topics;
      const errorCode = version >= 8 ? (response.groups?.[0]?.errorCode ?? 0) : (response.errorCode ?? 0);
      if (errorCode !== 0) throw createKafkaError(errorCode, { apiName: 'OffsetFetch', groupId });
      for (const t of topicsResult ?? []) {
        for (const p of t.partitions) {
          if (p.errorCode !== 0 && p.errorCode !== ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) {
            throw createKafkaError(p.errorCode, {
              apiName: 'OffsetFetch',
              groupId,
              topic: t.name,
              partition: p.partitionIndex,
            });
          }
          out.set(tpKey(t.name, p.partitionIndex), { offset: p.committedOffset, metadata: p.metadata });
        }
      }
      return out;
    });
  }

  private async commitOffsets(
    groupId: string,
    offsets: { topic: string; partition: number; offset: bigint }[],
    signal?: AbortSignal,
  ): Promise<void> {
    const byTopic = new Map<string, { partition: number; offset: bigint }[]>();
    for (const o of offsets) {
      let l = byTopic.get(o.topic);
      if (!l) {
        l = [];
        byTopic.set(o.topic, l);
      }
      l.push(o);
    }
    await this.withCoordinator(groupId, signal, async (coordinator) => {
      const { response } = await this.cluster.request(
        coordinator,
        API.OffsetCommit,
        () => ({
          groupId,
          generationIdOrMemberEpoch: -1,
          memberId: '',
          groupInstanceId: null,
          retentionTimeMs: -1n,
          topics: [...byTopic].map(([name, ps]) => ({
            name,
            partitions: ps.map((p) => ({
              partitionIndex: p.partition,
              committedOffset: p.offset,
              committedLeaderEpoch: -1,
              commitTimestamp: -1n,
              committedMetadata: null,
            })),
          })),
        }),
        { purpose: 'group', signal },
      );
      for (const t of response.topics) {
        for (const p of t.partitions) {
          if (p.errorCode !== 0) {
            throw createKafkaError(p.errorCode, {
              apiName: 'OffsetCommit',
              groupId,
              topic: t.name,
              partition: p.partitionIndex,
            });
          }
        }
      }
    });
  }

  private async partitionsOf(topic: string, signal?: AbortSignal): Promise<number[]> {
    if (typeof topic !== 'string' || topic.length === 0) throw new ConfigurationError('topic', 'is required');
    const metadata = this.cluster.metadata;
    if (metadata.partitionCount(topic) === 0) {
      await this.withRetry(
        'fetching metadata',
        async () => {
          await metadata.refresh([topic]);
          if (metadata.partitionCount(topic) === 0) {
            throw createKafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, { apiName: 'Metadata', topic });
          }
        },
        signal,
      );
    }
    return metadata.topic(topic)!.partitions.map((p) => p.partition);
  }

  private withRetry<T>(what: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return withRetry(this.retry, fn, {
      signal,
      what,
      onRetry: (err) => {
        if (err instanceof KafkaProtocolError && isStaleMetadataError(err.errorCode))
          this.cluster.metadata.invalidate();
      },
    });
  }

  /** Runs `fn` against the controller, refreshing metadata when it moved (NOT_CONTROLLER). */
  private withController(
    what: string,
    fn: (controller: number | 'any') => Promise<void>,
    signal?: AbortSignal,
    shouldRetry: (err: unknown) => boolean = isRetriable,
  ) {
    return withRetry(
      this.retry,
      async () => {
        await this.cluster.metadata.refreshIfStale();
        const controller = this.cluster.metadata.controllerId;
        await fn(controller >= 0 ? controller : 'any');
      },
      {
        signal,
        what,
        shouldRetry,
        onRetry: async (err) => {
          if (err instanceof KafkaProtocolError && err.errorCode === ErrorCode.NOT_CONTROLLER) {
            this.cluster.metadata.invalidate();
          }
          if (!(err instanceof KafkaProtocolError)) this.cluster.metadata.invalidate();
        },
      },
    );
  }

  /** Runs `fn` against the group's coordinator, looking it up again when it moved. */
  private withCoordinator<T>(
    groupId: string,
    signal: AbortSignal | undefined,
    fn: (coordinator: number) => Promise<T>,
  ) {
    return withRetry(
      this.retry,
      async () => fn(await this.cluster.findCoordinator(groupId, 'group', signal)),
      {
        signal,
        what: `group ${groupId}`,
        onRetry: (err) => {
          if (isCoordinatorError(err)) this.cluster.invalidateCoordinator(groupId, 'group');
        },
      },
    );
  }
}

function isBrokerResource(type: number): boolean {
  return type === 4 || type === 8;
}
