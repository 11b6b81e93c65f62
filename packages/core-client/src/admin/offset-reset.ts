/**
 * Moving a consumer group's committed offsets, as kafka-consumer-groups --reset-offsets does: plan the new offset of
 * each partition (earliest, latest, an offset, a time, a shift from the committed offset), clamp it into the log as
 * Kafka's tool does, and commit the plan unless it is a dry run. Refused while the group has active members (their
 * commits would overwrite the reset), in a dry run too, as Kafka refuses.
 */
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, listOffsets, tpKey } from '../cluster/list-offsets.js';
import { ConfigurationError } from '../errors.js';
import { ActiveGroupError } from './active-group-error.js';
import type { AdminContext } from './admin-context.js';
import { describeMembership } from './consumer-groups.js';
import { commitOffsets, committedOffsets } from './groups-and-offsets.js';
import type { OffsetResetOptions, OffsetResetResult, OffsetResetStrategy, PlannedOffset } from './types.js';

/** States in which a group has no members whose commits could undo a reset. */
const INACTIVE_STATES = new Set(['Empty', 'Dead']);

export async function resetConsumerGroupOffsets(
  ctx: AdminContext,
  options: OffsetResetOptions,
): Promise<OffsetResetResult> {
  const { groupId, signal } = options;
  if (typeof groupId !== 'string' || groupId.length === 0) {
    throw new ConfigurationError('groupId', 'is required');
  }
  const strategy = checkStrategy(options.strategy);
  const membership = await describeMembership(ctx, groupId, signal);
  // Where the coordinator cannot describe groups, its OffsetCommit from outside the group is the only check left.
  const state = membership?.state ?? 'Unknown';
  if (membership && !INACTIVE_STATES.has(membership.state)) {
    throw new ActiveGroupError(groupId, membership.state, membership.members.length);
  }
  const committed = await committedOffsets(
    ctx,
    groupId,
    options.topics?.map((t) => t.topic),
    signal,
  );
  const selected = await selectPartitions(ctx, options, committed, signal);
  const queries = selected.map(({ topic, partition }) => ({ topic, partition, timestamp: LATEST_TIMESTAMP }));
  const [ends, starts, byTime] = await Promise.all([
    listOffsets(ctx.cluster, ctx.retry, queries, { signal }),
    listOffsets(
      ctx.cluster,
      ctx.retry,
      queries.map((q) => ({ ...q, timestamp: EARLIEST_TIMESTAMP })),
      { signal },
    ),
    strategy.type === 'timestamp'
      ? listOffsets(
          ctx.cluster,
          ctx.retry,
          queries.map((q) => ({ ...q, timestamp: BigInt(strategy.timestamp) })),
          { signal },
        )
      : null,
  ]);
  const partitions: PlannedOffset[] = selected.map(({ topic, partition }) => {
    const key = tpKey(topic, partition);
    const start = starts.get(key)!.offset;
    const end = ends.get(key)!.offset;
    const current = committed.get(key)?.offset;
    const currentOffset = current !== undefined && current >= 0n ? current : null;
    let target: bigint;
    switch (strategy.type) {
      case 'earliest':
        target = start;
        break;
      case 'latest':
        target = end;
        break;
      case 'offset':
        target = strategy.offset;
        break;
      case 'timestamp': {
        const found = byTime!.get(key)!.offset;
        target = found >= 0n ? found : end;
        break;
      }
      case 'shift-by':
        if (currentOffset === null) {
          throw new ConfigurationError(
            'strategy',
            `shift-by moves committed offsets, but group ${groupId} has none for ${topic}[${partition}]; ` +
              'reset that partition to an offset, a time, earliest or latest instead',
          );
        }
        target = currentOffset + strategy.shift;
        break;
    }
    const newOffset = target < start ? start : target > end ? end : target;
    return {
      topic,
      partition,
      currentOffset: currentOffset === null ? null : currentOffset.toString(),
      newOffset: newOffset.toString(),
      clamped: newOffset !== target,
    };
  });
  if (!options.dryRun && partitions.length > 0) {
    await commitOffsets(
      ctx,
      groupId,
      partitions.map((p) => ({ topic: p.topic, partition: p.partition, offset: BigInt(p.newOffset) })),
      signal,
    );
  }
  return { groupId, state, executed: !options.dryRun, partitions };
}

type CheckedStrategy =
  | { type: 'earliest' | 'latest' }
  | { type: 'offset'; offset: bigint }
  | { type: 'timestamp'; timestamp: number }
  | { type: 'shift-by'; shift: bigint };

function checkStrategy(strategy: OffsetResetStrategy): CheckedStrategy {
  switch (strategy?.type) {
    case 'earliest':
    case 'latest':
      return { type: strategy.type };
    case 'offset': {
      const offset = integer('strategy.offset', strategy.offset);
      if (offset < 0n) throw new ConfigurationError('strategy.offset', `offsets are >= 0; got ${offset}`);
      return { type: 'offset', offset };
    }
    case 'timestamp':
      if (!Number.isSafeInteger(strategy.timestamp) || strategy.timestamp < 0) {
        throw new ConfigurationError(
          'strategy.timestamp',
          `expected milliseconds since the epoch, got ${String(strategy.timestamp)}`,
        );
      }
      return { type: 'timestamp', timestamp: strategy.timestamp };
    case 'shift-by':
      return { type: 'shift-by', shift: integer('strategy.shift', strategy.shift) };
    default:
      throw new ConfigurationError(
        'strategy',
        'expected { type: earliest | latest | offset | timestamp | shift-by, ... }',
      );
  }
}

function integer(option: string, value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return BigInt(value.trim());
  throw new ConfigurationError(option, `expected an integer, got ${JSON.stringify(value)}`);
}

/** The partitions to move: those named, or every partition of the topics the group has offsets for. */
async function selectPartitions(
  ctx: AdminContext,
  options: OffsetResetOptions,
  committed: Map<string, unknown>,
  signal?: AbortSignal,
): Promise<{ topic: string; partition: number }[]> {
  const topics: { topic: string; partitions?: number[] }[] =
    options.topics ??
    [...new Set([...committed.keys()].map((key) => key.split('\u0000')[0]))]
      .sort()
      .map((topic) => ({ topic }));
  const out: { topic: string; partition: number }[] = [];
  for (const { topic, partitions } of topics) {
    const existing = await ctx.partitionsOf(topic, signal);
    for (const partition of partitions ?? existing) {
      if (!existing.includes(partition)) {
        throw new ConfigurationError(
          'topics[].partitions',
          `${topic} has no partition ${partition} (it has ${existing.length})`,
        );
      }
      out.push({ topic, partition });
    }
  }
  return out;
}
