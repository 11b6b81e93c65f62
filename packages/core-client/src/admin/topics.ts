/**
 * Admin calls about topics: list, create, delete, add partitions, metadata, offsets, delete records, and the
 * description `kafka-topics --describe` shows (placement, offsets, configs that differ from defaults).
 */
import { ApiKey } from '@samsa/protocol/on-demand';
import {
  EARLIEST_TIMESTAMP,
  LATEST_TIMESTAMP,
  listOffsets,
  type OffsetQuery,
  tpKey,
} from '../cluster/list-offsets.js';
import {
  ConfigurationError,
  createKafkaError,
  ErrorCode,
  isRetriable,
  KafkaProtocolError,
  KafkaTimeoutError,
  UnsupportedApiVersionError,
} from '../errors.js';
import { sleep } from '../retry.js';
import { validateTopicName } from '../topic-name.js';
import type { AdminContext } from './admin-context.js';
import { configSourceName } from './config-source-name.js';
import { describeConfigs } from './configs.js';
import {
  ConfigResourceTypes,
  ConfigSource,
  type CreatePartitionsOptions,
  type CreateTopicsOptions,
  type DeleteTopicsOptions,
  type DescribeTopicsOptions,
  type SeekEntry,
  type TopicConfigEntry,
  type TopicDescription,
  type TopicMetadataView,
  type TopicOffsets,
} from './types.js';

export async function listTopics(
  ctx: AdminContext,
  options: { signal?: AbortSignal } = {},
): Promise<string[]> {
  await ctx.withRetry('listTopics', () => ctx.cluster.metadata.refresh(null), options.signal);
  return [...ctx.cluster.metadata.topics.values()].filter((t) => !t.isInternal).map((t) => t.name);
}

/** Resolves true when every topic was created, false when some already existed (KafkaJS). */
export async function createTopics(ctx: AdminContext, options: CreateTopicsOptions): Promise<boolean> {
  if (!options || !Array.isArray(options.topics) || options.topics.length === 0) {
    throw new ConfigurationError('topics', 'createTopics needs { topics: [{ topic, numPartitions?, ... }] }');
  }
  const seen = new Set<string>();
  for (const t of options.topics) {
    if (typeof t?.topic !== 'string' || t.topic.length === 0) {
      throw new ConfigurationError('topics[].topic', 'each topic needs a non-empty name');
    }
    validateTopicName(t.topic);
    if (seen.has(t.topic)) throw new ConfigurationError('topics', `topic ${t.topic} is listed twice`);
    seen.add(t.topic);
  }
  const timeoutMs = options.timeout ?? 5000;
  let alreadyExisted = false;
  let pending = options.topics;
  await ctx.withController(
    'createTopics',
    async (controller) => {
      const { response } = await ctx.cluster.request(
        controller,
        ApiKey.CreateTopics,
        (v) => ({
          topics: pending.map((t) => ({
            name: t.topic,
            numPartitions: t.replicaAssignment?.length ? -1 : (t.numPartitions ?? (v >= 4 ? -1 : 1)),
            replicationFactor: t.replicaAssignment?.length ? -1 : (t.replicationFactor ?? (v >= 4 ? -1 : 1)),
            assignments: (t.replicaAssignment ?? []).map((a) => ({
              partitionIndex: a.partition,
              brokerIds: a.replicas,
            })),
            configs: (t.configEntries ?? []).map((c) => ({ name: c.name, value: c.value })),
          })),
          timeoutMs,
          validateOnly: options.validateOnly ?? false,
        }),
        { signal: options.signal, timeoutMs: ctx.cluster.config.requestTimeoutMs + timeoutMs },
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
    await waitForLeaders(
      ctx,
      options.topics.map((t) => t.topic),
      timeoutMs + ctx.cluster.config.requestTimeoutMs,
      options.signal,
    );
  }
  return !alreadyExisted;
}

async function waitForLeaders(
  ctx: AdminContext,
  topics: string[],
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const metadata = ctx.cluster.metadata;
  for (let i = 0; ; i++) {
    try {
      await metadata.refresh(topics);
    } catch (err) {
      ctx.log.debug('metadata refresh failed while waiting for leaders', {
        error: (err as Error).message,
      });
    }
    const ready = topics.every((t) => {
      // Created, but this principal may not describe it (no ACL): there is nothing to wait for.
      if (metadata.topicError(t)?.errorCode === ErrorCode.TOPIC_AUTHORIZATION_FAILED) return true;
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

export async function deleteTopics(ctx: AdminContext, options: DeleteTopicsOptions): Promise<void> {
  if (!options || !Array.isArray(options.topics) || options.topics.length === 0) {
    throw new ConfigurationError('topics', 'deleteTopics needs { topics: [name, ...] }');
  }
  for (const name of options.topics) validateTopicName(name);
  const timeoutMs = options.timeout ?? 5000;
  let pending = [...options.topics];
  await ctx.withController(
    'deleteTopics',
    async (controller) => {
      const { response } = await ctx.cluster.request(
        controller,
        ApiKey.DeleteTopics,
        (v) =>
          v >= 6
            ? { topics: pending.map((name) => ({ name, topicId: 'AAAAAAAAAAAAAAAAAAAAAA' })), timeoutMs }
            : { topicNames: pending, timeoutMs },
        { signal: options.signal, timeoutMs: ctx.cluster.config.requestTimeoutMs + timeoutMs },
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
  ctx.cluster.metadata.untrack(options.topics);
  for (const t of options.topics) ctx.cluster.metadata.topics.delete(t);
}

export async function createPartitions(
  ctx: AdminContext,
  options: CreatePartitionsOptions,
): Promise<boolean> {
  if (!options || !Array.isArray(options.topicPartitions) || options.topicPartitions.length === 0) {
    throw new ConfigurationError(
      'topicPartitions',
      'createPartitions needs { topicPartitions: [{ topic, count }] }',
    );
  }
  for (const t of options.topicPartitions) validateTopicName(t?.topic);
  const timeoutMs = options.timeout ?? 5000;
  let pending = options.topicPartitions;
  await ctx.withController(
    'createPartitions',
    async (controller) => {
      const { response } = await ctx.cluster.request(
        controller,
        ApiKey.CreatePartitions,
        () => ({
          topics: pending.map((t) => ({
            name: t.topic,
            count: t.count,
            assignments: t.assignments ? t.assignments.map((brokerIds) => ({ brokerIds })) : null,
          })),
          timeoutMs,
          validateOnly: options.validateOnly ?? false,
        }),
        { signal: options.signal, timeoutMs: ctx.cluster.config.requestTimeoutMs + timeoutMs },
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
  ctx.cluster.metadata.invalidate();
  return true;
}

export async function fetchTopicMetadata(
  ctx: AdminContext,
  options: { topics?: string[]; signal?: AbortSignal } = {},
): Promise<{
  topics: TopicMetadataView[];
}> {
  const topics = options.topics;
  for (const name of topics ?? []) validateTopicName(name);
  await ctx.withRetry(
    'fetchTopicMetadata',
    async () => {
      await ctx.cluster.metadata.refresh(topics && topics.length > 0 ? topics : null);
      for (const t of topics ?? []) {
        if (!ctx.cluster.metadata.topic(t)) {
          throw createKafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, { apiName: 'Metadata', topic: t });
        }
      }
    },
    options.signal,
  );
  const names = topics && topics.length > 0 ? topics : [...ctx.cluster.metadata.topics.keys()];
  return {
    topics: names.map((name) => {
      const t = ctx.cluster.metadata.topic(name)!;
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
export async function fetchTopicOffsets(
  ctx: AdminContext,
  topic: string,
  options: { signal?: AbortSignal } = {},
): Promise<TopicOffsets[]> {
  const partitions = await ctx.partitionsOf(topic, options.signal);
  const queries = (ts: bigint): OffsetQuery[] =>
    partitions.map((partition) => ({ topic, partition, timestamp: ts }));
  const [high, low] = await Promise.all([
    listOffsets(ctx.cluster, ctx.retry, queries(LATEST_TIMESTAMP), { signal: options.signal }),
    listOffsets(ctx.cluster, ctx.retry, queries(EARLIEST_TIMESTAMP), { signal: options.signal }),
  ]);
  return partitions.map((partition) => {
    const h = high.get(tpKey(topic, partition))!.offset.toString();
    return { partition, offset: h, high: h, low: low.get(tpKey(topic, partition))!.offset.toString() };
  });
}

/** The first offset at or after `timestamp` per partition (the end offset when there is none). */
export async function fetchTopicOffsetsByTimestamp(
  ctx: AdminContext,
  topic: string,
  timestamp?: number,
  options: { signal?: AbortSignal } = {},
): Promise<{ partition: number; offset: string }[]> {
  const partitions = await ctx.partitionsOf(topic, options.signal);
  const ts = timestamp === undefined ? LATEST_TIMESTAMP : BigInt(timestamp);
  const [byTime, high] = await Promise.all([
    listOffsets(
      ctx.cluster,
      ctx.retry,
      partitions.map((partition) => ({ topic, partition, timestamp: ts })),
      options,
    ),
    listOffsets(
      ctx.cluster,
      ctx.retry,
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
export async function deleteTopicRecords(
  ctx: AdminContext,
  options: {
    topic: string;
    partitions: SeekEntry[];
    signal?: AbortSignal;
  },
): Promise<void> {
  const { topic, partitions } = options;
  await ctx.partitionsOf(topic, options.signal);
  await ctx.withRetry(
    'deleteTopicRecords',
    async () => {
      const byLeader = new Map<number, SeekEntry[]>();
      for (const p of partitions) {
        const leader = ctx.cluster.metadata.leaderFor(topic, p.partition);
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
          const { response } = await ctx.cluster.request(
            leader,
            ApiKey.DeleteRecords,
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

/**
 * Topics as `kafka-topics --describe` shows them: partitions with leader, replicas, ISR and the offsets each log
 * spans, and the configs whose value is not Kafka's default (or every config). Unknown topics fail with
 * UNKNOWN_TOPIC_OR_PARTITION.
 */
export async function describeTopics(
  ctx: AdminContext,
  options: DescribeTopicsOptions,
): Promise<TopicDescription[]> {
  if (!options || !Array.isArray(options.topics) || options.topics.length === 0) {
    throw new ConfigurationError('topics', 'describeTopics needs { topics: [name, ...] }');
  }
  const { signal } = options;
  // One metadata answer settles which topics exist: a missing topic fails at once instead of being retried.
  await ctx.withRetry('describeTopics', () => ctx.cluster.metadata.refresh(options.topics), signal);
  const missing = options.topics.find((name) => !ctx.cluster.metadata.topic(name));
  if (missing !== undefined) {
    throw createKafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, { apiName: 'Metadata', topic: missing });
  }
  const { topics } = await fetchTopicMetadata(ctx, { topics: options.topics, signal });
  const queries = topics.flatMap((t) =>
    t.partitions.map((p) => ({ topic: t.name, partition: p.partitionId, timestamp: LATEST_TIMESTAMP })),
  );
  const [ends, starts, configs] = await Promise.all([
    listOffsets(ctx.cluster, ctx.retry, queries, { signal }),
    listOffsets(
      ctx.cluster,
      ctx.retry,
      queries.map((q) => ({ ...q, timestamp: EARLIEST_TIMESTAMP })),
      { signal },
    ),
    topicConfigs(ctx, options.topics, options.includeDefaults === true, signal),
  ]);
  return topics.map((t) => ({
    name: t.name,
    topicId: t.topicId,
    isInternal: t.isInternal,
    partitions: t.partitions
      .map((p) => ({
        partition: p.partitionId,
        leader: p.leader,
        leaderEpoch: p.leaderEpoch,
        replicas: p.replicas,
        isr: p.isr,
        offlineReplicas: p.offlineReplicas,
        startOffset: starts.get(tpKey(t.name, p.partitionId))!.offset.toString(),
        endOffset: ends.get(tpKey(t.name, p.partitionId))!.offset.toString(),
      }))
      .sort((a, b) => a.partition - b.partition),
    configs: configs?.get(t.name) ?? null,
  }));
}

/** The configs of each topic (only those that differ from Kafka's defaults unless `includeDefaults`); null when the brokers have no DescribeConfigs. */
async function topicConfigs(
  ctx: AdminContext,
  topics: string[],
  includeDefaults: boolean,
  signal?: AbortSignal,
): Promise<Map<string, TopicConfigEntry[]> | null> {
  let described: Awaited<ReturnType<typeof describeConfigs>>;
  try {
    described = await describeConfigs(ctx, {
      resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
      signal,
    });
  } catch (err) {
    if (err instanceof UnsupportedApiVersionError) return null;
    throw err;
  }
  const out = new Map<string, TopicConfigEntry[]>();
  for (const resource of described.resources) {
    out.set(
      resource.resourceName,
      resource.configEntries
        .filter((c) => includeDefaults || (!c.isDefault && c.configSource !== ConfigSource.DEFAULT_CONFIG))
        .map((c) => ({
          name: c.configName,
          value: c.configValue,
          source: configSourceName(c.configSource),
          isSensitive: c.isSensitive,
          readOnly: c.readOnly,
        }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    );
  }
  return out;
}
