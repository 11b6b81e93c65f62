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
 * - ACLs: DESCRIBE on the group (else GROUP_AUTHORIZATION_FAILED, where coordinator errors go) and on
 *   each topic: a named topic without it gets TOPIC_AUTHORIZATION_FAILED per partition, and "every
 *   partition" leaves such topics out.
 */

import type {
  OffsetFetchRequest,
  OffsetFetchResponse,
  OffsetFetchResponseOffsetFetchResponsePartitions,
  OffsetFetchResponseOffsetFetchResponseTopics,
} from '@samsa/protocol';
import { AclOperation, ApiKey, ErrorCode, ResourceType } from '@samsa/protocol';
import { authorize } from './authorization.js';
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
  const mayDescribe = (topic: string) => authorize(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, topic);
  if (wanted !== null) {
    return wanted.map((t) => ({
      name: t.name,
      partitions: mayDescribe(t.name)
        ? t.partitionIndexes.map((p) => entry(p, t.name))
        : t.partitionIndexes.map((p) => noOffset(p, ErrorCode.TOPIC_AUTHORIZATION_FAILED)),
    }));
  }
  const byTopic = new Map<string, number[]>();
  for (const { topic, partition } of groups.allCommitted(groupId)) {
    if (!byTopic.has(topic) && !mayDescribe(topic)) continue;
    const list = byTopic.get(topic) ?? [];
    if (list.length === 0) byTopic.set(topic, list);
    list.push(partition);
  }
  return [...byTopic].map(([name, partitions]) => ({
    name,
    partitions: partitions.sort((a, b) => a - b).map((p) => entry(p, name)),
  }));
}

/** GROUP_AUTHORIZATION_FAILED without DESCRIBE on the group, else whether this broker coordinates it. */
function groupError(ctx: RequestContext, groupId: string): number {
  if (!authorize(ctx, AclOperation.DESCRIBE, ResourceType.GROUP, groupId))
    return ErrorCode.GROUP_AUTHORIZATION_FAILED;
  return coordinatorError(ctx, groupId);
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
        let errorCode = forcedError ?? groupError(ctx, g.groupId);
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
  const errorCode = forcedError ?? groupError(ctx, groupId);
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
