/**
 * `npm run bench -w @samsa/core-client`: Samsa vs KafkaJS vs @platformatic/kafka (1.35.0, the newest
 * on Node 20) vs node-rdkafka (when installed), side by side in one run against one @samsa/broker-dev
 * broker in its own process. Producer msgs/s and MB/s for 100 B and 1 KB values at acks=1 and
 * acks=-1; consumer msgs/s; the raw loopback ceiling as the physical reference; broker CPU per run
 * (near 100% of a core means the broker, not the client, is the limit). Prints a table with ratios
 * to Samsa, then JSON. Each client run is a fresh process, bounded in count and time. The consumer
 * scenarios ('consume 100 B', 'consume 1 KB') come from bench/consumer.ts (BENCH_CONSUMER_RUNS
 * repetitions, default 3).
 *
 * Env: BENCH_SCALE (default 1) scales message counts; BENCH_CLIENTS=samsa,kafkajs limits clients;
 * BENCH_RUNS=5 repeats each produce scenario (client order rotated each time, so no client always
 * runs first) and reports medians, ranges and the median of the same-run ratios;
 * BENCH_SCENARIOS='1 KB,consume' runs only scenarios whose name contains one of the strings.
 * BENCH_BASELINE=<checkout> adds that built checkout's Samsa as `samsa-baseline` (bench/baseline.ts), to
 * compare a change with the commit before it in one run.
 *
 * Transactional produce ('produce 100 B in transactions of 100' / 1,000 / 10,000): Samsa's and
 * KafkaJS's transactional producers (`samsa-txn`, `kafkajs-txn`) beside Samsa's idempotent
 * producer (`samsa`, the default) sending the same records without transactions, so the ratio
 * column reads "idempotent ÷ transactional". They need a broker with a transaction coordinator:
 * BENCH_BROKER=librdkafka-mock runs only these scenarios against the librdkafka mock cluster (kcat,
 * topics auto-created with 4 partitions; the mock writes no markers, so it measures the client and
 * the coordinator round trips, not marker writes); against broker-dev they fail until its
 * coordinator lands, and the table says so.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Kafka, LogLevel } from '../src/index.js';
import { brokerCeiling } from './broker-ceiling.js';
import { startBrokerProcess, tsxArgs } from './broker-process.js';
import { clients } from './clients/index.js';
import { type ConsumerBenchResult, runConsumerBench } from './consumer.js';
import { loopbackCeiling } from './loopback.js';
import { cpuSeconds, groupRuns, median, type Spread, sameRunRatios, spread } from './measure.js';
import { startMockTarget, TRANSACTIONAL_SCENARIOS } from './transactional.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const scale = Number(process.env.BENCH_SCALE ?? 1);
const only = process.env.BENCH_CLIENTS?.split(',');
const names = Object.keys(clients).filter((n) => !only || only.includes(n));
const runs = Math.max(1, Math.floor(Number(process.env.BENCH_RUNS ?? 1)));
const scenarioFilter = process.env.BENCH_SCENARIOS?.split(',').map((x) => x.trim());
const wanted = (scenario: string) => !scenarioFilter || scenarioFilter.some((f) => scenario.includes(f));
const PARTITIONS = 6;
const RUN_TIMEOUT_MS = 180_000;

interface Row {
  scenario: string;
  client: string;
  /** Repetition (BENCH_RUNS), from 0. */
  run: number;
  ok: boolean;
  msgsPerSec?: number;
  mbPerSec?: number;
  ms?: number;
  clientCpuPct?: number;
  /** Share of the run the client's main thread was runnable but waiting for a CPU (machine load). */
  clientCpuWaitPct?: number;
  brokerCpuPct?: number;
  /** Share of the worker's lifetime the broker's main thread was runnable but waiting for a CPU. */
  brokerCpuWaitPct?: number;
  error?: string;
}

/** Seconds a process's main thread was runnable but waiting for a CPU, from /proc (Linux). */
function waitSeconds(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e9;
  } catch {
    return Number.NaN;
  }
}

interface WorkerResult {
  ok: boolean;
  ms: number;
  count: number;
  cpuMs: number;
  waitMs?: number;
  error?: string;
}

function runWorker(job: unknown): Promise<WorkerResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, tsxArgs(`${here}worker.ts`), {
      env: { ...process.env, BENCH_JOB: JSON.stringify(job) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.on('exit', () => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
      resolve(
        line ? JSON.parse(line.slice(13)) : { ok: false, error: `no result (timeout?) ${err.slice(-500)}` },
      );
    });
  });
}

const fmt = (n: number | undefined, digits = 0) =>
  n === undefined || !Number.isFinite(n) ? '-' : n.toLocaleString('en-US', { maximumFractionDigits: digits });

interface ProduceScenario {
  scenario: string;
  valueSize: number;
  acks: 1 | -1;
  count: number;
  /** Transactional scenarios: records per transaction (transactional clients only). */
  recordsPerTransaction?: number;
}

/** Runs each produce scenario for each client (order rotated per repetition), one fresh process per run. */
async function runProduceScenarios(
  target: {
    bootstrap: string[];
    brokerPid: number | undefined;
    createTopic(topic: string): Promise<void>;
    deleteTopic(topic: string): Promise<void>;
  },
  scenarios: ProduceScenario[],
  rows: Row[],
): Promise<void> {
  let run = 0;
  for (let rep = 0; rep < runs; rep++) {
    for (const s of scenarios) {
      if (!wanted(s.scenario)) continue;
      const transactional = s.recordsPerTransaction !== undefined;
      const order = names.map((_, i) => names[(i + rep) % names.length]!);
      for (const client of order) {
        const c = clients[client]!;
        if (c.onlyAcks !== undefined && c.onlyAcks !== s.acks) continue;
        // Transactional clients run only transactional scenarios; beside them only `samsa` (idempotent).
        if ((c.transactional ?? false) !== transactional && !(transactional && client === 'samsa')) continue;
        const topic = `bench-${process.pid}-${run++}-${client}`;
        await target.createTopic(topic);
        console.error(`${s.scenario}: ${client}...`);
        const brokerPid = target.brokerPid;
        const cpu0 = cpuSeconds(brokerPid);
        const wait0 = brokerPid === undefined ? Number.NaN : waitSeconds(brokerPid);
        const started = performance.now();
        const r = await runWorker({
          client,
          mode: 'produce',
          options: {
            bootstrap: target.bootstrap,
            topic,
            count: s.count,
            valueSize: s.valueSize,
            acks: s.acks,
            batch: transactional ? Math.min(1000, s.recordsPerTransaction!) : 1000,
            window: 8,
            ...(transactional && { recordsPerTransaction: s.recordsPerTransaction }),
          },
        });
        const brokerCpu = cpuSeconds(brokerPid) - cpu0;
        const brokerWait = (brokerPid === undefined ? Number.NaN : waitSeconds(brokerPid)) - wait0;
        const lifetime = (performance.now() - started) / 1000;
        await target.deleteTopic(topic).catch(() => {});
        if (!r.ok) {
          rows.push({ scenario: s.scenario, client, run: rep, ok: false, error: r.error });
          continue;
        }
        const secs = r.ms / 1000;
        rows.push({
          scenario: s.scenario,
          client,
          run: rep,
          ok: true,
          ms: r.ms,
          msgsPerSec: r.count / secs,
          mbPerSec: (r.count * s.valueSize) / secs / 1e6,
          clientCpuPct: (r.cpuMs / r.ms) * 100,
          clientCpuWaitPct: ((r.waitMs ?? Number.NaN) / r.ms) * 100,
          brokerCpuPct: (brokerCpu / secs) * 100,
          brokerCpuWaitPct: (brokerWait / lifetime) * 100,
        });
      }
    }
  }
}

const transactionalScenarios = (): ProduceScenario[] =>
  TRANSACTIONAL_SCENARIOS.map(({ scenario, recordsPerTransaction, count }) => ({
    scenario,
    valueSize: 100,
    acks: -1,
    count: Math.max(recordsPerTransaction, Math.round(count * scale)),
    recordsPerTransaction,
  }));

/** BENCH_BROKER=librdkafka-mock: the transactional scenarios against the librdkafka mock cluster. */
async function mainOnMock() {
  const mock = await startMockTarget();
  const rows: Row[] = [];
  try {
    await runProduceScenarios(
      {
        bootstrap: mock.bootstrap,
        brokerPid: mock.pid,
        createTopic: async () => {},
        deleteTopic: async () => {},
      },
      transactionalScenarios(),
      rows,
    );
  } finally {
    await mock.stop();
  }
  console.log(
    [
      'target: librdkafka mock cluster (kcat, librdkafka 2.0.2); broker CPU = the kcat process',
      '',
      ...table(rows),
    ].join('\n'),
  );
  console.log('');
  console.log(
    JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        target: 'librdkafka-mock',
        runs,
        summary: summarize(rows),
        rows,
      },
      null,
      2,
    ),
  );
}

async function main() {
  if (process.env.BENCH_BROKER === 'librdkafka-mock') return mainOnMock();
  if (process.env.BENCH_BROKER !== undefined && process.env.BENCH_BROKER !== 'broker-dev') {
    throw new Error(
      `BENCH_BROKER=${process.env.BENCH_BROKER}: expected broker-dev (the default) or librdkafka-mock`,
    );
  }
  console.error('measuring loopback ceiling...');
  const loopback = await loopbackCeiling(2);
  const { child: brokerProc, bootstrap } = await startBrokerProcess(PARTITIONS);
  const admin = new Kafka({ brokers: bootstrap, logLevel: LogLevel.ERROR }).admin();
  await admin.connect();
  const rows: Row[] = [];
  let broker: Awaited<ReturnType<typeof brokerCeiling>> | null = null;
  let consumer: ConsumerBenchResult | null = null;
  try {
    console.error('measuring broker ceiling...');
    await admin.createTopics({ topics: [{ topic: 'bench-ceiling', numPartitions: PARTITIONS }] });
    const cpu0 = cpuSeconds(brokerProc.pid!);
    const t0 = performance.now();
    broker = await brokerCeiling(bootstrap, 'bench-ceiling');
    const brokerCpuPct = ((cpuSeconds(brokerProc.pid!) - cpu0) / ((performance.now() - t0) / 1000)) * 100;
    broker = { ...broker, brokerCpuPct } as typeof broker & { brokerCpuPct: number };
    await admin.deleteTopics({ topics: ['bench-ceiling'] });
    const scenarios: ProduceScenario[] = [
      { valueSize: 100, acks: 1, count: Math.round(300_000 * scale) },
      { valueSize: 100, acks: -1, count: Math.round(300_000 * scale) },
      { valueSize: 1024, acks: 1, count: Math.round(60_000 * scale) },
      { valueSize: 1024, acks: -1, count: Math.round(60_000 * scale) },
    ].map((x) => ({
      ...(x as Omit<ProduceScenario, 'scenario'>),
      scenario: `produce ${x.valueSize === 100 ? '100 B' : '1 KB'} acks=${x.acks}`,
    }));
    await runProduceScenarios(
      {
        bootstrap,
        brokerPid: brokerProc.pid,
        createTopic: async (topic) => {
          await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] });
        },
        deleteTopic: (topic) => admin.deleteTopics({ topics: [topic] }),
      },
      [...scenarios, ...transactionalScenarios()],
      rows,
    );
    // Consumer: 100 B and 1 KB data sets, each client and delivery style in its own process.
    if (wanted('consume 100 B') || wanted('consume 1 KB')) {
      consumer = await runConsumerBench({
        bootstrap,
        brokerPid: brokerProc.pid,
        scale,
        clients: names,
        scenarios: wanted,
        log: (line) => console.error(line),
      });
    }
  } finally {
    await admin.disconnect().catch(() => {});
    brokerProc.kill('SIGTERM');
  }

  // Table: ratio = Samsa's msgs/s divided by the client's (">1" means Samsa is faster).
  const lines: string[] = [];
  lines.push(`loopback ceiling (one Node socket to another): ${fmt(loopback.bytesPerSec / 1e6)} MB/s`);
  if (broker) {
    lines.push(
      `broker ceiling (prebuilt ${fmt(broker.batchBytes / 1024)} KiB batches of 1 KB records, 5 in flight, no client ` +
        `record work): ${fmt(broker.bytesPerSec / 1e6)} MB/s, ${fmt(broker.requestsPerSec)} requests/s, broker CPU ` +
        `${fmt((broker as { brokerCpuPct?: number }).brokerCpuPct)}%`,
    );
  }
  if (rows.length > 0) {
    lines.push('');
    lines.push(...table(rows));
  }
  if (consumer) {
    lines.push('');
    lines.push(consumer.table);
  }
  console.log(lines.join('\n'));
  console.log('');
  console.log(
    JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        loopback,
        broker,
        partitions: PARTITIONS,
        runs,
        summary: summarize(rows),
        rows,
        consumer: consumer?.json,
      },
      null,
      2,
    ),
  );
}

interface Summary {
  scenario: string;
  client: string;
  runs: number;
  failed: number;
  msgsPerSec: Spread;
  mbPerSec: number;
  /** Samsa ÷ client, computed within each repetition (same broker, same minute), then summarized. */
  ratio?: Spread;
  clientCpuPct: number;
  clientCpuWaitPct: number;
  brokerCpuPct: number;
  error?: string;
}

function summarize(rows: Row[]): Summary[] {
  return groupRuns(rows).map(({ scenario, client, all, ok }): Summary => {
    const base = { scenario, client, runs: all.length, failed: all.length - ok.length };
    if (ok.length === 0) {
      return {
        ...base,
        msgsPerSec: spread([]),
        mbPerSec: Number.NaN,
        clientCpuPct: Number.NaN,
        clientCpuWaitPct: Number.NaN,
        brokerCpuPct: Number.NaN,
        error: all[0]?.error,
      };
    }
    const ratios = sameRunRatios(rows, ok, 'samsa');
    return {
      ...base,
      msgsPerSec: spread(ok.map((r) => r.msgsPerSec!)),
      mbPerSec: median(ok.map((r) => r.mbPerSec!)),
      ratio: ratios.length > 0 ? spread(ratios) : undefined,
      clientCpuPct: median(ok.map((r) => r.clientCpuPct!)),
      clientCpuWaitPct: median(ok.map((r) => r.clientCpuWaitPct ?? Number.NaN)),
      brokerCpuPct: median(ok.map((r) => r.brokerCpuPct!)),
    };
  });
}

/**
 * Markdown table; with several runs: medians, the msgs/s range, and the same-run ratio's range.
 * "CPU wait" is the share of the run the client's main thread was runnable but got no CPU (other
 * load on the machine): a run with a high value was held back by the machine, not by the client.
 */
function table(rows: Row[]): string[] {
  const many = runs > 1;
  const columns = many ? 10 : 8;
  const lines = [
    many
      ? `| scenario | client | msgs/s (median of ${runs}) | msgs/s range | MB/s | Samsa ÷ client (median) | ratio range | client CPU | client CPU wait | broker CPU |`
      : '| scenario | client | msgs/s | MB/s | Samsa ÷ client | client CPU | client CPU wait | broker CPU |',
    `|---|---|${'---:|'.repeat(columns - 2)}`,
  ];
  for (const s of summarize(rows)) {
    if (s.failed === s.runs) {
      const why = (s.error ?? '').split('\n')[0].slice(0, 80);
      lines.push(`| ${s.scenario} | ${s.client} | ${'- | '.repeat(columns - 3)}- (${why}) |`);
      continue;
    }
    const failed = s.failed > 0 ? ` (${s.failed} failed)` : '';
    const ratio = s.ratio ? `${fmt(s.ratio.median, 2)}x` : '-';
    const cpu = `${fmt(s.clientCpuPct)}% | ${fmt(s.clientCpuWaitPct)}% | ${fmt(s.brokerCpuPct)}%`;
    lines.push(
      many
        ? `| ${s.scenario} | ${s.client} | ${fmt(s.msgsPerSec.median)}${failed} | ${fmt(s.msgsPerSec.min)}–${fmt(s.msgsPerSec.max)} | ${fmt(s.mbPerSec, 1)} | ${ratio} | ${s.ratio ? `${fmt(s.ratio.min, 2)}–${fmt(s.ratio.max, 2)}x` : '-'} | ${cpu} |`
        : `| ${s.scenario} | ${s.client} | ${fmt(s.msgsPerSec.median)} | ${fmt(s.mbPerSec, 1)} | ${ratio} | ${cpu} |`,
    );
  }
  return lines;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
