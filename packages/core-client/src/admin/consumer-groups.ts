/**
 * Describing consumer groups of both protocols in one shape: KIP-848 groups through
 * ConsumerGroupDescribe (group and assignment epochs, the server assignor, each member's epoch,
 * subscription, current and target assignment), classic groups through DescribeGroups (members'
 * subscriptions and assignments decoded from the consumer protocol's bytes), and the group's lag
 * per partition for both.
 */
import { ApiKey, type ConsumerGroupDescribeResponse } from '@samsa/protocol';
import { decodeAssignment, decodeSubscription } from '../assignors/consumer-protocol.js';
import type { TopicPartitions } from '../assignors/types.js';
import { ConfigurationError, createKafkaError, ErrorCode, UnsupportedApiVersionError } from '../errors.js';
import type { AdminContext } from './admin-context.js';
import { fetchConsumerLag } from './groups-and-offsets.js';
import type { PartitionLag } from './types.js';

export interface ConsumerGroupMemberDescription {
  memberId: string;
  instanceId: string | null;
  clientId: string;
  clientHost: string;
  /** The member epoch (KIP-848); -1 in a classic group. */
  memberEpoch: number;
  subscribedTopics: string[];
  /** A server-side regex subscription (KIP-848), else null. */
  subscribedTopicRegex: string | null;
  /** What the member owns now. */
  assignment: TopicPartitions[];
  /** What the broker is moving it towards (KIP-848); the assignment itself in a classic group. */
  targetAssignment: TopicPartitions[];
}

export interface ConsumerGroupDescription {
  groupId: string;
  /** 'consumer' for KIP-848 groups, 'classic' for JoinGroup/SyncGroup ones (and groups that do not exist). */
  type: 'consumer' | 'classic';
  /** Consumer groups: Empty, Assigning, Reconciling, Stable. Classic: Empty, PreparingRebalance, CompletingRebalance, Stable, Dead. */
  state: string;
  /** The group epoch (KIP-848); -1 for a classic group. */
  groupEpoch: number;
  /** The epoch of the target assignment (KIP-848); -1 for a classic group. */
  assignmentEpoch: number;
  /** The server assignor (KIP-848), or the protocol a classic group chose (e.g. cooperative-sticky). */
  assignor: string;
  members: ConsumerGroupMemberDescription[];
  /** Per partition the group committed offsets for: committed offset, end offset, lag. */
  lag: PartitionLag[];
}

export async function describeConsumerGroups(
  ctx: AdminContext,
  groupIds: string[],
  options: { signal?: AbortSignal } = {},
): Promise<{ groups: ConsumerGroupDescription[] }> {
  if (
    !Array.isArray(groupIds) ||
    groupIds.length === 0 ||
    groupIds.some((g) => typeof g !== 'string' || g === '')
  ) {
    throw new ConfigurationError('groupIds', 'describeConsumerGroups needs a non-empty array of group ids');
  }
  const groups = await Promise.all(
    groupIds.map(async (groupId) => {
      const described =
        (await describeConsumerProtocolGroup(ctx, groupId, options.signal)) ??
        (await describeClassicGroup(ctx, groupId, options.signal));
      const lag = await fetchConsumerLag(ctx, { groupId, signal: options.signal });
      return { ...described, lag };
    }),
  );
  return { groups };
}

type WithoutLag = Omit<ConsumerGroupDescription, 'lag'>;

/** ConsumerGroupDescribe; undefined when the group is not a KIP-848 group (or the brokers predate it). */
async function describeConsumerProtocolGroup(
  ctx: AdminContext,
  groupId: string,
  signal: AbortSignal | undefined,
): Promise<WithoutLag | undefined> {
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
      a.topicPartitions.map((t) => ({ topic: t.topicName, partitions: [...t.partitions] }));
    return {
      groupId,
      type: 'consumer',
      state: g.groupState,
      groupEpoch: g.groupEpoch,
      assignmentEpoch: g.assignmentEpoch,
      assignor: g.assignorName,
      members: g.members.map((m) => ({
        memberId: m.memberId,
        instanceId: m.instanceId,
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

async function describeClassicGroup(
  ctx: AdminContext,
  groupId: string,
  signal: AbortSignal | undefined,
): Promise<WithoutLag> {
  return ctx.withCoordinator(groupId, signal, async (coordinator) => {
    const { response } = await ctx.cluster.request(
      coordinator,
      ApiKey.DescribeGroups,
      () => ({ groups: [groupId], includeAuthorizedOperations: false }),
      { purpose: 'group', signal },
    );
    const g = response.groups[0];
    if (g.errorCode !== ErrorCode.NONE)
      throw createKafkaError(g.errorCode, { apiName: 'DescribeGroups', groupId });
    const consumer = g.protocolType === 'consumer';
    return {
      groupId,
      type: 'classic',
      state: g.groupState,
      groupEpoch: -1,
      assignmentEpoch: -1,
      assignor: g.protocolData,
      members: g.members.map((m) => {
        const assignment = consumer
          ? decodeOr(() => decodeAssignment(m.memberAssignment).assignedPartitions, [])
          : [];
        return {
          memberId: m.memberId,
          instanceId: m.groupInstanceId ?? null,
          clientId: m.clientId,
          clientHost: m.clientHost,
          memberEpoch: -1,
          subscribedTopics: consumer ? decodeOr(() => decodeSubscription(m.memberMetadata).topics, []) : [],
          subscribedTopicRegex: null,
          assignment,
          targetAssignment: assignment,
        };
      }),
    };
  });
}

/** Member bytes are only filled in for Stable groups, and other clients may write anything there. */
function decodeOr<T>(decode: () => T, fallback: T): T {
  try {
    return decode();
  } catch {
    return fallback;
  }
}
