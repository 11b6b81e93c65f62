/**
 * ConsumerGroupDescribe: v0-1 (KIP-848).
 *
 * - Per group: state (Empty, Assigning, Reconciling, Stable), group epoch, assignment epoch, the
 *   assignor in use, and each member's subscription, epoch, current and target assignment (topic
 *   ids with names; partitions of deleted topics are left out).
 * - v1 adds each member's type (KIP-1099): 1, every member here uses the consumer protocol.
 * - A group that does not exist, or is a classic group, gets GROUP_ID_NOT_FOUND with Kafka's
 *   message; groups coordinated elsewhere get NOT_COORDINATOR.
 * - ACLs: DESCRIBE on each group, else GROUP_AUTHORIZATION_FAILED; authorized operations from them.
 */
import type {
  ConsumerGroupDescribeResponseDescribedGroup,
  ConsumerGroupDescribeResponseTopicPartitions,
} from '@samsa/protocol';
import { AclOperation, ApiKey, ErrorCode, ResourceType } from '@samsa/protocol';
import type { Assignment } from '../groups/consumer/assignment.js';
import { authorize, authorizedOperations } from './authorization.js';
import { AUTHORIZED_OPERATIONS_OMITTED, coordinatorError } from './common.js';
import { defineHandler, type RequestContext } from './types.js';

/** KIP-1099's member type of a member using the consumer protocol. */
const CONSUMER_MEMBER_TYPE = 1;

function failed(
  groupId: string,
  errorCode: number,
  errorMessage: string | null = null,
): ConsumerGroupDescribeResponseDescribedGroup {
  return {
    errorCode,
    errorMessage,
    groupId,
    groupState: '',
    groupEpoch: -1,
    assignmentEpoch: -1,
    assignorName: '',
    members: [],
    authorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
  };
}

function named(ctx: RequestContext, assignment: Assignment): ConsumerGroupDescribeResponseTopicPartitions[] {
  const out: ConsumerGroupDescribeResponseTopicPartitions[] = [];
  for (const [topicId, partitions] of assignment) {
    const topicName = ctx.cluster.topicById(topicId)?.name;
    if (topicName === undefined) continue;
    out.push({ topicId, topicName, partitions: [...partitions].sort((a, b) => a - b) });
  }
  return out;
}

export const consumerGroupDescribeHandler = defineHandler({
  apiKey: ApiKey.ConsumerGroupDescribe,
  name: 'ConsumerGroupDescribe',
  minVersion: 0,
  maxVersion: 1,

  handle(ctx, request) {
    const groups = ctx.cluster.groups;
    return {
      throttleTimeMs: 0,
      groups: request.groupIds.map((groupId): ConsumerGroupDescribeResponseDescribedGroup => {
        if (groupId === '')
          return failed(groupId, ErrorCode.INVALID_GROUP_ID, 'GroupId can not be null or empty.');
        if (!authorize(ctx, AclOperation.DESCRIBE, ResourceType.GROUP, groupId))
          return failed(groupId, ErrorCode.GROUP_AUTHORIZATION_FAILED);
        const notCoordinator = coordinatorError(ctx, groupId);
        if (notCoordinator !== ErrorCode.NONE) return failed(groupId, notCoordinator);
        const group = groups.consumerGroup(groupId);
        if (!group) {
          const message = groups.get(groupId)
            ? `Group ${groupId} is not a consumer group.`
            : `Group ${groupId} not found.`;
          return failed(groupId, ErrorCode.GROUP_ID_NOT_FOUND, message);
        }
        return {
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          groupId,
          groupState: group.state,
          groupEpoch: group.groupEpoch,
          assignmentEpoch: group.assignmentEpoch,
          assignorName: group.preferredServerAssignor() ?? ctx.cluster.groupConfig.consumerAssignors[0],
          members: [...group.members.values()].map((m) => ({
            memberId: m.memberId,
            instanceId: m.instanceId,
            rackId: m.rackId,
            memberEpoch: m.memberEpoch,
            clientId: m.clientId,
            clientHost: m.clientHost,
            subscribedTopicNames: [...m.subscribedTopicNames],
            subscribedTopicRegex: m.subscribedTopicRegex,
            assignment: { topicPartitions: named(ctx, m.assigned) },
            targetAssignment: {
              topicPartitions: named(ctx, group.targetAssignment.get(m.memberId) ?? new Map()),
            },
            memberType: CONSUMER_MEMBER_TYPE,
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
    groups: request.groupIds.map((groupId) => failed(groupId, errorCode)),
  }),
});
