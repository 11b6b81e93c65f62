/**
 * Transactions against the librdkafka mock cluster's transaction coordinator (librdkafka 2.0.2:
 * InitProducerId v0-4, AddPartitionsToTxn/AddOffsetsToTxn/EndTxn v0-1, TxnOffsetCommit v0-2), a
 * coordinator no one here wrote, read back with kcat.
 *
 * What the 2.0.2 mock does not model, and the dev broker's coordinator will be checked for instead:
 * it writes no transaction markers and returns no aborted-transaction ranges (aborted records stay
 * readable), keeps no TxnOffsetCommit offsets (OffsetFetch never sees them), and a second
 * InitProducerId with the same transactional id gets a new producer id instead of fencing the
 * first; fencing is checked here by moving the epoch on behind the producer's back (InitProducerId
 * v3 with its id and epoch, as the coordinator does when it fences or times out a transaction).
 */
import { ApiKey } from '@samsa/protocol';
import { kcat, type MockCluster, runKcat, startMockCluster } from '@samsa/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  Kafka,
  LogLevel,
  type Producer,
  ProducerFencedError,
  TransactionAbortedError,
  TransactionStateError,
} from '../../src/index.js';

kcat.describe('transactions against the librdkafka mock cluster', () => {
  let mock: MockCluster;
  let kafka: Kafka;
  const producers: Producer[] = [];

  beforeAll(async () => {
    mock = await startMockCluster(3);
    kafka = new Kafka({
      clientId: 'samsa-txn-test',
      brokers: mock.bootstrap,
      logLevel: LogLevel.NOTHING,
      retry: { initialRetryTimeMs: 20, maxRetryTimeMs: 200, retries: 10 },
    });
  }, 20_000);

  afterAll(async () => {
    for (const p of producers) await p.disconnect().catch(() => {});
    await mock?.stop();
  });

  async function transactional(transactionalId: string, config: Parameters<Kafka['producer']>[0] = {}) {
    const producer = kafka.producer({ transactionalId, retryBackoffMs: 20, ...config });
    producers.push(producer);
    await producer.connect();
    return producer;
  }

  function readBack(topic: string): Promise<string[][]> {
    return runKcat([
      '-b',
      mock.bootstrap.join(','),
      '-C',
      '-t',
      topic,
      '-o',
      'beginning',
      '-e',
      '-q',
      '-f',
      '%p\t%s\n',
    ]).then((out) =>
      out
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t')),
    );
  }

  it('commits transactions over several partitions; everything lands, in order per partition', async () => {
    const producer = await transactional('mock-commit');
    const topic = 'txn-commit';
    for (let t = 0; t < 3; t++) {
      const txn = await producer.transaction();
      const sends = [];
      for (let i = 0; i < 200; i++) {
        sends.push(txn.send({ topic, messages: [{ value: `${t}-${i}`, partition: i % 4 }] }));
      }
      await txn.commit();
      await Promise.all(sends);
    }
    expect(producer.transactionState).toBe('READY');
    const rows = await readBack(topic);
    expect(rows).toHaveLength(600);
    for (let p = 0; p < 4; p++) {
      const values = rows.filter(([q]) => Number(q) === p).map(([, v]) => v);
      const expected = [0, 1, 2].flatMap((t) =>
        Array.from({ length: 200 }, (_, i) => i)
          .filter((i) => i % 4 === p)
          .map((i) => `${t}-${i}`),
      );
      expect(values).toEqual(expected);
    }
  }, 60_000);

  it('aborts: unsent records are dropped, EndTxn(abort) is accepted, and the next transaction commits', async () => {
    const producer = await transactional('mock-abort', { lingerMs: 60_000 });
    const topic = 'txn-abort';
    const txn = await producer.transaction();
    const unsent = txn.send({ topic, messages: [{ value: 'dropped', partition: 0 }] });
    // Let AddPartitionsToTxn go out, so the abort has something to end on the coordinator.
    await new Promise((r) => setTimeout(r, 200));
    await txn.abort();
    await expect(unsent).rejects.toBeInstanceOf(TransactionAbortedError);
    await expect(txn.commit()).rejects.toBeInstanceOf(TransactionStateError);
    const next = await producer.transaction();
    const sent = next.send({ topic, messages: [{ value: 'kept', partition: 0 }] });
    await next.commit();
    await sent;
    expect(await readBack(topic)).toEqual([['0', 'kept']]);
  }, 60_000);

  it('commits consumer offsets with the transaction (AddOffsetsToTxn, TxnOffsetCommit to the group coordinator)', async () => {
    const producer = await transactional('mock-offsets');
    const txn = await producer.transaction();
    await txn.send({ topic: 'txn-offsets-out', messages: [{ value: 'out', partition: 1 }] });
    await txn.sendOffsets({
      consumerGroupId: 'mock-group',
      topics: [{ topic: 'txn-offsets-in', partitions: [{ partition: 0, offset: '17' }] }],
    });
    await txn.commit();
    expect(producer.transactionState).toBe('READY');
    expect(await readBack('txn-offsets-out')).toEqual([['1', 'out']]);
  }, 60_000);

  it('a producer whose epoch the coordinator moved on is fenced: typed, fatal, visible in transactionState', async () => {
    const producer = await transactional('mock-fenced');
    const txn = await producer.transaction();
    await txn.send({ topic: 'txn-fenced', messages: [{ value: 'zombie', partition: 0 }] });
    // The producer's id and epoch (internal: tests only), then the coordinator's fence.
    const idempotence = (
      producer as unknown as { accumulator: { idempotence: { producerId: bigint; producerEpoch: number } } }
    ).accumulator.idempotence;
    const cluster = kafka.createCluster({ namespace: 'fencer' });
    await cluster.connect();
    try {
      const node = await cluster.findCoordinator('mock-fenced', 'transaction');
      const { response } = await cluster.request(node, ApiKey.InitProducerId, () => ({
        transactionalId: 'mock-fenced',
        transactionTimeoutMs: 60_000,
        producerId: idempotence.producerId,
        producerEpoch: idempotence.producerEpoch,
      }));
      expect(response.errorCode).toBe(0);
      expect(response.producerEpoch).toBe(idempotence.producerEpoch + 1);
    } finally {
      await cluster.disconnect();
    }
    const err = await txn.commit().catch((e) => e);
    expect(err).toBeInstanceOf(ProducerFencedError);
    expect(err.cause).toMatchObject({ type: 'INVALID_PRODUCER_EPOCH' });
    expect(producer.transactionState).toBe('FATAL_ERROR');
    await expect(producer.transaction()).rejects.toBeInstanceOf(ProducerFencedError);
  }, 60_000);

  it('the idempotent producer (the default) numbers batches against the mock without loss or duplicates', async () => {
    const producer = kafka.producer({ lingerMs: 1 });
    producers.push(producer);
    await producer.connect();
    expect(producer.isIdempotent()).toBe(true);
    const topic = 'idempotent-default';
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        producer.send({
          topic,
          messages: Array.from({ length: 25 }, (_, j) => ({ value: `${i * 25 + j}`, partition: 0 })),
        }),
      ),
    );
    const rows = await readBack(topic);
    expect(rows.map(([, v]) => Number(v))).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  }, 60_000);
});
