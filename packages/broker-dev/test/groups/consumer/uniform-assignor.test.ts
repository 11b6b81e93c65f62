/**
 * The uniform assignor's properties over random groups: every subscribed partition goes to exactly
 * one subscriber, only subscribed topics are given, homogeneous groups are balanced within one,
 * heterogeneous groups cannot be improved by moving one partition, and assigning again from its own
 * result changes nothing (sticky).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Assignment } from '../../../src/groups/consumer/assignment.js';
import type { AssignmentSpec, AssignorMember } from '../../../src/groups/consumer/server-assignor.js';
import { uniformAssignor } from '../../../src/groups/consumer/uniform-assignor.js';

const TOPICS = ['a', 'b', 'c'];

function spec(
  partitions: Record<string, number>,
  members: { topics: string[]; current?: Assignment }[],
): AssignmentSpec {
  const assignorMembers: AssignorMember[] = members.map((m, i) => ({
    memberId: `m${String(i).padStart(2, '0')}`,
    instanceId: null,
    topicIds: new Set(m.topics),
    current: m.current ?? new Map(),
  }));
  const first = assignorMembers[0]?.topicIds;
  return {
    members: assignorMembers,
    homogeneous: assignorMembers.every(
      (m) => m.topicIds.size === first?.size && [...m.topicIds].every((t) => first.has(t)),
    ),
    partitionCount: (t) => partitions[t] ?? 0,
  };
}

function size(a: Assignment | undefined): number {
  let n = 0;
  for (const s of a?.values() ?? []) n += s.size;
  return n;
}

function checkCoverage(s: AssignmentSpec, result: Map<string, Assignment>): void {
  const owner = new Map<string, string>();
  for (const m of s.members) {
    for (const [topic, partitions] of result.get(m.memberId) ?? new Map()) {
      expect(m.topicIds.has(topic), `${m.memberId} got unsubscribed ${topic}`).toBe(true);
      for (const p of partitions) {
        expect(owner.has(`${topic}:${p}`), `${topic}:${p} twice`).toBe(false);
        owner.set(`${topic}:${p}`, m.memberId);
      }
    }
  }
  const subscribed = new Set(s.members.flatMap((m) => [...m.topicIds]));
  for (const t of subscribed)
    for (let p = 0; p < s.partitionCount(t); p++)
      expect(owner.has(`${t}:${p}`), `${t}:${p} unassigned`).toBe(true);
}

const partitionsArb = fc.record({ a: fc.nat(12), b: fc.nat(12), c: fc.nat(12) });

describe('uniform assignor', () => {
  it('homogeneous: covers everything once, balanced within one, sticky', () => {
    fc.assert(
      fc.property(
        partitionsArb,
        fc.integer({ min: 1, max: 9 }),
        fc.subarray(TOPICS, { minLength: 1 }),
        (partitions, n, topics) => {
          const s = spec(
            partitions,
            Array.from({ length: n }, () => ({ topics })),
          );
          const result = uniformAssignor.assign(s);
          checkCoverage(s, result);
          const counts = s.members.map((m) => size(result.get(m.memberId)));
          expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
          const again = uniformAssignor.assign(
            spec(
              partitions,
              s.members.map((m) => ({ topics, current: result.get(m.memberId) })),
            ),
          );
          for (const m of s.members) expect(again.get(m.memberId)).toEqual(result.get(m.memberId));
        },
      ),
      { seed: 848, numRuns: 200 },
    );
  });

  it('a member joining a balanced group moves only what balance needs', () => {
    const partitions = { a: 12 };
    const three = uniformAssignor.assign(
      spec(partitions, [{ topics: ['a'] }, { topics: ['a'] }, { topics: ['a'] }]),
    );
    const current = [...three.values()];
    const four = uniformAssignor.assign(
      spec(partitions, [...current.map((c) => ({ topics: ['a'], current: c })), { topics: ['a'] }]),
    );
    let kept = 0;
    current.forEach((c, i) => {
      for (const p of c.get('a') ?? []) if (four.get(`m0${i}`)?.get('a')?.has(p)) kept++;
    });
    // 12 partitions: 4 each; each old member gives up exactly one.
    expect(kept).toBe(9);
  });

  it('heterogeneous: covers every subscribed partition once, and no single move would balance better', () => {
    fc.assert(
      fc.property(
        partitionsArb,
        fc.array(fc.subarray(TOPICS, { minLength: 1 }), { minLength: 1, maxLength: 7 }),
        (partitions, subscriptions) => {
          const s = spec(
            partitions,
            subscriptions.map((topics) => ({ topics })),
          );
          const result = uniformAssignor.assign(s);
          checkCoverage(s, result);
          for (const topic of TOPICS) {
            const subs = s.members.filter((m) => m.topicIds.has(topic));
            for (const from of subs) {
              if ((result.get(from.memberId)?.get(topic)?.size ?? 0) === 0) continue;
              for (const to of subs) {
                expect(size(result.get(from.memberId)) - size(result.get(to.memberId))).toBeLessThanOrEqual(
                  1,
                );
              }
            }
          }
        },
      ),
      { seed: 848, numRuns: 200 },
    );
  });
});
