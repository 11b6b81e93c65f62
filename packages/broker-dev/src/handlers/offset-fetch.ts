/**
 * OffsetFetch: v0-9 (v8+ asks for several groups at once).
 *
 * - v9 (KIP-848): a member of a consumer group names itself and its epoch; an unknown member is
 *   UNKNOWN_MEMBER_ID and another epoch STALE_MEMBER_EPOCH (per group). No member id and epoch -1
 *   (admin clients) are always answered.
 *
 * - Returns committed offsets with metadata and leader epoch (v5+); -1 for partitions without a
 *   commit. A null topic list (v2+) means every committed partition of the group.
 * - Offsets are returned whatever state the group is in (it may only use Kafka for storage).
 * - A partition whose offset a transaction committed and has not yet ended: with RequireStable
 *   (v7+; Java always sets it) UNSTABLE_OFFSET_COMMIT (retriable) and no offset, otherwise the
 *   offset committed before the transaction.
 * - Coordinator errors go where the version has room for them: per partition (v0-1), top level
 *   (v2-7), per group (v8+).
 */

import type {
  OffsetFetchRequest,
  OffsetFetchResponse,
  OffsetFetchResponseOffsetFetchResponsePartitions,
  OffsetFetchResponseOffsetFetchResponseTopics,
} from '@samsa/protocol';
import { ApiKey, ErrorCode } from '@samsa/protocol';
import { coordinatorError } from './common.js';
import { defineHandler, type RequestContext } from './types.js';

type Wanted = { name: string; partitionIndexes: number[] }[] | null;

function noOffset(
  partitionIndex: number,
  errorCode: number,
): OffsetFetchResponseOffsetFetchResponsePartitions {
  return { partitionIndex, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode };
}

function committedOffsets(
  ctx: RequestContext,
  groupId: string,
  wanted: Wanted,
  requireStable: boolean,
): OffsetFetchResponseOffsetFetchResponseTopics[] {
  const groups = ctx.cluster.groups;
  const entry = (partitionIndex: number, topic: string): OffsetFetchResponseOffsetFetchResponsePartitions => {
    if (requireStable && groups.hasPendingTransactionalOffset(groupId, topic, partitionIndex)) {
      return noOffset(partitionIndex, ErrorCode.UNSTABLE_OFFSET_COMMIT);
    }
    const committed = groups.committed(groupId, topic, partitionIndex);
    if (!committed) return noOffset(partitionIndex, ErrorCode.NONE);
    return {
      partitionIndex,
      committedOffset: BigInt(committed.offset),
      committedLeaderEpoch: committed.leaderEpoch,
      metadata: committed.metadata,
      errorCode: ErrorCode.NONE,
    };
  };
  if (wanted !== null) {
    return wanted.map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((p) => entry(p, t.name)) }));
  }
  const byTopic = new Map<string, number[]>();
  for (const { topic, partition } of groups.allCommitted(groupId)) {
    const list = byTopic.get(topic) ?? [];
    if (list.length === 0) byTopic.set(topic, list);
    list.push(partition);
  }
  return [...byTopic].map(([name, partitions]) => ({
    name,
    partitions: partitions.sort((a, b) => a - b).map((p) => entry(p, name)),
  }));
}

function respond(
  ctx: RequestContext,
  request: OffsetFetchRequest,
  forcedError?: number,
): OffsetFetchResponse {
  const requireStable = ctx.apiVersion >= 7 && request.requireStable === true;
  if (ctx.apiVersion >= 8) {
    return {
      throttleTimeMs: 0,
      groups: (request.groups ?? []).map((g) => {
        let errorCode = forcedError ?? coordinatorError(ctx, g.groupId);
        if (errorCode === ErrorCode.NONE && ctx.apiVersion >= 9)
          errorCode = ctx.cluster.groups.validateOffsetFetch(
            g.groupId,
            g.memberId ?? null,
            g.memberEpoch ?? -1,
          );
        const topics =
          errorCode === ErrorCode.NONE ? committedOffsets(ctx, g.groupId, g.topics, requireStable) : [];
        return { groupId: g.groupId, errorCode, topics };
      }),
    };
  }
  const groupId = request.groupId ?? '';
  const wanted = request.topics ?? null;
  const errorCode = forcedError ?? coordinatorError(ctx, groupId);
  if (errorCode === ErrorCode.NONE) {
    return { throttleTimeMs: 0, errorCode, topics: committedOffsets(ctx, groupId, wanted, requireStable) };
  }
  if (ctx.apiVersion >= 2) return { throttleTimeMs: 0, errorCode, topics: [] };
  return {
    throttleTimeMs: 0,
    topics: (wanted ?? []).map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((p) => noOffset(p, errorCode)),
    })),
  };
}

export const offsetFetchHandler = defineHandler({
  apiKey: ApiKey.OffsetFetch,
  name: 'OffsetFetch',
  minVersion: 0,
  maxVersion: 9,
  handle: (ctx, request) => respond(ctx, request),
  errorResponse: (ctx, request, errorCode) => respond(ctx, request, errorCode),
});
