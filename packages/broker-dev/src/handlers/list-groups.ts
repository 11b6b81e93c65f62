/**
 * ListGroups: v0-5.
 *
 * - Lists the groups this broker coordinates (admin clients ask every broker and merge), including
 *   groups that only store offsets. v4 filters by state and v5 by type ("classic" or "consumer"),
 *   both case-insensitive. KIP-848 consumer groups list protocol type "consumer" and their states
 *   (Empty, Assigning, Reconciling, Stable).
 * - ACLs: DESCRIBE on the cluster lists every group; otherwise only groups the principal may DESCRIBE.
 */
import { AclOperation, ApiKey, ErrorCode, ResourceType } from '@samsa/protocol';
import { authorize, authorizeCluster } from './authorization.js';
import { defineHandler } from './types.js';

export const listGroupsHandler = defineHandler({
  apiKey: ApiKey.ListGroups,
  name: 'ListGroups',
  minVersion: 0,
  maxVersion: 5,

  handle(ctx, request) {
    const states = new Set((request.statesFilter ?? []).map((s) => s.toLowerCase()));
    const types = new Set((request.typesFilter ?? []).map((t) => t.toLowerCase()));
    const everyGroup = authorizeCluster(ctx, AclOperation.DESCRIBE);
    const groups = [];
    for (const group of ctx.cluster.groups.listGroups()) {
      if (ctx.cluster.coordinatorFor(group.groupId)?.id !== ctx.node.id) continue;
      if (states.size > 0 && !states.has(group.state.toLowerCase())) continue;
      if (types.size > 0 && !types.has(group.type)) continue;
      if (!everyGroup && !authorize(ctx, AclOperation.DESCRIBE, ResourceType.GROUP, group.groupId)) continue;
      groups.push({
        groupId: group.groupId,
        protocolType: group.protocolType,
        groupState: group.state,
        groupType: group.type,
      });
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, groups };
  },

  errorResponse: (_ctx, _request, errorCode) => ({ throttleTimeMs: 0, errorCode, groups: [] }),
});
