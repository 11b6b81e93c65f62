/**
 * KafkaJS 2.2.4 transactions against the dev broker: send + sendOffsets committed and aborted
 * (offsets land only with the commit, markers on every partition written), a second producer with
 * the same transactional id fencing the first, and a KafkaJS consumer (read_committed by default)
 * that sees committed data only, interleaved with another producer's, across several aborted
 * transactions of one producer.
 */
import { waitFor } from '@samsa/test-support';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBroker, startBroker } from '../../src/index.js';
import { RawClient } from '../helpers/raw-client.js';
import { describeTransaction, markersIn } from '../helpers/transactions.js';

let broker: RunningBroker;
let raw: RawClient;
let kafka: Kafka;

beforeAll(async () => {
  broker = await startBroker();
  raw = await RawClient.connect(broker.bootstrap[0]);
  kafka = new Kafka({ clientId: 'kafkajs-txn', brokers: broker.bootstrap, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      { topic: 'kjs-out', numPartitions: 3 },
      { topic: 'kjs-in', numPartitions: 1 },
      { topic: 'kjs-read', numPartitions: 1 },
    ],
  });
  await admin.disconnect();
});
afterAll(async () => {
  raw?.close();
  await broker?.stop();
});

const producer = (transactionalId: string) =>
  kafka.producer({
    transactionalId,
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });

describe('KafkaJS transactions', () => {
  it('commits and aborts send + sendOffsets; only the committed offsets become visible', async () => {
    const p = producer('kafkajs-txn');
    await p.connect();
    try {
      const committed = await p.transaction();
      await committed.send({
        topic: 'kjs-out',
        messages: Array.from({ length: 12 }, (_, i) => ({ key: `k${i}`, value: `committed-${i}` })),
      });
      await committed.sendOffsets({
        consumerGroupId: 'kjs-group',
        topics: [{ topic: 'kjs-in', partitions: [{ partition: 0, offset: '5' }] }],
      });
      await committed.commit();
      expect((await describeTransaction(raw, 'kafkajs-txn')).transactionState).toBe('CompleteCommit');

      const aborted = await p.transaction();
      await aborted.send({ topic: 'kjs-out', messages: [{ key: 'k0', value: 'aborted' }] });
      await aborted.sendOffsets({
        consumerGroupId: 'kjs-group',
        topics: [{ topic: 'kjs-in', partitions: [{ partition: 0, offset: '9' }] }],
      });
      await aborted.abort();
      expect((await describeTransaction(raw, 'kafkajs-txn')).transactionState).toBe('CompleteAbort');
    } finally {
      await p.disconnect();
    }
    const admin = kafka.admin();
    await admin.connect();
    const [offsets] = await admin.fetchOffsets({ groupId: 'kjs-group', topics: ['kjs-in'] });
    await admin.disconnect();
    expect(offsets.partitions).toEqual([expect.objectContaining({ partition: 0, offset: '5' })]);
    const markers = (await Promise.all([0, 1, 2].map((p) => markersIn(raw, 'kjs-out', p)))).flat();
    expect(markers.filter((m) => m.type === 'COMMIT')).toHaveLength(3); // 12 keys reach every partition
    expect(markers.filter((m) => m.type === 'ABORT')).toHaveLength(1);
  });

  it('fences the first producer when a second one starts with the same transactional id', async () => {
    const first = producer('kafkajs-fenced');
    const second = producer('kafkajs-fenced');
    await first.connect();
    try {
      const open = await first.transaction();
      await open.send({ topic: 'kjs-out', messages: [{ key: 'zombie', value: 'zombie' }] });
      await second.connect();
      // KafkaJS initialises the producer id with the first transaction: this fences the first
      // producer and aborts its transaction (KafkaJS retries the CONCURRENT_TRANSACTIONS meanwhile).
      const next = await second.transaction();
      await expect(open.commit()).rejects.toThrow(/epoch/i);
      await next.send({ topic: 'kjs-out', messages: [{ key: 'alive', value: 'alive' }] });
      await next.commit();
      expect(await describeTransaction(raw, 'kafkajs-fenced')).toMatchObject({
        transactionState: 'CompleteCommit',
        producerEpoch: 2,
      });
    } finally {
      await first.disconnect();
      await second.disconnect();
    }
  });
});

describe('KafkaJS read_committed consumer', () => {
  it("sees committed data and the other producer's, never aborted data, in offset order", async () => {
    const plain = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    const p = producer('kafkajs-read');
    await plain.connect();
    await p.connect();
    const sendPlain = (value: string) =>
      plain.send({ topic: 'kjs-read', messages: [{ partition: 0, value }] });
    const inTransaction = async (values: string[], commit: boolean, between?: string) => {
      const transaction = await p.transaction();
      await transaction.send({
        topic: 'kjs-read',
        messages: values.map((value) => ({ partition: 0, value })),
      });
      if (between) await sendPlain(between);
      await (commit ? transaction.commit() : transaction.abort());
    };
    try {
      await sendPlain('plain-0');
      await inTransaction(['aborted-1'], false, 'plain-1');
      await inTransaction(['committed-1', 'committed-2'], true, 'plain-2');
      // Several aborted transactions of one producer, back to back: one fetch carries them all.
      for (let i = 2; i <= 4; i++) await inTransaction([`aborted-${i}`], false);
      await inTransaction(['committed-3'], true);
      await sendPlain('plain-3');
    } finally {
      await p.disconnect();
      await plain.disconnect();
    }

    const consumer = kafka.consumer({ groupId: 'kjs-read-committed' });
    const seen: string[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: 'kjs-read', fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          seen.push(message.value?.toString() ?? '');
        },
      });
      // Partitions are read in order: once the last record arrived, everything before it has too.
      await waitFor('the last record', () => seen.includes('plain-3'), { timeoutMs: 30_000 });
    } finally {
      await consumer.disconnect();
    }
    expect(seen).toEqual([
      'plain-0',
      'plain-1',
      'committed-1',
      'committed-2',
      'plain-2',
      'committed-3',
      'plain-3',
    ]);
  });
});
