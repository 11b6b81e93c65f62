import { addPartition, compareMembers, compareStrings, emptyAssignments } from './member-order.js';
import type { AssignmentContext, MemberAssignment, PartitionAssignor } from './types.js';

/**
 * Java's RoundRobinAssignor: every partition of every subscribed topic (topics sorted, partitions in
 * order) goes to the next member in a circle (in `compareMembers` order) that subscribes to its topic.
 * When all members subscribe to the same topics, counts differ by at most one.
 */
export class RoundRobinAssignor implements PartitionAssignor {
  readonly name: string = 'roundrobin';
  readonly supportedProtocols = ['eager'] as const;

  assign({ members, partitionsPerTopic }: AssignmentContext): Map<string, MemberAssignment> {
    const out = emptyAssignments(members);
    if (members.length === 0) return out;
    const sorted = [...members].sort(compareMembers);
    const subscribed = sorted.map((m) => new Set(m.topics));
    const topics = new Set<string>();
    for (const m of members) for (const t of m.topics) if (partitionsPerTopic.has(t)) topics.add(t);
    let next = 0;
    for (const topic of [...topics].sort(compareStrings)) {
      const partitionCount = partitionsPerTopic.get(topic)!;
      for (let p = 0; p < partitionCount; p++) {
        // Some member subscribes to `topic`, so this finds one within a full turn.
        while (!subscribed[next].has(topic)) next = (next + 1) % sorted.length;
        addPartition(out.get(sorted[next].memberId)!, topic, p);
        next = (next + 1) % sorted.length;
      }
    }
    return out;
  }
}

/**
 * Round-robin under KafkaJS's protocol name `RoundRobinAssigner`, so Samsa consumers can join a group
 * of KafkaJS consumers (and take over from them one by one). Put it next to Samsa's own assignors:
 * `partitionAssignors: [new RoundRobinAssignor(), new KafkaJSRoundRobinAssignor()]`.
 */
export class KafkaJSRoundRobinAssignor extends RoundRobinAssignor {
  override readonly name: string = 'RoundRobinAssigner';
}
