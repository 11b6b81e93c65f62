/**
 * ConsumerGroupHeartbeat: v0-1 (KIP-848; the group logic is groups/consumer/membership.ts).
 *
 * - v0: a member joins with an empty member id and the coordinator generates one.
 * - v1: SubscribedTopicRegex (server-side RE2 regex subscriptions, INVALID_REGULAR_EXPRESSION for a
 *   bad one), and members generate their own id (KIP-1082: an empty one is INVALID_REQUEST).
 * - Errors carry Kafka's messages: INVALID_REQUEST, UNKNOWN_MEMBER_ID, FENCED_MEMBER_EPOCH,
 *   UNSUPPORTED_ASSIGNOR, UNRELEASED_INSTANCE_ID, FENCED_INSTANCE_ID, GROUP_MAX_SIZE_REACHED,
 *   GROUP_ID_NOT_FOUND (a classic group of that id, or epoch > 0 for a group that does not exist),
 *   NOT_COORDINATOR / COORDINATOR_NOT_AVAILABLE when the group is coordinated elsewhere.
 * - ACLs: READ on the group, else GROUP_AUTHORIZATION_FAILED.
 */
import type { ConsumerGroupHeartbeatResponse } from '@samsa/protocol';
import { AclOperation, ApiKey, ErrorCode, ResourceType } from '@samsa/protocol';
import { BrokerError } from '../broker-error.js';
import { authorize } from './authorization.js';
import { clientHostOf, coordinatorError } from './common.js';
import { defineHandler } from './types.js';

function failed(errorCode: number, errorMessage: string | null = null): ConsumerGroupHeartbeatResponse {
  return {
    throttleTimeMs: 0,
    errorCode,
    errorMessage,
    memberId: null,
    memberEpoch: 0,
    heartbeatIntervalMs: 0,
    assignment: null,
  };
}

export const consumerGroupHeartbeatHandler = defineHandler({
  apiKey: ApiKey.ConsumerGroupHeartbeat,
  name: 'ConsumerGroupHeartbeat',
  minVersion: 0,
  maxVersion: 1,

  handle(ctx, request): ConsumerGroupHeartbeatResponse {
    if (!authorize(ctx, AclOperation.READ, ResourceType.GROUP, request.groupId))
      return failed(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    const notCoordinator = coordinatorError(ctx, request.groupId);
    if (notCoordinator !== ErrorCode.NONE) return failed(notCoordinator);
    try {
      const result = ctx.cluster.groups.consumerHeartbeat({
        apiVersion: ctx.apiVersion,
        groupId: request.groupId,
        memberId: request.memberId,
        memberEpoch: request.memberEpoch,
        instanceId: request.instanceId,
        rackId: request.rackId,
        rebalanceTimeoutMs: request.rebalanceTimeoutMs,
        subscribedTopicNames: request.subscribedTopicNames,
        subscribedTopicRegex: request.subscribedTopicRegex ?? null,
        serverAssignor: request.serverAssignor,
        topicPartitions: request.topicPartitions,
        clientId: ctx.header.clientId ?? '',
        clientHost: clientHostOf(ctx),
      });
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        memberId: result.memberId,
        memberEpoch: result.memberEpoch,
        heartbeatIntervalMs: result.heartbeatIntervalMs,
        assignment: result.assignment && { topicPartitions: result.assignment },
      };
    } catch (err) {
      if (err instanceof BrokerError) return failed(err.errorCode, err.message);
      throw err;
    }
  },

  errorResponse: (_ctx, _request, errorCode) => failed(errorCode),
});
