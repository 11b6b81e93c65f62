/**
 * Consumer groups: the list with state, members and total lag, and one group's members, assignment and
 * per-partition committed offset, end offset and lag, all from core-client's `describeConsumerGroups` (the picture
 * `samsa groups describe` prints, for groups of either protocol).
 */
import type { ConsumerGroupDescription } from '@samsa/core-client';
import type { GroupDetails, GroupSummary } from '../../api/types.js';
import { ApiError } from '../errors.js';
import type { OperationsContext } from './context.js';

/** Every group the brokers know, with its state (ListGroups v4+ reports it). */
export async function listGroupIds(
  ctx: OperationsContext,
  signal: AbortSignal,
): Promise<{ groupId: string; state: string; protocolType: string }[]> {
  const { groups } = await ctx.admin.listGroups({ signal });
  return groups
    .map((g) => ({ groupId: g.groupId, state: g.groupState ?? 'Unknown', protocolType: g.protocolType }))
    .sort((a, b) => a.groupId.localeCompare(b.groupId));
}

/** One group's description, or null when it cannot be described right now (the list shows what ListGroups said). */
export async function describeOrNull(
  ctx: OperationsContext,
  groupId: string,
  signal: AbortSignal,
  topics?: string[],
): Promise<ConsumerGroupDescription | null> {
  try {
    return (await ctx.admin.describeConsumerGroups([groupId], { topics, signal })).groups[0]!;
  } catch {
    return null;
  }
}

export async function listGroups(ctx: OperationsContext, outer?: AbortSignal): Promise<GroupSummary[]> {
  const signal = ctx.signal(outer);
  const ids = await listGroupIds(ctx, signal);
  // One group that cannot be described does not hide the others.
  const described = await Promise.all(ids.map((g) => describeOrNull(ctx, g.groupId, signal)));
  return ids.map((g, i) => {
    const d = described[i];
    return {
      groupId: g.groupId,
      state: d?.state ?? g.state,
      protocolType: d?.protocolType || g.protocolType,
      protocol: d?.assignor ?? '',
      members: d?.members?.length ?? 0,
      totalLag: d?.totalLag ?? '0',
      topics: d ? committedTopics(d) : [],
    };
  });
}

/** The topics the group committed offsets for. */
function committedTopics(group: ConsumerGroupDescription): string[] {
  return [...new Set(group.partitions.filter((p) => p.committedOffset !== null).map((p) => p.topic))];
}

export async function describeGroup(
  ctx: OperationsContext,
  groupId: string,
  outer?: AbortSignal,
): Promise<GroupDetails> {
  const signal = ctx.signal(outer);
  const [group] = (await ctx.admin.describeConsumerGroups([groupId], { signal })).groups;
  // The coordinator answers Dead for a group it has never seen: no members, no offsets.
  if (group!.state === 'Dead' && (group!.members?.length ?? 0) === 0 && group!.partitions.length === 0) {
    throw new ApiError(
      404,
      'GROUP_NOT_FOUND',
      `No consumer group ${groupId}: it has no members and no committed offsets`,
    );
  }
  const { state, protocolType, assignor, members, partitions, topics, totalLag } = group!;
  return {
    groupId,
    state,
    protocolType,
    protocol: assignor,
    members: (members ?? []).map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      assignment: m.assignment,
    })),
    partitions: partitions.map((p) => ({
      topic: p.topic,
      partition: p.partition,
      committedOffset: p.committedOffset,
      startOffset: p.startOffset,
      endOffset: p.endOffset,
      lag: p.lag,
      memberId: p.memberId,
      clientId: p.clientId,
    })),
    topics,
    totalLag,
  };
}
