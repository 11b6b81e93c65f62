import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RangeAssignor } from '../../src/assignors/range.js';
import { checkValid, flatten, groupArb, member, subscribedPartitionCount } from './helpers.js';

const range = new RangeAssignor();

describe('RangeAssignor', () => {
  it('gives the first members one extra partition each, per topic (Java example)', () => {
    // From RangeAssignor's javadoc: C0, C1 subscribe t0, t1, each with 3 partitions.
    const result = range.assign({
      members: [member('C1', ['t0', 't1']), member('C0', ['t0', 't1'])],
      partitionsPerTopic: new Map([
        ['t0', 3],
        ['t1', 3],
      ]),
      generationId: 1,
    });
    expect(flatten(result)).toEqual({ C0: ['t0-0', 't0-1', 't1-0', 't1-1'], C1: ['t0-2', 't1-2'] });
  });

  it('orders static members first, by instance id', () => {
    const result = range.assign({
      members: [
        member('a', ['t']),
        member('z', ['t'], { groupInstanceId: 'i-2' }),
        member('y', ['t'], { groupInstanceId: 'i-1' }),
      ],
      partitionsPerTopic: new Map([['t', 3]]),
      generationId: 1,
    });
    expect(flatten(result)).toEqual({ y: ['t-0'], z: ['t-1'], a: ['t-2'] });
  });

  it('skips topics missing from the metadata and gives surplus members nothing', () => {
    const result = range.assign({
      members: [member('a', ['t', 'gone']), member('b', ['t']), member('c', ['t'])],
      partitionsPerTopic: new Map([['t', 2]]),
      generationId: 1,
    });
    expect(flatten(result)).toEqual({ a: ['t-0'], b: ['t-1'], c: [] });
  });

  it('assigns every partition exactly once, to subscribers only', () => {
    fc.assert(
      fc.property(groupArb({ static: true }), ({ members, partitionsPerTopic }) => {
        const result = range.assign({ members, partitionsPerTopic, generationId: 1 });
        const owners = checkValid(members, partitionsPerTopic, result);
        expect(owners.size).toBe(subscribedPartitionCount(members, partitionsPerTopic));
      }),
    );
  });

  it('per topic, gives subscribers contiguous ranges whose sizes differ by at most one, larger first', () => {
    fc.assert(
      fc.property(groupArb(), ({ members, partitionsPerTopic }) => {
        const result = range.assign({ members, partitionsPerTopic, generationId: 1 });
        for (const [topic, n] of partitionsPerTopic) {
          const subscribers = members
            .filter((m) => m.topics.includes(topic))
            .sort((a, b) => (a.memberId < b.memberId ? -1 : 1));
          if (subscribers.length === 0) continue;
          let next = 0;
          const sizes: number[] = [];
          for (const s of subscribers) {
            const got = result.get(s.memberId)!.partitions.get(topic) ?? [];
            expect(got).toEqual(Array.from({ length: got.length }, (_, i) => next + i));
            next += got.length;
            sizes.push(got.length);
          }
          expect(next).toBe(n);
          expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
          expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        }
      }),
    );
  });

  it('does not depend on the order members are listed in', () => {
    fc.assert(
      fc.property(groupArb({ static: true }), ({ members, partitionsPerTopic }) => {
        const a = range.assign({ members, partitionsPerTopic, generationId: 1 });
        const b = range.assign({ members: [...members].reverse(), partitionsPerTopic, generationId: 1 });
        expect(flatten(b)).toEqual(flatten(a));
      }),
    );
  });
});
