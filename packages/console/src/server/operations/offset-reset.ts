/**
 * Moving a group's committed offsets: plan the new offset of each partition (earliest, latest, an offset, a time),
 * clamped into each log as Kafka's tool does, and commit the plan unless it is a dry run. Refused while the group
 * has members (their commits would undo the reset), in a dry run too, as Kafka refuses.
 *
 * core-client's `resetConsumerGroupOffsets` (added for the `samsa` CLI) does the same with the same result shape;
 * once both are on one branch, this delegates to it.
 */
import type { OffsetResetRequest, OffsetResetResult, PlannedOffset } from '../../api/types.js';
import { ApiError } from '../errors.js';
import type { OperationsContext } from './context.js';
import { describeMembership } from './groups.js';

/** Unknown: the brokers cannot describe groups; Kafka's refusal of the commit is then the only check left. */
const INACTIVE_STATES = new Set(['Empty', 'Dead', 'Unknown']);

export async function resetGroupOffsets(
  ctx: OperationsContext,
  groupId: string,
  request: OffsetResetRequest,
  outer?: AbortSignal,
): Promise<OffsetResetResult> {
  const signal = ctx.signal(outer);
  const group = await describeMembership(ctx, groupId, signal);
  if (!INACTIVE_STATES.has(group.state)) {
    const n = group.members.length;
    throw new ApiError(
      409,
      'GROUP_ACTIVE',
      `Offsets of group ${groupId} can only be reset while it is inactive, but it is ${group.state} with ${n} ` +
        `member${n === 1 ? '' : 's'}; stop its consumers first`,
      { state: group.state, members: n },
    );
  }
  const committed = await ctx.admin.fetchOffsets({ groupId, signal });
  const selection: { topic: string; partitions?: number[] }[] =
    request.topics ??
    committed.filter((t) => t.partitions.some((p) => p.offset !== '-1')).map((t) => ({ topic: t.topic }));
  if (selection.length === 0) {
    throw new ApiError(
      400,
      'INVALID_REQUEST',
      `Group ${groupId} has no committed offsets; name the topics to reset`,
    );
  }
  const partitions: PlannedOffset[] = [];
  for (const { topic, partitions: only } of selection) {
    const watermarks = await ctx.admin.fetchTopicOffsets(topic, { signal });
    for (const p of only ?? []) {
      if (!watermarks.some((w) => w.partition === p)) {
        throw new ApiError(
          400,
          'PARTITION_NOT_FOUND',
          `${topic} has no partition ${p} (it has ${watermarks.length})`,
        );
      }
    }
    const byTime =
      request.strategy.type === 'timestamp'
        ? await ctx.admin.fetchTopicOffsetsByTimestamp(topic, request.strategy.timestamp, { signal })
        : null;
    const current = committed.find((t) => t.topic === topic);
    for (const w of watermarks) {
      if (only && !only.includes(w.partition)) continue;
      const start = BigInt(w.low);
      const end = BigInt(w.high);
      let target: bigint;
      switch (request.strategy.type) {
        case 'earliest':
          target = start;
          break;
        case 'latest':
          target = end;
          break;
        case 'offset':
          target = BigInt(request.strategy.offset);
          break;
        case 'timestamp':
          target = BigInt(byTime!.find((o) => o.partition === w.partition)!.offset);
          break;
      }
      const newOffset = target < start ? start : target > end ? end : target;
      const was = current?.partitions.find((p) => p.partition === w.partition)?.offset;
      partitions.push({
        topic,
        partition: w.partition,
        currentOffset: was === undefined || was === '-1' ? null : was,
        newOffset: newOffset.toString(),
        clamped: newOffset !== target,
      });
    }
  }
  if (!request.dryRun) {
    for (const topic of new Set(partitions.map((p) => p.topic))) {
      await ctx.admin.setOffsets({
        groupId,
        topic,
        partitions: partitions
          .filter((p) => p.topic === topic)
          .map((p) => ({ partition: p.partition, offset: p.newOffset })),
        signal,
      });
    }
  }
  return { groupId, state: group.state, executed: !request.dryRun, partitions };
}
