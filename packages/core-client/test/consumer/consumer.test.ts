/**
 * The consumer's API against broker-dev: eachBatch, async iteration, seek, pause/resume, manual
 * commits, reset strategies, patterns, deserializers, concurrency, AbortSignal.
 */

import { waitFor } from '@samsa/test-support';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { Consumer } from '../../src/consumer/consumer.js';
import { NoOffsetForPartitionError } from '../../src/consumer/errors.js';
import type { KafkaMessage } from '../../src/consumer/message.js';
import { ConfigurationError, Kafka, KafkaProtocolError, LogLevel } from '../../src/index.js';
import { type Fixture, sleep, startFixture } from '../helpers/broker-fixture.js';
import { checkExactlyOnceInOrder, makeConsumer, record, type Seen } from '../helpers/consumer.js';

let fx: Fixture;
const N = 2000;
let counts: Map<number, number>;

beforeAll(async () => {
  fx = await startFixture({ brokers: 2, partitions: 4 });
  counts = await fx.produce('api', N);
}, 30_000);

afterAll(async () => {
  await fx?.stop();
});

const base = { heartbeatIntervalMs: 100, sessionTimeoutMs: 3000, autoOffsetReset: 'earliest' as const };
let groupSeq = 0;
const group = (name: string) => `${name}-${++groupSeq}`;

describe('consumer API on broker-dev', () => {
  it('eachBatch delivers whole fetched batches with KafkaJS batch helpers', async () => {
    const seen: Seen[] = [];
    const c = makeConsumer(fx.kafka, { groupId: group('batch'), ...base });
    await c.subscribe({ topics: ['api'] });
    let lagsOk = true;
    await c.run({
      eachBatch: async ({ batch, isRunning, isStale }) => {
        expect(isRunning()).toBe(true);
        expect(isStale()).toBe(false);
        expect(batch.isEmpty()).toBe(false);
        expect(batch.firstOffset()).toBe(batch.messages[0].offset);
        expect(batch.lastOffset()).toBe(batch.messages[batch.messages.length - 1].offset);
        if (BigInt(batch.offsetLag()) !== BigInt(batch.highWatermark) - BigInt(batch.lastOffset()) - 1n)
          lagsOk = false;
        for (const m of batch.messages) seen.push(record('c', m));
      },
    });
    await waitFor('all messages', () => seen.length >= N, { timeoutMs: 20_000 });
    await c.disconnect();
    expect(lagsOk).toBe(true);
    checkExactlyOnceInOrder(seen, counts);
  }, 30_000);

  it('eachBatch with eachBatchAutoResolve: false commits only resolved offsets', async () => {
    const groupId = group('resolve');
    const c = makeConsumer(fx.kafka, { groupId, ...base, partitionAssignors: ['range'] });
    await c.subscribe({ topics: ['api'] });
    await c.run({
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, resolveOffset }) => {
        // Resolve the first ten messages of each partition only.
        for (const m of batch.messages) if (Number(m.offset) < 10) resolveOffset(m.offset);
      },
    });
    await sleep(500);
    await c.disconnect();
    const reader = makeConsumer(fx.kafka, { groupId, ...base });
    const committed = await reader.committed([0, 1, 2, 3].map((partition) => ({ topic: 'api', partition })));
    await reader.disconnect();
    for (const { partition, offset } of committed)
      expect(offset).toBe(String(Math.min(10, counts.get(partition) ?? 0)));
  }, 30_000);

  it('for await (const message of consumer) yields every message; breaking out stops and commits', async () => {
    const groupId = group('iterate');
    const c = makeConsumer(fx.kafka, { groupId, ...base });
    await c.subscribe({ topics: ['api'] });
    const seen: Seen[] = [];
    for await (const message of c) {
      seen.push(record('c', message));
      if (seen.length === 500) break;
    }
    expect(seen).toHaveLength(500);
    // The 500 handled messages were committed when the loop ended; a new member resumes after them.
    const rest: Seen[] = [];
    const d = makeConsumer(fx.kafka, { groupId, ...base });
    await d.subscribe({ topics: ['api'] });
    const controller = new AbortController();
    const iterate = (async () => {
      for await (const message of d.messages({ signal: controller.signal })) {
        rest.push(record('d', message));
        if (seen.length + rest.length >= N) controller.abort();
      }
    })();
    await iterate;
    await c.disconnect();
    await d.disconnect();
    checkExactlyOnceInOrder([...seen, ...rest], counts);
  }, 30_000);

  it('seek moves a partition (and -2 means earliest); the sought position is committed', async () => {
    const groupId = group('seek');
    const c = makeConsumer(fx.kafka, { groupId, ...base });
    await c.subscribe({ topics: ['api'] });
    const seen: KafkaMessage[] = [];
    let sought = false;
    await c.run({
      eachMessage: async ({ message }) => {
        seen.push(message);
        if (!sought && message.partition === 0 && message.offset === '20') {
          sought = true;
          c.seek({ topic: 'api', partition: 0, offset: '5' });
        }
      },
    });
    await waitFor(
      'partition 0 again',
      () => seen.filter((m) => m.partition === 0).length >= (counts.get(0) ?? 0) + 16,
      { timeoutMs: 20_000 },
    );
    const p0 = seen.filter((m) => m.partition === 0).map((m) => Number(m.offset));
    expect(p0.slice(0, 22)).toEqual([...Array.from({ length: 21 }, (_, i) => i), 5]);
    c.seek({ topic: 'api', partition: 1, offset: -2 });
    await waitFor(
      'partition 1 again',
      () => seen.filter((m) => m.partition === 1 && m.offset === '0').length === 2,
      { timeoutMs: 20_000 },
    );
    await c.disconnect();
  }, 30_000);

  it('a seek before the partition is assigned applies when it is, over the committed offset', async () => {
    const c = fx.kafka.consumer({ groupId: group('early-seek'), ...base });
    await c.subscribe({ topics: ['api'] });
    c.seek({ topic: 'api', partition: 0, offset: 100 });
    c.pause([{ topic: 'api', partitions: [1, 2, 3] }]);
    const seen: KafkaMessage[] = [];
    await c.run({ eachMessage: ({ message }) => void seen.push(message) });
    await waitFor('partition 0 from offset 100', () => seen.length >= (counts.get(0) ?? 0) - 100, {
      timeoutMs: 20_000,
    });
    expect(seen[0].offset).toBe('100');
    expect(new Set(seen.map((m) => m.partition))).toEqual(new Set([0]));
    expect(c.paused()).toEqual([{ topic: 'api', partitions: [1, 2, 3] }]);
    await c.disconnect();
  }, 30_000);

  it('pause and resume stop and restart delivery of a partition', async () => {
    const c = makeConsumer(fx.kafka, { groupId: group('pause'), ...base, maxPartitionFetchBytes: 1024 });
    await c.subscribe({ topics: ['api'] });
    const seen: KafkaMessage[] = [];
    let paused = false;
    await c.run({
      eachMessage: async ({ message, pause }) => {
        seen.push(message);
        if (message.partition === 2 && message.offset === '10' && !paused) {
          paused = true;
          pause();
        }
      },
    });
    await waitFor('all but partition 2', () => seen.length >= N - (counts.get(2) ?? 0) + 11, {
      timeoutMs: 20_000,
    });
    await sleep(300);
    expect(seen.filter((m) => m.partition === 2).length).toBe(11);
    expect(c.paused()).toEqual([{ topic: 'api', partitions: [2] }]);
    c.resume([{ topic: 'api' }]);
    await waitFor('partition 2 after resume', () => seen.length >= N, { timeoutMs: 20_000 });
    expect(c.paused()).toEqual([]);
    await c.disconnect();
    checkExactlyOnceInOrder(
      seen.map((m) => record('c', m)),
      counts,
    );
  }, 30_000);

  it('commitOffsets with autoCommit off: a restart resumes exactly after the committed offsets', async () => {
    const groupId = group('manual');
    const first = makeConsumer(fx.kafka, { groupId, ...base });
    await first.subscribe({ topics: ['api'] });
    const seen: Seen[] = [];
    await first.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        if (Number(message.offset) >= 100) return; // handled = first 100 of each partition
        seen.push(record('first', message));
        await first.commitOffsets([{ topic, partition, offset: String(Number(message.offset) + 1) }]);
      },
    });
    await waitFor('first 100 of each partition', () => seen.length >= 400, { timeoutMs: 20_000 });
    await first.disconnect();
    const second = makeConsumer(fx.kafka, { groupId, ...base });
    await second.subscribe({ topics: ['api'] });
    await second.run({ eachMessage: ({ message }) => void seen.push(record('second', message)) });
    await waitFor('the rest', () => seen.length >= N, { timeoutMs: 20_000 });
    await sleep(100);
    await second.disconnect();
    checkExactlyOnceInOrder(seen, counts);
  }, 30_000);

  it("autoOffsetReset 'latest' skips what is there; fromBeginning overrides it per subscription", async () => {
    await fx.produce('api-latest', 50);
    const latest = makeConsumer(fx.kafka, { groupId: group('latest'), ...base, autoOffsetReset: 'latest' });
    await latest.subscribe({ topics: ['api-latest'] });
    const seen: KafkaMessage[] = [];
    await latest.run({ eachMessage: ({ message }) => void seen.push(message) });
    await sleep(300);
    expect(seen).toHaveLength(0);
    await fx.produce('api-latest', 10, { keys: 7 });
    await waitFor('the 10 new messages', () => seen.length === 10, { timeoutMs: 10_000 });
    await latest.disconnect();

    const early = makeConsumer(fx.kafka, {
      groupId: group('from-beginning'),
      ...base,
      autoOffsetReset: 'latest',
    });
    await early.subscribe({ topics: ['api-latest'], fromBeginning: true });
    const all: KafkaMessage[] = [];
    await early.run({ eachMessage: ({ message }) => void all.push(message) });
    await waitFor('everything', () => all.length >= 60, { timeoutMs: 20_000 });
    await early.disconnect();
  }, 30_000);

  it("autoOffsetReset 'none' fails run() with NoOffsetForPartitionError when the group has no offsets", async () => {
    const c = makeConsumer(fx.kafka, { groupId: group('none'), ...base, autoOffsetReset: 'none' });
    await c.subscribe({ topics: ['api'] });
    await expect(c.run({ eachMessage: () => {} })).rejects.toBeInstanceOf(NoOffsetForPartitionError);
    await c.disconnect();
  }, 30_000);

  it('subscribes to topics by pattern, and picks up new matching topics on rebalance', async () => {
    await fx.produce('pattern-a', 40);
    await fx.produce('pattern-b', 60);
    const c = makeConsumer(fx.kafka, { groupId: group('pattern'), ...base });
    await c.subscribe({ topics: [/^pattern-/] });
    const byTopic = new Map<string, number>();
    await c.run({ eachMessage: ({ topic }) => void byTopic.set(topic, (byTopic.get(topic) ?? 0) + 1) });
    await waitFor(
      'both topics',
      () => (byTopic.get('pattern-a') ?? 0) + (byTopic.get('pattern-b') ?? 0) >= 100,
      { timeoutMs: 20_000 },
    );
    expect(Object.fromEntries(byTopic)).toEqual({ 'pattern-a': 40, 'pattern-b': 60 });
    await c.disconnect();
  }, 30_000);

  it('rebalances when a subscribed topic gains partitions, and consumes the new ones', async () => {
    const kafka = new Kafka({
      clientId: 'growing',
      brokers: fx.broker.bootstrap,
      logLevel: LogLevel.NOTHING,
      metadataMaxAgeMs: 200,
    });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'growing', numPartitions: 2 }] });
    const c = makeConsumer(kafka, { groupId: group('growing'), ...base });
    let joins = 0;
    c.on(c.events.GROUP_JOIN, () => joins++);
    await c.subscribe({ topics: ['growing'] });
    const partitions = new Set<number>();
    await c.run({ eachMessage: ({ partition }) => void partitions.add(partition) });
    expect(c.assignment()).toEqual([{ topic: 'growing', partitions: [0, 1] }]);
    await admin.createPartitions({ topicPartitions: [{ topic: 'growing', count: 4 }] });
    await waitFor('the new partitions to be assigned', () => c.assignment()[0]?.partitions.length === 4, {
      timeoutMs: 20_000,
    });
    const producer = kafka.producer({ lingerMs: 0 });
    await producer.connect();
    await producer.send({ topic: 'growing', messages: [{ value: 'x', partition: 3 }] });
    await producer.disconnect();
    await waitFor('a record from a new partition', () => partitions.has(3), { timeoutMs: 20_000 });
    expect(joins).toBeGreaterThanOrEqual(2);
    await c.disconnect();
    await admin.disconnect();
  }, 30_000);

  it('deserializers turn keys and values into what handlers see (generics included)', async () => {
    const typed = fx.kafka.consumer({ groupId: 'types-only', keyDeserializer: (b) => b?.toString() ?? '' });
    expectTypeOf(typed).toEqualTypeOf<Consumer<string, Buffer | null>>();
    const c = makeConsumer<string, number>(fx.kafka, {
      groupId: group('deser'),
      ...base,
      keyDeserializer: (b) => b?.toString() ?? '',
      valueDeserializer: (b, { topic }) => (topic === 'api' ? Number(b?.toString()) : -1),
    });
    await c.subscribe({ topics: ['api'] });
    const values: number[] = [];
    const keys = new Set<string>();
    await c.run({
      eachMessage: ({ message }) => {
        values.push(message.value);
        keys.add(message.key);
      },
    });
    await waitFor('all', () => values.length >= N, { timeoutMs: 20_000 });
    await c.disconnect();
    expect(values.every((v) => typeof v === 'number' && Number.isInteger(v))).toBe(true);
    expect([...keys].every((k) => k.startsWith('key-'))).toBe(true);
  }, 30_000);

  it('partitionsConsumedConcurrently runs several partitions at once, each still in order', async () => {
    const c = makeConsumer(fx.kafka, { groupId: group('concurrent'), ...base, maxPartitionFetchBytes: 2048 });
    await c.subscribe({ topics: ['api'] });
    const seen: Seen[] = [];
    let running = 0;
    let maxRunning = 0;
    const runningPerPartition = new Map<number, number>();
    let overlapInPartition = false;
    await c.run({
      partitionsConsumedConcurrently: 3,
      eachMessage: async ({ partition, message }) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        const r = (runningPerPartition.get(partition) ?? 0) + 1;
        runningPerPartition.set(partition, r);
        if (r > 1) overlapInPartition = true;
        await sleep(0);
        seen.push(record('c', message));
        runningPerPartition.set(partition, r - 1);
        running--;
      },
    });
    await waitFor('all', () => seen.length >= N, { timeoutMs: 20_000 });
    await c.disconnect();
    expect(maxRunning).toBe(3);
    expect(overlapInPartition).toBe(false);
    checkExactlyOnceInOrder(seen.slice(0, N), counts);
  }, 30_000);

  it('a slow partition does not hold up records arriving on another (no long poll blocks the fetch)', async () => {
    await fx.produce('slow-fast', 1, { keys: 1 });
    const c = makeConsumer(fx.kafka, { groupId: group('slow-fast'), ...base, maxPartitionFetchBytes: 4096 });
    await c.subscribe({ topics: ['slow-fast'] });
    // Find a key for each of two partitions, fill one with a backlog the handler works through slowly.
    const producer = fx.kafka.producer({ lingerMs: 0 });
    await producer.connect();
    await producer.send({
      topic: 'slow-fast',
      messages: Array.from({ length: 400 }, (_, i) => ({ value: `slow-${i}`, partition: 0 })),
    });
    let slowHandled = 0;
    let fastSeenAtSlow = -1;
    await c.run({
      partitionsConsumedConcurrently: 2,
      eachMessage: async ({ message }) => {
        const v = message.value?.toString() ?? '';
        if (v.startsWith('slow-')) {
          slowHandled++;
          await sleep(5);
        } else if (v === 'fast') fastSeenAtSlow = slowHandled;
      },
    });
    await waitFor('the backlog to be under way', () => slowHandled > 20, { timeoutMs: 10_000 });
    await producer.send({ topic: 'slow-fast', messages: [{ value: 'fast', partition: 1 }] });
    await producer.disconnect();
    await waitFor('the record on the idle partition', () => fastSeenAtSlow >= 0, { timeoutMs: 10_000 });
    await c.disconnect();
    // Delivered while the slow partition still had most of its backlog left.
    expect(fastSeenAtSlow).toBeLessThan(300);
  }, 30_000);

  it('a throwing handler gets the same message again after a back-off; nothing is skipped', async () => {
    const c = makeConsumer(fx.kafka, { groupId: group('retry'), ...base, retryBackoffMs: 10 });
    await c.subscribe({ topics: ['api'] });
    const seen: Seen[] = [];
    let failures = 0;
    await c.run({
      eachMessage: async ({ message }) => {
        if (message.partition === 1 && message.offset === '7' && failures < 3) {
          failures++;
          throw new Error('transient');
        }
        seen.push(record('c', message));
      },
    });
    await waitFor('all', () => seen.length >= N, { timeoutMs: 20_000 });
    await c.disconnect();
    expect(failures).toBe(3);
    checkExactlyOnceInOrder(seen.slice(0, N), counts);
  }, 30_000);

  it('run({ signal }) stops the consumer when aborted', async () => {
    const c = makeConsumer(fx.kafka, { groupId: group('abort'), ...base });
    await c.subscribe({ topics: ['api'] });
    const controller = new AbortController();
    let stopped = false;
    c.on(c.events.STOP, () => {
      stopped = true;
    });
    await c.run({ signal: controller.signal, eachMessage: () => {} });
    controller.abort();
    await waitFor('the STOP event', () => stopped, { timeoutMs: 10_000 });
    await c.disconnect();
  }, 30_000);

  it('fails fast on bad options, naming them', async () => {
    expect(() => makeConsumer(fx.kafka, { groupId: '' })).toThrow(ConfigurationError);
    expect(() => makeConsumer(fx.kafka, { groupId: 'g', sessionTimeout: -5 })).toThrow(/sessionTimeoutMs/);
    expect(() => makeConsumer(fx.kafka, { groupId: 'g', partitionAssignors: ['sticky' as never] })).toThrow(
      /unknown assignor "sticky"/,
    );
    const c = makeConsumer(fx.kafka, { groupId: group('bad-run'), ...base });
    await expect(c.run({ eachMessage: () => {} })).rejects.toThrow(/subscribe/);
    await c.subscribe({ topics: ['api'] });
    await expect(c.run({ eachMessage: () => {}, partitionsConsumedConcurrently: 0 })).rejects.toThrow(
      /partitionsConsumedConcurrently/,
    );
    await expect(c.run({} as never)).rejects.toThrow(/exactly one of eachMessage or eachBatch/);
    await c.disconnect();
  }, 30_000);

  it('a broker error the consumer cannot fix (INVALID_SESSION_TIMEOUT) rejects run() with a typed error', async () => {
    const c = makeConsumer(fx.kafka, {
      groupId: group('bad-session'),
      ...base,
      sessionTimeoutMs: 100,
      heartbeatIntervalMs: 10,
    });
    await c.subscribe({ topics: ['api'] });
    const err = await c.run({ eachMessage: () => {} }).catch((e) => e);
    expect(String(err.message)).toMatch(/INVALID_SESSION_TIMEOUT/);
    expect(err.cause).toBeInstanceOf(KafkaProtocolError);
    await c.disconnect();
  }, 30_000);
});
