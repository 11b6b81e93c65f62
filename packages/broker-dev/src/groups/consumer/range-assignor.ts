/**
 * The `range` server assignor (Kafka's group-coordinator RangeAssignor): each topic's partitions are
 * cut into contiguous ranges over the members subscribed to it, so members with the same
 * subscriptions on topics of equal size are co-partitioned. Members are ordered by instance id
 * (static members first), then member id, so a static group keeps its ranges across restarts.
 */
import type { Assignment } from './assignment.js';
import type { AssignmentSpec, AssignorMember, ServerAssignor } from './server-assignor.js';

function compareMembers(a: AssignorMember, b: AssignorMember): number {
  if (a.instanceId !== null && b.instanceId !== null)
    return a.instanceId < b.instanceId ? -1 : a.instanceId > b.instanceId ? 1 : 0;
  if (a.instanceId !== null) return -1;
  if (b.instanceId !== null) return 1;
  return a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0;
}

export const rangeAssignor: ServerAssignor = {
  name: 'range',
  assign(spec: AssignmentSpec): Map<string, Assignment> {
    const members = [...spec.members].sort(compareMembers);
    const subscribers = new Map<string, number>();
    for (const m of members) for (const t of m.topicIds) subscribers.set(t, (subscribers.get(t) ?? 0) + 1);
    const next = new Map<string, { partitions: number; quota: number; extra: number; start: number }>();
    for (const [topicId, count] of subscribers) {
      const partitions = spec.partitionCount(topicId);
      next.set(topicId, {
        partitions,
        quota: Math.floor(partitions / count),
        extra: partitions % count,
        start: 0,
      });
    }
    const out = new Map<string, Assignment>();
    for (const m of members) {
      const assignment = new Map<string, Set<number>>();
      for (const topicId of [...m.topicIds].sort()) {
        const t = next.get(topicId)!;
        let quota = t.quota;
        if (t.extra > 0) {
          quota++;
          t.extra--;
        }
        const end = Math.min(t.start + quota, t.partitions);
        if (t.start < end)
          assignment.set(topicId, new Set(Array.from({ length: end - t.start }, (_, i) => t.start + i)));
        t.start = end;
      }
      out.set(m.memberId, assignment);
    }
    return out;
  },
};
