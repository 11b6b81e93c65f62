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
 * - ACLs: topics the principal may not DESCRIBE are left out of "every topic" and answered
 *   TOPIC_AUTHORIZATION_FAILED when named (by name or id); auto-creating a topic needs CREATE on the
 *   cluster or on the topic (else TOPIC_AUTHORIZATION_FAILED). Authorized operations (v8+) come from the
 *   ACLs (every operation when they are off); the cluster's are 0 without DESCRIBE on the cluster.
 */
import {
  AclOperation,
  ApiKey,
  ErrorCode,
  type MetadataRequest,
  type MetadataResponse,
  type MetadataResponseMetadataResponseTopic,
  ResourceType,
  ZERO_UUID,
} from '@samsa/protocol';
import { BrokerError } from '../broker-error.js';
import { isInternalTopic } from '../cluster/internal-topics.js';
import { advertisedAddress } from '../cluster/nodes.js';
import type { Topic } from '../cluster/topic.js';
import { topicNameProblem } from '../cluster/topic.js';
import {
  authorize,
  authorizeCluster,
  authorizedOperations,
  clusterAuthorizedOperations,
} from './authorization.js';
import { AUTHORIZED_OPERATIONS_OMITTED } from './common.js';
import { defineHandler, type RequestContext } from './types.js';

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
    topicAuthorizedOperations: withOperations
      ? authorizedOperations(ctx, ResourceType.TOPIC, topic.name)
      : AUTHORIZED_OPERATIONS_OMITTED,
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

/** Auto-creating a topic needs CREATE on the cluster or on the topic. */
function mayCreate(ctx: RequestContext, name: string): boolean {
  return (
    authorizeCluster(ctx, AclOperation.CREATE) ||
    authorize(ctx, AclOperation.CREATE, ResourceType.TOPIC, name)
  );
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
    const mayDescribe = (name: string) => authorize(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, name);
    let topics: MetadataResponseMetadataResponseTopic[];
    if (allTopics) {
      topics = [...cluster.topics()]
        .filter((t) => mayDescribe(t.name))
        .map((t) => describeTopic(ctx, t, withOperations));
    } else {
      topics = request.topics!.map((wanted) => {
        if (wanted.name === null || wanted.name === undefined) {
          const byId = wanted.topicId ? cluster.topicById(wanted.topicId) : undefined;
          if (byId && !mayDescribe(byId.name)) {
            // Topic ids are not secret, names are: answer with the id only.
            return missingTopic(null, byId.id, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
          }
          if (byId) return describeTopic(ctx, byId, withOperations);
          return missingTopic(version >= 12 ? null : '', wanted.topicId, ErrorCode.UNKNOWN_TOPIC_ID);
        }
        const name = wanted.name;
        // Before existence: a principal must not learn which topics exist.
        if (!mayDescribe(name)) return missingTopic(name, undefined, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
        const existing = cluster.topic(name);
        if (existing) return describeTopic(ctx, existing, withOperations);
        if (topicNameProblem(name)) return missingTopic(name, undefined, ErrorCode.INVALID_TOPIC_EXCEPTION);
        if (allowAutoCreate && cluster.autoCreateTopics && !mayCreate(ctx, name)) {
          return missingTopic(name, undefined, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
        }
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
          ? clusterAuthorizedOperations(ctx)
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
