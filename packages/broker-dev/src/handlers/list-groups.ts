/**
 * ListGroups: v0-5.
 *
 * - Lists the groups this broker coordinates (admin clients ask every broker and merge), including
 *   groups that only store offsets. v4 filters by state (case-insensitive), v5 by type; every group
 *   here is a "classic" group.
 */
import { ApiKey, ErrorCode } from '@samsa/protocol';
import { defineHandler } from './types.js';

export const listGroupsHandler = defineHandler({
  apiKey: ApiKey.ListGroups,
  name: 'ListGroups',
  minVersion: 0,
  maxVersion: 5,

  handle(ctx, request) {
    const states = new Set((request.statesFilter ?? []).map((s) => s.toLowerCase()));
    const types = new Set((request.typesFilter ?? []).map((t) => t.toLowerCase()));
    if (types.size > 0 && !types.has('classic'))
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, groups: [] };
    const groups = [];
    for (const group of ctx.cluster.groups.allGroups()) {
      if (ctx.cluster.coordinatorFor(group.groupId)?.id !== ctx.node.id) continue;
      if (states.size > 0 && !states.has(group.state.toLowerCase())) continue;
      groups.push({
        groupId: group.groupId,
        protocolType: group.protocolType ?? '',
        groupState: group.state,
        groupType: 'classic',
      });
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, groups };
  },

  errorResponse: (_ctx, _request, errorCode) => ({ throttleTimeMs: 0, errorCode, groups: [] }),
});
