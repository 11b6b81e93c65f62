import type { MemberAssignment, MemberSubscription } from './types.js';

/**
 * Java's `MemberInfo` order: static members first, by group instance id, then dynamic members by
 * member id. Assignors that sort members this way hand a restarted static member the same partitions.
 */
export function compareMembers(a: MemberSubscription, b: MemberSubscription): number {
  if (a.groupInstanceId !== null && b.groupInstanceId !== null)
    return compareStrings(a.groupInstanceId, b.groupInstanceId);
  if (a.groupInstanceId !== null) return -1;
  if (b.groupInstanceId !== null) return 1;
  return compareStrings(a.memberId, b.memberId);
}

/** Code-unit order, like Java's `String.compareTo` (not locale-aware). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function emptyAssignments(members: readonly MemberSubscription[]): Map<string, MemberAssignment> {
  const out = new Map<string, MemberAssignment>();
  for (const m of members) out.set(m.memberId, { partitions: new Map() });
  return out;
}

export function addPartition(assignment: MemberAssignment, topic: string, partition: number): void {
  let list = assignment.partitions.get(topic);
  if (list === undefined) {
    list = [];
    assignment.partitions.set(topic, list);
  }
  list.push(partition);
}
