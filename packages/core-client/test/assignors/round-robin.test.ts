import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KafkaJSRoundRobinAssignor, RoundRobinAssignor } from '../../src/assignors/round-robin.js';
import { checkValid, count, flatten, groupArb, member, subscribedPartitionCount } from './helpers.js';

const rr = new RoundRobinAssignor();

describe('RoundRobinAssignor', () => {
  it('deals partitions of all topics around the members (Java example)', () => {
    const result = rr.assign({
      members: [member('C0', ['t0', 't1']), member('C1', ['t0', 't1'])],
      partitionsPerTopic: new Map([
        ['t0', 3],
        ['t1', 3],
      ]),
      generationId: 1,
    });
    expect(flatten(result)).toEqual({ C0: ['t0-0', 't0-2', 't1-1'], C1: ['t0-1', 't1-0', 't1-2'] });
  });

  it('skips members not subscribed to a topic (Java example with unequal subscriptions)', () => {
    const result = rr.assign({
      members: [member('C0', ['t0']), member('C1', ['t0', 't1']), member('C2', ['t0', 't1', 't2'])],
      partitionsPerTopic: new Map([
        ['t0', 1],
        ['t1', 2],
        ['t2', 3],
      ]),
      generationId: 1,
    });
    expect(flatten(result)).toEqual({ C0: ['t0-0'], C1: ['t1-0'], C2: ['t1-1', 't2-0', 't2-1', 't2-2'] });
  });

  it('assigns every partition exactly once, to subscribers only', () => {
    fc.assert(
      fc.property(groupArb({ static: true }), ({ members, partitionsPerTopic }) => {
        const result = rr.assign({ members, partitionsPerTopic, generationId: 1 });
        const owners = checkValid(members, partitionsPerTopic, result);
        expect(owners.size).toBe(subscribedPartitionCount(members, partitionsPerTopic));
      }),
    );
  });

  it('is balanced (counts differ by at most one) when subscriptions are equal', () => {
    fc.assert(
      fc.property(groupArb({ sameSubscriptions: true }), ({ members, partitionsPerTopic }) => {
        const counts = [...rr.assign({ members, partitionsPerTopic, generationId: 1 }).values()].map(count);
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('is also offered under KafkaJS’s protocol name', () => {
    const kjs = new KafkaJSRoundRobinAssignor();
    expect(kjs.name).toBe('RoundRobinAssigner');
    expect(rr.name).toBe('roundrobin');
    const ctx = {
      members: [member('a', ['t']), member('b', ['t'])],
      partitionsPerTopic: new Map([['t', 5]]),
      generationId: 1,
    };
    expect(flatten(kjs.assign(ctx))).toEqual(flatten(rr.assign(ctx)));
  });
});
