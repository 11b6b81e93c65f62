/**
 * CreateTopics: v0-7.
 *
 * - numPartitions / replicationFactor -1 (v4+) take the broker defaults (--partitions, and
 *   min(3, brokers) replicas); explicit replica assignments are honoured.
 * - Errors per topic as Kafka gives them: TOPIC_ALREADY_EXISTS, INVALID_TOPIC_EXCEPTION,
 *   INVALID_PARTITIONS, INVALID_REPLICATION_FACTOR, INVALID_REPLICA_ASSIGNMENT, INVALID_CONFIG,
 *   INVALID_REQUEST for a name given twice. validateOnly (v1+) checks without creating.
 * - v5+ answers with the partition count, replication factor and configs; v7+ the topic id.
 * - Any broker accepts it (KRaft forwards to the controller; here there is one cluster model).
 * - ACLs: CREATE on the cluster or on the topic, else TOPIC_AUTHORIZATION_FAILED. Without
 *   DESCRIBE_CONFIGS on the topic its configs, partition count and replication factor are withheld
 *   (topicConfigErrorCode TOPIC_AUTHORIZATION_FAILED).
 */

import type { CreateTopicsResponse, CreateTopicsResponseCreatableTopicResult } from '@samsa/protocol';
import { AclOperation, ApiKey, ErrorCode, ResourceType, ZERO_UUID } from '@samsa/protocol';
import { BrokerError } from '../broker-error.js';
import { describeTopicConfigs } from '../cluster/topic-configs.js';
import { authorize, authorizeCluster } from './authorization.js';
import { configSourceCode } from './describe-configs.js';
import { defineHandler, type RequestContext } from './types.js';

function failed(
  name: string,
  errorCode: number,
  errorMessage: string | null,
): CreateTopicsResponseCreatableTopicResult {
  return {
    name,
    topicId: ZERO_UUID,
    errorCode,
    errorMessage,
    topicConfigErrorCode: ErrorCode.NONE,
    numPartitions: -1,
    replicationFactor: -1,
    configs: null,
  };
}

function created(
  ctx: RequestContext,
  name: string,
  configs: Record<string, string>,
  numPartitions: number,
  replicationFactor: number,
  topicId: string,
): CreateTopicsResponseCreatableTopicResult {
  const cluster = ctx.cluster;
  if (!authorize(ctx, AclOperation.DESCRIBE_CONFIGS, ResourceType.TOPIC, name)) {
    return {
      ...failed(name, ErrorCode.NONE, null),
      topicId,
      topicConfigErrorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
    };
  }
  return {
    name,
    topicId,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    topicConfigErrorCode: ErrorCode.NONE,
    numPartitions,
    replicationFactor,
    configs: describeTopicConfigs(configs, cluster.topicDefaults, cluster.logConfigFor(configs)).map((c) => ({
      name: c.name,
      value: c.value,
      readOnly: false,
      configSource: configSourceCode(c.source),
      isSensitive: false,
    })),
  };
}

export const createTopicsHandler = defineHandler({
  apiKey: ApiKey.CreateTopics,
  name: 'CreateTopics',
  minVersion: 0,
  maxVersion: 7,

  handle(ctx, request): CreateTopicsResponse {
    const cluster = ctx.cluster;
    const counts = new Map<string, number>();
    for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
    const validateOnly = request.validateOnly === true;
    const mayCreateAny = authorizeCluster(ctx, AclOperation.CREATE);
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => {
        if ((counts.get(t.name) ?? 0) > 1) {
          return failed(
            t.name,
            ErrorCode.INVALID_REQUEST,
            `Create topics request from client contains a duplicate topic ${t.name}.`,
          );
        }
        if (!mayCreateAny && !authorize(ctx, AclOperation.CREATE, ResourceType.TOPIC, t.name))
          return failed(t.name, ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'Authorization failed.');
        const configs: Record<string, string> = {};
        for (const c of t.configs) if (c.value !== null) configs[c.name] = c.value;
        const assignments = [...t.assignments]
          .sort((a, b) => a.partitionIndex - b.partitionIndex)
          .map((a) => a.brokerIds);
        try {
          const topic = cluster.createTopic(t.name, {
            numPartitions: t.numPartitions,
            replicationFactor: t.replicationFactor,
            assignments,
            configs,
            validateOnly,
          });
          if (!topic) {
            const partitions =
              assignments.length || (t.numPartitions === -1 ? cluster.defaultPartitions : t.numPartitions);
            const rf =
              assignments[0]?.length ??
              (t.replicationFactor === -1 ? cluster.defaultReplicationFactor : t.replicationFactor);
            return created(ctx, t.name, configs, partitions, rf, ZERO_UUID);
          }
          return created(
            ctx,
            t.name,
            configs,
            topic.partitions.length,
            topic.partitions[0]?.replicas.length ?? 0,
            topic.id,
          );
        } catch (err) {
          if (err instanceof BrokerError) return failed(t.name, err.errorCode, err.message);
          throw err;
        }
      }),
    };
  },

  errorResponse: (_ctx, request, errorCode) => ({
    throttleTimeMs: 0,
    topics: request.topics.map((t) => failed(t.name, errorCode, null)),
  }),
});
