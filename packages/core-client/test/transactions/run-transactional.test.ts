/**
 * runTransactional: input read from @samsa/broker-dev by a group consumer, output and offsets
 * written in transactions to the fake cluster's transaction coordinator (broker-dev has none yet),
 * which tells which records committed and which aborted. Restarts and rebalances need the offsets
 * back from the same broker, so they are left for the dev broker's coordinator.
 */
import { startBroker } from '@samsa/broker-dev';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  type Consumer,
  Kafka,
  LogLevel,
  type Producer,
  ProducerFencedError,
  runTransactional,
} from '../../src/index.js';
import {
  type FakeTransactionalCluster as FakeCluster,
  startFakeTransactionalCluster as startFakeCluster,
} from '../helpers/fake-transactional-cluster.js';

type RunningBroker = Awaited<ReturnType<typeof startBroker>>;

let broker: RunningBroker;
let input: Kafka;
let fake: FakeCluster;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  broker = await startBroker({ brokers: 1, port: 0, partitions: 2, groupMinSessionTimeoutMs: 500 });
  input = new Kafka({ clientId: 'rt-in', brokers: broker.bootstrap, logLevel: LogLevel.NOTHING });
  const seed = input.producer({ lingerMs: 1 });
  await seed.connect();
  for (const topic of ['rt-in-1', 'rt-in-2', 'rt-in-3']) {
    await seed.send({
      topic,
      messages: Array.from({ length: 60 }, (_, i) => ({ value: `${topic}:${i}`, partition: i % 2 })),
    });
  }
  await seed.disconnect();
}, 30_000);

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => {});
  await fake?.stop();
});

afterAll(async () => {
  await broker?.stop();
});

async function setup(topic: string, groupId: string): Promise<{ consumer: Consumer; producer: Producer }> {
  fake = await startFakeCluster({ topics: { out: 2 } });
  const consumer = input.consumer({ groupId, autoOffsetReset: 'earliest', heartbeatIntervalMs: 100 });
  await consumer.subscribe({ topics: [topic] });
  closers.push(() => consumer.disconnect());
  const producer = outputProducer('rt-tx');
  await producer.connect();
  return { consumer, producer };
}

function outputProducer(transactionalId: string): Producer {
  const producer = new Kafka({
    clientId: 'rt-out',
    brokers: fake.bootstrap,
    logLevel: LogLevel.NOTHING,
  }).producer({
    transactionalId,
    retryBackoffMs: 5,
    lingerMs: 1,
  });
  closers.push(() => producer.disconnect());
  return producer;
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const committedOutput = () =>
  fake.txns.committedValues
    .filter((v) => v.topic === 'out')
    .map((v) => v.value!)
    .sort();
const expected = (topic: string) => Array.from({ length: 60 }, (_, i) => `${topic}:${i}!`).sort();

describe('runTransactional', () => {
  it('transforms every input record exactly once, committing outputs with the input offsets in batches', async () => {
    const { consumer, producer } = await setup('rt-in-1', 'rt-g1');
    const run = await runTransactional({
      consumer,
      producer,
      maxRecordsPerTransaction: 7,
      eachMessage: ({ message, producer: out }) => {
        // Not awaited on purpose: the commit waits for every send.
        void out.send({ topic: 'out', messages: [{ value: `${message.value}!` }] });
      },
    });
    await until(() => committedOutput().length >= 60, 'all output committed');
    await until(
      () =>
        fake.txns.groupOffsets.get('rt-g1')?.get('rt-in-1/0') === 30n &&
        fake.txns.groupOffsets.get('rt-g1')?.get('rt-in-1/1') === 30n,
      'offsets committed to the end',
    );
    await run.stop();
    await run.done;
    expect(committedOutput()).toEqual(expected('rt-in-1'));
    expect(fake.txns.abortedValues).toEqual([]);
    // 30 records per partition, at most 7 per transaction.
    expect(fake.txns.ended.filter((e) => e.committed).length).toBeGreaterThanOrEqual(10);
    const commits = fake.txns.txnOffsetCommits;
    expect(
      commits.every((c) => c.groupId === 'rt-g1' && (c.generationId ?? -1) >= 1 && c.memberId !== ''),
    ).toBe(true);
  }, 60_000);

  it('on a handler error aborts, goes back to the last committed offset and delivers again: still exactly once', async () => {
    const { consumer, producer } = await setup('rt-in-2', 'rt-g2');
    let failed = false;
    const run = await runTransactional({
      consumer,
      producer,
      maxRecordsPerTransaction: 5,
      eachMessage: async ({ message, producer: out }) => {
        await out.send({ topic: 'out', messages: [{ value: `${message.value}!` }] });
        if (!failed && message.value!.toString() === 'rt-in-2:24') {
          failed = true;
          throw new Error('transform failed once');
        }
      },
    });
    await until(() => committedOutput().length >= 60, 'all output committed');
    await run.stop();
    await run.done;
    expect(failed).toBe(true);
    expect(committedOutput()).toEqual(expected('rt-in-2'));
    // The failed transaction's outputs were aborted, 'rt-in-2:24!' among them.
    expect(fake.txns.abortedValues.map((v) => v.value)).toContain('rt-in-2:24!');
  }, 60_000);

  it('stops with the fencing error when a newer producer with the same transactional id takes over', async () => {
    const { consumer, producer } = await setup('rt-in-3', 'rt-g3');
    let handled = 0;
    let usurper: Producer | null = null;
    const run = await runTransactional({
      consumer,
      producer,
      maxRecordsPerTransaction: 5,
      eachMessage: async ({ message, producer: out }) => {
        handled++;
        if (handled === 12 && usurper === null) {
          usurper = outputProducer('rt-tx');
          await usurper.connect();
        }
        await out.send({ topic: 'out', messages: [{ value: `${message.value}!` }] });
      },
    });
    await expect(run.done).rejects.toBeInstanceOf(ProducerFencedError);
    expect(producer.transactionState).toBe('FATAL_ERROR');
    // Nothing past the fence committed: at most the transactions finished before it.
    expect(committedOutput().length).toBeLessThan(12);
  }, 60_000);

  it('checks its options', async () => {
    fake = await startFakeCluster({ topics: { out: 1 } });
    const consumer = input.consumer({ groupId: 'rt-opts' });
    const plain = new Kafka({ brokers: fake.bootstrap, logLevel: LogLevel.NOTHING }).producer();
    await expect(
      runTransactional({ consumer, producer: plain, eachMessage: () => {} }),
    ).rejects.toBeInstanceOf(ConfigurationError);
    const txnProducer = outputProducer('rt-opts');
    await expect(runTransactional({ consumer, producer: txnProducer })).rejects.toMatchObject({
      option: 'eachMessage',
    });
    await expect(
      runTransactional({
        consumer,
        producer: txnProducer,
        eachMessage: () => {},
        maxRecordsPerTransaction: 0,
      }),
    ).rejects.toMatchObject({ option: 'maxRecordsPerTransaction' });
  });
});
