import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CooperativeStickyAssignor, memberGeneration } from '../../src/assignors/cooperative-sticky.js';
import type { MemberAssignment, MemberSubscription } from '../../src/assignors/types.js';
import {
  checkValid,
  count,
  flatten,
  groupArb,
  member,
  subscribedPartitionCount,
  toOwned,
} from './helpers.js';

const sticky = new CooperativeStickyAssignor();

/** Java's notion of balanced: no partition could move to an eligible member holding two fewer. */
function isBalanced(members: readonly MemberSubscription[], result: Map<string, MemberAssignment>): boolean {
  for (const from of members) {
    const a = result.get(from.memberId)!;
    for (const topic of a.partitions.keys()) {
      if ((a.partitions.get(topic) ?? []).length === 0) continue;
      for (const to of members) {
        if (to === from || !to.topics.includes(topic)) continue;
        if (count(a) - count(result.get(to.memberId)!) > 1) return false;
      }
    }
  }
  return true;
}

/** Runs rebalances the way cooperative members do: each round, members own what they were given. */
function rebalance(
  members: MemberSubscription[],
  partitionsPerTopic: ReadonlyMap<string, number>,
  generationId: number,
): { members: MemberSubscription[]; result: Map<string, MemberAssignment> } {
  const result = sticky.assign({ members, partitionsPerTopic, generationId });
  const next = members.map((m) => ({ ...m, ownedPartitions: toOwned(result.get(m.memberId)), generationId }));
  return { members: next, result };
}

function ownersOf(members: readonly MemberSubscription[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of members)
    for (const { topic, partitions } of m.ownedPartitions)
      for (const p of partitions) out.set(`${topic}-${p}`, m.memberId);
  return out;
}

describe('CooperativeStickyAssignor', () => {
  it('assigns everything, balanced, when nobody owns anything yet', () => {
    fc.assert(
      fc.property(groupArb({ static: true }), ({ members, partitionsPerTopic }) => {
        const result = sticky.assign({ members, partitionsPerTopic, generationId: 1 });
        const owners = checkValid(members, partitionsPerTopic, result);
        expect(owners.size).toBe(subscribedPartitionCount(members, partitionsPerTopic));
        expect(isBalanced(members, result)).toBe(true);
      }),
    );
  });

  it('counts differ by at most one when subscriptions are equal', () => {
    fc.assert(
      fc.property(groupArb({ sameSubscriptions: true }), ({ members, partitionsPerTopic }) => {
        const counts = [...sticky.assign({ members, partitionsPerTopic, generationId: 1 }).values()].map(
          count,
        );
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('is stable: rerunning with the result as ownership changes nothing', () => {
    fc.assert(
      fc.property(groupArb(), ({ members, partitionsPerTopic }) => {
        const first = rebalance(members, partitionsPerTopic, 1);
        const second = rebalance(first.members, partitionsPerTopic, 2);
        expect(flatten(second.result)).toEqual(flatten(first.result));
      }),
    );
  });

  it('never moves a partition straight from one owner to another, and converges in two rounds', () => {
    fc.assert(
      fc.property(
        groupArb(),
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 0, max: 3 }),
        ({ members, partitionsPerTopic }, split, joiners) => {
          // An earlier generation: a subset of the members owned everything.
          const cut = Math.max(1, Math.min(split, members.length));
          const earlier = rebalance(members.slice(0, cut), partitionsPerTopic, 1).members;
          // Now the rest join (plus some brand-new ones) and the earlier owners report what they own.
          const newcomers = Array.from({ length: joiners }, (_, i) => member(`new-${i}`, members[0].topics));
          let group: MemberSubscription[] = [...earlier, ...members.slice(cut), ...newcomers];
          let generation = 2;
          for (let round = 0; round < 2; round++) {
            const before = ownersOf(group);
            const { members: next, result } = rebalance(group, partitionsPerTopic, generation++);
            const owners = checkValid(group, partitionsPerTopic, result);
            for (const [tp, newOwner] of owners) {
              const previous = before.get(tp);
              if (previous !== undefined) expect(newOwner).toBe(previous);
            }
            group = next;
          }
          const final = sticky.assign({ members: group, partitionsPerTopic, generationId: generation });
          expect(checkValid(group, partitionsPerTopic, final).size).toBe(
            subscribedPartitionCount(group, partitionsPerTopic),
          );
          expect(isBalanced(group, final)).toBe(true);
        },
      ),
    );
  });

  it('moves only what a new member needs when it joins', () => {
    const partitionsPerTopic = new Map([['t', 6]]);
    const start = rebalance([member('a', ['t']), member('b', ['t'])], partitionsPerTopic, 1).members;
    expect(start.map((m) => toCount(m))).toEqual([3, 3]);
    const round1 = sticky.assign({
      members: [...start, member('c', ['t'])],
      partitionsPerTopic,
      generationId: 2,
    });
    // c gets nothing yet: its two partitions must first be revoked by a and b.
    expect(count(round1.get('c')!)).toBe(0);
    expect(count(round1.get('a')!)).toBe(2);
    expect(count(round1.get('b')!)).toBe(2);
    const kept = [...round1.get('a')!.partitions.get('t')!, ...round1.get('b')!.partitions.get('t')!];
    const owned = [...start[0].ownedPartitions[0].partitions, ...start[1].ownedPartitions[0].partitions];
    for (const p of kept) expect(owned).toContain(p);
  });

  it('ignores claims from an older generation and partitions claimed twice', () => {
    const partitionsPerTopic = new Map([['t', 4]]);
    const result = sticky.assign({
      members: [
        member('a', ['t'], { ownedPartitions: [{ topic: 't', partitions: [0, 1] }], generationId: 5 }),
        member('b', ['t'], { ownedPartitions: [{ topic: 't', partitions: [1, 2, 3] }], generationId: 5 }),
        member('c', ['t'], { ownedPartitions: [{ topic: 't', partitions: [0, 1, 2, 3] }], generationId: 4 }),
      ],
      partitionsPerTopic,
      generationId: 6,
    });
    const flat = flatten(result);
    expect(flat.a).toContain('t-0');
    expect(flat.b).toEqual(expect.arrayContaining(['t-2', 't-3']));
    expect(flat.b.length).toBeLessThanOrEqual(2);
    // t-1 was contested, so it is free to go to c, the member with nothing.
    expect(flat.c).toEqual(['t-1']);
  });

  it('reads the generation from user data for members on subscription v0/v1', () => {
    const userData = sticky.subscriptionUserData({ topics: ['t'], ownedPartitions: [], generationId: 7 });
    expect(memberGeneration(member('x', ['t'], { version: 1, userData }))).toBe(7);
    expect(memberGeneration(member('x', ['t'], { version: 3, generationId: 9, userData }))).toBe(9);
    expect(memberGeneration(member('x', ['t'], { version: 0 }))).toBe(-1);
  });

  it('drops ownership of topics a member no longer subscribes to, or partitions that no longer exist', () => {
    const result = sticky.assign({
      members: [
        member('a', ['t'], {
          ownedPartitions: [
            { topic: 'u', partitions: [0] },
            { topic: 't', partitions: [0, 9] },
          ],
          generationId: 1,
        }),
        member('b', ['t', 'u']),
      ],
      partitionsPerTopic: new Map([
        ['t', 2],
        ['u', 1],
      ]),
      generationId: 2,
    });
    const flat = flatten(result);
    expect(flat.a).toContain('t-0');
    expect(flat.a).not.toContain('u-0');
    expect(flat.b).toContain('u-0');
    expect([...flat.a, ...flat.b].sort()).toEqual(['t-0', 't-1', 'u-0']);
  });
});

function toCount(m: MemberSubscription): number {
  return m.ownedPartitions.reduce((n, tp) => n + tp.partitions.length, 0);
}
