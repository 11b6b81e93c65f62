/**
 * Consumer benchmark: msgs/s consuming pre-produced 100 B and 1 KB records from one
 * @samsa/broker-dev broker (in its own process), Samsa vs KafkaJS 2.2.4 vs @platformatic/kafka 1.35.0,
 * side by side in one run. Every client run happens in a fresh process (no shared heap or JIT
 * state), reads the whole topic from the beginning with a new group, and is bounded in time.
 *
 * - `runConsumerBench(options)` runs the scenarios and returns rows, a markdown table and JSON;
 *   the package bench runner calls it.
 * - `samsaConsumer` is the `BenchClient['consumer']` runner for bench/clients/samsa.ts.
 * - `tsx --conditions=@samsa/source bench/consumer.ts` runs it alone (starts its own broker).
 *
 * Rate = messages / (time from the first message to the last): connecting and joining are one-off
 * costs reported separately (`startMs`). Env: BENCH_SCALE scales counts, BENCH_CLIENTS filters.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ConsumerConfig } from '../src/consumer/config.js';
import { Consumer } from '../src/consumer/consumer.js';
import { Kafka, LogLevel } from '../src/index.js';
import type { BenchClient, ConsumeBenchOptions } from './clients/types.js';

/** `kafka.consumer(config)`, or the same built by hand while kafka.ts does not expose it yet. */
function makeConsumer(kafka: Kafka, config: ConsumerConfig): Consumer {
  const withConsumer = kafka as Kafka & { consumer?: (c: ConsumerConfig) => Consumer };
  if (typeof withConsumer.consumer === 'function') return withConsumer.consumer(config);
  return new Consumer(kafka.createCluster({ namespace: 'consumer' }), config);
}

const here = fileURLToPath(new URL('.', import.meta.url));
const RUN_TIMEOUT_MS = 120_000;
const PARTITIONS = 6;

type Style = 'eachMessage' | 'eachBatch' | 'stream';

interface ConsumerJob {
  client: 'samsa' | 'kafkajs' | 'platformatic';
  style: Style;
  bootstrap: string[];
  topic: string;
  count: number;
  groupId: string;
}

interface JobResult {
  ok: boolean;
  count?: number;
  /** From starting the client to the first message (connect, join, first fetch). */
  startMs?: number;
  /** From the first message to the last. */
  ms?: number;
  cpuMs?: number;
  error?: string;
}

export interface ConsumerBenchRow {
  scenario: string;
  client: string;
  ok: boolean;
  msgsPerSec?: number;
  mbPerSec?: number;
  startMs?: number;
  clientCpuPct?: number;
  error?: string;
}

/** Samsa's runner for bench/clients (eachBatch, the style the other runners there use for KafkaJS). */
export const samsaConsumer: NonNullable<BenchClient['consumer']> = async (o: ConsumeBenchOptions) => {
  const kafka = new Kafka({ clientId: 'bench-samsa', brokers: o.bootstrap, logLevel: LogLevel.ERROR });
  const consumer = makeConsumer(kafka, { groupId: o.groupId, autoOffsetReset: 'earliest' });
  return {
    async run() {
      await consumer.subscribe({ topics: [o.topic] });
      let seen = 0;
      await new Promise<void>((resolve, reject) => {
        consumer
          .run({
            eachBatch: async ({ batch }) => {
              seen += batch.messages.length;
              if (seen >= o.count) resolve();
            },
          })
          .catch(reject);
      });
      return seen;
    },
    close: () => consumer.disconnect(),
  };
};

// ------------------------------------------------------------------ worker side (one client run)

/** Consumes `job.count` messages; `onMessage(n)` is called with each delivery's message count. */
async function runJob(job: ConsumerJob): Promise<JobResult> {
  const t0 = performance.now();
  let first = 0;
  let seen = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => {
    done = r;
  });
  const count = (n: number) => {
    if (seen === 0) first = performance.now();
    seen += n;
    if (seen >= job.count) done();
  };
  let close: () => Promise<unknown>;
  const cpu0 = process.cpuUsage();
  if (job.client === 'samsa') {
    const kafka = new Kafka({ clientId: 'bench-samsa', brokers: job.bootstrap, logLevel: LogLevel.ERROR });
    const consumer = makeConsumer(kafka, { groupId: job.groupId, autoOffsetReset: 'earliest' });
    await consumer.subscribe({ topics: [job.topic] });
    if (job.style === 'eachBatch') {
      await consumer.run({ eachBatch: async ({ batch }) => count(batch.messages.length) });
    } else {
      await consumer.run({ eachMessage: async ({ message }) => count(message.value ? 1 : 1) });
    }
    close = () => consumer.disconnect();
  } else if (job.client === 'kafkajs') {
    const { Kafka: KafkaJS, logLevel } = await import('kafkajs');
    const kafka = new KafkaJS({
      clientId: 'bench-kafkajs',
      brokers: job.bootstrap,
      logLevel: logLevel.ERROR,
    });
    const consumer = kafka.consumer({ groupId: job.groupId });
    await consumer.connect();
    await consumer.subscribe({ topic: job.topic, fromBeginning: true });
    if (job.style === 'eachBatch') {
      await consumer.run({ eachBatch: async ({ batch }) => count(batch.messages.length) });
    } else {
      await consumer.run({ eachMessage: async ({ message }) => count(message.value ? 1 : 1) });
    }
    close = () => consumer.disconnect();
  } else {
    const { Consumer } = await import('@platformatic/kafka');
    const consumer = new Consumer({
      clientId: 'bench-platformatic',
      groupId: job.groupId,
      bootstrapBrokers: job.bootstrap,
    });
    const stream = (await consumer.consume({
      topics: [job.topic],
      mode: 'earliest',
      autocommit: true,
    } as never)) as unknown as AsyncIterable<{ value: Buffer | null }> & { close?(): Promise<void> };
    void (async () => {
      for await (const m of stream) {
        count(m.value ? 1 : 1);
        if (seen >= job.count) break;
      }
    })();
    close = async () => {
      await stream.close?.();
      await consumer.close(true);
    };
  }
  await finished;
  const end = performance.now();
  const cpu = process.cpuUsage(cpu0);
  await close().catch(() => {});
  return {
    ok: true,
    count: seen,
    startMs: first - t0,
    ms: end - first,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

// ------------------------------------------------------------------ orchestration

function tsxArgs(script: string): string[] {
  return ['--import', 'tsx', '--conditions=@samsa/source', script];
}

function runWorker(job: ConsumerJob): Promise<JobResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, tsxArgs(`${here}consumer.ts`), {
      env: { ...process.env, BENCH_CONSUMER_JOB: JSON.stringify(job) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => {
      out += c;
    });
    child.stderr.on('data', (c) => {
      err += c;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.on('exit', () => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
      resolve(
        line ? JSON.parse(line.slice(13)) : { ok: false, error: `no result (timeout?) ${err.slice(-400)}` },
      );
    });
  });
}

async function startBrokerProcess(): Promise<{ child: ChildProcess; bootstrap: string[] }> {
  const child = spawn(process.execPath, tsxArgs(`${here}broker.ts`), {
    env: { ...process.env, BENCH_PARTITIONS: String(PARTITIONS) },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const bootstrap = await new Promise<string[]>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (c) => {
      buf += c;
      if (buf.includes('\n')) resolve(JSON.parse(buf.split('\n')[0]).bootstrap);
    });
    child.once('exit', (code) => reject(new Error(`broker exited ${code}`)));
  });
  return { child, bootstrap };
}

async function produce(bootstrap: string[], topic: string, count: number, valueSize: number): Promise<void> {
  const kafka = new Kafka({ clientId: 'bench-fill', brokers: bootstrap, logLevel: LogLevel.ERROR });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] }).catch(() => {});
  await admin.disconnect();
  const producer = kafka.producer({ acks: 1, lingerMs: 5 });
  await producer.connect();
  const value = Buffer.alloc(valueSize, 120);
  const batch = 1000;
  const sends: Promise<unknown>[] = [];
  for (let i = 0; i < count; i += batch) {
    sends.push(
      producer.send({
        topic,
        messages: Array.from({ length: Math.min(batch, count - i) }, () => ({ value })),
      }),
    );
    if (sends.length >= 8) await sends.shift();
  }
  await Promise.all(sends);
  await producer.disconnect();
}

const fmt = (n: number | undefined, digits = 0) =>
  n === undefined || !Number.isFinite(n) ? '-' : n.toLocaleString('en-US', { maximumFractionDigits: digits });

export interface ConsumerBenchOptions {
  /** Use this broker; otherwise one is started in its own process. */
  bootstrap?: string[];
  /** Scales message counts (default BENCH_SCALE or 1). */
  scale?: number;
  /** Clients to run (default BENCH_CLIENTS or all). */
  clients?: string[];
  /** Runs per client and scenario; the best is kept (default 2). */
  repeats?: number;
  log?: (line: string) => void;
}

export interface ConsumerBenchResult {
  rows: ConsumerBenchRow[];
  table: string;
  json: Record<string, unknown>;
}

export async function runConsumerBench(options: ConsumerBenchOptions = {}): Promise<ConsumerBenchResult> {
  const scale = options.scale ?? Number(process.env.BENCH_SCALE ?? 1);
  const only = options.clients ?? process.env.BENCH_CLIENTS?.split(',');
  const repeats = options.repeats ?? 2;
  const log = options.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const variants: { client: ConsumerJob['client']; style: Style; label: string }[] = [
    { client: 'samsa', style: 'eachMessage', label: 'samsa eachMessage' },
    { client: 'samsa', style: 'eachBatch', label: 'samsa eachBatch' },
    { client: 'kafkajs', style: 'eachMessage', label: 'kafkajs eachMessage' },
    { client: 'kafkajs', style: 'eachBatch', label: 'kafkajs eachBatch' },
    { client: 'platformatic', style: 'stream', label: 'platformatic stream' },
  ].filter((v) => !only || only.includes(v.client)) as {
    client: ConsumerJob['client'];
    style: Style;
    label: string;
  }[];

  let broker: ChildProcess | null = null;
  let bootstrap = options.bootstrap;
  if (!bootstrap) {
    const started = await startBrokerProcess();
    broker = started.child;
    bootstrap = started.bootstrap;
  }
  const rows: ConsumerBenchRow[] = [];
  try {
    const scenarios = [
      { name: 'consume 100 B', valueSize: 100, count: Math.round(300_000 * scale) },
      { name: 'consume 1 KB', valueSize: 1024, count: Math.round(100_000 * scale) },
    ];
    for (const s of scenarios) {
      const topic = `bench-consume-${s.valueSize}-${Date.now()}`;
      log(`${s.name}: producing ${s.count} records...`);
      await produce(bootstrap, topic, s.count, s.valueSize);
      const best = new Map<string, JobResult>();
      // Interleave clients so drift in machine load hits them alike.
      for (let r = 0; r < repeats; r++) {
        for (const v of variants) {
          log(`${s.name}: ${v.label} (run ${r + 1}/${repeats})...`);
          const result = await runWorker({
            client: v.client,
            style: v.style,
            bootstrap,
            topic,
            count: s.count,
            groupId: `bench-${v.client}-${v.style}-${Date.now()}-${r}`,
          });
          const prev = best.get(v.label);
          if (!prev?.ok || (result.ok && result.ms! < prev.ms!)) best.set(v.label, result);
        }
      }
      for (const v of variants) {
        const res = best.get(v.label)!;
        if (!res.ok) {
          rows.push({ scenario: s.name, client: v.label, ok: false, error: res.error });
          continue;
        }
        const secs = res.ms! / 1000;
        rows.push({
          scenario: s.name,
          client: v.label,
          ok: true,
          msgsPerSec: res.count! / secs,
          mbPerSec: (res.count! * s.valueSize) / secs / 1e6,
          startMs: res.startMs,
          clientCpuPct: (res.cpuMs! / (res.ms! + res.startMs!)) * 100,
        });
      }
    }
  } finally {
    broker?.kill('SIGTERM');
  }
  const lines = [
    '| scenario | client | msgs/s | MB/s | Samsa eachMessage ÷ client | start (connect+join) | client CPU |',
    '|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const base = rows.find((x) => x.scenario === r.scenario && x.client === 'samsa eachMessage' && x.ok);
    const ratio = r.ok && base ? base.msgsPerSec! / r.msgsPerSec! : undefined;
    lines.push(
      r.ok
        ? `| ${r.scenario} | ${r.client} | ${fmt(r.msgsPerSec)} | ${fmt(r.mbPerSec, 1)} | ${fmt(ratio, 2)}x | ${fmt(r.startMs)} ms | ${fmt(r.clientCpuPct)}% |`
        : `| ${r.scenario} | ${r.client} | - | - | - | - | ${(r.error ?? '').split('\n')[0].slice(0, 80)} |`,
    );
  }
  const table = lines.join('\n');
  return {
    rows,
    table,
    json: {
      bench: 'consumer',
      date: new Date().toISOString(),
      node: process.version,
      partitions: PARTITIONS,
      rows,
    },
  };
}

// ------------------------------------------------------------------ entry points

const job = process.env.BENCH_CONSUMER_JOB;
if (job) {
  runJob(JSON.parse(job) as ConsumerJob).then(
    (r) => {
      process.stdout.write(`BENCH_RESULT ${JSON.stringify(r)}\n`);
      process.exit(0);
    },
    (err) => {
      process.stdout.write(
        `BENCH_RESULT ${JSON.stringify({ ok: false, error: String(err?.stack ?? err) })}\n`,
      );
      process.exit(0);
    },
  );
} else if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runConsumerBench().then(
    ({ table, json }) => {
      console.log(table);
      console.log('');
      console.log(JSON.stringify(json));
      process.exit(0);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
