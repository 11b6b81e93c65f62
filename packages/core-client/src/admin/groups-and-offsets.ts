/**
 * Admin calls about consumer groups and their offsets: list, describe (KafkaJS's raw DescribeGroups) and delete
 * groups; fetch, set, reset and delete committed offsets; consumer lag. A group's full picture (members, assignment,
 * committed and end offsets, lag) is consumer-groups.ts's. The OffsetFetch/OffsetCommit requests are the consumer's
 * too (cluster/group-offsets.ts); the admin commits from outside the group.
 */
import { ApiKey } from '@samsa/protocol/on-demand';
import {
  groupOffsetsAnswer,
  type OffsetToCommit,
  OUTSIDE_THE_GROUP,
  offsetCommitRequest,
  offsetFetchRequest,
} from '../cluster/group-offsets.js';
import {
  EARLIEST_TIMESTAMP,
  LATEST_TIMESTAMP,
  listOffsets,
  type OffsetQuery,
  tpKey,
} from '../cluster/list-offsets.js';
import { ConfigurationError, createKafkaError, ErrorCode, ProtocolDecodeError } from '../errors.js';
import { validateTopicName } from '../topic-name.js';
import type { AdminContext } from './admin-context.js';
import { listTopics } from './topics.js';
import type {
  ConsumerLagOptions,
  FetchOffsetsOptions,
  GroupDescription,
  GroupOverview,
  GroupTopicOffsets,
  PartitionLag,
  SeekEntry,
} from './types.js';

/** Groups known to every broker (each broker coordinates a share of them). */
export async function listGroups(
  ctx: AdminContext,
  options: { signal?: AbortSignal } = {},
): Promise<{ groups: GroupOverview[] }> {
  await ctx.withRetry('listGroups', () => ctx.cluster.metadata.refreshIfStale(), options.signal);
  const groups: GroupOverview[] = [];
  await Promise.all(
    ctx.cluster.brokerIds().map((nodeId) =>
      ctx.withRetry(
        'listGroups',
        async () => {
          const { response } = await ctx.cluster.request(nodeId, ApiKey.ListGroups, () => ({}), {
            signal: options.signal,
          });
          if (response.errorCode !== 0) throw createKafkaError(response.errorCode, { apiName: 'ListGroups' });
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

export async function describeGroups(
  ctx: AdminContext,
  groupIds: string[],
  options: { signal?: AbortSignal } = {},
): Promise<{ groups: GroupDescription[] }> {
  if (!Array.isArray(groupIds) || groupIds.length === 0) {
    throw new ConfigurationError('groupIds', 'describeGroups needs a non-empty array of group ids');
  }
  const groups = await Promise.all(
    groupIds.map((groupId) =>
      ctx.withCoordinator(groupId, options.signal, async (coordinator) => {
        const { response } = await ctx.cluster.request(
          coordinator,
          ApiKey.DescribeGroups,
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

export async function deleteGroups(
  ctx: AdminContext,
  groupIds: string[],
  options: { signal?: AbortSignal } = {},
): Promise<{ groupId: string; errorCode: number }[]> {
  if (!Array.isArray(groupIds) || groupIds.length === 0) {
    throw new ConfigurationError('groupIds', 'deleteGroups needs a non-empty array of group ids');
  }
  return Promise.all(
    groupIds.map((groupId) =>
      ctx.withCoordinator(groupId, options.signal, async (coordinator) => {
        const { response } = await ctx.cluster.request(
          coordinator,
          ApiKey.DeleteGroups,
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

/** Committed offsets of a group ("-1" where nothing is committed). */
export async function fetchOffsets(
  ctx: AdminContext,
  options: FetchOffsetsOptions,
): Promise<GroupTopicOffsets[]> {
  const { groupId } = options;
  if (typeof groupId !== 'string' || groupId.length === 0)
    throw new ConfigurationError('groupId', 'is required');
  const committed = await committedOffsets(ctx, groupId, options.topics, options.signal);
  const topics = options.topics ?? [...new Set([...committed.keys()].map((k) => k.split('\u0000')[0]))];
  const out: GroupTopicOffsets[] = [];
  let unresolved: OffsetQuery[] = [];
  for (const topic of topics) {
    const partitions = await ctx.partitionsOf(topic, options.signal);
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
    const answers = await listOffsets(ctx.cluster, ctx.retry, unresolved, options);
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
export async function setOffsets(
  ctx: AdminContext,
  options: {
    groupId: string;
    topic: string;
    partitions: SeekEntry[];
    signal?: AbortSignal;
  },
): Promise<void> {
  const { groupId, topic, partitions } = options;
  if (typeof groupId !== 'string' || groupId.length === 0)
    throw new ConfigurationError('groupId', 'is required');
  validateTopicName(topic);
  await commitOffsets(
    ctx,
    groupId,
    partitions.map((p) => ({ topic, partition: p.partition, offset: BigInt(p.offset) })),
    options.signal,
  );
}

/** Moves a group's committed offsets of `topic` to the earliest or latest offsets (group must be empty). */
export async function resetOffsets(
  ctx: AdminContext,
  options: {
    groupId: string;
    topic: string;
    earliest?: boolean;
    signal?: AbortSignal;
  },
): Promise<void> {
  const { groupId, topic } = options;
  if (typeof groupId !== 'string' || groupId.length === 0)
    throw new ConfigurationError('groupId', 'is required');
  const partitions = await ctx.partitionsOf(topic, options.signal);
  const ts = options.earliest ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP;
  const answers = await listOffsets(
    ctx.cluster,
    ctx.retry,
    partitions.map((partition) => ({ topic, partition, timestamp: ts })),
    options,
  );
  await commitOffsets(
    ctx,
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
export async function deleteGroupOffsets(
  ctx: AdminContext,
  options: {
    groupId: string;
    topics: { topic: string; partitions?: number[] }[];
    signal?: AbortSignal;
  },
): Promise<void> {
  const { groupId } = options;
  if (typeof groupId !== 'string' || groupId.length === 0)
    throw new ConfigurationError('groupId', 'is required');
  for (const t of options.topics) validateTopicName(t.topic);
  const topics = await Promise.all(
    options.topics.map(async (t) => ({
      name: t.topic,
      partitions: (t.partitions ?? (await ctx.partitionsOf(t.topic, options.signal))).map(
        (partitionIndex) => ({
          partitionIndex,
        }),
      ),
    })),
  );
  await ctx.withCoordinator(groupId, options.signal, async (coordinator) => {
    const { response } = await ctx.cluster.request(
      coordinator,
      ApiKey.OffsetDelete,
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
export async function fetchConsumerLag(
  ctx: AdminContext,
  options: ConsumerLagOptions,
): Promise<PartitionLag[]> {
  const { groupId } = options;
  if (typeof groupId !== 'string' || groupId.length === 0)
    throw new ConfigurationError('groupId', 'is required');
  const committed = await committedOffsets(ctx, groupId, options.topics, options.signal);
  const topics =
    options.topics ?? [...new Set([...committed.keys()].map((k) => k.split('\u0000')[0]))].sort();
  const queries: OffsetQuery[] = [];
  const partitionsByTopic = new Map<string, number[]>();
  for (const topic of topics) {
    const partitions = await ctx.partitionsOf(topic, options.signal);
    partitionsByTopic.set(topic, partitions);
    for (const partition of partitions) queries.push({ topic, partition, timestamp: LATEST_TIMESTAMP });
  }
  const [ends, starts] = await Promise.all([
    listOffsets(ctx.cluster, ctx.retry, queries, options),
    listOffsets(
      ctx.cluster,
      ctx.retry,
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

type CommittedByPartition = Map<string, { offset: bigint; metadata: string | null }>;

/** Committed offsets of the group (of `topics`, or of everything it has), by tpKey. */
export async function committedOffsets(
  ctx: AdminContext,
  groupId: string,
  topics: string[] | undefined,
  signal?: AbortSignal,
): Promise<CommittedByPartition> {
  try {
    return await fetchCommitted(ctx, groupId, topics, signal);
  } catch (err) {
    if (topics !== undefined || !(err instanceof ProtocolDecodeError) || err.reason !== 'NULL_ARRAY')
      throw err;
    // librdkafka's mock cluster answers OffsetFetch for every topic with a null topic array, which Kafka's
    // definition does not allow. Such an answer says nothing, so ask again naming every topic of the cluster and
    // keep the partitions the group committed, which is what a conforming broker answers.
    ctx.log.debug(
      'OffsetFetch for every topic came back with a null topic array; asking for each topic by name',
      {
        groupId,
      },
    );
    const all = await listTopics(ctx, { signal });
    const named = all.length > 0 ? await fetchCommitted(ctx, groupId, all, signal) : new Map();
    for (const [key, committed] of named) if (committed.offset < 0n) named.delete(key);
    return named;
  }
}

async function fetchCommitted(
  ctx: AdminContext,
  groupId: string,
  topics: string[] | undefined,
  signal?: AbortSignal,
): Promise<CommittedByPartition> {
  const request = topics
    ? await Promise.all(
        topics.map(async (name) => ({ name, partitionIndexes: await ctx.partitionsOf(name, signal) })),
      )
    : null;
  return ctx.withCoordinator(groupId, signal, async (coordinator) => {
    const { version, response } = await ctx.cluster.request(
      coordinator,
      ApiKey.OffsetFetch,
      (v) => offsetFetchRequest(v, groupId, request, false),
      { purpose: 'group', signal },
    );
    const out: CommittedByPartition = new Map();
    const answer = groupOffsetsAnswer(version, groupId, response);
    if (answer.errorCode !== 0) throw createKafkaError(answer.errorCode, { apiName: 'OffsetFetch', groupId });
    for (const t of answer.topics) {
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

/** Commits from outside the group: the broker takes it only while the group has no members. */
export async function commitOffsets(
  ctx: AdminContext,
  groupId: string,
  offsets: OffsetToCommit[],
  signal?: AbortSignal,
): Promise<void> {
  await ctx.withCoordinator(groupId, signal, async (coordinator) => {
    const { response } = await ctx.cluster.request(
      coordinator,
      ApiKey.OffsetCommit,
      () => offsetCommitRequest(groupId, OUTSIDE_THE_GROUP, offsets),
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
