/**
 * KafkaJS 2.2.4 transactions against the dev broker's transaction coordinator: send + sendOffsets
 * committed and aborted (offsets land only with the commit, markers on every partition written),
 * and a second producer with the same transactional id fencing the first. Reading back with
 * read_committed is the partition side's test; here the coordinator's work is checked.
 */
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
