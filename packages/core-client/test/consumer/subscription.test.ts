import { describe, expect, it } from 'vitest';
import { ConsumerStateError } from '../../src/consumer/errors.js';
import { Subscription } from '../../src/consumer/subscription.js';
import { ConfigurationError } from '../../src/errors.js';
import { nullLogger } from '../../src/logger.js';
import { FakeCluster } from '../helpers/fake-cluster.js';

const subscription = (topics: Record<string, number> = {}) =>
  new Subscription(new FakeCluster(topics), 'latest', nullLogger);

describe('Subscription', () => {
  it('resets each topic as its subscribe() call said, patterns included', () => {
    const s = subscription();
    expect(s.subscribe({ topics: ['a', /^orders-/], fromBeginning: true })).toEqual(['a']);
    s.subscribe({ topic: 'b' });
    s.subscribe({ topics: ['c'], fromBeginning: false });
    expect(['a', 'orders-eu', 'b', 'c'].map((t) => s.resetFor(t))).toEqual([
      'earliest',
      'earliest',
      'latest',
      'latest',
    ]);
  });

  it('resolves names plus the cluster topics patterns match, leaving internal topics out', async () => {
    const s = subscription({ 'orders-eu': 1, 'orders-us': 2, payments: 1, __orders_internal: 1 });
    s.subscribe({ topics: ['named', /orders/g] });
    expect(await s.resolve()).toEqual(['named', 'orders-eu', 'orders-us']);
    s.current = ['named', 'orders-eu'];
    expect(await s.patternsMatchOthers()).toBe(true);
    s.current = ['named', 'orders-eu', 'orders-us'];
    expect(await s.patternsMatchOthers()).toBe(false);
  });

  it('counts partitions for the group leader, leaving unknown topics out', async () => {
    const s = subscription({ a: 3, b: 1 });
    expect(await s.partitionCounts(['a', 'b', 'missing'])).toEqual(
      new Map([
        ['a', 3],
        ['b', 1],
      ]),
    );
  });

  it('keeps subscribe() and assign() apart', () => {
    const subscribed = subscription();
    subscribed.subscribe({ topics: ['a'] });
    expect(() => subscribed.assign([{ topic: 'a', partitions: [0] }])).toThrow(ConsumerStateError);
    const assigned = subscription();
    expect(assigned.isEmpty).toBe(true);
    assigned.assign([
      { topic: 'b', partitions: [2, 0] },
      { topic: 'a', partitions: [1] },
      { topic: 'b', partitions: [0, 1] },
    ]);
    expect(assigned.manual).toEqual([
      { topic: 'a', partitions: [1] },
      { topic: 'b', partitions: [0, 1, 2] },
    ]);
    expect(assigned.isEmpty).toBe(false);
    expect(() => assigned.subscribe({ topics: ['a'] })).toThrow(ConsumerStateError);
  });

  it('rejects bad input with the option named', () => {
    const s = subscription();
    expect(() => s.subscribe({ topics: [] })).toThrow(ConfigurationError);
    expect(() => s.subscribe({ topics: [''] })).toThrow(/topic names must not be empty/);
    expect(() => s.subscribe({ topics: ['a'], fromBeginning: 'yes' as never })).toThrow(/fromBeginning/);
    expect(() => s.assign([{ topic: 'a', partitions: [-1] }])).toThrow(ConfigurationError);
  });
});
