/**
 * The consumer with isolationLevel 'read_committed' on a log written by KafkaJS 2.2.4 transactions
 * (against broker-dev, which returns the aborted transactions of each fetch): records of aborted
 * transactions and control records never reach handlers, nothing past an open transaction is
 * delivered until it ends, and the committed position after a trailing marker is past it (lag 0).
 */
import { waitFor } from '@samsa/test-support';
import { Kafka as KafkaJS, logLevel, Partitioners } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Fixture, sleep, startFixture } from '../helpers/broker-fixture.js';
import { makeConsumer } from '../helpers/consumer.js';

const TOPIC = 'read-committed';
let fx: Fixture;
let kafkajs: KafkaJS;

beforeAll(async () => {
  fx = await startFixture({ brokers: 1, partitions: 1 });
  kafkajs = new KafkaJS({
    clientId: 'kafkajs-writer',
    brokers: fx.broker.bootstrap,
    logLevel: logLevel.NOTHING,
  });
}, 30_000);

afterAll(async () => {
  await fx?.stop();
});

function writers() {
  const plain = kafkajs.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  const transactional = kafkajs.producer({
    transactionalId: 'read-committed-writer',
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const sendPlain = (value: string) => plain.send({ topic: TOPIC, messages: [{ partition: 0, value }] });
  return {
    async connect() {
      await plain.connect();
      await transactional.connect();
    },
    sendPlain,
    async begin(values: string[], between?: string) {
      const transaction = await transactional.transaction();
      await transaction.send({ topic: TOPIC, messages: values.map((value) => ({ partition: 0, value })) });
      if (between) await sendPlain(between);
      return transaction;
    },
    async disconnect() {
      await transactional.disconnect();
      await plain.disconnect();
    },
  };
}

it('delivers committed records only, waits for open transactions, and commits past the trailing marker', async () => {
  const w = writers();
  await w.connect();
  try {
    await w.sendPlain('plain-0');
    await (await w.begin(['aborted-1'], 'plain-1')).abort();
    await (await w.begin(['committed-1', 'committed-2'], 'plain-2')).commit();
    for (let i = 2; i <= 4; i++) await (await w.begin([`aborted-${i}`])).abort();
    // The log ends with a COMMIT marker.
    await (await w.begin(['committed-3'])).commit();

    const seen: string[] = [];
    const groupId = 'read-committed-group';
    const consumer = makeConsumer(fx.kafka, {
      groupId,
      isolationLevel: 'read_committed',
      autoOffsetReset: 'earliest',
      heartbeatIntervalMs: 100,
      sessionTimeoutMs: 3000,
    });
    await consumer.subscribe({ topics: [TOPIC] });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
    await waitFor('the committed records', () => seen.includes('committed-3'), { timeoutMs: 20_000 });
    expect(seen).toEqual(['plain-0', 'plain-1', 'committed-1', 'committed-2', 'plain-2', 'committed-3']);

    // An open transaction holds back what follows it until it commits.
    const open = await w.begin(['pending'], 'after-open');
    await sleep(300);
    expect(seen).not.toContain('after-open');
    await open.commit();
    await waitFor('the records after the open transaction', () => seen.includes('after-open'), {
      timeoutMs: 20_000,
    });
    expect(seen.slice(-2)).toEqual(['pending', 'after-open']);
    await consumer.disconnect();

    // The committed position covers the COMMIT marker that ends the log: no lag is left.
    const admin = kafkajs.admin();
    await admin.connect();
    const [end] = await admin.fetchTopicOffsets(TOPIC);
    await admin.disconnect();
    const reader = makeConsumer(fx.kafka, { groupId });
    const [committed] = await reader.committed([{ topic: TOPIC, partition: 0 }]);
    await reader.disconnect();
    expect(committed.offset).toBe(end.high);
  } finally {
    await w.disconnect();
  }
}, 60_000);
