/**
 * DeleteRecords: v0-2.
 *
 * - Moves a partition's log start offset forward (offset -1 = high watermark); whole segments
 *   below it are deleted. Answers the new low watermark. Only the leader accepts it;
 *   OFFSET_OUT_OF_RANGE above the high watermark. Internal topics (__consumer_offsets, ...) get
 *   INVALID_TOPIC_EXCEPTION, as in Kafka.
 * - ACLs: DELETE on the topic, else TOPIC_AUTHORIZATION_FAILED.
 */
import { AclOperation, ApiKey, ErrorCode, ResourceType } from '@samsa/protocol';
import { errorCodeOf } from '../broker-error.js';
import { isInternalTopic } from '../cluster/internal-topics.js';
import { authorize } from './authorization.js';
import { leaderError } from './common.js';
import { defineHandler } from './types.js';

export const deleteRecordsHandler = defineHandler({
  apiKey: ApiKey.DeleteRecords,
  name: 'DeleteRecords',
  minVersion: 0,
  maxVersion: 2,

  handle(ctx, request) {
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => {
        const topic = ctx.cluster.topic(t.name);
        const mayDelete = authorize(ctx, AclOperation.DELETE, ResourceType.TOPIC, t.name);
        return {
          name: t.name,
          partitions: t.partitions.map((p) => {
            const fail = (errorCode: number) => ({
              partitionIndex: p.partitionIndex,
              lowWatermark: -1n,
              errorCode,
            });
            if (!mayDelete) return fail(ErrorCode.TOPIC_AUTHORIZATION_FAILED);
            if (isInternalTopic(t.name)) return fail(ErrorCode.INVALID_TOPIC_EXCEPTION);
            const partition = topic?.partitions[p.partitionIndex];
            if (!partition) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
            const notLeader = leaderError(ctx, partition);
            if (notLeader !== ErrorCode.NONE) return fail(notLeader);
            const log = partition.log;
            const offset = p.offset === -1n ? log.highWatermark : Number(p.offset);
            try {
              const lowWatermark = log.deleteRecordsBefore(offset);
              ctx.cluster.logger.info(`partition ${partition.name}: records before ${lowWatermark} deleted`);
              return {
                partitionIndex: p.partitionIndex,
                lowWatermark: BigInt(lowWatermark),
                errorCode: ErrorCode.NONE,
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
      name: t.name,
      partitions: t.partitions.map((p) => ({
        partitionIndex: p.partitionIndex,
        lowWatermark: -1n,
        errorCode,
      })),
    })),
  }),
});
