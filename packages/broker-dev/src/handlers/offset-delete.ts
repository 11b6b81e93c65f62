/**
 * OffsetDelete: v0 (KIP-496).
 *
 * - Deletes committed offsets of an empty group, or of topics a "consumer" group no longer
 *   subscribes to (GROUP_SUBSCRIBED_TO_TOPIC otherwise). Unknown groups get GROUP_ID_NOT_FOUND;
 *   partitions of unknown topics UNKNOWN_TOPIC_OR_PARTITION.
 */

import type { OffsetDeleteResponse } from '@samsa/protocol';
import { ApiKey, ErrorCode } from '@samsa/protocol';
import { coordinatorError } from './common.js';
import { defineHandler } from './types.js';

export const offsetDeleteHandler = defineHandler({
  apiKey: ApiKey.OffsetDelete,
  name: 'OffsetDelete',
  minVersion: 0,
  maxVersion: 0,

  handle(ctx, request): OffsetDeleteResponse {
    const notCoordinator = coordinatorError(ctx, request.groupId);
    if (notCoordinator !== ErrorCode.NONE)
      return { errorCode: notCoordinator, throttleTimeMs: 0, topics: [] };
    const known: { topic: string; partition: number }[] = [];
    for (const t of request.topics) {
      const topic = ctx.cluster.topic(t.name);
      for (const p of t.partitions)
        if (topic?.partitions[p.partitionIndex]) known.push({ topic: t.name, partition: p.partitionIndex });
    }
    const result = ctx.cluster.groups.deleteOffsets(request.groupId, known);
    if (result.errorCode !== ErrorCode.NONE)
      return { errorCode: result.errorCode, throttleTimeMs: 0, topics: [] };
    let next = 0;
    return {
      errorCode: ErrorCode.NONE,
      throttleTimeMs: 0,
      topics: request.topics.map((t) => {
        const topic = ctx.cluster.topic(t.name);
        return {
          name: t.name,
          partitions: t.partitions.map((p) => ({
            partitionIndex: p.partitionIndex,
            errorCode: topic?.partitions[p.partitionIndex]
              ? result.partitionErrors[next++]
              : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          })),
        };
      }),
    };
  },

  errorResponse: (_ctx, _request, errorCode) => ({ errorCode, throttleTimeMs: 0, topics: [] }),
});
