/**
 * The transactional producer and the read_committed consumer against @samsa/broker-dev.
 *
 * A dev broker without a transaction coordinator refuses transactional ids (FindCoordinator key type
 * 1 → TRANSACTIONAL_ID_AUTHORIZATION_FAILED): the producer must then fail connect() at once with a
 * typed, fatal error, not hang. With a coordinator, the whole round trip is checked: committed
 * records and offsets visible, aborted ones invisible to read_committed, a second instance fencing
 * the first, and consumer positions past the markers so lag reaches 0.
 */
import { startBroker } from '@samsa/broker-dev';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Admin,
  Kafka,
  LogLevel,
  type Producer,
  ProducerFencedError,
  TransactionFatalError,
} from '../../src/index.js';

type RunningBroker = Awaited<ReturnType<typeof startBroker>>;

let broker: RunningBroker;
let kafka: Kafka;
let admin: Admin;
const producers: Producer[] = [];
/** Whether this dev broker has a transaction coordinator (decided by the first connect). */
let coordinator: boolean | undefined;

beforeAll(async () => {
  broker = await startBroker({ brokers: 3, port: 0, partitions: 3, groupMinSessionTimeoutMs: 500 });
  kafka = new Kafka({
    clientId: 'samsa-txn-it',
    brokers: broker.bootstrap,
    logLevel: LogLevel.NOTHING,
    retry: { initialRetryTimeMs: 20, maxRetryTimeMs: 200, retries: 10 },
  });
  admin = kafka.admin();
  await admin.connect();
}, 30_000);

afterAll(async () => {
  for (const p of producers) await p.disconnect().catch(() => {});
  await admin?.disconnect();
  await broker?.stop();
});

async function transactional(transactionalId: string): Promise<Producer | TransactionFatalError> {
  const producer = kafka.producer({ transactionalId, retryBackoffMs: 20, maxBlockMs: 10_000 });
  producers.push(producer);
  try {
    await producer.connect();
    coordinator = true;
    return producer;
  } catch (err) {
    coordinator = false;
    return err as TransactionFatalError;
  }
}

/** Values a read_committed consumer sees in `topic`, once its position reached the end of every partition. */
async function readCommitted(topic: string, groupId: string): Promise<string[]> {
  const consumer = kafka.consumer({ groupId, isolationLevel: 'read_committed', autoOffsetReset: 'earliest' });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const seen: string[] = [];
  await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
  const ends = await admin.fetchTopicOffsets(topic);
  const deadline = Date.now() + 15_000;
  for (;;) {
    const done = ends.every((e) => {
      const position = consumer.position({ topic, partition: e.partition });
      return position !== null && BigInt(position) >= BigInt(e.high);
    });
    if (done || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await consumer.disconnect();
  return seen.sort();
}

describe('transactions against broker-dev', () => {
  it('either refuses transactional ids at once with a typed fatal error, or commits, aborts and fences', async () => {
    const started = Date.now();
    const first = await transactional('it-txn');
    if (!coordinator) {
      // Today's dev broker: no coordinator.
      const err = first as TransactionFatalError;
      expect(err).toBeInstanceOf(TransactionFatalError);
      expect(err.cause).toMatchObject({ type: 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED' });
      expect(err.message).toMatch(/does not support transactions/);
      expect(Date.now() - started).toBeLessThan(10_000);
      return;
    }
    const producer = first as Producer;
    await admin.createTopics({ topics: [{ topic: 'it-txn', numPartitions: 3 }] });
    const committed = await producer.transaction();
    await committed.send({
      topic: 'it-txn',
      messages: [0, 1, 2].map((p) => ({ value: `c${p}`, partition: p })),
    });
    await committed.sendOffsets({
      consumerGroupId: 'it-txn-group',
      topics: [{ topic: 'it-txn', partitions: [{ partition: 0, offset: 1 }] }],
    });
    await committed.commit();
    const aborted = await producer.transaction();
    await aborted.send({
      topic: 'it-txn',
      messages: [0, 1, 2].map((p) => ({ value: `a${p}`, partition: p })),
    });
    await aborted.sendOffsets({
      consumerGroupId: 'it-txn-group',
      topics: [{ topic: 'it-txn', partitions: [{ partition: 0, offset: 2 }] }],
    });
    await aborted.abort();

    expect(await readCommitted('it-txn', 'it-reader')).toEqual(['c0', 'c1', 'c2']);
    const offsets = await admin.fetchOffsets({ groupId: 'it-txn-group', topics: ['it-txn'] });
    expect(offsets[0]!.partitions.find((p) => p.partition === 0)?.offset).toBe('1');
    // The reader's committed positions are past the markers: no lag left.
    const lag = await admin.fetchConsumerLag({ groupId: 'it-reader' });
    expect(lag.every((l) => l.lag === '0')).toBe(true);

    // A second instance fences the first.
    const open = await producer.transaction();
    await open.send({ topic: 'it-txn', messages: [{ value: 'zombie', partition: 0 }] });
    const second = (await transactional('it-txn')) as Producer;
    await expect(open.commit()).rejects.toBeInstanceOf(ProducerFencedError);
    expect(producer.transactionState).toBe('FATAL_ERROR');
    const fresh = await second.transaction();
    await fresh.send({ topic: 'it-txn', messages: [{ value: 'fresh', partition: 0 }] });
    await fresh.commit();
    expect(await readCommitted('it-txn', 'it-reader-2')).toEqual(['c0', 'c1', 'c2', 'fresh']);
  }, 90_000);

  it('the idempotent producer is the default and its batches are accepted', async () => {
    const producer = kafka.producer({ lingerMs: 1 });
    producers.push(producer);
    await producer.connect();
    expect(producer.isIdempotent()).toBe(true);
    const result = await producer.send({
      topic: 'it-idempotent',
      messages: Array.from({ length: 100 }, (_, i) => ({ value: `${i}`, partition: 0 })),
    });
    expect(result.records.map((r) => Number(r.offset))).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});
