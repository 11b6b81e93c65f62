/**
 * DeleteTopics: v0-6 (v6 names topics by name or id).
 *
 * - Deletes the topic, its logs (files under the data dir too) and the groups' committed offsets
 *   for it; long-polling fetches on it answer at once. Unknown names get
 *   UNKNOWN_TOPIC_OR_PARTITION, unknown ids UNKNOWN_TOPIC_ID.
 */

import type { DeleteTopicsResponse, DeleteTopicsResponseDeletableTopicResult } from '@samsa/protocol';
import { ApiKey, ErrorCode, ZERO_UUID } from '@samsa/protocol';
import { BrokerError } from '../broker-error.js';
import { defineHandler, type RequestContext } from './types.js';

function targets(
  ctx: RequestContext,
  request: { topics?: { name: string | null; topicId: string }[]; topicNames?: string[] },
) {
  if (ctx.apiVersion >= 6) return (request.topics ?? []).map((t) => ({ name: t.name, topicId: t.topicId }));
  return (request.topicNames ?? []).map((name) => ({ name, topicId: ZERO_UUID }));
}

export const deleteTopicsHandler = defineHandler({
  apiKey: ApiKey.DeleteTopics,
  name: 'DeleteTopics',
  minVersion: 0,
  maxVersion: 6,

  handle(ctx, request): DeleteTopicsResponse {
    const cluster = ctx.cluster;
    return {
      throttleTimeMs: 0,
      responses: targets(ctx, request).map((target): DeleteTopicsResponseDeletableTopicResult => {
        const byId = target.name === null || target.name === '';
        const topic = byId ? cluster.topicById(target.topicId) : cluster.topic(target.name!);
        if (!topic) {
          return {
            name: target.name,
            topicId: target.topicId,
            errorCode: byId ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
            errorMessage: byId
              ? `Topic id ${target.topicId} does not exist.`
              : `Topic '${target.name}' does not exist.`,
          };
        }
        try {
          cluster.deleteTopic(topic.name);
          return { name: topic.name, topicId: topic.id, errorCode: ErrorCode.NONE, errorMessage: null };
        } catch (err) {
          if (err instanceof BrokerError)
            return {
              name: topic.name,
              topicId: topic.id,
              errorCode: err.errorCode,
              errorMessage: err.message,
            };
          throw err;
        }
      }),
    };
  },

  errorResponse: (ctx, request, errorCode) => ({
    throttleTimeMs: 0,
    responses: targets(ctx, request).map((t) => ({
      name: t.name,
      topicId: t.topicId,
      errorCode,
      errorMessage: null,
    })),
  }),
});
