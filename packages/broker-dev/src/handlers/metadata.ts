/**
 * Metadata: v0-12.
 *
 * - Lists live brokers only; partitions report leader, leader epoch (v7+), replicas, ISR and
 *   offline replicas (v5+); a partition without a live replica has leader -1 and
 *   LEADER_NOT_AVAILABLE.
 * - topics null (v1+) or empty (v0) means every topic. Unknown topics are auto-created when
 *   the broker allows it and the request does (allowAutoTopicCreation, v4+; always for v0-3);
 *   the new topic is returned at once instead of Kafka's first LEADER_NOT_AVAILABLE answer.
 * - Topic ids from v10; v10+ may look topics up by id (UNKNOWN_TOPIC_ID when unknown).
 * - __consumer_offsets and the other Kafka internal topics are flagged isInternal if they exist.
 * - Authorized operations (v8+) are reported as "everything" when asked for: the dev broker
 *   has no ACLs.
 */
import {
  ApiKey,
  ErrorCode,
  type MetadataRequest,
  type MetadataResponse,
  type MetadataResponseMetadataResponseTopic,
  ZERO_UUID,
} from '@samsa/protocol';
import { BrokerError } from '../broker-error.js';
import { isInternalTopic } from '../cluster/internal-topics.js';
import { advertisedAddress } from '../cluster/nodes.js';
import type { Topic } from '../cluster/topic.js';
import { topicNameProblem } from '../cluster/topic.js';
import { AUTHORIZED_OPERATIONS_OMITTED } from './common.js';
import { defineHandler, type RequestContext } from './types.js';

/** READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS. */
const ALL_TOPIC_OPERATIONS =
  (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8) | (1 << 10) | (1 << 11);
/** CREATE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE, ... */
export const ALL_CLUSTER_OPERATIONS =
  (1 << 5) | (1 << 7) | (1 << 8) | (1 << 9) | (1 << 10) | (1 << 11) | (1 << 12) | (1 << 13) | (1 << 14);

function describeTopic(
  ctx: RequestContext,
  topic: Topic,
  withOperations: boolean,
): MetadataResponseMetadataResponseTopic {
  const cluster = ctx.cluster;
  return {
    errorCode: ErrorCode.NONE,
    name: topic.name,
    topicId: topic.id,
    isInternal: isInternalTopic(topic.name),
    partitions: topic.partitions.map((p) => ({
      errorCode: p.leader === -1 ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.NONE,
      partitionIndex: p.index,
      leaderId: p.leader,
      leaderEpoch: p.leaderEpoch,
      replicaNodes: p.replicas,
      isrNodes: p.isr,
      offlineReplicas: p.replicas.filter((id) => !cluster.node(id)?.up),
    })),
    topicAuthorizedOperations: withOperations ? ALL_TOPIC_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED,
  };
}

function missingTopic(
  name: string | null,
  topicId: string | undefined,
  errorCode: number,
): MetadataResponseMetadataResponseTopic {
  return {
    errorCode,
    name,
    topicId: topicId ?? ZERO_UUID,
    isInternal: false,
    partitions: [],
    topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  };
}

export const metadataHandler = defineHandler({
  apiKey: ApiKey.Metadata,
  name: 'Metadata',
  minVersion: 0,
  maxVersion: 12,

  handle(ctx, request: MetadataRequest): MetadataResponse {
    const cluster = ctx.cluster;
    const version = ctx.apiVersion;
    const withOperations = request.includeTopicAuthorizedOperations === true;
    const allowAutoCreate = version < 4 || request.allowAutoTopicCreation !== false;
    const allTopics = request.topics === null || (version === 0 && request.topics.length === 0);
    let topics: MetadataResponseMetadataResponseTopic[];
    if (allTopics) {
      topics = [...cluster.topics()].map((t) => describeTopic(ctx, t, withOperations));
    } else {
      topics = request.topics!.map((wanted) => {
        if (wanted.name === null || wanted.name === undefined) {
          const byId = wanted.topicId ? cluster.topicById(wanted.topicId) : undefined;
          if (byId) return describeTopic(ctx, byId, withOperations);
          return missingTopic(version >= 12 ? null : '', wanted.topicId, ErrorCode.UNKNOWN_TOPIC_ID);
        }
        const name = wanted.name;
        const existing = cluster.topic(name);
        if (existing) return describeTopic(ctx, existing, withOperations);
        if (topicNameProblem(name)) return missingTopic(name, undefined, ErrorCode.INVALID_TOPIC_EXCEPTION);
        if (allowAutoCreate) {
          try {
            const created = cluster.autoCreate(name);
            if (created) return describeTopic(ctx, created, withOperations);
          } catch (err) {
            const code = err instanceof BrokerError ? err.errorCode : ErrorCode.UNKNOWN_SERVER_ERROR;
            return missingTopic(name, undefined, code);
          }
        }
        return missingTopic(name, undefined, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      });
    }
    return {
      throttleTimeMs: 0,
      brokers: cluster
        .liveNodes()
        .map((n) => ({ nodeId: n.id, ...advertisedAddress(n, ctx.listenerName), rack: n.rack })),
      clusterId: cluster.clusterId,
      controllerId: cluster.controllerId(),
      topics,
      clusterAuthorizedOperations:
        request.includeClusterAuthorizedOperations === true
          ? ALL_CLUSTER_OPERATIONS
          : AUTHORIZED_OPERATIONS_OMITTED,
    };
  },

  errorResponse(ctx, request, errorCode) {
    const names = request.topics?.map((t) => t.name ?? '') ?? [];
    return {
      throttleTimeMs: 0,
      brokers: ctx.cluster
        .liveNodes()
        .map((n) => ({ nodeId: n.id, ...advertisedAddress(n, ctx.listenerName), rack: n.rack })),
      clusterId: ctx.cluster.clusterId,
      controllerId: ctx.cluster.controllerId(),
      topics: names.map((name) => missingTopic(name, undefined, errorCode)),
    };
  },
});
