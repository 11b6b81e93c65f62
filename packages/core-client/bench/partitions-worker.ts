/**
 * One client run of the partitions benchmark (bench/partitions.ts), in a fresh process started with
 * `--expose-gc`. Input: PARTITIONS_JOB (JSON). Output: one `BENCH_RESULT {...}` line.
 *
 * - produce: connects, warms up with one record to every partition (untimed, so every partition's
 *   producer state exists before the clock starts), then sends `records` records round-robin over all
 *   partitions of all topics in calls of `batch` records, `window` calls in flight, acks=-1.
 * - consume: one group member subscribed to every topic (so it is assigned every partition) reads
 *   `records` records from the beginning; the rate is timed from the record after the first 20% to the
 *   last, and the time to the first record (connect, join, first fetch) is reported apart.
 *
 * Memory: heap and RSS after a forced GC before the client exists, and again (GC'd) while it is still
 * connected after the run, so the growth is what the client holds for these partitions.
 */
import type { Kafka as SamsaKafka } from '../src/index.js';

export interface PartitionsJob {
  client: 'samsa' | 'kafkajs' | 'platformatic';
  mode: 'produce' | 'consume';
  bootstrap: string[];
  topics: string[];
  partitionsPerTopic: number;
  records: number;
  valueSize: number;
  batch: number;
  window: number;
  groupId: string;
}

export interface PartitionsResult {
  ok: boolean;
  /** Timed records (produce: all; consume: from the first record to the last). */
  count?: number;
  ms?: number;
  /** Client CPU seconds (user + system) over the timed window. */
  cpuSec?: number;
  /** Client CPU seconds for the whole run: connect, join/metadata, warm-up and the timed window. */
  totalCpuSec?: number;
  /** Consume: from creating the client to the first record. */
  startMs?: number;
  heapGrowthBytes?: number;
  rssGrowthBytes?: number;
  error?: string;
}

/** Consume: the share of the records read before the clock starts. */
const WARMUP_SHARE = 0.2;

interface Memory {
  heap: number;
  rss: number;
}

function settledMemory(): Memory {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss };
}

const cpuSecondsNow = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1e6;
};

interface Addressed {
  topic: string;
  partition: number;
}

/** The `i`-th record's topic and partition: round-robin over every partition of every topic. */
function address(job: PartitionsJob, i: number): Addressed {
  const g = i % (job.topics.length * job.partitionsPerTopic);
  return {
    topic: job.topics[Math.floor(g / job.partitionsPerTopic)]!,
    partition: g % job.partitionsPerTopic,
  };
}

/** The record calls of a cycle: `batch` records each, grouped by topic, starting at record `from`. */
function callAt(job: PartitionsJob, from: number, size: number, value: Buffer) {
  const byTopic = new Map<string, { value: Buffer; partition: number }[]>();
  for (let i = from; i < from + size; i++) {
    const { topic, partition } = address(job, i);
    let list = byTopic.get(topic);
    if (!list) {
      list = [];
      byTopic.set(topic, list);
    }
    list.push({ value, partition });
  }
  return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
}

interface Producing {
  connect(): Promise<void>;
  send(
    topicMessages: { topic: string; messages: { value: Buffer; partition: number }[] }[],
  ): Promise<unknown>;
  close(): Promise<void>;
}

async function producerFor(job: PartitionsJob): Promise<Producing> {
  if (job.client === 'samsa') {
    const { Kafka, LogLevel } = await import('../src/index.js');
    const kafka: SamsaKafka = new Kafka({
      clientId: 'bench-samsa',
      brokers: job.bootstrap,
      logLevel: LogLevel.ERROR,
    });
    const producer = kafka.producer({ acks: -1, lingerMs: 5 });
    return {
      connect: () => producer.connect(),
      send: (topicMessages) => producer.sendBatch({ topicMessages }),
      close: () => producer.disconnect(),
    };
  }
  if (job.client === 'kafkajs') {
    const { Kafka, logLevel } = await import('kafkajs');
    const kafka = new Kafka({ clientId: 'bench-kafkajs', brokers: job.bootstrap, logLevel: logLevel.ERROR });
    const producer = kafka.producer();
    return {
      connect: () => producer.connect(),
      send: (topicMessages) => producer.sendBatch({ acks: -1, topicMessages }),
      close: () => producer.disconnect(),
    };
  }
  const { Producer } = await import('@platformatic/kafka');
  const producer = new Producer({
    clientId: 'bench-platformatic',
    bootstrapBrokers: job.bootstrap,
    acks: -1,
  });
  return {
    connect: async () => {},
    send: (topicMessages) =>
      producer.send({
        messages: topicMessages.flatMap(({ topic, messages }) =>
          messages.map((m) => ({ topic, partition: m.partition, value: m.value })),
        ),
      }),
    close: () => producer.close(),
  };
}

async function produce(job: PartitionsJob): Promise<PartitionsResult> {
  const totalPartitions = job.topics.length * job.partitionsPerTopic;
  const value = Buffer.alloc(job.valueSize, 120);
  const before = settledMemory();
  const cpuStart = cpuSecondsNow();
  const producer = await producerFor(job);
  await producer.connect();
  for (let from = 0; from < totalPartitions; from += job.batch) {
    await producer.send(callAt(job, from, Math.min(job.batch, totalPartitions - from), value));
  }
  // Calls repeat every `cycle` calls (the round-robin comes back to the same partition); build them once.
  const calls = Math.ceil(job.records / job.batch);
  let cycle = 1;
  while ((cycle * job.batch) % totalPartitions !== 0 && cycle < calls) cycle++;
  const payloads = Array.from({ length: cycle }, (_, c) => callAt(job, c * job.batch, job.batch, value));
  const cpu0 = cpuSecondsNow();
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(job.window, calls) }, async () => {
      while (next < calls) await producer.send(payloads[next++ % cycle]!);
    }),
  );
  const ms = performance.now() - t0;
  const cpuSec = cpuSecondsNow() - cpu0;
  const after = settledMemory();
  const totalCpuSec = cpuSecondsNow() - cpuStart;
  await producer.close().catch(() => {});
  return {
    ok: true,
    count: calls * job.batch,
    ms,
    cpuSec,
    totalCpuSec,
    heapGrowthBytes: after.heap - before.heap,
    rssGrowthBytes: after.rss - before.rss,
  };
}

/** Starts a consumer that calls `onRecords(n)` per delivery; resolves a closer. */
async function consumerFor(job: PartitionsJob, onRecords: (n: number) => void): Promise<() => Promise<void>> {
  if (job.client === 'samsa') {
    const { Kafka, LogLevel } = await import('../src/index.js');
    const kafka = new Kafka({ clientId: 'bench-samsa', brokers: job.bootstrap, logLevel: LogLevel.ERROR });
    const consumer = kafka.consumer({ groupId: job.groupId, autoOffsetReset: 'earliest' });
    await consumer.subscribe({ topics: job.topics });
    await consumer.run({ eachBatch: async ({ batch }) => onRecords(batch.messages.length) });
    return () => consumer.disconnect();
  }
  if (job.client === 'kafkajs') {
    const { Kafka, logLevel } = await import('kafkajs');
    const kafka = new Kafka({ clientId: 'bench-kafkajs', brokers: job.bootstrap, logLevel: logLevel.ERROR });
    const consumer = kafka.consumer({ groupId: job.groupId });
    await consumer.connect();
    await consumer.subscribe({ topics: job.topics, fromBeginning: true });
    await consumer.run({ eachBatch: async ({ batch }) => onRecords(batch.messages.length) });
    return () => consumer.disconnect();
  }
  const { Consumer } = await import('@platformatic/kafka');
  const consumer = new Consumer({
    clientId: 'bench-platformatic',
    groupId: job.groupId,
    bootstrapBrokers: job.bootstrap,
  });
  const stream = (await consumer.consume({
    topics: job.topics,
    mode: 'earliest',
    autocommit: true,
  } as never)) as unknown as AsyncIterable<unknown> & { close?(): Promise<void> };
  let stopped = false;
  void (async () => {
    for await (const _ of stream) {
      onRecords(1);
      if (stopped) break;
    }
  })();
  return async () => {
    stopped = true;
    await stream.close?.();
    await consumer.close(true);
  };
}

async function consume(job: PartitionsJob): Promise<PartitionsResult> {
  const before = settledMemory();
  const cpuStart = cpuSecondsNow();
  const t0 = performance.now();
  let seen = 0;
  let first = 0;
  let timedFrom = -1;
  let start = 0;
  let cpu0 = 0;
  // The clock starts once a share of the records is in, past the first (possibly huge) fetch responses
  // that clients which buffer eagerly decode before delivering anything.
  const warmup = Math.floor(job.records * WARMUP_SHARE);
  let done!: () => void;
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  let end = 0;
  let cpuSec = 0;
  const close = await consumerFor(job, (n) => {
    if (seen === 0) first = performance.now();
    if (timedFrom < 0 && seen >= warmup) {
      timedFrom = seen;
      start = performance.now();
      cpu0 = cpuSecondsNow();
    }
    seen += n;
    if (seen >= job.records && end === 0) {
      end = performance.now();
      cpuSec = cpuSecondsNow() - cpu0;
      done();
    }
  });
  await finished;
  const after = settledMemory();
  const totalCpuSec = cpuSecondsNow() - cpuStart;
  await close().catch(() => {});
  return {
    ok: true,
    count: seen - timedFrom,
    ms: end - start,
    cpuSec,
    totalCpuSec,
    startMs: first - t0,
    heapGrowthBytes: after.heap - before.heap,
    rssGrowthBytes: after.rss - before.rss,
  };
}

const job = JSON.parse(process.env.PARTITIONS_JOB ?? '{}') as PartitionsJob;
(job.mode === 'produce' ? produce(job) : consume(job)).then(
  (r) => {
    process.stdout.write(`BENCH_RESULT ${JSON.stringify(r)}\n`);
    process.exit(0);
  },
  (err) => {
    process.stdout.write(`BENCH_RESULT ${JSON.stringify({ ok: false, error: String(err?.stack ?? err) })}\n`);
    process.exit(0);
  },
);
