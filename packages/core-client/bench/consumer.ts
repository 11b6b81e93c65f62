/**
 * Consumer benchmark: msgs/s consuming pre-produced 100 B and 1 KB records from one
 * @samsa/broker-dev broker (in its own process), Samsa (eachMessage and eachBatch) vs KafkaJS 2.2.4
 * (eachMessage and eachBatch) vs @platformatic/kafka 1.35.0 (its stream), side by side in one run.
 * Every client run happens in a fresh process (no shared heap or JIT state), reads the whole topic
 * from the beginning with a new group, and is bounded in time.
 *
 * - `runConsumerBench(options)` runs the scenarios and returns rows, a markdown table and JSON;
 *   the package bench runner (bench/run.ts) calls it.
 * - `samsaConsumer` is the `BenchClient['consumer']` runner for bench/clients/samsa.ts.
 * - `tsx --conditions=@samsa/source bench/consumer.ts` runs it alone (starts its own broker).
 *
 * Rate = messages / time, timed from the message after the warm-up share (BENCH_CONSUMER_WARMUP,
 * default 0.2 of the records: it covers the first fetch response, which eager decoders decode before
 * delivering anything) to the last; connecting and joining are one-off costs reported separately
 * (`startMs`, to the first message). Each scenario is repeated (BENCH_CONSUMER_RUNS, default 3)
 * with the client order rotated; ratios are Samsa ÷ client within one repetition, compared style
 * for style (eachMessage with eachMessage, eachBatch with eachBatch, the platformatic stream with
 * eachMessage), and the table shows their median. Broker CPU is sampled at the start and end of the
 * timed window. Env: BENCH_SCALE scales counts, BENCH_CLIENTS filters clients, BENCH_SCENARIOS
 * scenarios ('consume 100 B', 'consume 1 KB').
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Kafka, LogLevel } from '../src/index.js';
import { baselineEntry, loadBaseline, loadCurrent } from './baseline.js';
import { startBrokerProcess, tsxArgs } from './broker-process.js';
import type { BenchClient, ConsumeBenchOptions } from './clients/types.js';
import { cpuSeconds, groupRuns, median, type Spread, sameRunRatios, spread } from './measure.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const RUN_TIMEOUT_MS = 120_000;
const PARTITIONS = 6;

type Style = 'eachMessage' | 'eachBatch' | 'stream';

interface ConsumerJob {
  client: 'samsa' | 'samsa-baseline' | 'kafkajs' | 'platformatic';
  style: Style;
  bootstrap: string[];
  topic: string;
  count: number;
  /** Messages consumed before the clock starts (JIT and heap warm-up); counted in `count`. */
  warmup?: number;
  groupId: string;
}

interface JobResult {
  ok: boolean;
  count?: number;
  /** From starting the client to the first message (connect, join, first fetch). */
  startMs?: number;
  /** From the first timed message to the last. */
  ms?: number;
  /** Client CPU over the timed window. */
  cpuMs?: number;
  error?: string;
}

export interface ConsumerBenchRow {
  scenario: string;
  client: string;
  /** Repetition, from 0. */
  run: number;
  ok: boolean;
  msgsPerSec?: number;
  mbPerSec?: number;
  startMs?: number;
  /** Client CPU over the timed window (can pass 100%: GC and I/O threads). */
  clientCpuPct?: number;
  /**
   * Client CPU per message over the timed window, in µs: steadier than msgs/s on a shared machine,
   * where a client's rate also depends on how much of a core it was given.
   */
  cpuUsPerMsg?: number;
  /** Broker CPU over the timed window: near 100% means the broker, not the client, is the limit. */
  brokerCpuPct?: number;
  error?: string;
}

/** Samsa's runner for bench/clients (eachBatch, the style the other runners there use for KafkaJS). */
export const samsaConsumer: NonNullable<BenchClient['consumer']> = async (o: ConsumeBenchOptions) => {
  const kafka = new Kafka({ clientId: 'bench-samsa', brokers: o.bootstrap, logLevel: LogLevel.ERROR });
  const consumer = kafka.consumer({ groupId: o.groupId, autoOffsetReset: 'earliest' });
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
  const warmup = job.warmup ?? 0;
  let first = 0;
  let timedFrom = -1;
  let seen = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => {
    done = r;
  });
  let cpu0 = process.cpuUsage();
  const count = (n: number) => {
    if (seen === 0) first = performance.now();
    if (timedFrom < 0 && seen >= warmup) {
      timedFrom = seen;
      start = performance.now();
      cpu0 = process.cpuUsage();
      // The parent samples the broker's CPU at these marks.
      process.stdout.write('BENCH_MARK start\n');
    }
    seen += n;
    if (seen >= job.count && !finishedFlag) {
      finishedFlag = true;
      process.stdout.write('BENCH_MARK end\n');
      done();
    }
  };
  let finishedFlag = false;
  let start = 0;
  let close: () => Promise<unknown>;
  if (job.client === 'samsa' || job.client === 'samsa-baseline') {
    const { Kafka, LogLevel } = job.client === 'samsa' ? await loadCurrent() : await loadBaseline();
    const kafka = new Kafka({ clientId: 'bench-samsa', brokers: job.bootstrap, logLevel: LogLevel.ERROR });
    const consumer = kafka.consumer({ groupId: job.groupId, autoOffsetReset: 'earliest' });
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
    count: seen - timedFrom,
    startMs: first - t0,
    ms: end - start,
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

// ------------------------------------------------------------------ orchestration

interface WorkerOutcome extends JobResult {
  /** Broker CPU seconds between the worker's start and end marks (the timed window). */
  brokerCpuSec?: number;
}

function runWorker(job: ConsumerJob, brokerPid: number | undefined): Promise<WorkerOutcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, tsxArgs(`${here}consumer.ts`), {
      env: { ...process.env, BENCH_CONSUMER_JOB: JSON.stringify(job) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let brokerAtStart = Number.NaN;
    let brokerAtEnd = Number.NaN;
    child.stdout.on('data', (c) => {
      out += c;
      if (Number.isNaN(brokerAtStart) && out.includes('BENCH_MARK start'))
        brokerAtStart = cpuSeconds(brokerPid);
      if (Number.isNaN(brokerAtEnd) && out.includes('BENCH_MARK end')) brokerAtEnd = cpuSeconds(brokerPid);
    });
    child.stderr.on('data', (c) => {
      err += c;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.on('exit', () => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
      const result: JobResult = line
        ? JSON.parse(line.slice(13))
        : { ok: false, error: `no result (timeout?) ${err.slice(-400)}` };
      resolve({ ...result, brokerCpuSec: brokerAtEnd - brokerAtStart });
    });
  });
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
  /** The broker's process id, for its CPU share (with `bootstrap`). */
  brokerPid?: number;
  /** Scales message counts (default BENCH_SCALE or 1). */
  scale?: number;
  /**
   * Share of each run's messages consumed before the clock starts (default BENCH_CONSUMER_WARMUP or
   * 0.2). Clients that decode a whole fetch response before delivering its first message (KafkaJS,
   * @platformatic/kafka) would otherwise do their first response's decoding off the clock, while a
   * lazily decoding one (Samsa) does it on the clock; it also keeps JIT warm-up out.
   */
  warmup?: number;
  /** Clients to run: samsa, samsa-baseline (with BENCH_BASELINE), kafkajs, platformatic (default BENCH_CLIENTS or all). */
  clients?: string[];
  /** Runs scenarios ('consume 100 B', 'consume 1 KB') this accepts (default BENCH_SCENARIOS or all). */
  scenarios?: (name: string) => boolean;
  /**
   * Repetitions per scenario (default BENCH_CONSUMER_RUNS or 3). Each repetition runs every client
   * once, in an order rotated per repetition; ratios are taken within a repetition, then the median.
   */
  runs?: number;
  log?: (line: string) => void;
}

export interface ConsumerBenchResult {
  rows: ConsumerBenchRow[];
  table: string;
  json: Record<string, unknown>;
}

/** Which Samsa run a client's run is compared with: the same delivery style where there is one. */
const baselineOf: Record<string, string> = {
  'samsa eachMessage': 'samsa eachMessage',
  'samsa eachBatch': 'samsa eachBatch',
  'samsa-baseline eachMessage': 'samsa eachMessage',
  'samsa-baseline eachBatch': 'samsa eachBatch',
  'kafkajs eachMessage': 'samsa eachMessage',
  'kafkajs eachBatch': 'samsa eachBatch',
  'platformatic stream': 'samsa eachMessage',
};

export async function runConsumerBench(options: ConsumerBenchOptions = {}): Promise<ConsumerBenchResult> {
  const scale = options.scale ?? Number(process.env.BENCH_SCALE ?? 1);
  const only = options.clients ?? process.env.BENCH_CLIENTS?.split(',');
  const filter = process.env.BENCH_SCENARIOS?.split(',').map((x) => x.trim());
  const wanted = options.scenarios ?? ((name: string) => !filter || filter.some((f) => name.includes(f)));
  const runs = Math.max(1, Math.floor(options.runs ?? Number(process.env.BENCH_CONSUMER_RUNS ?? 3)));
  const warmup = Math.min(
    0.9,
    Math.max(0, options.warmup ?? Number(process.env.BENCH_CONSUMER_WARMUP ?? 0.2)),
  );
  const log = options.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const variants: { client: ConsumerJob['client']; style: Style; label: string }[] = [
    { client: 'samsa', style: 'eachMessage', label: 'samsa eachMessage' },
    { client: 'samsa', style: 'eachBatch', label: 'samsa eachBatch' },
    ...(baselineEntry()
      ? [
          { client: 'samsa-baseline', style: 'eachMessage', label: 'samsa-baseline eachMessage' },
          { client: 'samsa-baseline', style: 'eachBatch', label: 'samsa-baseline eachBatch' },
        ]
      : []),
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
  let brokerPid = options.brokerPid;
  if (!bootstrap) {
    const started = await startBrokerProcess(PARTITIONS);
    broker = started.child;
    bootstrap = started.bootstrap;
    brokerPid = started.child.pid;
  }
  const rows: ConsumerBenchRow[] = [];
  try {
    const scenarios = [
      { name: 'consume 100 B', valueSize: 100, count: Math.round(300_000 * scale) },
      { name: 'consume 1 KB', valueSize: 1024, count: Math.round(100_000 * scale) },
    ].filter((s) => wanted(s.name));
    for (const s of scenarios) {
      const topic = `bench-consume-${s.valueSize}-${Date.now()}`;
      log(`${s.name}: producing ${s.count} records...`);
      await produce(bootstrap, topic, s.count, s.valueSize);
      for (let r = 0; r < runs; r++) {
        // Rotate the order so that no client always runs first (or right after another).
        const order = variants.map((_, i) => variants[(i + r) % variants.length]);
        for (const v of order) {
          log(`${s.name}: ${v.label} (run ${r + 1}/${runs})...`);
          const result = await runWorker(
            {
              client: v.client,
              style: v.style,
              bootstrap,
              topic,
              count: s.count,
              warmup: Math.floor(s.count * warmup),
              groupId: `bench-${v.client}-${v.style}-${Date.now()}-${r}`,
            },
            brokerPid,
          );
          if (!result.ok) {
            rows.push({ scenario: s.name, client: v.label, run: r, ok: false, error: result.error });
            continue;
          }
          const secs = result.ms! / 1000;
          rows.push({
            scenario: s.name,
            client: v.label,
            run: r,
            ok: true,
            msgsPerSec: result.count! / secs,
            mbPerSec: (result.count! * s.valueSize) / secs / 1e6,
            startMs: result.startMs,
            clientCpuPct: (result.cpuMs! / result.ms!) * 100,
            cpuUsPerMsg: (result.cpuMs! * 1000) / result.count!,
            brokerCpuPct: ((result.brokerCpuSec ?? Number.NaN) / secs) * 100,
          });
        }
      }
    }
  } finally {
    broker?.kill('SIGTERM');
  }
  const summary = summarize(rows);
  const lines = [
    `| scenario | client | msgs/s (median of ${runs}) | msgs/s range | MB/s | Samsa ÷ client (median of same-run ratios) | ratio range | client CPU µs/msg | client ÷ Samsa CPU per msg (median, range) | start (connect+join) | client CPU | broker CPU |`,
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of summary) {
    const ratio = r.ratio ? `${fmt(r.ratio.median, 2)}x (vs ${r.baseline})` : '-';
    const range = r.ratio ? `${fmt(r.ratio.min, 2)}–${fmt(r.ratio.max, 2)}x` : '-';
    const cpuRatio = r.cpuRatio
      ? `${fmt(r.cpuRatio.median, 2)}x (${fmt(r.cpuRatio.min, 2)}–${fmt(r.cpuRatio.max, 2)}x)`
      : '-';
    lines.push(
      r.ok
        ? `| ${r.scenario} | ${r.client} | ${fmt(r.msgsPerSec.median)} | ${fmt(r.msgsPerSec.min)}–${fmt(r.msgsPerSec.max)} | ${fmt(r.mbPerSec, 1)} | ${ratio} | ${range} | ${fmt(r.cpuUsPerMsg, 2)} | ${cpuRatio} | ${fmt(r.startMs)} ms | ${fmt(r.clientCpuPct)}% | ${fmt(r.brokerCpuPct)}% |`
        : `| ${r.scenario} | ${r.client} | - | - | - | - | - | - | - | - | - | ${(r.error ?? '').split('\n')[0].slice(0, 80)} |`,
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
      runs,
      warmup,
      summary,
      rows,
    },
  };
}

interface ConsumerSummary {
  scenario: string;
  client: string;
  ok: boolean;
  runs: number;
  failed: number;
  msgsPerSec: Spread;
  mbPerSec: number;
  /** The Samsa run each of this client's runs is divided into. */
  baseline?: string;
  /** Samsa ÷ this client, computed within each repetition, then summarized. */
  ratio?: Spread;
  /** Median client CPU per message, µs. */
  cpuUsPerMsg: number;
  /** This client's CPU per message ÷ Samsa's, within each repetition, then summarized. */
  cpuRatio?: Spread;
  startMs: number;
  clientCpuPct: number;
  brokerCpuPct: number;
  error?: string;
}

function summarize(rows: ConsumerBenchRow[]): ConsumerSummary[] {
  return groupRuns(rows).map(({ scenario, client, all, ok }): ConsumerSummary => {
    const base = { scenario, client, runs: all.length, failed: all.length - ok.length };
    if (ok.length === 0) {
      return {
        ...base,
        ok: false,
        msgsPerSec: spread([]),
        mbPerSec: Number.NaN,
        cpuUsPerMsg: Number.NaN,
        startMs: Number.NaN,
        clientCpuPct: Number.NaN,
        brokerCpuPct: Number.NaN,
        error: all[0]?.error,
      };
    }
    const baseline = baselineOf[client];
    const compared = baseline !== undefined && baseline !== client;
    const ratios = compared ? sameRunRatios(rows, ok, baseline) : [];
    const cpuRatios = compared ? sameRunCpuRatios(rows, ok, baseline) : [];
    return {
      ...base,
      ok: true,
      msgsPerSec: spread(ok.map((r) => r.msgsPerSec!)),
      mbPerSec: median(ok.map((r) => r.mbPerSec!)),
      baseline: ratios.length > 0 ? baseline : undefined,
      ratio: ratios.length > 0 ? spread(ratios) : undefined,
      cpuUsPerMsg: median(ok.map((r) => r.cpuUsPerMsg!)),
      cpuRatio: cpuRatios.length > 0 ? spread(cpuRatios) : undefined,
      startMs: median(ok.map((r) => r.startMs!)),
      clientCpuPct: median(ok.map((r) => r.clientCpuPct!)),
      brokerCpuPct: median(ok.map((r) => r.brokerCpuPct ?? Number.NaN)),
    };
  });
}

/** For each of `runs`, its CPU per message over the `baseline` client's in the same scenario and repetition. */
function sameRunCpuRatios(rows: ConsumerBenchRow[], runs: ConsumerBenchRow[], baseline: string): number[] {
  const ratios: number[] = [];
  for (const r of runs) {
    const base = rows.find(
      (x) => x.scenario === r.scenario && x.client === baseline && x.run === r.run && x.ok,
    );
    if (base?.cpuUsPerMsg && r.cpuUsPerMsg) ratios.push(r.cpuUsPerMsg / base.cpuUsPerMsg);
  }
  return ratios;
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
