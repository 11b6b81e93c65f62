/**
 * DeleteTopics: v0-6 (v6 names topics by name or id).
 *
 * - Deletes the topic, its logs (files under the data dir too) and the groups' committed offsets
 *   for it; long-polling fetches on it answer at once. Unknown names get
 *   UNKNOWN_TOPIC_OR_PARTITION, unknown ids UNKNOWN_TOPIC_ID.
 * - ACLs: DESCRIBE and DELETE on the topic, else TOPIC_AUTHORIZATION_FAILED (before existence for names;
 *   for an existing id without DESCRIBE the name is withheld).
 */

import type { DeleteTopicsResponse, DeleteTopicsResponseDeletableTopicResult } from '@samsa/protocol';
import { AclOperation, ApiKey, ErrorCode, ResourceType, ZERO_UUID } from '@samsa/protocol';
import { BrokerError } from '../broker-error.js';
import { authorize } from './authorization.js';
import { defineHandler, type RequestContext } from './types.js';

function targets(
  ctx: RequestContext,
  request: { topics?: { name: string | null; topicId: string }[]; topicNames?: string[] },
) {
  if (ctx.apiVersion >= 6) return (request.topics ?? []).map((t) => ({ name: t.name, topicId: t.topicId }));
  return (request.topicNames ?? []).map((name) => ({ name, topicId: ZERO_UUID }));
}

/** DESCRIBE (so the principal may know of it) and DELETE on the topic. */
function mayDelete(ctx: RequestContext, name: string): boolean {
  return (
    authorize(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, name) &&
    authorize(ctx, AclOperation.DELETE, ResourceType.TOPIC, name)
  );
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
        const denied = (name: string | null) => ({
          name,
          topicId: target.topicId,
          errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
          errorMessage: 'Topic authorization failed.',
        });
        if (!byId && !mayDelete(ctx, target.name!)) return denied(target.name);
        const topic = byId ? cluster.topicById(target.topicId) : cluster.topic(target.name!);
        if (topic && byId && !authorize(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, topic.name))
          return denied(null);
        if (topic && byId && !mayDelete(ctx, topic.name)) return denied(topic.name);
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
