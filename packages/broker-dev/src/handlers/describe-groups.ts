/**
 * DescribeGroups: v0-5.
 *
 * - State names as Kafka reports them (Empty, PreparingRebalance, CompletingRebalance, Stable,
 *   Dead). Member metadata, assignments and the protocol name are filled in only for a Stable
 *   group, as in Kafka. An unknown group is reported as Dead with no error (v0-5), and so is a
 *   KIP-848 consumer group: DescribeGroups describes classic groups (ConsumerGroupDescribe the others).
 * - Groups another broker coordinates get NOT_COORDINATOR.
 * - ACLs: DESCRIBE on each group, else GROUP_AUTHORIZATION_FAILED; authorized operations (v3+) from them.
 */

import type { DescribeGroupsResponseDescribedGroup } from '@samsa/protocol';
import { AclOperation, ApiKey, ErrorCode, ResourceType } from '@samsa/protocol';
import { authorize, authorizedOperations } from './authorization.js';
import { AUTHORIZED_OPERATIONS_OMITTED, coordinatorError } from './common.js';
import { defineHandler } from './types.js';

function failed(groupId: string, errorCode: number): DescribeGroupsResponseDescribedGroup {
  return {
    errorCode,
    groupId,
    groupState: '',
    protocolType: '',
    protocolData: '',
    members: [],
    authorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  };
}

export const describeGroupsHandler = defineHandler({
  apiKey: ApiKey.DescribeGroups,
  name: 'DescribeGroups',
  minVersion: 0,
  maxVersion: 5,

  handle(ctx, request) {
    return {
      throttleTimeMs: 0,
      groups: request.groups.map((groupId): DescribeGroupsResponseDescribedGroup => {
        if (!authorize(ctx, AclOperation.DESCRIBE, ResourceType.GROUP, groupId))
          return failed(groupId, ErrorCode.GROUP_AUTHORIZATION_FAILED);
        const notCoordinator = coordinatorError(ctx, groupId);
        if (notCoordinator !== ErrorCode.NONE) return failed(groupId, notCoordinator);
        const summary = ctx.cluster.groups.describe(groupId);
        return {
          errorCode: ErrorCode.NONE,
          groupId,
          groupState: summary.state,
          protocolType: summary.protocolType,
          protocolData: summary.protocolName,
          members: summary.members.map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            clientId: m.clientId,
            clientHost: m.clientHost,
            memberMetadata: m.metadata,
            memberAssignment: m.assignment,
          })),
          authorizedOperations: request.includeAuthorizedOperations
            ? authorizedOperations(ctx, ResourceType.GROUP, groupId)
            : AUTHORIZED_OPERATIONS_OMITTED,
        };
      }),
    };
  },

  errorResponse: (_ctx, request, errorCode) => ({
    throttleTimeMs: 0,
    groups: request.groups.map((groupId) => failed(groupId, errorCode)),
  }),
});
