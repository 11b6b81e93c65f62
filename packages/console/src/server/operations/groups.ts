/**
 * Consumer groups: the list with state, members and total lag, and one group's members, assignment and
 * per-partition committed offset, end offset and lag (as kafka-consumer-groups --describe shows it).
 *
 * Composed from the admin's describeGroups and fetchConsumerLag. core-client's `describeConsumerGroup` (added for the
 * `samsa` CLI) returns the same picture in one call; once both are on one branch, `describeGroup` delegates to it.
 */
import {
  decodeAssignment,
  type GroupDescription,
  type PartitionLag,
  ProtocolDecodeError,
  UnsupportedApiVersionError,
} from '@samsa/core-client';
import type { GroupDetails, GroupMemberView, GroupPartitionView, GroupSummary } from '../../api/types.js';
import { ApiError } from '../errors.js';
import type { OperationsContext } from './context.js';

/** Every group the brokers know, with its state (ListGroups v4+ reports it; else describeGroups is asked). */
export async function listGroupIds(
  ctx: OperationsContext,
  signal: AbortSignal,
): Promise<{ groupId: string; state: string; protocolType: string }[]> {
  const { groups } = await ctx.admin.listGroups({ signal });
  return groups
    .map((g) => ({ groupId: g.groupId, state: g.groupState ?? 'Unknown', protocolType: g.protocolType }))
    .sort((a, b) => a.groupId.localeCompare(b.groupId));
}

/** Per-partition lag of the topics a group committed offsets for. */
export async function groupLag(
  ctx: OperationsContext,
  groupId: string,
  signal: AbortSignal,
): Promise<PartitionLag[]> {
  try {
    return await ctx.admin.fetchConsumerLag({ groupId, signal });
  } catch (error) {
    if (!(error instanceof ProtocolDecodeError)) throw error;
    // librdkafka's mock cluster answers "every committed topic" (OffsetFetch without topics) with a null list, which
    // the protocol does not allow; asking for every topic by name works there.
    const topics = (await ctx.admin.listTopics({ signal })).sort();
    if (topics.length === 0) return [];
    const lag = await ctx.admin.fetchConsumerLag({ groupId, topics, signal });
    const committed = new Set(lag.filter((p) => p.committedOffset !== '-1').map((p) => p.topic));
    return lag.filter((p) => committed.has(p.topic));
  }
}

/** The sum of the lag of partitions with a committed offset. */
export function committedLag(partitions: PartitionLag[]): bigint {
  return partitions.reduce((sum, p) => (p.committedOffset === '-1' ? sum : sum + BigInt(p.lag)), 0n);
}

export async function listGroups(ctx: OperationsContext, outer?: AbortSignal): Promise<GroupSummary[]> {
  const signal = ctx.signal(outer);
  const ids = await listGroupIds(ctx, signal);
  if (ids.length === 0) return [];
  const [{ groups: described }, lags] = await Promise.all([
    ctx.admin.describeGroups(
      ids.map((g) => g.groupId),
      { signal },
    ),
    Promise.all(ids.map((g) => groupLag(ctx, g.groupId, signal).catch(() => [] as PartitionLag[]))),
  ]);
  return ids.map((g, i) => {
    const d = described.find((x) => x.groupId === g.groupId);
    const lag = lags[i]!;
    return {
      groupId: g.groupId,
      state: d?.state ?? g.state,
      protocolType: d?.protocolType ?? g.protocolType,
      protocol: d?.protocol ?? '',
      members: d?.members.length ?? 0,
      totalLag: committedLag(lag).toString(),
      topics: [...new Set(lag.filter((p) => p.committedOffset !== '-1').map((p) => p.topic))].sort(),
    };
  });
}

/**
 * The group's state and members; where the brokers cannot describe groups (no DescribeGroups, as in librdkafka's
 * mock cluster), state Unknown and no members, so offsets and lag still show.
 */
export async function describeMembership(
  ctx: OperationsContext,
  groupId: string,
  signal: AbortSignal,
): Promise<GroupDescription> {
  try {
    return (await ctx.admin.describeGroups([groupId], { signal })).groups[0]!;
  } catch (error) {
    if (!(error instanceof UnsupportedApiVersionError)) throw error;
    return { errorCode: 0, groupId, state: 'Unknown', protocolType: '', protocol: '', members: [] };
  }
}

export async function describeGroup(
  ctx: OperationsContext,
  groupId: string,
  outer?: AbortSignal,
): Promise<GroupDetails> {
  const signal = ctx.signal(outer);
  const group = await describeMembership(ctx, groupId, signal);
  const lag = await groupLag(ctx, groupId, signal);
  // The coordinator answers Dead for a group it has never seen: no members, no offsets.
  if (group.state === 'Dead' && group.members.length === 0 && lag.length === 0) {
    throw new ApiError(
      404,
      'GROUP_NOT_FOUND',
      `No consumer group ${groupId}: it has no members and no committed offsets`,
    );
  }
  const members: GroupMemberView[] = group.members.map((m) => ({
    memberId: m.memberId,
    groupInstanceId: m.groupInstanceId,
    clientId: m.clientId,
    clientHost: m.clientHost,
    assignment: group.protocolType === 'consumer' ? assignmentOf(m.memberAssignment) : [],
  }));
  const owner = new Map<string, GroupMemberView>();
  for (const m of members)
    for (const t of m.assignment) for (const p of t.partitions) owner.set(`${t.topic}\u0000${p}`, m);
  // fetchConsumerLag lists every partition of the topics with a commit; assigned topics without one come too.
  const assignedTopics = [...new Set(members.flatMap((m) => m.assignment.map((a) => a.topic)))];
  const missing = assignedTopics.filter((topic) => !lag.some((p) => p.topic === topic));
  const extra =
    missing.length > 0 ? await ctx.admin.fetchConsumerLag({ groupId, topics: missing, signal }) : [];
  const all = [...lag, ...extra];
  const partitions: GroupPartitionView[] = all
    .map((p) => {
      const m = owner.get(`${p.topic}\u0000${p.partition}`);
      const committed = p.committedOffset === '-1' ? null : p.committedOffset;
      return {
        topic: p.topic,
        partition: p.partition,
        committedOffset: committed,
        startOffset: p.startOffset,
        endOffset: p.endOffset,
        lag: committed === null ? null : p.lag,
        memberId: m?.memberId ?? null,
        clientId: m?.clientId ?? null,
      };
    })
    .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
  const topics = [...new Set(partitions.map((p) => p.topic))].map((topic) => ({
    topic,
    lag: partitions
      .filter((p) => p.topic === topic && p.lag !== null)
      .reduce((sum, p) => sum + BigInt(p.lag!), 0n)
      .toString(),
  }));
  return {
    groupId,
    state: group.state,
    protocolType: group.protocolType,
    protocol: group.protocol,
    members,
    partitions,
    topics,
    totalLag: topics.reduce((sum, t) => sum + BigInt(t.lag), 0n).toString(),
  };
}

function assignmentOf(bytes: Buffer): { topic: string; partitions: number[] }[] {
  try {
    return decodeAssignment(bytes)
      .assignedPartitions.map((t) => ({
        topic: t.topic,
        partitions: [...t.partitions].sort((a, b) => a - b),
      }))
      .sort((a, b) => a.topic.localeCompare(b.topic));
  } catch {
    // A member of another client's protocol flavour: show it without an assignment rather than fail the page.
    return [];
  }
}
