/**
 * The transaction manager driven through the producer against the fake cluster's small transaction
 * coordinator (test/helpers/fake-transactions.ts): request order, batching of AddPartitionsToTxn,
 * EndTxn after the flush, retries, and how each class of error leaves the producer.
 */
import { ApiKey, ErrorCode } from '@samsa/protocol';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  Kafka,
  type Producer,
  type ProducerConfig,
  ProducerFencedError,
  TransactionAbortableError,
  TransactionAbortedError,
  TransactionFatalError,
  TransactionStateError,
  UnsupportedApiVersionError,
} from '../../src/index.js';
import { LogLevel } from '../../src/logger.js';
import { isValidTransition, type TransactionState } from '../../src/producer/transaction-manager.js';
import {
  type FakeTransactionalCluster as FakeCluster,
  startFakeTransactionalCluster as startFakeCluster,
} from '../helpers/fake-transactional-cluster.js';

let fake: FakeCluster | null = null;
const producers: Producer[] = [];

afterEach(async () => {
  for (const p of producers.splice(0)) await p.disconnect().catch(() => {});
  await fake?.stop();
  fake = null;
});

const TXN_APIS = new Set<number>([
  ApiKey.InitProducerId,
  ApiKey.AddPartitionsToTxn,
  ApiKey.AddOffsetsToTxn,
  ApiKey.EndTxn,
  ApiKey.TxnOffsetCommit,
  ApiKey.Produce,
]);

async function setup(config: ProducerConfig = {}, topics: Record<string, number> = { t: 3, u: 2 }) {
  fake ??= await startFakeCluster({ topics });
  const producer = newProducer(config);
  await producer.connect();
  return { producer, fake: fake! };
}

function newProducer(config: ProducerConfig = {}): Producer {
  const kafka = new Kafka({
    brokers: fake!.bootstrap,
    logLevel: LogLevel.NOTHING,
    retry: { initialRetryTimeMs: 5, maxRetryTimeMs: 20 },
    requestTimeoutMs: 2000,
  });
  const producer = kafka.producer({
    transactionalId: 'tx-1',
    retryBackoffMs: 5,
    retryBackoffMaxMs: 20,
    ...config,
  });
  producers.push(producer);
  return producer;
}

/** The transactional requests (and Produce) in the order the fake got them, by name. */
function flow(f: FakeCluster): string[] {
  return f.flow(TXN_APIS);
}

describe('transaction state machine', () => {
  it("allows Java's transitions and no others", () => {
    const allowed: [TransactionState, TransactionState][] = [
      ['UNINITIALIZED', 'INITIALIZING'],
      ['INITIALIZING', 'READY'],
      ['READY', 'IN_TRANSACTION'],
      ['IN_TRANSACTION', 'COMMITTING'],
      ['COMMITTING', 'READY'],
      ['IN_TRANSACTION', 'ABORTING'],
      ['ABORTING', 'READY'],
      ['IN_TRANSACTION', 'ABORTABLE_ERROR'],
      ['COMMITTING', 'ABORTABLE_ERROR'],
      ['ABORTABLE_ERROR', 'ABORTING'],
      ['ABORTING', 'INITIALIZING'],
      ['IN_TRANSACTION', 'FATAL_ERROR'],
      ['READY', 'FATAL_ERROR'],
    ];
    const refused: [TransactionState, TransactionState][] = [
      ['UNINITIALIZED', 'IN_TRANSACTION'],
      ['READY', 'COMMITTING'],
      ['READY', 'ABORTING'],
      ['COMMITTING', 'ABORTING'],
      ['ABORTING', 'COMMITTING'],
      ['ABORTABLE_ERROR', 'COMMITTING'],
      ['ABORTABLE_ERROR', 'READY'],
      ['FATAL_ERROR', 'READY'],
      ['FATAL_ERROR', 'ABORTING'],
      ['IN_TRANSACTION', 'IN_TRANSACTION'],
    ];
    for (const [from, to] of allowed) expect(isValidTransition(from, to), `${from} -> ${to}`).toBe(true);
    for (const [from, to] of refused) expect(isValidTransition(from, to), `${from} -> ${to}`).toBe(false);
  });

  it('any sequence of calls leaves a valid state and throws only typed errors', async () => {
    await setup();
    const producer = producers[0]!;
    type Op = 'begin' | 'send' | 'commit' | 'abort' | 'offsets' | 'fail-add';
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom<Op>('begin', 'send', 'commit', 'abort', 'offsets', 'fail-add'), {
          maxLength: 12,
        }),
        async (ops) => {
          for (const op of ops) {
            try {
              if (op === 'begin') producer.beginTransaction();
              else if (op === 'send') await producer.send({ topic: 't', messages: [{ value: 'x' }] });
              else if (op === 'commit') await producer.commitTransaction();
              else if (op === 'abort') await producer.abortTransaction();
              else if (op === 'offsets')
                await producer.sendOffsetsToTransaction([{ topic: 't', partition: 0, offset: 1 }], 'g');
              else fake!.failNext(ApiKey.AddPartitionsToTxn, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
            } catch (err) {
              expect(err).toSatisfy(
                (e) =>
                  e instanceof TransactionStateError ||
                  e instanceof TransactionAbortableError ||
                  e instanceof TransactionAbortedError,
              );
              expect((err as Error).message).not.toMatch(/invalid transition/);
            }
            expect(['READY', 'IN_TRANSACTION', 'ABORTABLE_ERROR']).toContain(producer.transactionState);
          }
          // Whatever happened, the producer can finish and start over.
          if (producer.transactionState !== 'READY') await producer.abortTransaction();
          expect(producer.transactionState).toBe('READY');
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('transactions against a coordinator', () => {
  it('initializes on connect, adds all partitions of a turn in one request, sends only after it, commits after the flush', async () => {
    const { producer, fake } = await setup();
    expect(producer.transactionState).toBe('READY');
    const txn = await producer.transaction();
    const sends = [
      txn.send({ topic: 't', messages: [0, 1, 2].map((p) => ({ value: `v${p}`, partition: p })) }),
      txn.sendBatch({ topicMessages: [{ topic: 'u', messages: [{ value: 'u0', partition: 0 }] }] }),
    ];
    await Promise.all(sends);
    await txn.commit();
    expect(txn.isActive()).toBe(false);
    expect(flow(fake)).toEqual(['InitProducerId', 'AddPartitionsToTxn', 'Produce', 'EndTxn']);
    expect(fake.txns.addPartitionsRequests).toEqual([['t/0', 't/1', 't/2', 'u/0']]);
    expect(fake.txns.ended).toEqual([
      expect.objectContaining({ committed: true, partitions: ['t/0', 't/1', 't/2', 'u/0'], epoch: 0 }),
    ]);
    const batches = fake.produced.flat();
    expect(batches.every((b) => b.transactional && b.producerId === 1000n && b.epoch === 0)).toBe(true);
    expect(producer.transactionState).toBe('READY');
  });

  it('adds partitions a transaction reaches later with a later request, and batches to them wait for it', async () => {
    const { producer, fake } = await setup({ lingerMs: 0 });
    // A slow AddPartitionsToTxn: a batch sent before its answer would be refused (INVALID_TXN_STATE).
    fake.apiDelays.set(ApiKey.AddPartitionsToTxn, 50);
    const txn = await producer.transaction();
    await txn.send({ topic: 't', messages: [{ value: 'a', partition: 0 }] });
    await txn.send({ topic: 't', messages: [{ value: 'b', partition: 0 }] });
    await txn.send({ topic: 't', messages: [{ value: 'c', partition: 1 }] });
    await txn.commit();
    expect(fake.txns.addPartitionsRequests).toEqual([['t/0'], ['t/1']]);
    expect(flow(fake)).toEqual([
      'InitProducerId',
      'AddPartitionsToTxn',
      'Produce',
      'Produce',
      'AddPartitionsToTxn',
      'Produce',
      'EndTxn',
    ]);
  });

  it('commits sends that were not awaited, and skips EndTxn when nothing was added', async () => {
    const { producer, fake } = await setup();
    const empty = await producer.transaction();
    await empty.commit();
    expect(flow(fake)).toEqual(['InitProducerId']);
    const txn = await producer.transaction();
    const pending = Array.from({ length: 50 }, (_, i) =>
      txn.send({ topic: 't', messages: [{ value: `m${i}` }] }),
    );
    await txn.commit();
    expect(fake.allRecords('t')).toHaveLength(50);
    expect(fake.txns.ended.map((e) => e.committed)).toEqual([true]);
    await Promise.all(pending);
  });

  it('aborts: EndTxn(abort), and the next transaction goes on under the same epoch', async () => {
    const { producer, fake } = await setup();
    const txn = await producer.transaction();
    await txn.send({ topic: 't', messages: [{ value: 'a', partition: 0 }] });
    await txn.abort();
    await expect(txn.commit()).rejects.toThrow(/was aborted.*producer\.transaction\(\)/);
    const next = await producer.transaction();
    await next.send({ topic: 't', messages: [{ value: 'b', partition: 0 }] });
    await next.commit();
    expect(fake.txns.ended.map((e) => [e.committed, e.epoch, e.partitions])).toEqual([
      [false, 0, ['t/0']],
      [true, 0, ['t/0']],
    ]);
    // Sequence numbers go on: nothing was lost.
    expect(fake.produced.flat().map((b) => [b.epoch, b.baseSequence])).toEqual([
      [0, 0],
      [0, 1],
    ]);
  });

  it('drops records of an aborted transaction that were not sent yet', async () => {
    const { producer, fake } = await setup({ lingerMs: 1000 });
    const txn = await producer.transaction();
    const send = txn.send({ topic: 't', messages: [{ value: 'never', partition: 0 }] });
    await new Promise((r) => setTimeout(r, 30));
    await txn.abort();
    await expect(send).rejects.toBeInstanceOf(TransactionAbortedError);
    expect(fake.produced).toHaveLength(0);
    expect(fake.txns.ended.map((e) => e.committed)).toEqual([false]);
  });

  it('abort does not wait out the retries of a failing batch: it is dropped, and the epoch bumped as its sequence was used', async () => {
    const { producer, fake } = await setup({ retryBackoffMs: 50, retryBackoffMaxMs: 50 });
    fake.failNext(ApiKey.Produce, ErrorCode.NOT_ENOUGH_REPLICAS, 1000, { topic: 't', partition: 0 });
    // Answers come late, so the abort starts while the batch is in flight.
    fake.apiDelays.set(ApiKey.Produce, 100);
    const txn = await producer.transaction();
    const send = txn.send({ topic: 't', messages: [{ value: 'stuck', partition: 0 }] });
    while (fake.requests.filter((r) => r.apiKey === ApiKey.Produce).length < 2)
      await new Promise((r) => setTimeout(r, 5));
    await txn.abort();
    await expect(send).rejects.toBeInstanceOf(TransactionAbortedError);
    expect(flow(fake).filter((n) => n !== 'Produce')).toEqual([
      'InitProducerId',
      'AddPartitionsToTxn',
      'EndTxn',
      'InitProducerId',
    ]);
    expect(fake.txns.ended.map((e) => e.committed)).toEqual([false]);
  });

  it('retries CONCURRENT_TRANSACTIONS on the first AddPartitionsToTxn and NOT_COORDINATOR on EndTxn (finding the coordinator again)', async () => {
    const { producer, fake } = await setup();
    fake.failNext(ApiKey.AddPartitionsToTxn, ErrorCode.CONCURRENT_TRANSACTIONS, 2);
    fake.failNext(ApiKey.EndTxn, ErrorCode.NOT_COORDINATOR, 1);
    const txn = await producer.transaction();
    await txn.send({ topic: 't', messages: [{ value: 'a', partition: 0 }] });
    const lookups = fake.requests.filter((r) => r.apiKey === ApiKey.FindCoordinator).length;
    await txn.commit();
    expect(flow(fake)).toEqual([
      'InitProducerId',
      'AddPartitionsToTxn',
      'AddPartitionsToTxn',
      'AddPartitionsToTxn',
      'Produce',
      'EndTxn',
      'EndTxn',
    ]);
    expect(fake.requests.filter((r) => r.apiKey === ApiKey.FindCoordinator).length).toBe(lookups + 1);
    expect(fake.txns.ended.map((e) => e.committed)).toEqual([true]);
  });

  it('retries CONCURRENT_TRANSACTIONS and coordinator loading on InitProducerId', async () => {
    fake = await startFakeCluster({ topics: { t: 1 } });
    fake.failNext(ApiKey.InitProducerId, ErrorCode.CONCURRENT_TRANSACTIONS, 2);
    fake.failNext(ApiKey.InitProducerId, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, 1);
    const { producer } = await setup();
    expect(producer.transactionState).toBe('READY');
    expect(flow(fake)).toEqual(['InitProducerId', 'InitProducerId', 'InitProducerId', 'InitProducerId']);
  });

  it('a second producer with the same transactional id fences the first: typed, fatal, visible', async () => {
    const { producer: first, fake } = await setup();
    const txn = await first.transaction();
    await txn.send({ topic: 't', messages: [{ value: 'zombie', partition: 0 }] });
    const second = newProducer();
    await second.connect();
    // The new instance's InitProducerId aborted the old one's open transaction.
    expect(fake.txns.ended.map((e) => [e.committed, e.epoch])).toEqual([[false, 0]]);
    const err = await txn.commit().catch((e) => e);
    expect(err).toBeInstanceOf(ProducerFencedError);
    expect(err.message).toMatch(/fenced.*newer producer with transactionalId "tx-1"/);
    expect(first.transactionState).toBe('FATAL_ERROR');
    await expect(first.transaction()).rejects.toBeInstanceOf(ProducerFencedError);
    await expect(first.send({ topic: 't', messages: [{ value: 'x' }] })).rejects.toBeInstanceOf(
      ProducerFencedError,
    );
    // The new one works.
    const t2 = await second.transaction();
    await t2.send({ topic: 't', messages: [{ value: 'fresh', partition: 0 }] });
    await t2.commit();
    expect(fake.txns.ended.at(-1)).toMatchObject({ committed: true, epoch: 1 });
  });

  it('an abortable error (TOPIC_AUTHORIZATION_FAILED) fails the commit; abort recovers and the producer goes on', async () => {
    const { producer, fake } = await setup();
    fake.failNext(ApiKey.AddPartitionsToTxn, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    const txn = await producer.transaction();
    const send = txn.send({ topic: 't', messages: [{ value: 'a', partition: 0 }] });
    await expect(send).rejects.toBeInstanceOf(TransactionAbortableError);
    expect(producer.transactionState).toBe('ABORTABLE_ERROR');
    const err = await txn.commit().catch((e) => e);
    expect(err).toBeInstanceOf(TransactionAbortableError);
    expect(err.cause).toMatchObject({ type: 'TOPIC_AUTHORIZATION_FAILED' });
    expect(err.message).toMatch(/Call abort\(\)/);
    await expect(txn.send({ topic: 't', messages: [{ value: 'b' }] })).rejects.toBeInstanceOf(
      TransactionAbortableError,
    );
    await txn.abort();
    // Nothing was added on the coordinator: no EndTxn.
    expect(flow(fake)).toEqual(['InitProducerId', 'AddPartitionsToTxn']);
    const next = await producer.transaction();
    await next.send({ topic: 't', messages: [{ value: 'c', partition: 0 }] });
    await next.commit();
    expect(fake.txns.ended.map((e) => e.committed)).toEqual([true]);
  });

  it('KIP-360: a lost sequenced batch aborts the transaction, then InitProducerId bumps the epoch and sequences restart at 0', async () => {
    const { producer, fake } = await setup();
    const txn = await producer.transaction();
    await txn.send({ topic: 't', messages: [{ value: 'a', partition: 0 }] });
    fake.failNext(ApiKey.Produce, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, 1, { topic: 't', partition: 0 });
    const lost = await txn.send({ topic: 't', messages: [{ value: 'b', partition: 0 }] }).catch((e) => e);
    expect(lost).toMatchObject({ type: 'OUT_OF_ORDER_SEQUENCE_NUMBER' });
    expect(producer.transactionState).toBe('ABORTABLE_ERROR');
    await txn.abort();
    expect(flow(fake).slice(-2)).toEqual(['EndTxn', 'InitProducerId']);
    const bump = fake.requests.filter((r) => r.apiKey === ApiKey.InitProducerId).at(-1)!;
    expect(bump.version).toBeGreaterThanOrEqual(3);
    const next = await producer.transaction();
    await next.send({ topic: 't', messages: [{ value: 'c', partition: 0 }] });
    await next.commit();
    expect(fake.produced.flat().map((b) => [b.epoch, b.baseSequence])).toEqual([
      [0, 0],
      [0, 1], // refused
      [1, 0],
    ]);
    expect(fake.txns.ended.map((e) => [e.committed, e.epoch])).toEqual([
      [false, 0],
      [true, 1],
    ]);
  });

  it('without InitProducerId v3 on the coordinator (Kafka < 2.5), a lost sequenced batch makes the producer fatally broken after the abort', async () => {
    fake = await startFakeCluster({ topics: { t: 1 }, maxVersions: { [ApiKey.InitProducerId]: 2 } });
    const { producer } = await setup();
    const txn = await producer.transaction();
    // A batch refused for good after it got its sequence number: abortable, but its hole stays.
    fake.failNext(ApiKey.Produce, ErrorCode.MESSAGE_TOO_LARGE, 1, { topic: 't', partition: 0 });
    await txn.send({ topic: 't', messages: [{ value: 'lost', partition: 0 }] }).catch(() => {});
    expect(producer.transactionState).toBe('ABORTABLE_ERROR');
    const err = await txn.abort().catch((e) => e);
    expect(err).toBeInstanceOf(TransactionFatalError);
    expect(err.cause).toBeInstanceOf(UnsupportedApiVersionError);
    expect(producer.transactionState).toBe('FATAL_ERROR');
    // Nothing was sent to bump the epoch: an InitProducerId without the id would fence a newer instance.
    expect(flow(fake).filter((n) => n === 'InitProducerId')).toHaveLength(1);

    // A sequence error there is fatal at once (Java's abortableErrorIfPossible).
    const other = newProducer({ transactionalId: 'tx-old-2' });
    await other.connect();
    const t2 = await other.transaction();
    fake.failNext(ApiKey.Produce, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, 1, { topic: 't', partition: 0 });
    await t2.send({ topic: 't', messages: [{ value: 'gap', partition: 0 }] }).catch(() => {});
    expect(other.transactionState).toBe('FATAL_ERROR');
    await expect(t2.commit()).rejects.toBeInstanceOf(TransactionFatalError);
  });

  it('sends offsets to the group coordinator with the consumer group metadata; visible only when committed', async () => {
    const { producer, fake } = await setup();
    const consumer = {
      groupMetadata: () => ({ groupId: 'g', generationId: 7, memberId: 'm-1', groupInstanceId: 'i-1' }),
    };
    const txn = await producer.transaction();
    await txn.send({ topic: 'u', messages: [{ value: 'out', partition: 0 }] });
    await txn.sendOffsets({
      consumer,
      topics: [{ topic: 't', partitions: [{ partition: 2, offset: '42' }] }],
    });
    expect(fake.txns.groupOffsets.get('g')).toBeUndefined();
    await txn.commit();
    expect(fake.txns.groupOffsets.get('g')).toEqual(new Map([['t/2', 42n]]));
    const commit = fake.txns.txnOffsetCommits[0]!;
    expect(commit).toMatchObject({ groupId: 'g', generationId: 7, memberId: 'm-1', groupInstanceId: 'i-1' });
    expect(fake.txns.ended[0]!.groups).toEqual(['g']);

    const aborted = await producer.transaction();
    await aborted.sendOffsets({
      consumerGroupId: 'g',
      topics: [{ topic: 't', partitions: [{ partition: 2, offset: 99 }] }],
    });
    await aborted.abort();
    expect(fake.txns.groupOffsets.get('g')).toEqual(new Map([['t/2', 42n]]));
    expect(fake.txns.txnOffsetCommits[1]).toMatchObject({
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
    });
  });

  it('a TxnOffsetCommit from an old generation (ILLEGAL_GENERATION) makes the transaction abortable', async () => {
    const { producer, fake } = await setup();
    fake.failNext(ApiKey.TxnOffsetCommit, ErrorCode.ILLEGAL_GENERATION);
    const txn = await producer.transaction();
    const err = await txn
      .sendOffsets({
        consumerGroupId: 'g',
        topics: [{ topic: 't', partitions: [{ partition: 0, offset: 1 }] }],
      })
      .catch((e) => e);
    expect(err).toBeInstanceOf(TransactionAbortableError);
    expect(err.cause).toMatchObject({ type: 'ILLEGAL_GENERATION' });
    await txn.abort();
    expect(producer.transactionState).toBe('READY');
  });

  it('supports the Java-style calls', async () => {
    const { producer, fake } = await setup();
    await producer.initTransactions();
    producer.beginTransaction();
    expect(producer.transactionState).toBe('IN_TRANSACTION');
    const sent = producer.send({ topic: 't', messages: [{ value: 'j', partition: 1 }] });
    await producer.sendOffsetsToTransaction([{ topic: 't', partition: 1, offset: 5n }], {
      groupId: 'g',
      generationId: 3,
      memberId: 'm',
      groupInstanceId: null,
    });
    await producer.commitTransaction();
    await sent;
    expect(fake.txns.ended).toEqual([
      expect.objectContaining({ committed: true, partitions: ['t/1'], groups: ['g'] }),
    ]);
    producer.beginTransaction();
    await producer.abortTransaction();
    expect(producer.transactionState).toBe('READY');
  });

  it('fails connect() with a typed error when the transactional id is not authorized (as the dev broker answers today)', async () => {
    fake = await startFakeCluster({ topics: { t: 1 } });
    fake.failNext(ApiKey.FindCoordinator, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, 10);
    const producer = newProducer();
    const err = await producer.connect().catch((e) => e);
    expect(err).toBeInstanceOf(TransactionFatalError);
    expect(err.cause).toMatchObject({ type: 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED' });
    expect(producer.transactionState).toBe('UNINITIALIZED');
  });
});

describe('misuse', () => {
  it('refuses sends outside a transaction, two transactions at once, and calls on an ended transaction', async () => {
    const { producer } = await setup();
    await expect(producer.send({ topic: 't', messages: [{ value: 'x' }] })).rejects.toThrow(
      /records go in a transaction.*producer\.transaction\(\)/,
    );
    const txn = await producer.transaction();
    await expect(producer.transaction()).rejects.toThrow(/already open.*commit\(\) or abort\(\)/);
    expect(() => producer.beginTransaction()).toThrow(TransactionStateError);
    await txn.commit();
    await expect(txn.send({ topic: 't', messages: [{ value: 'x' }] })).rejects.toThrow(/was committed/);
    await expect(txn.abort()).rejects.toBeInstanceOf(TransactionStateError);
    await expect(producer.commitTransaction()).rejects.toThrow(/No transaction is open/);
    await expect(producer.abortTransaction()).rejects.toThrow(/No transaction is open/);
  });

  it('refuses sendOffsets without a group and bad offsets, with the option named', async () => {
    const { producer } = await setup();
    const txn = await producer.transaction();
    await expect(txn.sendOffsets({ topics: [] } as never)).rejects.toMatchObject({
      option: 'consumerGroupId',
    });
    await expect(
      txn.sendOffsets({
        consumerGroupId: 'g',
        topics: [{ topic: 't', partitions: [{ partition: 0, offset: 'x' }] }],
      }),
    ).rejects.toMatchObject({ option: 'topics[0].partitions[0].offset' });
    await txn.abort();
  });

  it('refuses transactional calls on a producer without transactionalId', async () => {
    fake = await startFakeCluster({ topics: { t: 1 } });
    const producer = new Kafka({ brokers: fake.bootstrap, logLevel: LogLevel.NOTHING }).producer();
    producers.push(producer);
    await producer.connect();
    await expect(producer.transaction()).rejects.toThrow(/needs a transactional producer/);
    expect(() => producer.beginTransaction()).toThrow(TransactionStateError);
    expect(producer.transactionState).toBeNull();
  });

  it('refuses a transaction before connect()', async () => {
    fake = await startFakeCluster({ topics: { t: 1 } });
    const producer = newProducer();
    await expect(producer.transaction()).rejects.toThrow(/not connected/);
    expect(() => producer.beginTransaction()).toThrow(/not initialized/);
  });
});
