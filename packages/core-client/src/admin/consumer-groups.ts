/**
 * Describing consumer groups of both protocols in one shape, as kafka-consumer-groups --describe shows them: who is
 * in the group and what each member owns (KIP-848 groups through ConsumerGroupDescribe, with epochs, the server
 * assignor and target assignments; classic groups through DescribeGroups, with the members' subscriptions and
 * assignments decoded from the consumer protocol's bytes), and per partition the committed offset, end offset, lag
 * and owner, with totals per topic.
 */
import {
  ApiKey,
  type ConsumerGroupDescribeResponse,
  type DescribeGroupsResponse,
} from '@samsa/protocol/on-demand';
import {
  CONSUMER_PROTOCOL_TYPE,
  decodeAssignment,
  decodeSubscription,
} from '../assignors/consumer-protocol.js';
import type { TopicPartitions } from '../assignors/types.js';
import {
  EARLIEST_TIMESTAMP,
  LATEST_TIMESTAMP,
  listOffsets,
  type OffsetQuery,
  tpKey,
} from '../cluster/list-offsets.js';
import { ConfigurationError, createKafkaError, ErrorCode, UnsupportedApiVersionError } from '../errors.js';
import type { AdminContext } from './admin-context.js';
import { committedOffsets } from './groups-and-offsets.js';
import type {
  ConsumerGroupDescription,
  ConsumerGroupMemberDescription,
  ConsumerGroupPartition,
  DescribeConsumerGroupsOptions,
} from './types.js';

export async function describeConsumerGroups(
  ctx: AdminContext,
  groupIds: string[],
  options: DescribeConsumerGroupsOptions = {},
): Promise<{ groups: ConsumerGroupDescription[] }> {
  if (
    !Array.isArray(groupIds) ||
    groupIds.length === 0 ||
    groupIds.some((g) => typeof g !== 'string' || g === '')
  ) {
    throw new ConfigurationError('groupIds', 'describeConsumerGroups needs a non-empty array of group ids');
  }
  return {
    groups: await Promise.all(groupIds.map((groupId) => describeConsumerGroup(ctx, groupId, options))),
  };
}

async function describeConsumerGroup(
  ctx: AdminContext,
  groupId: string,
  options: DescribeConsumerGroupsOptions,
): Promise<ConsumerGroupDescription> {
  const { signal } = options;
  const [membership, committed, coordinatorId] = await Promise.all([
    describeMembership(ctx, groupId, signal),
    committedOffsets(ctx, groupId, options.topics, signal),
    ctx.cluster.findCoordinator(groupId, 'group', signal),
  ]);
  const owners = new Map<string, ConsumerGroupMemberDescription>();
  for (const member of membership?.members ?? []) {
    for (const { topic, partitions } of member.assignment) {
      for (const partition of partitions) owners.set(tpKey(topic, partition), member);
    }
  }
  // Every partition of every topic the group committed offsets for or is assigned (or of the topics asked for).
  const wanted = options.topics ? new Set(options.topics) : null;
  const topics = new Set<string>();
  for (const key of [...committed.keys(), ...owners.keys()]) topics.add(key.split('\u0000')[0]);
  const names = [...topics].filter((t) => !wanted || wanted.has(t)).sort();
  const queries: OffsetQuery[] = [];
  for (const topic of names) {
    for (const partition of await ctx.partitionsOf(topic, signal)) {
      queries.push({ topic, partition, timestamp: LATEST_TIMESTAMP });
    }
  }
  const [ends, starts] = await Promise.all([
    listOffsets(ctx.cluster, ctx.retry, queries, { signal }),
    listOffsets(
      ctx.cluster,
      ctx.retry,
      queries.map((q) => ({ ...q, timestamp: EARLIEST_TIMESTAMP })),
      { signal },
    ),
  ]);
  const lagByTopic = new Map<string, bigint>();
  let totalLag = 0n;
  const partitions: ConsumerGroupPartition[] = queries.map(({ topic, partition }) => {
    const key = tpKey(topic, partition);
    const end = ends.get(key)!.offset;
    const offset = committed.get(key)?.offset;
    const hasCommit = offset !== undefined && offset >= 0n;
    const lag = hasCommit ? (end > offset ? end - offset : 0n) : null;
    lagByTopic.set(topic, (lagByTopic.get(topic) ?? 0n) + (lag ?? 0n));
    totalLag += lag ?? 0n;
    const owner = owners.get(key);
    return {
      topic,
      partition,
      committedOffset: hasCommit ? offset.toString() : null,
      endOffset: end.toString(),
      startOffset: starts.get(key)!.offset.toString(),
      lag: lag === null ? null : lag.toString(),
      memberId: owner?.memberId ?? null,
      clientId: owner?.clientId ?? null,
      clientHost: owner?.clientHost ?? null,
    };
  });
  const coordinator = ctx.cluster.metadata.broker(coordinatorId);
  return {
    groupId,
    type: membership?.type ?? 'classic',
    state: membership?.state ?? 'Unknown',
    protocolType: membership?.protocolType ?? '',
    assignor: membership?.assignor ?? '',
    groupEpoch: membership?.groupEpoch ?? -1,
    assignmentEpoch: membership?.assignmentEpoch ?? -1,
    coordinator: coordinator
      ? { nodeId: coordinator.nodeId, host: coordinator.host, port: coordinator.port }
      : null,
    members: membership?.members ?? null,
    partitions,
    topics: names.map((topic) => ({ topic, lag: (lagByTopic.get(topic) ?? 0n).toString() })),
    totalLag: totalLag.toString(),
  };
}

/** Who is in a group and what they own: the description without offsets. */
export type GroupMembership = Omit<
  ConsumerGroupDescription,
  'groupId' | 'coordinator' | 'members' | 'partitions' | 'topics' | 'totalLag'
> & { members: ConsumerGroupMemberDescription[] };

/**
 * The group's members and state: a KIP-848 group's, else a classic group's (a group that does not exist is a Dead,
 * empty classic group); null when the coordinator can describe neither (librdkafka's mock cluster).
 */
export async function describeMembership(
  ctx: AdminContext,
  groupId: string,
  signal?: AbortSignal,
): Promise<GroupMembership | null> {
  return (
    (await describeConsumerProtocolGroup(ctx, groupId, signal)) ??
    (await describeClassicGroup(ctx, groupId, signal))
  );
}

/** ConsumerGroupDescribe; undefined when the group is not a KIP-848 group (or the brokers predate it). */
async function describeConsumerProtocolGroup(
  ctx: AdminContext,
  groupId: string,
  signal: AbortSignal | undefined,
): Promise<GroupMembership | undefined> {
  return ctx.withCoordinator(groupId, signal, async (coordinator) => {
    let response: ConsumerGroupDescribeResponse;
    try {
      ({ response } = await ctx.cluster.request(
        coordinator,
        ApiKey.ConsumerGroupDescribe,
        () => ({ groupIds: [groupId], includeAuthorizedOperations: false }),
        { purpose: 'group', signal },
      ));
    } catch (err) {
      if (err instanceof UnsupportedApiVersionError) return undefined;
      throw err;
    }
    const g = response.groups[0];
    if (g.errorCode === ErrorCode.GROUP_ID_NOT_FOUND) return undefined;
    if (g.errorCode !== ErrorCode.NONE)
      throw createKafkaError(g.errorCode, { apiName: 'ConsumerGroupDescribe', groupId });
    const named = (a: { topicPartitions: { topicName: string; partitions: number[] }[] }) =>
      sorted(a.topicPartitions.map((t) => ({ topic: t.topicName, partitions: t.partitions })));
    return {
      type: 'consumer',
      state: g.groupState,
      protocolType: CONSUMER_PROTOCOL_TYPE,
      assignor: g.assignorName,
      groupEpoch: g.groupEpoch,
      assignmentEpoch: g.assignmentEpoch,
      members: g.members.map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.instanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        memberEpoch: m.memberEpoch,
        subscribedTopics: [...m.subscribedTopicNames],
        subscribedTopicRegex: m.subscribedTopicRegex,
        assignment: named(m.assignment),
        targetAssignment: named(m.targetAssignment),
      })),
    };
  });
}

/** DescribeGroups; null when the coordinator does not speak it. */
async function describeClassicGroup(
  ctx: AdminContext,
  groupId: string,
  signal: AbortSignal | undefined,
): Promise<GroupMembership | null> {
  return ctx.withCoordinator(groupId, signal, async (coordinator) => {
    let response: DescribeGroupsResponse;
    try {
      ({ response } = await ctx.cluster.request(
        coordinator,
        ApiKey.DescribeGroups,
        () => ({ groups: [groupId], includeAuthorizedOperations: false }),
        { purpose: 'group', signal },
      ));
    } catch (err) {
      if (err instanceof UnsupportedApiVersionError) return null;
      throw err;
    }
    const g = response.groups[0];
    // Newer brokers answer GROUP_ID_NOT_FOUND where older ones describe an unknown group as Dead and empty.
    if (g.errorCode === ErrorCode.GROUP_ID_NOT_FOUND) {
      return {
        type: 'classic',
        state: 'Dead',
        protocolType: '',
        assignor: '',
        groupEpoch: -1,
        assignmentEpoch: -1,
        members: [],
      };
    }
    if (g.errorCode !== ErrorCode.NONE)
      throw createKafkaError(g.errorCode, { apiName: 'DescribeGroups', groupId });
    const consumer = g.protocolType === CONSUMER_PROTOCOL_TYPE || g.protocolType === '';
    return {
      type: 'classic',
      state: g.groupState,
      protocolType: g.protocolType,
      assignor: g.protocolData,
      groupEpoch: -1,
      assignmentEpoch: -1,
      members: g.members.map((m) => {
        const assignment =
          consumer && m.memberAssignment.length > 0
            ? decodeOr(() => sorted(decodeAssignment(m.memberAssignment).assignedPartitions), [])
            : [];
        return {
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId ?? null,
          clientId: m.clientId,
          clientHost: m.clientHost,
          memberEpoch: -1,
          subscribedTopics:
            consumer && m.memberMetadata.length > 0
              ? decodeOr(() => decodeSubscription(m.memberMetadata).topics, [])
              : [],
          subscribedTopicRegex: null,
          assignment,
          targetAssignment: assignment,
        };
      }),
    };
  });
}

/** Topics by name, each one's partitions in order. */
function sorted(assignment: readonly TopicPartitions[]): TopicPartitions[] {
  return assignment
    .map(({ topic, partitions }) => ({ topic, partitions: [...partitions].sort((a, b) => a - b) }))
    .sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0));
}

/** Member bytes are only filled in for Stable groups, and other clients may write anything there. */
function decodeOr<T>(decode: () => T, fallback: T): T {
  try {
    return decode();
  } catch {
    return fallback;
  }
}
