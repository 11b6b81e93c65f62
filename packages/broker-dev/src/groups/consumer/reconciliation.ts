/**
 * Reconciliation (Kafka's CurrentAssignmentBuilder): moves one member from its current assignment
 * towards its target, one safe step per heartbeat. A partition is revoked from its owner before it
 * is given to anyone else, and the member epoch is what fences a stale owner:
 *
 * - partitions the member holds but the target drops are pending revocation; while the member still
 *   reports one as owned it stays at its epoch (unrevoked_partitions) with the shrunken assignment;
 * - once nothing is left to revoke it moves to the target epoch and gets the target partitions that
 *   are free (owner epoch -1); those still held elsewhere come later (unreleased_partitions).
 */
import { type Assignment, EMPTY_ASSIGNMENT, intersects, type TopicIdPartitions } from './assignment.js';
import type { MemberAssignmentState } from './consumer-group.js';

export interface ReconcileInput {
  member: MemberAssignmentState;
  targetEpoch: number;
  target: Assignment;
  /** Epoch of the member holding a partition, or -1 when it is free. */
  partitionEpoch: (topicId: string, partition: number) => number;
  /** What the member reported owning in this heartbeat; null when it did not say (assume unchanged). */
  owned: readonly TopicIdPartitions[] | null;
}

/** The member's next assignment state; `input.member` itself when nothing can move yet. */
export function reconcile(input: ReconcileInput): MemberAssignmentState {
  const { member, targetEpoch } = input;
  switch (member.state) {
    case 'stable':
      if (member.memberEpoch === targetEpoch) return member;
      return nextAssignment(input, member.memberEpoch);
    case 'unrevoked_partitions':
      if (stillOwnsAny(input.owned, member.pendingRevocation)) return member;
      return nextAssignment(input, member.memberEpoch + 1);
    case 'unreleased_partitions':
      return nextAssignment(input, member.memberEpoch);
  }
}

function stillOwnsAny(owned: readonly TopicIdPartitions[] | null, pending: Assignment): boolean {
  return owned === null || intersects(owned, pending);
}

function nextAssignment(input: ReconcileInput, memberEpoch: number): MemberAssignmentState {
  const { member, target, targetEpoch, partitionEpoch } = input;
  const assigned = new Map<string, Set<number>>();
  const pendingRevocation = new Map<string, Set<number>>();
  const pendingAssignment = new Map<string, Set<number>>();
  let hasUnreleased = false;

  for (const topicId of new Set([...target.keys(), ...member.assigned.keys()])) {
    const wanted = target.get(topicId) ?? new Set<number>();
    const held = member.assigned.get(topicId) ?? new Set<number>();
    const kept = new Set([...held].filter((p) => wanted.has(p)));
    const revoke = [...held].filter((p) => !kept.has(p));
    const add: number[] = [];
    for (const p of wanted) {
      if (kept.has(p)) continue;
      if (partitionEpoch(topicId, p) !== -1) hasUnreleased = true;
      else add.push(p);
    }
    if (kept.size > 0) assigned.set(topicId, kept);
    if (revoke.length > 0) pendingRevocation.set(topicId, new Set(revoke));
    if (add.length > 0) pendingAssignment.set(topicId, new Set(add));
  }

  if (pendingRevocation.size > 0 && stillOwnsAny(input.owned, pendingRevocation)) {
    // Revoke first: the member keeps its epoch and sees the shrunken assignment.
    return {
      memberEpoch,
      previousMemberEpoch: member.memberEpoch,
      state: 'unrevoked_partitions',
      assigned,
      pendingRevocation,
    };
  }
  for (const [topicId, partitions] of pendingAssignment) {
    const set = assigned.get(topicId);
    if (set) for (const p of partitions) set.add(p);
    else assigned.set(topicId, partitions);
  }
  return {
    memberEpoch: targetEpoch,
    previousMemberEpoch: member.memberEpoch,
    state: hasUnreleased ? 'unreleased_partitions' : 'stable',
    assigned,
    pendingRevocation: EMPTY_ASSIGNMENT,
  };
}
