/**
 * SyncGroup: v0-5.
 *
 * - Followers wait until the leader sends the assignment; the leader's SyncGroup moves the
 *   group to Stable and answers everyone. Assignments are opaque bytes.
 * - In a stable group SyncGroup returns the member's current assignment.
 * - v5 checks protocolType/protocolName against the group (INCONSISTENT_GROUP_PROTOCOL).
 * - ACLs: READ on the group, else GROUP_AUTHORIZATION_FAILED.
 */

import type { SyncGroupResponse } from '@samsa/protocol';
import { AclOperation, ApiKey, ErrorCode, ResourceType } from '@samsa/protocol';
import type { SyncResult } from '../groups/classic/group.js';
import { authorize } from './authorization.js';
import { coordinatorError } from './common.js';
import { defineHandler } from './types.js';

const EMPTY = Buffer.alloc(0);

function toResponse(result: SyncResult): SyncGroupResponse {
  return {
    throttleTimeMs: 0,
    errorCode: result.errorCode,
    protocolType: result.protocolType,
    protocolName: result.protocolName,
    assignment: result.assignment,
  };
}

function errorResponse(errorCode: number): SyncGroupResponse {
  return { throttleTimeMs: 0, errorCode, protocolType: null, protocolName: null, assignment: EMPTY };
}

export const syncGroupHandler = defineHandler({
  apiKey: ApiKey.SyncGroup,
  name: 'SyncGroup',
  minVersion: 0,
  maxVersion: 5,

  handle(ctx, request) {
    if (!authorize(ctx, AclOperation.READ, ResourceType.GROUP, request.groupId))
      return errorResponse(ErrorCode.GROUP_AUTHORIZATION_FAILED);
    if (request.groupId === '') return errorResponse(ErrorCode.INVALID_GROUP_ID);
    const notCoordinator = coordinatorError(ctx, request.groupId);
    if (notCoordinator !== ErrorCode.NONE) return errorResponse(notCoordinator);
    const result = ctx.cluster.groups.sync({
      groupId: request.groupId,
      generationId: request.generationId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId ?? null,
      protocolType: request.protocolType ?? null,
      protocolName: request.protocolName ?? null,
      assignments: request.assignments.map((a) => ({
        memberId: a.memberId,
        assignment: Buffer.from(a.assignment),
      })),
    });
    return result instanceof Promise ? result.then(toResponse) : toResponse(result);
  },

  errorResponse: (_ctx, _request, errorCode) => errorResponse(errorCode),
});
