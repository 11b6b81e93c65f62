/**
 * LeaveGroup: v0-5.
 *
 * - v0-2 name one member; v3+ a batch of members by member id or group.instance.id (KIP-345),
 *   each with its own error. The group rebalances without the leavers (or becomes Empty).
 * - ACLs: READ on the group, else GROUP_AUTHORIZATION_FAILED.
 */

import type { LeaveGroupResponse } from '@samsa/protocol';
import { AclOperation, ApiKey, ErrorCode, ResourceType } from '@samsa/protocol';
import { authorize } from './authorization.js';
import { coordinatorError } from './common.js';
import { defineHandler } from './types.js';

export const leaveGroupHandler = defineHandler({
  apiKey: ApiKey.LeaveGroup,
  name: 'LeaveGroup',
  minVersion: 0,
  maxVersion: 5,

  handle(ctx, request): LeaveGroupResponse {
    if (!authorize(ctx, AclOperation.READ, ResourceType.GROUP, request.groupId))
      return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED, members: [] };
    if (request.groupId === '')
      return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_GROUP_ID, members: [] };
    const notCoordinator = coordinatorError(ctx, request.groupId);
    if (notCoordinator !== ErrorCode.NONE)
      return { throttleTimeMs: 0, errorCode: notCoordinator, members: [] };
    const batched = ctx.apiVersion >= 3;
    const leaving = batched
      ? (request.members ?? []).map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId }))
      : [{ memberId: request.memberId ?? '', groupInstanceId: null }];
    const result = ctx.cluster.groups.leave(request.groupId, leaving);
    if (batched) return { throttleTimeMs: 0, errorCode: result.errorCode, members: result.members };
    const errorCode =
      result.errorCode !== ErrorCode.NONE
        ? result.errorCode
        : (result.members[0]?.errorCode ?? ErrorCode.NONE);
    return { throttleTimeMs: 0, errorCode };
  },

  errorResponse: (_ctx, _request, errorCode) => ({ throttleTimeMs: 0, errorCode, members: [] }),
});
