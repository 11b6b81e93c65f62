/**
 * Sessionless peers on a broker that offers fetch sessions (KIP-227): KafkaJS 2.2.4 never uses them,
 * nor does librdkafka 2.0.2 (kcat: its Fetch requests carry session id 0 and epoch -1; the fetch
 * sessions of Kafka's Java client are not in librdkafka). Both read a 30-partition topic, of which
 * a few get more records later, completely, while a session of another client is open beside them.
 * Samsa's own consumer with sessions against this broker is core-client's
 * consumer.fetch-sessions.test.ts.
 */
import { requirePeer, run, waitFor } from '@samsa/test-support';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBroker, startBroker } from '../../src/index.js';
import { createTopic, fetchRequestBody, produce } from '../helpers/kafka.js';
import { RawClient } from '../helpers/raw-client.js';

const PARTITIONS = 30;
let broker: RunningBroker;
let client: RawClient;

const kcat = requirePeer('kcat', {
  probe: ['kcat', '-V'],
  hint: 'apt-get install -y kcat (Debian: kcat 1.7.1 with librdkafka 2.0.2)',
});

/** Fills `topic`: record `i` goes to partition i % PARTITIONS, value `i`. */
async function fill(topic: string, from: number, count: number, partitions = PARTITIONS) {
  for (let i = from; i < from + count; i++) {
    await produce(client, topic, i % partitions, [{ key: null, value: String(i) }]);
  }
}

const upTo = (n: number) => Array.from({ length: n }, (_, i) => i);

beforeAll(async () => {
  broker = await startBroker();
  client = await RawClient.connect(broker.bootstrap[0]);
  // Another client's session stays open throughout: the sessionless peers must not notice it.
  await createTopic(client, 'other', 1);
  const opened = await client.request(1, 12, {
    ...fetchRequestBody('other', [{ partition: 0, offset: 0 }]),
    sessionEpoch: 0,
  });
  expect(opened.sessionId).toBeGreaterThan(0);
});

afterAll(async () => {
  client?.close();
  await broker?.stop();
});

describe('sessionless peers beside fetch sessions', () => {
  it('KafkaJS 2.2.4 reads every partition, before and after a few get more records', async () => {
    await createTopic(client, 'kafkajs-many', PARTITIONS);
    await fill('kafkajs-many', 0, 90);
    const kafka = new Kafka({
      clientId: 'kafkajs-sessions',
      brokers: broker.bootstrap,
      logLevel: logLevel.NOTHING,
    });
    const consumer = kafka.consumer({ groupId: 'kafkajs-sessions', maxWaitTimeInMs: 100 });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: 'kafkajs-many', fromBeginning: true });
      const seen: number[] = [];
      await consumer.run({ eachMessage: async ({ message }) => void seen.push(Number(message.value)) });
      await waitFor('90 records', () => seen.length >= 90, { timeoutMs: 30_000 });
      await fill('kafkajs-many', 90, 10, 3);
      await waitFor('100 records', () => seen.length >= 100, { timeoutMs: 30_000 });
      expect([...seen].sort((a, b) => a - b)).toEqual(upTo(100));
    } finally {
      await consumer.disconnect();
    }
    // Only the raw client's session: KafkaJS opened none.
    expect(broker.control.fetchSessionCount()).toBe(1);
  }, 60_000);
});

kcat.describe('librdkafka 2.0.2 (kcat) beside fetch sessions', () => {
  it('reads every partition, sessionless', async () => {
    await createTopic(client, 'kcat-many', PARTITIONS);
    await fill('kcat-many', 0, 90);
    const consumed = await run(
      'kcat',
      ['-C', '-b', broker.bootstrap[0], '-t', 'kcat-many', '-o', 'beginning', '-e', '-q', '-f', '%s\n'],
      { timeoutMs: 60_000 },
    );
    expect(consumed.code, consumed.stderr).toBe(0);
    const values = consumed.stdout.split('\n').filter(Boolean).map(Number);
    expect(values.sort((a, b) => a - b)).toEqual(upTo(90));
    expect(broker.control.fetchSessionCount()).toBe(1);
  }, 90_000);
});
