/**
 * ListOffsets: v1-8 (v0's multi-offset form was removed in Kafka 4 and is not advertised).
 *
 * - Timestamps: -1 latest, -2 earliest, -3 the record with the largest timestamp (v7+), -4
 *   earliest local (v8+, = earliest here), otherwise the first record with timestamp >= the one
 *   asked (offset -1 if none).
 * - IsolationLevel (v2+): the last fetchable offset is the last stable offset for read_committed
 *   (1) and the high watermark otherwise. Latest answers it; a record found at or beyond it by
 *   timestamp (or -3) is not visible: offset -1 (Kafka's Partition.fetchOffsetForTimestamp).
 * - Only the leader answers; v4+ checks currentLeaderEpoch and returns the leader epoch.
 * - ACLs: DESCRIBE on each topic, else TOPIC_AUTHORIZATION_FAILED.
 */

import type { ListOffsetsResponse, ListOffsetsResponseListOffsetsPartitionResponse } from '@samsa/protocol';
import { AclOperation, ApiKey, ErrorCode, ResourceType } from '@samsa/protocol';
import { errorCodeOf } from '../broker-error.js';
import { ListOffsetsTimestamp } from '../storage/index.js';
import { authorize } from './authorization.js';
import { leaderEpochError, leaderError } from './common.js';
import { defineHandler } from './types.js';

const READ_COMMITTED = 1;

function failed(partitionIndex: number, errorCode: number): ListOffsetsResponseListOffsetsPartitionResponse {
  return { partitionIndex, errorCode, timestamp: -1n, offset: -1n, leaderEpoch: -1, oldStyleOffsets: [] };
}

export const listOffsetsHandler = defineHandler({
  apiKey: ApiKey.ListOffsets,
  name: 'ListOffsets',
  minVersion: 1,
  maxVersion: 8,

  handle(ctx, request): ListOffsetsResponse {
    const readCommitted = request.isolationLevel === READ_COMMITTED;
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => {
        const topic = ctx.cluster.topic(t.name);
        const mayDescribe = authorize(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, t.name);
        return {
          name: t.name,
          partitions: t.partitions.map((p) => {
            if (!mayDescribe) return failed(p.partitionIndex, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
            const partition = topic?.partitions[p.partitionIndex];
            if (!partition) return failed(p.partitionIndex, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
            const notLeader = leaderError(ctx, partition);
            if (notLeader !== ErrorCode.NONE) return failed(p.partitionIndex, notLeader);
            const epochError = leaderEpochError(partition, p.currentLeaderEpoch);
            if (epochError !== ErrorCode.NONE) return failed(p.partitionIndex, epochError);
            const timestamp = Number(p.timestamp);
            const log = partition.log;
            try {
              const lastFetchable = readCommitted ? log.lastStableOffset : log.highWatermark;
              if (timestamp === ListOffsetsTimestamp.latest) {
                return {
                  partitionIndex: p.partitionIndex,
                  errorCode: ErrorCode.NONE,
                  timestamp: -1n,
                  offset: BigInt(lastFetchable),
                  leaderEpoch: partition.leaderEpoch,
                };
              }
              const earliest =
                timestamp === ListOffsetsTimestamp.earliest ||
                timestamp === ListOffsetsTimestamp.earliestLocal;
              const found = log.offsetForTimestamp(timestamp);
              const visible = found && (earliest || found.offset < lastFetchable);
              return {
                partitionIndex: p.partitionIndex,
                errorCode: ErrorCode.NONE,
                timestamp: visible ? BigInt(found.timestamp) : -1n,
                offset: visible ? BigInt(found.offset) : -1n,
                leaderEpoch: visible ? partition.leaderEpoch : -1,
              };
            } catch (err) {
              return failed(p.partitionIndex, errorCodeOf(err));
            }
          }),
        };
      }),
    };
  },

  errorResponse(_ctx, request, errorCode) {
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => failed(p.partitionIndex, errorCode)),
      })),
    };
  },
});
