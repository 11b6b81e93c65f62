/**
 * describeProducers, describeTransactions and listTransactions against the fake transactional
 * cluster (neither the librdkafka 2.0.2 mock nor today's dev broker implements DescribeProducers,
 * DescribeTransactions or ListTransactions): requests routed to partition leaders and coordinators,
 * answers mapped, errors typed.
 */
import { ApiKey } from '@samsa/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Admin,
  ConfigurationError,
  Kafka,
  KafkaProtocolError,
  LogLevel,
  type Producer,
} from '../../src/index.js';
import {
  type FakeTransactionalCluster,
  startFakeTransactionalCluster,
} from '../helpers/fake-transactional-cluster.js';

let fake: FakeTransactionalCluster;
let kafka: Kafka;
let admin: Admin;
const producers: Producer[] = [];

beforeAll(async () => {
  fake = await startFakeTransactionalCluster({ brokers: 2, topics: { t: 2 } });
  kafka = new Kafka({
    brokers: fake.bootstrap,
    logLevel: LogLevel.NOTHING,
    retry: { retries: 2, initialRetryTimeMs: 5 },
  });
  admin = kafka.admin();
  await admin.connect();
  // One committed transaction (tx-done), one left open on partition 1 (tx-open), one idempotent producer.
  const done = kafka.producer({ transactionalId: 'tx-done' });
  const open = kafka.producer({ transactionalId: 'tx-open', lingerMs: 0 });
  const plain = kafka.producer({ lingerMs: 0 });
  producers.push(done, open, plain);
  for (const p of producers) await p.connect();
  const t1 = await done.transaction();
  await t1.send({ topic: 't', messages: [{ value: 'x', partition: 0 }] });
  await t1.commit();
  const t2 = await open.transaction();
  await t2.send({ topic: 't', messages: [{ value: 'y', partition: 1 }] });
  await plain.send({ topic: 't', messages: [{ value: 'z', partition: 1 }] });
});

afterAll(async () => {
  for (const p of producers) await p.disconnect().catch(() => {});
  await admin?.disconnect();
  await fake?.stop();
});

describe('admin transactions and producers', () => {
  it('describeProducers asks each partition leader and shows the open transaction holding the LSO', async () => {
    const partitions = await admin.describeProducers({ topics: [{ topic: 't' }] });
    expect(partitions.map((p) => p.partition)).toEqual([0, 1]);
    expect(partitions[0]!.activeProducers).toEqual([
      expect.objectContaining({ producerEpoch: 0, lastSequence: 0, currentTransactionStartOffset: '-1' }),
    ]);
    const p1 = partitions[1]!.activeProducers;
    expect(p1).toHaveLength(2);
    expect(p1.map((a) => a.currentTransactionStartOffset).sort()).toEqual(['-1', '0']);
    // Partition 0 is led by broker 1, partition 1 by broker 2: one request each.
    const requests = fake.requests.filter((r) => r.apiKey === ApiKey.DescribeProducers);
    expect(requests.map((r) => r.nodeId).sort()).toEqual([1, 2]);
  });

  it('describeTransactions returns state, producer and partitions per transactional id', async () => {
    const [open, done] = await admin.describeTransactions(['tx-open', 'tx-done']);
    expect(open).toMatchObject({
      transactionalId: 'tx-open',
      state: 'Ongoing',
      producerEpoch: 0,
      transactionTimeoutMs: 60000,
      topics: [{ topic: 't', partitions: [1] }],
    });
    expect(done).toMatchObject({ transactionalId: 'tx-done', state: 'CompleteCommit', topics: [] });
    const err = await admin.describeTransactions(['tx-unknown']).catch((e) => e);
    expect(err).toBeInstanceOf(KafkaProtocolError);
    expect(err.type).toBe('TRANSACTIONAL_ID_NOT_FOUND');
  });

  it('listTransactions asks every broker, filtered by state and producer id', async () => {
    const all = await admin.listTransactions();
    expect(all.map((t) => [t.transactionalId, t.state])).toEqual(
      // Both brokers of the fake answer from the same coordinator state.
      [
        ['tx-done', 'CompleteCommit'],
        ['tx-done', 'CompleteCommit'],
        ['tx-open', 'Ongoing'],
        ['tx-open', 'Ongoing'],
      ],
    );
    const ongoing = await admin.listTransactions({ states: ['Ongoing'] });
    expect(new Set(ongoing.map((t) => t.transactionalId))).toEqual(new Set(['tx-open']));
    const byProducer = await admin.listTransactions({ producerIds: [ongoing[0]!.producerId] });
    expect(new Set(byProducer.map((t) => t.transactionalId))).toEqual(new Set(['tx-open']));
    await expect(admin.listTransactions({ states: ['Sleeping' as never] })).rejects.toMatchObject({
      option: 'states',
    });
  });

  it('refuses bad arguments with the option named', async () => {
    await expect(admin.describeProducers({ topics: [] })).rejects.toBeInstanceOf(ConfigurationError);
    await expect(
      admin.describeProducers({ topics: [{ topic: 't', partitions: [-1] }] }),
    ).rejects.toMatchObject({
      option: 'topics[0].partitions',
    });
    await expect(admin.describeTransactions([])).rejects.toMatchObject({ option: 'transactionalIds' });
    await expect(admin.listTransactions({ producerIds: ['x'] })).rejects.toMatchObject({
      option: 'producerIds',
    });
  });
});
