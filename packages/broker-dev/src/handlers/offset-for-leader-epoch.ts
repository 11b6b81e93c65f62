/**
 * OffsetForLeaderEpoch: v0-4 (KIP-101/KIP-320: consumers detect log truncation after a leader
 * change).
 *
 * - For each partition: the largest epoch <= the requested one and where it ended (the start of
 *   the next epoch, or the log end offset for the current epoch). Epochs in which nothing was
 *   written end at the log end offset. -1/-1 for epochs older than the log.
 * - Only the leader answers; currentLeaderEpoch (v2+) is checked like Fetch does.
 */
import type { OffsetForLeaderEpochResponseEpochEndOffset } from '@samsa/protocol';
import { errorCodeOf } from '../broker-error.js';
import type { PartitionState } from '../cluster/topic.js';
import { ErrorCode } from '../error-codes.js';
import { leaderEpochError, leaderError } from './common.js';
import { defineHandler } from './types.js';

function endOffsetFor(
  partition: PartitionState,
  requested: number,
): { leaderEpoch: number; endOffset: number } {
  const log = partition.log;
  if (requested === partition.leaderEpoch) return { leaderEpoch: requested, endOffset: log.logEndOffset };
  const found = log.endOffsetForLeaderEpoch(requested);
  if (found.endOffset >= 0 || requested > partition.leaderEpoch || requested < 0) return found;
  // Storage learns an epoch only when data is written in it; epochs between the last one with
  // data and the current one had no writes, so the requested epoch ends at the log end.
  const latest = log.endOffsetForLeaderEpoch(partition.leaderEpoch);
  if (latest.endOffset >= 0) return found;
  return { leaderEpoch: requested, endOffset: log.logEndOffset };
}

export const offsetForLeaderEpochHandler = defineHandler({
  apiKey: 23,
  name: 'OffsetForLeaderEpoch',
  minVersion: 0,
  maxVersion: 4,

  handle(ctx, request) {
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => {
        const topic = ctx.cluster.topic(t.topic);
        return {
          topic: t.topic,
          partitions: t.partitions.map((p): OffsetForLeaderEpochResponseEpochEndOffset => {
            const fail = (errorCode: number) => ({
              errorCode,
              partition: p.partition,
              leaderEpoch: -1,
              endOffset: -1n,
            });
            const partition = topic?.partitions[p.partition];
            if (!partition) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
            const notLeader = leaderError(ctx, partition);
            if (notLeader !== ErrorCode.NONE) return fail(notLeader);
            const epochError = leaderEpochError(partition, p.currentLeaderEpoch);
            if (epochError !== ErrorCode.NONE) return fail(epochError);
            try {
              const { leaderEpoch, endOffset } = endOffsetFor(partition, p.leaderEpoch);
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
