/**
 * OffsetCommit: v0-9.
 *
 * - Commits from group members are checked against the generation (ILLEGAL_GENERATION,
 *   UNKNOWN_MEMBER_ID, REBALANCE_IN_PROGRESS while the group completes a rebalance,
 *   FENCED_INSTANCE_ID); generation -1 commits for an empty or unknown group are stored as
 *   "simple" commits, as Kafka allows. A generation for a group that does not exist is
 *   ILLEGAL_GENERATION below v9 and GROUP_ID_NOT_FOUND from v9 on.
 * - KIP-848 consumer groups (v9+): the generation is the member epoch (STALE_MEMBER_EPOCH,
 *   UNKNOWN_MEMBER_ID); their members must commit with v9+ (UNSUPPORTED_VERSION below).
 * - Offsets are stored durably with their metadata string (OFFSET_METADATA_TOO_LARGE above
 *   offset.metadata.max.bytes) and committed leader epoch (v6+). v2-4 retention times are
 *   accepted and ignored. Partitions of unknown topics get UNKNOWN_TOPIC_OR_PARTITION.
 * - ACLs: READ on the group (else GROUP_AUTHORIZATION_FAILED everywhere) and on each topic (else
 *   TOPIC_AUTHORIZATION_FAILED for its partitions).
 */

import type { OffsetCommitRequest, OffsetCommitResponse } from '@samsa/protocol';
import { AclOperation, ApiKey, ErrorCode, ResourceType } from '@samsa/protocol';
import type { CommitEntry } from '../groups/group-offsets.js';
import { authorize } from './authorization.js';
import { coordinatorError } from './common.js';
import { defineHandler } from './types.js';

function errorResponse(request: OffsetCommitRequest, errorCode: number): OffsetCommitResponse {
  return {
    throttleTimeMs: 0,
    topics: request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })),
    })),
  };
}

export const offsetCommitHandler = defineHandler({
  apiKey: ApiKey.OffsetCommit,
  name: 'OffsetCommit',
  minVersion: 0,
  maxVersion: 9,

  handle(ctx, request): OffsetCommitResponse {
    if (!authorize(ctx, AclOperation.READ, ResourceType.GROUP, request.groupId)) {
      return errorResponse(request, ErrorCode.GROUP_AUTHORIZATION_FAILED);
    }
    const notCoordinator = coordinatorError(ctx, request.groupId);
    if (notCoordinator !== ErrorCode.NONE) return errorResponse(request, notCoordinator);
    const cluster = ctx.cluster;
    const codes: number[][] = request.topics.map((t) => t.partitions.map(() => ErrorCode.NONE));
    const entries: CommitEntry[] = [];
    const positions: [number, number][] = [];
    request.topics.forEach((t, ti) => {
      const topic = cluster.topic(t.name);
      const mayRead = authorize(ctx, AclOperation.READ, ResourceType.TOPIC, t.name);
      t.partitions.forEach((p, pi) => {
        if (!mayRead) {
          codes[ti][pi] = ErrorCode.TOPIC_AUTHORIZATION_FAILED;
          return;
        }
        if (!topic?.partitions[p.partitionIndex]) {
          codes[ti][pi] = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
          return;
        }
        entries.push({
          topic: t.name,
          partition: p.partitionIndex,
          offset: Number(p.committedOffset),
          leaderEpoch: p.committedLeaderEpoch ?? -1,
          metadata: p.committedMetadata,
        });
        positions.push([ti, pi]);
      });
    });
    if (entries.length > 0) {
      const results = cluster.groups.commitOffsets(
        request.groupId,
        ctx.apiVersion >= 1 ? (request.memberId ?? '') : '',
        request.groupInstanceId ?? null,
        ctx.apiVersion >= 1 ? (request.generationIdOrMemberEpoch ?? -1) : -1,
        entries,
        ctx.apiVersion,
      );
      results.forEach((code, i) => {
        const [ti, pi] = positions[i];
        codes[ti][pi] = code;
      });
    }
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t, ti) => ({
        name: t.name,
        partitions: t.partitions.map((p, pi) => ({
          partitionIndex: p.partitionIndex,
          errorCode: codes[ti][pi],
        })),
      })),
    };
  },

  errorResponse: (_ctx, request, errorCode) => errorResponse(request, errorCode),
});
