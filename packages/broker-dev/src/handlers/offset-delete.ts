/**
 * OffsetDelete: v0 (KIP-496).
 *
 * - Deletes committed offsets of an empty group, or of topics a "consumer" group no longer
 *   subscribes to (GROUP_SUBSCRIBED_TO_TOPIC otherwise). Unknown groups get GROUP_ID_NOT_FOUND;
 *   partitions of unknown topics UNKNOWN_TOPIC_OR_PARTITION.
 * - ACLs: DELETE on the group (else GROUP_AUTHORIZATION_FAILED) and READ on each topic (else
 *   TOPIC_AUTHORIZATION_FAILED for its partitions, which are left alone).
 */

import type { OffsetDeleteResponse } from '@samsa/protocol';
import { AclOperation, ApiKey, ErrorCode, ResourceType } from '@samsa/protocol';
import { authorize, authorizedNames } from './authorization.js';
import { coordinatorError } from './common.js';
import { defineHandler } from './types.js';

export const offsetDeleteHandler = defineHandler({
  apiKey: ApiKey.OffsetDelete,
  name: 'OffsetDelete',
  minVersion: 0,
  maxVersion: 0,

  handle(ctx, request): OffsetDeleteResponse {
    if (!authorize(ctx, AclOperation.DELETE, ResourceType.GROUP, request.groupId))
      return { errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, throttleTimeMs: 0, topics: [] };
    const readable = authorizedNames(
      ctx,
      AclOperation.READ,
      ResourceType.TOPIC,
      request.topics.map((t) => t.name),
    );
    const notCoordinator = coordinatorError(ctx, request.groupId);
    if (notCoordinator !== ErrorCode.NONE)
      return { errorCode: notCoordinator, throttleTimeMs: 0, topics: [] };
    const known: { topic: string; partition: number }[] = [];
    for (const t of request.topics) {
      if (!readable.has(t.name)) continue;
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
            errorCode: !readable.has(t.name)
              ? ErrorCode.TOPIC_AUTHORIZATION_FAILED
              : topic?.partitions[p.partitionIndex]
                ? result.partitionErrors[next++]
                : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          })),
        };
      }),
    };
  },

  errorResponse: (_ctx, _request, errorCode) => ({ errorCode, throttleTimeMs: 0, topics: [] }),
});
