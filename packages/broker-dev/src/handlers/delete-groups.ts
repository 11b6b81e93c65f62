/**
 * DeleteGroups: v0-2.
 *
 * - Deletes empty groups and their committed offsets; NON_EMPTY_GROUP while members remain,
 *   GROUP_ID_NOT_FOUND for unknown groups, NOT_COORDINATOR for groups of another broker.
 * - ACLs: DELETE on each group, else GROUP_AUTHORIZATION_FAILED.
 */
import { AclOperation, ApiKey, ErrorCode, ResourceType } from '@samsa/protocol';
import { authorize } from './authorization.js';
import { coordinatorError } from './common.js';
import { defineHandler } from './types.js';

export const deleteGroupsHandler = defineHandler({
  apiKey: ApiKey.DeleteGroups,
  name: 'DeleteGroups',
  minVersion: 0,
  maxVersion: 2,

  handle(ctx, request) {
    return {
      throttleTimeMs: 0,
      results: request.groupsNames.map((groupId) => {
        if (!authorize(ctx, AclOperation.DELETE, ResourceType.GROUP, groupId))
          return { groupId, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED };
        const notCoordinator = coordinatorError(ctx, groupId);
        if (notCoordinator !== ErrorCode.NONE) return { groupId, errorCode: notCoordinator };
        return { groupId, errorCode: ctx.cluster.groups.deleteGroup(groupId) };
      }),
    };
  },

  errorResponse: (_ctx, request, errorCode) => ({
    throttleTimeMs: 0,
    results: request.groupsNames.map((groupId) => ({ groupId, errorCode })),
  }),
});
