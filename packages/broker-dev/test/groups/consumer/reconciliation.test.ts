/** Reconciliation steps (Kafka's CurrentAssignmentBuilderTest cases). */
import { describe, expect, it } from 'vitest';
import { type Assignment, assignmentOf, EMPTY_ASSIGNMENT } from '../../../src/groups/consumer/assignment.js';
import type { MemberAssignmentState } from '../../../src/groups/consumer/consumer-group.js';
import { reconcile } from '../../../src/groups/consumer/reconciliation.js';

const a = (partitions: number[]): Assignment => assignmentOf([{ topicId: 't', partitions }]);
const stable = (epoch: number, partitions: number[]): MemberAssignmentState => ({
  memberEpoch: epoch,
  previousMemberEpoch: epoch - 1,
  state: 'stable',
  assigned: a(partitions),
  pendingRevocation: EMPTY_ASSIGNMENT,
});
const free = () => -1;
const list = (x: Assignment) => [...(x.get('t') ?? [])].sort();

describe('reconcile', () => {
  it('a member at the target epoch stays as it is', () => {
    const member = stable(5, [0, 1]);
    expect(reconcile({ member, targetEpoch: 5, target: a([2]), partitionEpoch: free, owned: null })).toBe(
      member,
    );
  });

  it('moves straight to the target epoch when nothing must be revoked, taking free partitions', () => {
    const next = reconcile({
      member: stable(5, [0]),
      targetEpoch: 6,
      target: a([0, 1]),
      partitionEpoch: free,
      owned: null,
    });
    expect(next).toMatchObject({ memberEpoch: 6, previousMemberEpoch: 5, state: 'stable' });
    expect(list(next.assigned)).toEqual([0, 1]);
  });

  it('waits in unrevoked_partitions at its epoch while it still reports partitions to revoke', () => {
    const owned = [{ topicId: 't', partitions: [0, 1] }];
    const next = reconcile({
      member: stable(5, [0, 1]),
      targetEpoch: 6,
      target: a([0, 2]),
      partitionEpoch: free,
      owned,
    });
    expect(next).toMatchObject({ memberEpoch: 5, state: 'unrevoked_partitions' });
    expect(list(next.assigned)).toEqual([0]);
    expect(list(next.pendingRevocation)).toEqual([1]);
    expect(reconcile({ member: next, targetEpoch: 6, target: a([0, 2]), partitionEpoch: free, owned })).toBe(
      next,
    );
    // Revoked (no longer reported): epoch 6 with the free partition 2.
    const done = reconcile({
      member: next,
      targetEpoch: 6,
      target: a([0, 2]),
      partitionEpoch: free,
      owned: [{ topicId: 't', partitions: [0] }],
    });
    expect(done).toMatchObject({ memberEpoch: 6, state: 'stable' });
    expect(list(done.assigned)).toEqual([0, 2]);
  });

  it('leaves partitions another member still holds for later (unreleased_partitions)', () => {
    const heldElsewhere = (_t: string, p: number) => (p === 3 ? 4 : -1);
    const next = reconcile({
      member: stable(5, [0]),
      targetEpoch: 6,
      target: a([0, 2, 3]),
      partitionEpoch: heldElsewhere,
      owned: null,
    });
    expect(next).toMatchObject({ memberEpoch: 6, state: 'unreleased_partitions' });
    expect(list(next.assigned)).toEqual([0, 2]);
    const later = reconcile({
      member: next,
      targetEpoch: 6,
      target: a([0, 2, 3]),
      partitionEpoch: free,
      owned: null,
    });
    expect(later.state).toBe('stable');
    expect(list(later.assigned)).toEqual([0, 2, 3]);
  });
});
