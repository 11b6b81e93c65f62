/**
 * The target assignment (Kafka's TargetAssignmentBuilder): when the group epoch moved past the
 * assignment epoch, the group's server assignor computes every member's target from the members'
 * subscriptions and the subscribed topics' metadata, starting from the previous target so the
 * assignor can be sticky. Members whose subscribed topics do not exist get nothing for them.
 */
import { type Assignment, EMPTY_ASSIGNMENT } from './assignment.js';
import type { ConsumerGroup } from './consumer-group.js';
import type { AssignorMember, ServerAssignor } from './server-assignor.js';

export function computeTargetAssignment(
  group: ConsumerGroup,
  assignor: ServerAssignor,
): Map<string, Assignment> {
  const idsByName = group.subscriptionMetadata;
  const partitionsById = new Map<string, number>();
  for (const { topicId, partitions } of idsByName.values()) partitionsById.set(topicId, partitions);

  const members: AssignorMember[] = [...group.members.values()]
    .sort((a, b) => (a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0))
    .map((m) => {
      const topicIds = new Set<string>();
      for (const name of group.memberTopics(m)) {
        const topic = idsByName.get(name);
        if (topic) topicIds.add(topic.topicId);
      }
      return {
        memberId: m.memberId,
        instanceId: m.instanceId,
        topicIds,
        current: group.targetAssignment.get(m.memberId) ?? EMPTY_ASSIGNMENT,
      };
    });
  const first = members[0]?.topicIds;
  const homogeneous = members.every(
    (m) => m.topicIds.size === first?.size && [...m.topicIds].every((t) => first.has(t)),
  );
  const result = assignor.assign({
    members,
    homogeneous,
    partitionCount: (topicId) => partitionsById.get(topicId) ?? 0,
  });
  for (const m of members) if (!result.has(m.memberId)) result.set(m.memberId, EMPTY_ASSIGNMENT);
  return result;
}
