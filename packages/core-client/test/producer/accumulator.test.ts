/**
 * The accumulator's batching, buffer memory and idempotent resends, where the test must control the
 * broker precisely: produce requests held in flight until released, every request's batches
 * recorded, a response lost after the broker wrote the records. broker-dev's fault injection cannot
 * stage those, so these run on the fake broker; everything else about the producer is in
 * producer.test.ts, against broker-dev.
 */
import { ApiKey } from '@samsa/protocol';
import { waitFor } from '@samsa/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { BufferExhaustedError, Kafka, type ProducerConfig, RequestAbortedError } from '../../src/index.js';
import { LogLevel } from '../../src/logger.js';
import { type FakeBroker, startFakeBroker } from '../helpers/fake-broker.js';

let fake: FakeBroker | null = null;
const producers: { disconnect(): Promise<void> }[] = [];

afterEach(async () => {
  for (const p of producers.splice(0)) await p.disconnect().catch(() => {});
  await fake?.stop();
  fake = null;
});

async function setup(topics: Record<string, number>, config: ProducerConfig = {}, brokers = 1) {
  fake = await startFakeBroker({ brokers, topics });
  const kafka = new Kafka({
    brokers: fake.bootstrap,
    logLevel: LogLevel.NOTHING,
    retry: { initialRetryTimeMs: 5, maxRetryTimeMs: 20 },
    requestTimeoutMs: 2000,
  });
  const producer = kafka.producer({ retryBackoffMs: 5, retryBackoffMaxMs: 20, ...config });
  producers.push(producer);
  await producer.connect();
  return { producer, fake: fake! };
}

const values = (f: FakeBroker, topic: string, partition: number) =>
  f.records(topic, partition).map((r) => r.value?.toString());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('buffer memory', () => {
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
    await sleep(20);
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
    await sleep(20);
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
    await sleep(20);
    const timer = setInterval(() => fake.releaseHeld(), 5);
    await Promise.all([first, blocked, later]);
    clearInterval(timer);
    expect(values(fake, 't', 1)).toEqual(['p1-a', 'p1-b', 'p1-c']);
  });
  it('resumes tens of thousands of sends queued behind one blocked on buffer memory, in order', async () => {
    // An open-loop producer that falls behind queues one send per record; resuming them used to
    // nest a few stack frames per queued send until the stack overflowed.
    const { producer, fake } = await setup(
      { t: 1 },
      { batchSize: 16 * 1024, bufferMemory: 1024 * 1024, lingerMs: 0, maxBlockMs: 30_000 },
    );
    fake.holdProduce = true;
    const big = 'x'.repeat(15_000);
    const first = producer.send({ topic: 't', messages: Array.from({ length: 80 }, () => ({ value: big })) });
    const queued = Array.from({ length: 50_000 }, (_, i) =>
      producer.send({ topic: 't', messages: [{ value: String(i) }] }),
    );
    await sleep(20);
    fake.holdProduce = false;
    fake.releaseHeld();
    await first;
    await Promise.all(queued);
    const small = values(fake, 't', 0).filter((v) => v !== big);
    expect(small).toEqual(Array.from({ length: 50_000 }, (_, i) => String(i)));
  });
});

describe('batching under load', () => {
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
    await sleep(20);
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
    // The busy request must be held before the others queue, or it could carry some of them.
    await waitFor('the busy request held', () => fake.received.some((r) => r.apiKey === ApiKey.Produce));
    const sends = Array.from({ length: 5 }, (_, i) =>
      producer.send({
        topic: 't',
        messages: Array.from({ length: 20 }, (_, j) => ({ value: `v${i}-${j}`.padEnd(50) })),
      }),
    );
    await sleep(20);
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
    await sleep(10);
    expect(fake.produced).toEqual([]); // lingering, and a request of its own is not worth it
    const full = producer.send({
      topic: 't',
      messages: Array.from({ length: 12 }, (_, i) => ({ value: `${i}`.padEnd(100), partition: 0 })),
    });
    // Partition 0's first batch is full and goes at once (setImmediate), taking partition 1's along.
    await sleep(20);
    await producer.flush(); // the rest of partition 0 lingers
    await Promise.all([small, full]);
    expect(fake.produced[0].batches.map((b) => b.partition).sort()).toEqual([0, 1]);
    expect(fake.produced).toHaveLength(2);
  });
});

describe('many sparse partitions', () => {
  it('reserves buffer memory for what a sparse partition holds, not batchSize', async () => {
    // A record in each of 64 partitions, lingering and then held in flight: at batchSize (16 KiB)
    // each they would need 1 MiB of this 256 KiB, and the send would wait for memory that nothing
    // frees until maxBlockMs.
    const { producer, fake } = await setup(
      { t: 64 },
      { batchSize: 16_384, bufferMemory: 262_144, lingerMs: 60_000, maxBlockMs: 200 },
    );
    fake.holdProduce = true;
    let failed: Error | null = null;
    const sent = producer
      .send({
        topic: 't',
        messages: Array.from({ length: 64 }, (_, p) => ({ value: `a${p}`, partition: p })),
      })
      .catch((err: Error) => {
        failed = err;
      });
    await sleep(300);
    expect(failed).toBeNull();
    const { bufferTotalBytes, bufferAvailableBytes, bufferWaiting } = producer.metrics();
    expect(bufferWaiting).toBe(0);
    expect(bufferTotalBytes - bufferAvailableBytes).toBeLessThanOrEqual(64 * 1024);
    const flushed = producer.flush();
    await sleep(20);
    fake.releaseHeld();
    await flushed;
    await sent;
    expect(failed).toBeNull();
    for (let p = 0; p < 64; p++) expect(values(fake, 't', p)).toEqual([`a${p}`]);
  });

  it('grows a batch that started small up to batchSize, keeping its records in one batch', async () => {
    // The partition's last batch was one record, so the next starts small and has to grow.
    const { producer, fake } = await setup({ t: 1 }, { batchSize: 16_384, lingerMs: 20 });
    await producer.send({ topic: 't', messages: [{ value: 'one' }] });
    const many = Array.from({ length: 100 }, (_, i) => ({ value: `${i}`.padEnd(100) }));
    await producer.send({ topic: 't', messages: many });
    expect(fake.produced.map((r) => r.batches.map((b) => b.count))).toEqual([[1], [100]]);
    expect(values(fake, 't', 0).slice(1)).toEqual(many.map((m) => m.value));
  });
});

describe('send results', () => {
  it("have one entry per topic-partition, from the call's first batch there, however many batches it spans", async () => {
    const { producer } = await setup({ t: 2 }, { batchSize: 1024, lingerMs: 0 });
    const messages = (n: number, first: number) =>
      Array.from({ length: n }, (_, i) => ({ value: `${i}`.padEnd(100), partition: (first + i) % 2 }));
    // 40 records of ~100 B per partition: several batches each.
    const first = await producer.send({ topic: 't', messages: messages(80, 0) });
    expect(first.map((r) => [r.partition, r.baseOffset])).toEqual([
      [0, '0'],
      [1, '0'],
    ]);
    const second = await producer.send({ topic: 't', messages: messages(4, 1) });
    expect(second.map((r) => [r.partition, r.baseOffset])).toEqual([
      [1, '40'],
      [0, '40'],
    ]);
    expect(second.records.map((r) => [r.partition, r.offset])).toEqual([
      [1, '40'],
      [0, '40'],
      [1, '41'],
      [0, '41'],
    ]);
  });
});

describe('idempotent resends', () => {
  it('does not duplicate records when responses are lost and batches resent', async () => {
    const { producer, fake } = await setup(
      { t: 1 },
      { enableIdempotence: true, lingerMs: 0, batchSize: 200 },
    );
    await producer.send({ topic: 't', messages: [{ value: 'first' }] });
    fake.loseProduceResponses(2);
    await producer.send({ topic: 't', messages: [{ value: 'a' }, { value: 'b' }] });
    await producer.send({ topic: 't', messages: [{ value: 'c' }] });
    expect(values(fake, 't', 0)).toEqual(['first', 'a', 'b', 'c']);
  });
});
