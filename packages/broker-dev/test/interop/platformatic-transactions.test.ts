/**
 * @platformatic/kafka 1.35 transactions against the dev broker's coordinator: it speaks the newest
 * versions (InitProducerId v5, the batched AddPartitionsToTxn v5 as a client, EndTxn v4, Produce
 * v11), and what it committed (not what it aborted) is what a KafkaJS read_committed consumer reads.
 */
import { Producer, stringSerializers } from '@platformatic/kafka';
import { waitFor } from '@samsa/test-support';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningBroker, startBroker } from '../../src/index.js';
import { createTopic } from '../helpers/kafka.js';
import { RawClient } from '../helpers/raw-client.js';
import { describeTransaction, markersIn } from '../helpers/transactions.js';

let broker: RunningBroker;
let raw: RawClient;

beforeAll(async () => {
  broker = await startBroker();
  raw = await RawClient.connect(broker.bootstrap[0]);
  await createTopic(raw, 'plat-out', 2);
});
afterAll(async () => {
  raw?.close();
  await broker?.stop();
});

it('commits and aborts transactions with the newest request versions', async () => {
  broker.control.recordRequests();
  const producer = new Producer({
    clientId: 'platformatic-txn',
    bootstrapBrokers: broker.bootstrap,
    idempotent: true,
    transactionalId: 'platformatic-txn',
    serializers: stringSerializers,
  });
  try {
    const committed = await producer.beginTransaction();
    await committed.send({
      messages: [
        { topic: 'plat-out', key: 'a', value: 'one', partition: 0 },
        { topic: 'plat-out', key: 'b', value: 'two', partition: 1 },
      ],
    });
    await committed.commit();
    expect((await describeTransaction(raw, 'platformatic-txn')).transactionState).toBe('CompleteCommit');
    const aborted = await producer.beginTransaction();
    await aborted.send({ messages: [{ topic: 'plat-out', key: 'a', value: 'gone', partition: 0 }] });
    await aborted.abort();
    expect((await describeTransaction(raw, 'platformatic-txn')).transactionState).toBe('CompleteAbort');
  } finally {
    await producer.close();
  }
  expect((await markersIn(raw, 'plat-out', 0)).map((m) => m.type)).toEqual(['COMMIT', 'ABORT']);
  expect((await markersIn(raw, 'plat-out', 1)).map((m) => m.type)).toEqual(['COMMIT']);
  const versions = new Map(broker.control.requests().map((r) => [r.api, r.apiVersion]));
  expect(
    Object.fromEntries(
      ['InitProducerId', 'AddPartitionsToTxn', 'EndTxn'].map((api) => [api, versions.get(api)]),
    ),
  ).toEqual({
    InitProducerId: 5,
    AddPartitionsToTxn: 5,
    EndTxn: 4,
  });

  // Read back by KafkaJS (read_committed by default), with a plain record after the transactions.
  const kafka = new Kafka({ clientId: 'plat-reader', brokers: broker.bootstrap, logLevel: logLevel.NOTHING });
  const plain = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await plain.connect();
  await plain.send({ topic: 'plat-out', messages: [{ partition: 0, value: 'after' }] });
  await plain.disconnect();
  const consumer = kafka.consumer({ groupId: 'plat-reader' });
  const seen: [number, string][] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: 'plat-out', fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        seen.push([partition, message.value?.toString() ?? '']);
      },
    });
    await waitFor(
      'both partitions read',
      () => seen.some(([, v]) => v === 'after') && seen.some(([, v]) => v === 'two'),
      {
        timeoutMs: 30_000,
      },
    );
  } finally {
    await consumer.disconnect();
  }
  expect(seen.filter(([p]) => p === 0).map(([, v]) => v)).toEqual(['one', 'after']);
  expect(seen.filter(([p]) => p === 1).map(([, v]) => v)).toEqual(['two']);
});
