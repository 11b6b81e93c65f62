/**
 * Fetch sessions against the librdkafka mock cluster, which has none: it echoes the request's session
 * id (0 for Samsa's first, full fetch) and answers every partition a fetch names. Samsa's consumer,
 * sessions on by default, must then stay on full fetches and read everything: a topic of 4
 * partitions (the mock's auto-created topics) over 3 brokers, then more records on one of them.
 */
import { kcat, type MockCluster, startMockCluster, waitFor } from '@samsa/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Kafka, LogLevel } from '../../src/index.js';
import { makeConsumer } from '../helpers/consumer.js';

/** Partitions of the mock's auto-created topics. */
const PARTITIONS = 4;

kcat.describe('fetch sessions against the librdkafka mock cluster (which keeps none)', () => {
  let mock: MockCluster;
  let kafka: Kafka;

  beforeAll(async () => {
    mock = await startMockCluster(3);
    kafka = new Kafka({
      clientId: 'samsa-sessions-mock',
      brokers: mock.bootstrap,
      logLevel: process.env.SAMSA_TEST_LOG ? LogLevel.DEBUG : LogLevel.NOTHING,
    });
  }, 60_000);

  afterAll(async () => {
    await mock?.stop();
  });

  it('reads every partition, and later records on one, with full fetches', async () => {
    const producer = kafka.producer({ acks: -1 });
    await producer.connect();
    const send = (from: number, count: number, partitions: number) =>
      producer.send({
        topic: 'sessions',
        messages: Array.from({ length: count }, (_, i) => ({
          partition: (from + i) % partitions,
          value: `${from + i}`,
        })),
      });
    await send(0, 200, PARTITIONS);
    const consumer = makeConsumer(kafka, {
      groupId: 'sessions-mock',
      autoOffsetReset: 'earliest',
      fetchMaxWaitMs: 100,
      // The mock holds a rebalance for the session timeout less a second.
      sessionTimeoutMs: 6000,
      heartbeatIntervalMs: 500,
    });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: ['sessions'] });
      const seen: number[] = [];
      await consumer.run({ eachMessage: async ({ message }) => void seen.push(Number(message.value)) });
      await waitFor('200 records', () => seen.length >= 200, { timeoutMs: 30_000 });
      await send(200, 30, 1);
      await waitFor('230 records', () => seen.length >= 230, { timeoutMs: 30_000 });
      expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 230 }, (_, i) => i));
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
    }
  }, 40_000);
});
