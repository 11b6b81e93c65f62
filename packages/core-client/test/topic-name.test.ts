/**
 * Kafka's topic name rules, and that every place a caller names a topic checks them before asking
 * a broker: the producer's send, the consumer's subscribe and assign, and the admin calls.
 */
import { type RunningBroker, startBroker } from '@samsa/broker-dev';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigResourceTypes, InvalidTopicNameError, Kafka, LogLevel } from '../src/index.js';
import { MAX_TOPIC_NAME_LENGTH, validateTopicName } from '../src/topic-name.js';

describe('validateTopicName', () => {
  it('accepts what Kafka accepts', () => {
    for (const name of [
      'orders',
      'a',
      'Orders.v2_EU-west',
      '...',
      '.hidden',
      '__consumer_offsets',
      '0',
      'x'.repeat(MAX_TOPIC_NAME_LENGTH),
    ]) {
      expect(() => validateTopicName(name), name).not.toThrow();
    }
  });

  it.each([
    ['', 'empty', /must not be empty/],
    ['.', 'dots', /"\." and "\.\." are not allowed/],
    ['..', 'dots', /"\." and "\.\." are not allowed/],
    ['x'.repeat(250), 'length', /250 characters long, the limit is 249/],
    ['my topic', 'characters', /contains " " at index 2/],
    ['orders/eu', 'characters', /contains "\/" at index 6/],
    ['line\nbreak', 'characters', /"line\\nbreak" is invalid: it contains "\\n" at index 4/],
    ['café', 'characters', /contains "é" at index 3/],
    ['emoji😀', 'characters', /contains "😀" at index 5/],
  ])('refuses %j (%s)', (name, rule, message) => {
    const err = (() => {
      try {
        validateTopicName(name);
      } catch (e) {
        return e;
      }
    })() as InvalidTopicNameError;
    expect(err).toBeInstanceOf(InvalidTopicNameError);
    expect(err).toMatchObject({ code: 'INVALID_TOPIC_NAME', topic: name, rule, retriable: false });
    expect(err.message).toMatch(message);
  });

  it('refuses a name that is not a string', () => {
    expect(() => validateTopicName(42)).toThrow(/must be a string, got 42/);
    expect(() => validateTopicName(undefined)).toThrow(InvalidTopicNameError);
  });
});

describe('every entry point checks topic names before asking a broker', () => {
  let broker: RunningBroker;
  let kafka: Kafka;
  const bad = 'bad topic!';

  beforeAll(async () => {
    broker = await startBroker({ brokers: 1, port: 0 });
    kafka = new Kafka({ clientId: 'topic-name-test', brokers: broker.bootstrap, logLevel: LogLevel.NOTHING });
  });

  afterAll(async () => {
    await broker?.stop();
  });

  // maxBlockMs is 10 minutes: a send that waited for the topic would fail by this test's own 15 s timeout.
  it('producer.send and sendBatch reject at once (not after maxBlockMs)', async () => {
    const producer = kafka.producer({ maxBlockMs: 10 * 60_000 });
    await producer.connect();
    try {
      await expect(producer.send({ topic: bad, messages: [{ value: 'x' }] })).rejects.toMatchObject({
        name: 'InvalidTopicNameError',
        topic: bad,
        rule: 'characters',
        message:
          'Topic name "bad topic!" is invalid: it contains " " at index 3. Kafka topic names are 1 to 249 ' +
          "characters of ASCII letters, digits, '.', '_' and '-'; rename the topic.",
      });
      await expect(
        producer.sendBatch({ topicMessages: [{ topic: 'x'.repeat(250), messages: [{ value: 'x' }] }] }),
      ).rejects.toMatchObject({ name: 'InvalidTopicNameError', rule: 'length' });
    } finally {
      await producer.disconnect();
    }
  }, 15_000);

  it('consumer.subscribe and consumer.assign throw', async () => {
    const consumer = kafka.consumer({ groupId: 'topic-name-test' });
    await expect(consumer.subscribe({ topics: ['fine', bad] })).rejects.toBeInstanceOf(InvalidTopicNameError);
    // The refused subscribe took nothing ('fine' neither), or assign() would say they are exclusive.
    expect(() => consumer.assign([{ topic: '..', partitions: [0] }])).toThrow(InvalidTopicNameError);
    await consumer.disconnect();
  });

  it('admin calls that name topics reject', async () => {
    // Never connected: a call that got as far as a request would fail differently.
    const admin = kafka.admin();
    const calls: [string, () => Promise<unknown>][] = [
      ['createTopics', () => admin.createTopics({ topics: [{ topic: bad }] })],
      ['deleteTopics', () => admin.deleteTopics({ topics: [bad] })],
      ['createPartitions', () => admin.createPartitions({ topicPartitions: [{ topic: bad, count: 2 }] })],
      ['fetchTopicMetadata', () => admin.fetchTopicMetadata({ topics: [bad] })],
      ['fetchTopicOffsets', () => admin.fetchTopicOffsets(bad)],
      ['fetchTopicOffsetsByTimestamp', () => admin.fetchTopicOffsetsByTimestamp(bad, 0)],
      ['deleteTopicRecords', () => admin.deleteTopicRecords({ topic: bad, partitions: [] })],
      ['fetchOffsets', () => admin.fetchOffsets({ groupId: 'g', topics: [bad] })],
      ['setOffsets', () => admin.setOffsets({ groupId: 'g', topic: bad, partitions: [] })],
      ['resetOffsets', () => admin.resetOffsets({ groupId: 'g', topic: bad })],
      ['deleteGroupOffsets', () => admin.deleteGroupOffsets({ groupId: 'g', topics: [{ topic: bad }] })],
      ['fetchConsumerLag', () => admin.fetchConsumerLag({ groupId: 'g', topics: [bad] })],
      [
        'describeConfigs',
        () => admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: bad }] }),
      ],
      [
        'alterConfigs',
        () =>
          admin.alterConfigs({
            resources: [{ type: ConfigResourceTypes.TOPIC, name: bad, configEntries: [] }],
          }),
      ],
    ];
    for (const [name, call] of calls) {
      await expect(call(), name).rejects.toBeInstanceOf(InvalidTopicNameError);
    }
  });
});
