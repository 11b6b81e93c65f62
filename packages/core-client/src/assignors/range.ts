import { addPartition, compareMembers, emptyAssignments } from './member-order.js';
import type { AssignmentContext, MemberAssignment, MemberSubscription, PartitionAssignor } from './types.js';

/**
 * Java's RangeAssignor: per topic, the members subscribed to it (in `compareMembers` order) get
 * consecutive ranges of partitions, the first `partitions % members` of them one extra. Co-partitioned
 * topics therefore land together: partition i of every topic goes to the same member.
 */
export class RangeAssignor implements PartitionAssignor {
  readonly name = 'range';
  readonly supportedProtocols = ['eager'] as const;

  assign({ members, partitionsPerTopic }: AssignmentContext): Map<string, MemberAssignment> {
    const out = emptyAssignments(members);
    const subscribers = new Map<string, MemberSubscription[]>();
    for (const member of members) {
      for (const topic of new Set(member.topics)) {
        if (!partitionsPerTopic.has(topic)) continue;
        let list = subscribers.get(topic);
        if (list === undefined) {
          list = [];
          subscribers.set(topic, list);
        }
        list.push(member);
      }
    }
    for (const [topic, consumers] of subscribers) {
      const partitionCount = partitionsPerTopic.get(topic)!;
      consumers.sort(compareMembers);
      const perMember = Math.floor(partitionCount / consumers.length);
      const extra = partitionCount % consumers.length;
      for (let i = 0; i < consumers.length; i++) {
        const start = perMember * i + Math.min(i, extra);
        const length = perMember + (i < extra ? 1 : 0);
        const assignment = out.get(consumers[i].memberId)!;
        for (let p = start; p < start + length; p++) addPartition(assignment, topic, p);
      }
    }
    return out;
  }
}
