/**
 * CreatePartitions: v0-3.
 *
 * - Grows a topic to `count` partitions, with explicit assignments or Kafka-style placement.
 *   INVALID_PARTITIONS when the count does not grow, INVALID_REPLICA_ASSIGNMENT for bad
 *   assignments, UNKNOWN_TOPIC_OR_PARTITION for unknown topics; validateOnly checks only.
 * - ACLs: ALTER on the topic, else TOPIC_AUTHORIZATION_FAILED.
 */
import { AclOperation, ApiKey, ErrorCode, ResourceType } from '@samsa/protocol';
import { BrokerError } from '../broker-error.js';
import { authorize } from './authorization.js';
import { defineHandler } from './types.js';

export const createPartitionsHandler = defineHandler({
  apiKey: ApiKey.CreatePartitions,
  name: 'CreatePartitions',
  minVersion: 0,
  maxVersion: 3,

  handle(ctx, request) {
    const counts = new Map<string, number>();
    for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const duplicates = new Set([...counts].filter(([, n]) => n > 1).map(([name]) => name));
    return {
      throttleTimeMs: 0,
      results: request.topics.map((t) => {
        if (duplicates.has(t.name)) {
          return {
            name: t.name,
            errorCode: ErrorCode.INVALID_REQUEST,
            errorMessage: 'Duplicate topic in request.',
          };
        }
        if (!authorize(ctx, AclOperation.ALTER, ResourceType.TOPIC, t.name)) {
          return {
            name: t.name,
            errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
            errorMessage: 'The topic authorization is failed.',
          };
        }
        try {
          ctx.cluster.createPartitions(
            t.name,
            t.count,
            t.assignments?.map((a) => a.brokerIds),
            request.validateOnly,
          );
          return { name: t.name, errorCode: ErrorCode.NONE, errorMessage: null };
        } catch (err) {
          if (err instanceof BrokerError)
            return { name: t.name, errorCode: err.errorCode, errorMessage: err.message };
          throw err;
        }
      }),
    };
  },

  errorResponse: (_ctx, request, errorCode) => ({
    throttleTimeMs: 0,
    results: request.topics.map((t) => ({ name: t.name, errorCode, errorMessage: null })),
  }),
});
