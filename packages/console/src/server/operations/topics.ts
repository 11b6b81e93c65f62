/**
 * Topics: the list with sizes and retention, one topic's partitions, configs and readers (core-client's
 * `describeTopics`, as `samsa topics describe` shows them, with the defaults too), create and delete.
 */
import { ConfigResourceTypes } from '@samsa/core-client';
import type {
  ConfigView,
  CreateTopicRequest,
  TopicDetails,
  TopicGroupLag,
  TopicSummary,
} from '../../api/types.js';
import { ApiError } from '../errors.js';
import type { OperationsContext } from './context.js';
import { describeOrNull, listGroupIds } from './groups.js';

export async function listTopics(ctx: OperationsContext, outer?: AbortSignal): Promise<TopicSummary[]> {
  const signal = ctx.signal(outer);
  const { topics } = await ctx.admin.fetchTopicMetadata({ signal });
  const names = topics.map((t) => t.name);
  const [offsets, configs] = await Promise.all([
    Promise.all(names.map((name) => ctx.admin.fetchTopicOffsets(name, { signal }).catch(() => null))),
    names.length === 0
      ? null
      : ctx.admin
          .describeConfigs({
            resources: names.map((name) => ({
              type: ConfigResourceTypes.TOPIC,
              name,
              configNames: ['retention.ms', 'cleanup.policy'],
            })),
            signal,
          })
          .catch(() => null),
  ]);
  const configOf = (topic: string, name: string) =>
    configs?.resources.find((r) => r.resourceName === topic)?.configEntries.find((c) => c.configName === name)
      ?.configValue ?? null;
  return topics
    .map((topic, i): TopicSummary => {
      const watermarks = offsets[i];
      const records = watermarks?.reduce((sum, w) => sum + BigInt(w.high) - BigInt(w.low), 0n) ?? 0n;
      return {
        name: topic.name,
        internal: topic.isInternal,
        partitions: topic.partitions.length,
        replicationFactor: Math.max(0, ...topic.partitions.map((p) => p.replicas.length)),
        records: records.toString(),
        // Samsa does not speak DescribeLogDirs yet, so sizes are unknown.
        sizeBytes: null,
        retentionMs: configOf(topic.name, 'retention.ms'),
        cleanupPolicy: configOf(topic.name, 'cleanup.policy'),
        underReplicated: topic.partitions.filter((p) => p.isr.length < p.replicas.length).length,
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

export async function describeTopic(
  ctx: OperationsContext,
  name: string,
  outer?: AbortSignal,
): Promise<TopicDetails> {
  const signal = ctx.signal(outer);
  const [[topic], groups] = await Promise.all([
    ctx.admin.describeTopics({ topics: [name], includeDefaults: true, signal }),
    readersOf(ctx, name, signal).catch(() => []),
  ]);
  return {
    name,
    internal: topic!.isInternal,
    partitions: topic!.partitions.map((p) => ({
      partition: p.partition,
      leader: p.leader,
      replicas: p.replicas,
      isr: p.isr,
      offlineReplicas: p.offlineReplicas,
      startOffset: p.startOffset,
      endOffset: p.endOffset,
    })),
    configs:
      topic!.configs
        ?.map(
          (c): ConfigView => ({
            name: c.name,
            value: c.value,
            isDefault: c.source === 'DEFAULT_CONFIG',
            source: c.source,
            sensitive: c.isSensitive,
            readOnly: c.readOnly,
          }),
        )
        .sort((a, b) => Number(a.isDefault) - Number(b.isDefault) || a.name.localeCompare(b.name)) ?? null,
    groups,
  };
}

/** The groups with committed offsets on `topic`, with their lag on it. */
async function readersOf(
  ctx: OperationsContext,
  topic: string,
  signal: AbortSignal,
): Promise<TopicGroupLag[]> {
  const groups = await listGroupIds(ctx, signal);
  const described = await Promise.all(groups.map((g) => describeOrNull(ctx, g.groupId, signal, [topic])));
  const readers: TopicGroupLag[] = [];
  groups.forEach(({ groupId, state }, i) => {
    const group = described[i];
    if (!group?.partitions.some((p) => p.topic === topic && p.committedOffset !== null)) return;
    readers.push({ groupId, state, lag: group.topics.find((t) => t.topic === topic)?.lag ?? '0' });
  });
  return readers;
}

export async function createTopic(
  ctx: OperationsContext,
  request: CreateTopicRequest,
  outer?: AbortSignal,
): Promise<void> {
  const created = await ctx.admin.createTopics({
    topics: [
      {
        topic: request.name,
        ...(request.partitions !== undefined ? { numPartitions: request.partitions } : {}),
        ...(request.replicationFactor !== undefined ? { replicationFactor: request.replicationFactor } : {}),
        configEntries: Object.entries(request.configs ?? {}).map(([name, value]) => ({ name, value })),
      },
    ],
    signal: ctx.signal(outer),
  });
  if (!created) throw new ApiError(409, 'TOPIC_ALREADY_EXISTS', `Topic ${request.name} already exists`);
}

export async function deleteTopic(ctx: OperationsContext, name: string, outer?: AbortSignal): Promise<void> {
  await ctx.admin.deleteTopics({ topics: [name], signal: ctx.signal(outer) });
}
