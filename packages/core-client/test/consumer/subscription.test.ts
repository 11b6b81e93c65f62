import { type RunningBroker, startBroker } from '@samsa/broker-dev';
import { waitFor } from '@samsa/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsumerStateError } from '../../src/consumer/errors.js';
import { Subscription } from '../../src/consumer/subscription.js';
import { ConfigurationError } from '../../src/errors.js';
import { createLogger, Kafka, LogLevel } from '../../src/index.js';
import { nullLogger } from '../../src/logger.js';
import { FakeCluster } from '../helpers/fake-cluster.js';

const subscription = (topics: Record<string, number> = {}) =>
  new Subscription(new FakeCluster(topics), 'latest', nullLogger);

describe('Subscription', () => {
  it('refuses options subscribe() does not take, with the one it probably meant', () => {
    expect(() => subscription().subscribe({ topc: 'orders' } as never)).toThrow(
      "Invalid option topc: subscribe(): unknown option 'topc' (did you mean 'topic'?)",
    );
  });

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

describe('subscribing to a topic that does not exist (broker auto-creation off)', () => {
  let broker: RunningBroker;

  beforeAll(async () => {
    broker = await startBroker({ brokers: 1, port: 0, partitions: 1, autoCreateTopics: false });
  });

  afterAll(async () => {
    await broker?.stop();
  });

  it('warns once, at subscribe(), and consumes the topic once it is created', async () => {
    const lines: { level: string; message: string }[] = [];
    const logger = createLogger(LogLevel.INFO, () => (entry) => {
      lines.push({ level: entry.label, message: entry.log.message });
    });
    // Metadata refreshes 10 minutes apart: the topic is found by the consumer's own recheck, within this
    // test's 15 s, not by the periodic refresh.
    const kafka = new Kafka({ brokers: broker.bootstrap, logger, metadataMaxAgeMs: 10 * 60_000 });
    const consumer = kafka.consumer({ groupId: 'waits-for-topic' });
    await consumer.subscribe({ topics: ['created-later'], fromBeginning: true });
    const warning =
      'subscribe(): topic "created-later" does not exist, and the broker did not create it (its ' +
      'auto.create.topics.enable is off); the consumer gets its partitions once it is created (it looks every 1 s)';
    expect(lines.filter((l) => l.level === 'WARN').map((l) => l.message)).toEqual([warning]);

    const received: string[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void received.push(message.value!.toString()) });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'created-later', numPartitions: 2 }] });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'created-later', messages: [{ value: 'first' }] });
    await waitFor('the consumer to pick the topic up', () => received.length > 0, { timeoutMs: 60_000 });
    await Promise.all([consumer.disconnect(), producer.disconnect(), admin.disconnect()]);
    expect(received).toEqual(['first']);
    // Still the one warning: joining and rechecking did not repeat it.
    expect(lines.filter((l) => l.level === 'WARN').map((l) => l.message)).toEqual([warning]);
  }, 15_000);
});
