/**
 * OffsetForLeaderEpoch: v0-4 (KIP-101/KIP-320: consumers detect log truncation after a leader
 * change).
 *
 * - For each partition: the largest epoch <= the requested one and where it ended (the start of
 *   the next epoch, or the log end offset for the current epoch), from the log's leader-epoch
 *   history, which records each epoch when leadership changes (Kafka's
 *   LeaderEpochFileCache.endOffsetFor). -1/-1 for epochs newer than the current one.
 * - Only the leader answers; currentLeaderEpoch (v2+) is checked like Fetch does
 *   (FENCED_LEADER_EPOCH when older, UNKNOWN_LEADER_EPOCH when newer than the leader's).
 * - ACLs: CLUSTER_ACTION on the cluster (replicas) or DESCRIBE on the topic, else TOPIC_AUTHORIZATION_FAILED.
 */

import type { OffsetForLeaderEpochResponseEpochEndOffset } from '@samsa/protocol';
import { AclOperation, ApiKey, ErrorCode, ResourceType } from '@samsa/protocol';
import { errorCodeOf } from '../broker-error.js';
import { authorize, authorizeCluster } from './authorization.js';
import { leaderEpochError, leaderError } from './common.js';
import { defineHandler } from './types.js';

export const offsetForLeaderEpochHandler = defineHandler({
  apiKey: ApiKey.OffsetForLeaderEpoch,
  name: 'OffsetForLeaderEpoch',
  minVersion: 0,
  maxVersion: 4,

  handle(ctx, request) {
    const replica = authorizeCluster(ctx, AclOperation.CLUSTER_ACTION);
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => {
        const topic = ctx.cluster.topic(t.topic);
        const mayDescribe = replica || authorize(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, t.topic);
        return {
          topic: t.topic,
          partitions: t.partitions.map((p): OffsetForLeaderEpochResponseEpochEndOffset => {
            const fail = (errorCode: number) => ({
              errorCode,
              partition: p.partition,
              leaderEpoch: -1,
              endOffset: -1n,
            });
            if (!mayDescribe) return fail(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
            const partition = topic?.partitions[p.partition];
            if (!partition) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
            const notLeader = leaderError(ctx, partition);
            if (notLeader !== ErrorCode.NONE) return fail(notLeader);
            const epochError = leaderEpochError(partition, p.currentLeaderEpoch);
            if (epochError !== ErrorCode.NONE) return fail(epochError);
            try {
              const { leaderEpoch, endOffset } = partition.log.endOffsetForLeaderEpoch(p.leaderEpoch);
              return {
                errorCode: ErrorCode.NONE,
                partition: p.partition,
                leaderEpoch,
                endOffset: BigInt(endOffset),
              };
            } catch (err) {
              return fail(errorCodeOf(err));
            }
          }),
        };
      }),
    };
  },

  errorResponse: (_ctx, request, errorCode) => ({
    throttleTimeMs: 0,
    topics: request.topics.map((t) => ({
      topic: t.topic,
      partitions: t.partitions.map((p) => ({
        errorCode,
        partition: p.partition,
        leaderEpoch: -1,
        endOffset: -1n,
      })),
    })),
  }),
});
