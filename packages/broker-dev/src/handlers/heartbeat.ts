/**
 * Heartbeat: v0-4.
 *
 * - Keeps a member's session alive. REBALANCE_IN_PROGRESS while the group prepares a
 *   rebalance (the member must rejoin), ILLEGAL_GENERATION / UNKNOWN_MEMBER_ID /
 *   FENCED_INSTANCE_ID as in Kafka.
 * - ACLs: READ on the group, else GROUP_AUTHORIZATION_FAILED.
 */
import { AclOperation, ApiKey, ErrorCode, ResourceType } from '@samsa/protocol';
import { authorize } from './authorization.js';
import { coordinatorError } from './common.js';
import { defineHandler } from './types.js';

export const heartbeatHandler = defineHandler({
  apiKey: ApiKey.Heartbeat,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 4,

  handle(ctx, request) {
    if (!authorize(ctx, AclOperation.READ, ResourceType.GROUP, request.groupId))
      return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED };
    if (request.groupId === '') return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_GROUP_ID };
    const notCoordinator = coordinatorError(ctx, request.groupId);
    if (notCoordinator !== ErrorCode.NONE) return { throttleTimeMs: 0, errorCode: notCoordinator };
    const errorCode = ctx.cluster.groups.heartbeat(
      request.groupId,
      request.memberId,
      request.groupInstanceId ?? null,
      request.generationId,
    );
    return { throttleTimeMs: 0, errorCode };
  },

  errorResponse: (_ctx, _request, errorCode) => ({ throttleTimeMs: 0, errorCode }),
});
