import { afterEach, describe, expect, it } from 'vitest';
import {
  BufferExhaustedError,
  CompressionTypes,
  DeliveryTimeoutError,
  InvalidMessageError,
  javaPartitionForKey,
  Kafka,
  KafkaProtocolError,
  NotConnectedError,
  type ProducerConfig,
  RequestAbortedError,
} from '../../src/index.js';
import { LogLevel } from '../../src/logger.js';
import { type FakeCluster, startFakeCluster } from '../helpers/fake-broker.js';

let fake: FakeCluster | null = null;
const producers: { disconnect(): Promise<void> }[] = [];

afterEach(async () => {
  for (const p of producers.splice(0)) await p.disconnect().catch(() => {});
  await fake?.stop();
  fake = null;
});

async function setup(topics: Record<string, number>, config: ProducerConfig = {}, brokers = 1) {
  fake = await startFakeCluster({ brokers, topics, autoCreatePartitions: 3 });
  const kafka = new Kafka({
    brokers: fake.bootstrap,
    logLevel: LogLevel.NOTHING,
    retry: { initialRetryTimeMs: 5, maxRetryTimeMs: 20 },
    requestTimeoutMs: 2000,
  });
  const producer = kafka.producer({ retryBackoffMs: 5, retryBackoffMaxMs: 20, ...config });
  producers.push(producer);
  await producer.connect();
  return { kafka, producer, fake: fake! };
}

const values = (f: FakeCluster, topic: string, partition: number) =>
  f.records(topic, partition).map((r) => r.value?.toString());

describe('Producer.send', () => {
  it('returns KafkaJS-shaped results and per-message offsets, keyed records where Java puts them', async () => {
    const { producer, fake } = await setup({ t: 4 });
    const messages = Array.from({ length: 20 }, (_, i) => ({
      key: `key-${i}`,
      value: `v${i}`,
      headers: { n: String(i), multi: ['a', 'b'] },
    }));
    const result = await producer.send({ topic: 't', messages });
    for (const m of result) {
      expect(m).toMatchObject({ topicName: 't', errorCode: 0 });
      expect(typeof m.baseOffset).toBe('string');
    }
    expect(result.records).toHaveLength(20);
    result.records.forEach((r, i) => {
      expect(r.partition).toBe(javaPartitionForKey(Buffer.from(`key-${i}`), 4));
      const stored = fake.records('t', r.partition)[Number(r.offset)];
      expect(stored.value?.toString()).toBe(`v${i}`);
      expect(stored.key?.toString()).toBe(`key-${i}`);
      expect(stored.headers.map((h) => [h.key, h.value?.toString()])).toEqual([
        ['n', String(i)],
        ['multi', 'a'],
        ['multi', 'b'],
      ]);
    });
  });

  it('batches concurrent single-message sends (linger) into few requests', async () => {
    const { producer, fake } = await setup({ t: 1 }, { lingerMs: 20 });
    const before = fake.requests.filter((r) => r.apiKey === 0).length;
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) => producer.send({ topic: 't', messages: [{ value: `m${i}` }] })),
    );
    const produceRequests = fake.requests.filter((r) => r.apiKey === 0).length - before;
    expect(produceRequests).toBeLessThanOrEqual(3);
    expect(results.map((r) => Number(r[0].baseOffset))).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(values(fake, 't', 0)).toEqual(Array.from({ length: 300 }, (_, i) => `m${i}`));
  });

  it('retries retriable errors without reordering (5 in flight, small batches)', async () => {
    const { producer, fake } = await setup(
      { t: 1 },
      { batchSize: 200, lingerMs: 0, maxInFlightRequestsPerConnection: 5 },
    );
    fake.failNext(0, 19, 3, { topic: 't', partition: 0 }); // NOT_ENOUGH_REPLICAS
    const sends = Array.from({ length: 40 }, (_, i) =>
      producer.send({
        topic: 't',
        messages: Array.from({ length: 10 }, (_, j) => ({ value: `m${i * 10 + j}` })),
      }),
    );
    await Promise.all(sends);
    expect(values(fake, 't', 0)).toEqual(Array.from({ length: 400 }, (_, i) => `m${i}`));
  });

  it('follows a leader move without losing or reordering records', async () => {
    const { producer, fake } = await setup({ t: 2 }, { batchSize: 300, lingerMs: 0 }, 3);
    const sent: Promise<unknown>[] = [];
    for (let i = 0; i < 30; i++) {
      sent.push(
        producer.send({
          topic: 't',
          messages: Array.from({ length: 10 }, (_, j) => ({ value: `m${i * 10 + j}`, partition: 0 })),
        }),
      );
      if (i === 10) fake.moveLeader('t', 0, 3);
      if (i % 5 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    await Promise.all(sent);
    expect(values(fake, 't', 0)).toEqual(Array.from({ length: 300 }, (_, i) => `m${i}`));
    expect(fake.requests.some((r) => r.apiKey === 0 && r.nodeId === 3)).toBe(true);
  });

  it('re-establishes dropped connections and resends', async () => {
    const { producer, fake } = await setup({ t: 1 }, { lingerMs: 0 });
    await producer.send({ topic: 't', messages: [{ value: 'first' }] });
    fake.dropNext(0, 2);
    const r = await producer.send({ topic: 't', messages: [{ value: 'a' }, { value: 'b' }] });
    expect(r.records.map((x) => x.offset)).toEqual(['1', '2']);
    expect(values(fake, 't', 0)).toEqual(['first', 'a', 'b']);
  });

  it('reports non-retriable errors as typed KafkaProtocolErrors and keeps working', async () => {
    const { producer, fake } = await setup({ t: 1 }, { lingerMs: 0 });
    fake.failNext(0, 10, 1); // MESSAGE_TOO_LARGE
    const err = await producer.send({ topic: 't', messages: [{ value: 'x' }] }).catch((e) => e);
    expect(err).toBeInstanceOf(KafkaProtocolError);
    expect(err.type).toBe('MESSAGE_TOO_LARGE');
    expect(err.retriable).toBe(false);
    expect(err.message).toContain('t[0]');
    await producer.send({ topic: 't', messages: [{ value: 'ok' }] });
    expect(values(fake, 't', 0)).toEqual(['ok']);
  });

  it('gives up after deliveryTimeoutMs with DeliveryTimeoutError carrying the last error', async () => {
    const { producer, fake } = await setup(
      { t: 1 },
      { lingerMs: 0, requestTimeoutMs: 100, deliveryTimeoutMs: 300 },
    );
    fake.failNext(0, 7, 1000); // REQUEST_TIMED_OUT, forever
    const err = await producer.send({ topic: 't', messages: [{ value: 'x' }] }).catch((e) => e);
    expect(err).toBeInstanceOf(DeliveryTimeoutError);
    expect(err.message).toContain('REQUEST_TIMED_OUT');
  });

  it('waits for buffer memory (back-pressure) and fails after maxBlockMs', async () => {
    const { producer, fake } = await setup(
      { t: 1 },
      { batchSize: 1024, bufferMemory: 4096, lingerMs: 0, maxBlockMs: 200 },
    );
    fake.holdProduce = true;
    const big = 'x'.repeat(900);
    const first = producer.send({ topic: 't', messages: Array.from({ length: 4 }, () => ({ value: big })) });
    const blocked = producer.send({ topic: 't', messages: [{ value: big }] });
    const err = await blocked.catch((e) => e);
    expect(err).toBeInstanceOf(BufferExhaustedError);
    const later = producer.send({ topic: 't', messages: [{ value: 'later' }] });
    await new Promise((r) => setTimeout(r, 20));
    fake.releaseHeld();
    await first;
    await later;
    expect(values(fake, 't', 0).at(-1)).toBe('later');
  });

  it('aborts a send waiting for buffer memory', async () => {
    const { producer, fake } = await setup(
      { t: 1 },
      { batchSize: 1024, bufferMemory: 2048, lingerMs: 0, maxBlockMs: 10_000 },
    );
    fake.holdProduce = true;
    const first = producer.send({
      topic: 't',
      messages: [{ value: 'x'.repeat(900) }, { value: 'y'.repeat(900) }],
    });
    const ac = new AbortController();
    const blocked = producer.send({ topic: 't', messages: [{ value: 'z'.repeat(900) }], signal: ac.signal });
    setTimeout(() => ac.abort(), 20);
    await expect(blocked).rejects.toBeInstanceOf(RequestAbortedError);
    fake.releaseHeld();
    await first;
  });

  it('flush() sends at once despite a long linger; disconnect() flushes', async () => {
    const { producer, fake } = await setup({ t: 1 }, { lingerMs: 60_000 });
    const p = producer.send({ topic: 't', messages: [{ value: 'a' }] });
    await producer.flush();
    await p;
    const q = producer.send({ topic: 't', messages: [{ value: 'b' }] });
    await producer.disconnect();
    await q;
    expect(values(fake, 't', 0)).toEqual(['a', 'b']);
    await expect(producer.send({ topic: 't', messages: [{ value: 'c' }] })).rejects.toBeInstanceOf(
      NotConnectedError,
    );
  });

  it('acks=0 resolves once written, with offsets "-1"', async () => {
    // Per-send acks other than -1 need a producer without idempotence (on by default).
    const { producer, fake } = await setup({ t: 1 }, { lingerMs: 0, enableIdempotence: false });
    const r = await producer.send({ topic: 't', acks: 0, messages: [{ value: 'a' }] });
    expect(r[0].baseOffset).toBe('-1');
    expect(r.records[0].offset).toBe('-1');
    await producer.send({ topic: 't', acks: 1, messages: [{ value: 'b' }] });
    expect(values(fake, 't', 0)).toEqual(['a', 'b']);
  });

  for (const [name, type] of Object.entries(CompressionTypes)) {
    it(`compresses with ${name}`, async () => {
      const { producer, fake } = await setup({ t: 1 }, { lingerMs: 0 });
      const messages = Array.from({ length: 50 }, (_, i) => ({
        key: `k${i}`,
        value: `value ${i} `.repeat(20),
      }));
      await producer.send({ topic: 't', compression: type, messages });
      expect(values(fake, 't', 0)).toEqual(messages.map((m) => m.value));
    });
  }

  it('uses a KafkaJS-style custom partitioner', async () => {
    const { producer, fake } = await setup(
      { t: 3 },
      {
        createPartitioner:
          () =>
          ({ message }) =>
            Number(message.value) % 3,
      },
    );
    await producer.send({
      topic: 't',
      messages: Array.from({ length: 9 }, (_, i) => ({ value: String(i) })),
    });
    expect(values(fake, 't', 1)).toEqual(['1', '4', '7']);
  });

  it('sticks unkeyed records to one partition per batch, spreading batches', async () => {
    const { producer, fake } = await setup({ t: 4 }, { batchSize: 1000, lingerMs: 0 });
    await producer.send({
      topic: 't',
      messages: Array.from({ length: 200 }, (_, i) => ({ value: `v${i}`.padEnd(50) })),
    });
    const counts = [0, 1, 2, 3].map((p) => fake.records('t', p).length);
    expect(counts.reduce((a, b) => a + b)).toBe(200);
    expect(counts.filter((c) => c > 0).length).toBeGreaterThan(1);
    // Each batch went to one partition: consecutive runs per partition are whole batches (>1 record).
    for (let p = 0; p < 4; p++) if (counts[p] > 0) expect(counts[p]).toBeGreaterThan(5);
  });

  it('serializes keys and values with typed serializers', async () => {
    fake = await startFakeCluster({ topics: { t: 2 } });
    const kafka = new Kafka({ brokers: fake.bootstrap, logLevel: LogLevel.NOTHING });
    const producer = kafka.producer<number, { id: number }>({
      keySerializer: (k) => String(k),
      valueSerializer: (v) => JSON.stringify(v),
    });
    producers.push(producer);
    await producer.connect();
    const r = await producer.send({ topic: 't', messages: [{ key: 7, value: { id: 7 } }] });
    const stored = fake.records('t', r.records[0].partition)[0];
    expect(stored.key?.toString()).toBe('7');
    expect(JSON.parse(stored.value!.toString())).toEqual({ id: 7 });
  });

  it('rejects bad messages with InvalidMessageError', async () => {
    const { producer } = await setup({ t: 2 });
    await expect(producer.send({ topic: 't', messages: [{ value: 42 as never }] })).rejects.toBeInstanceOf(
      InvalidMessageError,
    );
    await expect(producer.send({ topic: 't', messages: [{ value: 'x', partition: 5 }] })).rejects.toThrow(
      /partition 5/,
    );
    await expect(producer.send({ topic: '', messages: [] })).rejects.toBeInstanceOf(InvalidMessageError);
  });

  it('sendBatch spans topics and creates unknown topics through metadata', async () => {
    const { producer, fake } = await setup({ a: 1 });
    const r = await producer.sendBatch({
      topicMessages: [
        { topic: 'a', messages: [{ value: 'a1' }] },
        { topic: 'auto', messages: [{ value: 'b1', partition: 2 }] },
      ],
    });
    expect(r.map((x) => x.topicName).sort()).toEqual(['a', 'auto']);
    expect(values(fake, 'auto', 2)).toEqual(['b1']);
  });
});

describe('idempotent producer', () => {
  const idem = { enableIdempotence: true, lingerMs: 0, batchSize: 200 } as const;

  it('gets a producer id and numbers batches per partition', async () => {
    const { producer, fake } = await setup({ t: 2 }, idem);
    expect(producer.isIdempotent()).toBe(true);
    for (let i = 0; i < 20; i++) {
      await producer.send({
        topic: 't',
        messages: [
          { value: `a${i}`, partition: 0 },
          { value: `b${i}`, partition: 1 },
        ],
      });
    }
    expect(fake.requests.filter((r) => r.apiKey === 22)).toHaveLength(1);
    expect(fake.sequences.get('1000/t/0')).toBe(20);
    expect(values(fake, 't', 1)).toEqual(Array.from({ length: 20 }, (_, i) => `b${i}`));
  });

  it('pipelines batches per partition and resends in order after a failure (no gaps, no duplicates)', async () => {
    const { producer, fake } = await setup({ t: 1 }, idem);
    fake.delayMs = 2;
    fake.failNext(0, 19, 2, { topic: 't', partition: 0 }); // NOT_ENOUGH_REPLICAS
    const sends = Array.from({ length: 60 }, (_, i) =>
      producer.send({
        topic: 't',
        messages: Array.from({ length: 5 }, (_, j) => ({ value: `m${i * 5 + j}` })),
      }),
    );
    await Promise.all(sends);
    expect(values(fake, 't', 0)).toEqual(Array.from({ length: 300 }, (_, i) => `m${i}`));
  });

  it('does not duplicate records when responses are lost and batches resent', async () => {
    const { producer, fake } = await setup({ t: 1 }, idem);
    await producer.send({ topic: 't', messages: [{ value: 'first' }] });
    fake.loseResponseNext(0, 2);
    await producer.send({ topic: 't', messages: [{ value: 'a' }, { value: 'b' }] });
    await producer.send({ topic: 't', messages: [{ value: 'c' }] });
    expect(values(fake, 't', 0)).toEqual(['first', 'a', 'b', 'c']);
  });

  it('refuses acks other than -1 per send', async () => {
    const { producer } = await setup({ t: 1 }, idem);
    await expect(producer.send({ topic: 't', acks: 1, messages: [{ value: 'x' }] })).rejects.toBeInstanceOf(
      InvalidMessageError,
    );
  });
});

describe('send results', () => {
  it('are plain-looking arrays: equal to plain arrays, JSON without extras, records lazily', async () => {
    const { producer } = await setup({ t: 1 }, { lingerMs: 0 });
    const r = await producer.send({ topic: 't', messages: [{ value: 'a' }, { value: 'b' }] });
    expect(Array.isArray(r)).toBe(true);
    expect(r).toEqual([
      {
        topicName: 't',
        partition: 0,
        errorCode: 0,
        baseOffset: '0',
        logAppendTime: '-1',
        logStartOffset: '0',
      },
    ]);
    expect(JSON.parse(JSON.stringify(r))).toEqual([...r]);
    expect(Object.keys(r)).toEqual(['0']);
    expect(r.map((x) => x.partition)).toEqual([0]);
    expect(r.records.map((x) => x.offset)).toEqual(['0', '1']);
  });
});

describe('ordering under back-pressure', () => {
  it('a later send does not overtake the rest of an earlier send blocked on buffer memory', async () => {
    // Two brokers, so partition 1's open batch is not drained along with partition 0's full ones.
    const { producer, fake } = await setup(
      { t: 2 },
      { batchSize: 1024, bufferMemory: 3072, lingerMs: 300, maxBlockMs: 10_000 },
      2,
    );
    fake.holdProduce = true;
    const big = 'x'.repeat(900);
    // Fill the buffer: two 1 KiB batches on partition 0 and an open batch on partition 1.
    const first = producer.send({
      topic: 't',
      messages: [
        { value: big, partition: 0 },
        { value: big, partition: 0 },
        { value: 'p1-a', partition: 1 },
      ],
    });
    await new Promise((r) => setTimeout(r, 20));
    // Blocks on partition 0 (no room for a new batch); its second message is for partition 1.
    const blocked = producer.send({
      topic: 't',
      messages: [
        { value: big, partition: 0 },
        { value: 'p1-b', partition: 1 },
      ],
    });
    // Must land on partition 1 after p1-b, though partition 1 has an open batch with room.
    const later = producer.send({ topic: 't', messages: [{ value: 'p1-c', partition: 1 }] });
    await new Promise((r) => setTimeout(r, 20));
    const timer = setInterval(() => fake.releaseHeld(), 5);
    await Promise.all([first, blocked, later]);
    clearInterval(timer);
    expect(values(fake, 't', 1)).toEqual(['p1-a', 'p1-b', 'p1-c']);
  });
});

describe('batching under load', () => {
  it('grows one batch behind a queued one instead of queueing a batchSize batch per round trip', async () => {
    const { producer, fake } = await setup({ t: 1 }, { batchSize: 1024 });
    const value = 'v'.repeat(100);
    // One call, appended before anything is sent: the first batch closes at batchSize, the rest
    // (which could not be sent before it anyway) goes into one batch, not ~6 more of 1 KiB each.
    const result = await producer.send({
      topic: 't',
      messages: Array.from({ length: 50 }, (_, i) => ({ value: `${i}`.padEnd(100, value) })),
    });
    expect(fake.produced.map((r) => r.batches.map((b) => b.count))).toHaveLength(2);
    const [first, second] = fake.produced.map((r) => r.batches);
    expect(first).toHaveLength(1);
    expect(second).toHaveLength(1);
    expect(first[0].bytes).toBeLessThanOrEqual(1024);
    expect(first[0].count + second[0].count).toBe(50);
    expect(result.records.map((r) => Number(r.offset))).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(values(fake, 't', 0)).toEqual(Array.from({ length: 50 }, (_, i) => `${i}`.padEnd(100, value)));
  });

  it('keeps filling a partition’s batch while its previous one is in flight', async () => {
    // One batch in flight per partition: without idempotence.
    const { producer, fake } = await setup(
      { t: 1 },
      { batchSize: 1024, lingerMs: 0, enableIdempotence: false },
    );
    fake.holdProduce = true;
    const first = producer.send({ topic: 't', messages: [{ value: 'first' }] });
    await new Promise((r) => setImmediate(r));
    const sends = Array.from({ length: 40 }, (_, i) =>
      producer.send({ topic: 't', messages: [{ value: `m${i}`.padEnd(100) }] }),
    );
    await new Promise((r) => setTimeout(r, 20));
    fake.releaseHeld();
    await Promise.all([first, ...sends]);
    expect(fake.produced.map((r) => r.batches.map((b) => b.count))).toEqual([[1], [40]]);
  });

  it('moves an unkeyed record that does not fit the sticky batch to the next partition, leaving no one-record batches', async () => {
    // Partitions busy (a request held in flight), so batches grow to their limit (maxRequestSize).
    const { producer, fake } = await setup({ t: 2 }, { batchSize: 1000, maxRequestSize: 2048, lingerMs: 0 });
    fake.holdProduce = true;
    const busy = producer.send({
      topic: 't',
      messages: [
        { value: 'busy-0', partition: 0 },
        { value: 'busy-1', partition: 1 },
      ],
    });
    await new Promise((r) => setTimeout(r, 20));
    const sends = Array.from({ length: 5 }, (_, i) =>
      producer.send({
        topic: 't',
        messages: Array.from({ length: 20 }, (_, j) => ({ value: `v${i}-${j}`.padEnd(50) })),
      }),
    );
    await new Promise((r) => setTimeout(r, 20));
    const timer = setInterval(() => fake.releaseHeld(), 5);
    await Promise.all([busy, ...sends]);
    clearInterval(timer);
    const batches = fake.produced.slice(1).flatMap((r) => r.batches);
    expect(batches.reduce((n, b) => n + b.count, 0)).toBe(100);
    expect(batches.filter((b) => b.count === 1)).toEqual([]);
  });

  it('sends small batches of idle partitions along with a full one, in one request', async () => {
    const { producer, fake } = await setup({ t: 3 }, { batchSize: 1024, lingerMs: 60_000 });
    const small = producer.send({ topic: 't', messages: [{ value: 'a', partition: 1 }] });
    await new Promise((r) => setTimeout(r, 10));
    expect(fake.produced).toEqual([]); // lingering, and a request of its own is not worth it
    const full = producer.send({
      topic: 't',
      messages: Array.from({ length: 12 }, (_, i) => ({ value: `${i}`.padEnd(100), partition: 0 })),
    });
    // Partition 0's first batch is full and goes at once (setImmediate), taking partition 1's along.
    await new Promise((r) => setTimeout(r, 20));
    await producer.flush(); // the rest of partition 0 lingers
    await Promise.all([small, full]);
    expect(fake.produced[0].batches.map((b) => b.partition).sort()).toEqual([0, 1]);
    expect(fake.produced).toHaveLength(2);
  });
});

describe('MESSAGE_TOO_LARGE', () => {
  const message = (i: number) => ({ key: `k${i}`, value: `${i}:`.padEnd(1000, 'x'), headers: { i: `${i}` } });

  it('splits a batch the broker finds too large and sends the pieces in order', async () => {
    const { producer, fake } = await setup({ t: 1 }, { batchSize: 100_000, lingerMs: 0 });
    fake.maxMessageBytes = 20_000;
    const a = producer.send({ topic: 't', messages: Array.from({ length: 60 }, (_, i) => message(i)) });
    const b = producer.send({ topic: 't', messages: Array.from({ length: 30 }, (_, i) => message(60 + i)) });
    const [ra, rb] = await Promise.all([a, b]);
    const stored = fake.records('t', 0);
    expect(stored.map((r) => r.value?.toString())).toEqual(
      Array.from({ length: 90 }, (_, i) => message(i).value),
    );
    expect(stored.map((r) => r.key?.toString())).toEqual(Array.from({ length: 90 }, (_, i) => `k${i}`));
    expect(stored.map((r) => r.headers[0].value?.toString())).toEqual(
      Array.from({ length: 90 }, (_, i) => `${i}`),
    );
    // Every call learns where each of its records went.
    expect([...ra.records, ...rb.records].map((r) => Number(r.offset))).toEqual(
      Array.from({ length: 90 }, (_, i) => i),
    );
    expect(ra[0].baseOffset).toBe('0');
    expect(rb[0].baseOffset).toBe('60');
    // Later batches of the partition stay under the size that worked.
    const accepted = fake.produced.flatMap((r) => r.batches).filter((x) => x.bytes <= 20_000);
    expect(accepted.reduce((n, x) => n + x.count, 0)).toBe(90);
    await producer.send({ topic: 't', messages: Array.from({ length: 60 }, (_, i) => message(90 + i)) });
    expect(fake.records('t', 0)).toHaveLength(150);
  });

  it('splits sequenced batches without gaps or duplicates (idempotence)', async () => {
    const { producer, fake } = await setup({ t: 1 }, { enableIdempotence: true, batchSize: 100_000 });
    fake.maxMessageBytes = 20_000;
    const sends = Array.from({ length: 5 }, (_, s) =>
      producer.send({ topic: 't', messages: Array.from({ length: 40 }, (_, i) => message(s * 40 + i)) }),
    );
    await Promise.all(sends);
    expect(fake.records('t', 0).map((r) => r.value?.toString())).toEqual(
      Array.from({ length: 200 }, (_, i) => message(i).value),
    );
    expect(fake.sequences.get('1000/t/0')).toBe(200);
  });

  it('fails a single record that is too large with a typed error, and goes on', async () => {
    const { producer, fake } = await setup({ t: 1 }, { lingerMs: 0 });
    fake.maxMessageBytes = 2_000;
    const err = await producer
      .send({ topic: 't', messages: [{ value: 'x'.repeat(5_000) }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KafkaProtocolError);
    expect((err as KafkaProtocolError).type).toBe('MESSAGE_TOO_LARGE');
    await producer.send({ topic: 't', messages: [{ value: 'small' }] });
    expect(values(fake, 't', 0)).toEqual(['small']);
  });
});
