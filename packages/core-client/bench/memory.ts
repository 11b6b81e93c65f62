/**
 * `npm run bench:memory -w @samsa/core-client`: memory per client. Samsa, KafkaJS 2.2.4 and
 * @platformatic/kafka 1.35.0 side by side, each scenario in a fresh process (bench/memory-worker.mjs,
 * plain Node with --expose-gc, Samsa from its built `dist`), against one @samsa/broker-dev broker in
 * its own process:
 *
 * - `bare node`: Node alone, nothing imported (the floor every row is measured from);
 * - `import`: the client's module imported, no client made;
 * - `idle producer`: connected, one record sent (metadata fetched);
 * - `idle consumer`: in a group, assigned all 6 partitions, caught up with 60 records, in its fetch loop;
 * - `100 consumers, one group`: one group over a 100-partition topic (one partition and record each);
 * - `100 consumers, 100 groups`: each in its own group, each caught up with the 60-record topic.
 *
 * Sampled after the client is idle and has settled (BENCH_MEMORY_SETTLE_MS, default 10000: long
 * enough for V8's memory reducer to shrink the young generation a busy start grew, as it does in any
 * long-lived idle process), then 5 samples 500 ms apart, each after full GCs; a run's value is the
 * medians of those samples. The clients' processes of one scenario run side by side; runs
 * (BENCH_RUNS, default 3) repeat everything. The table shows medians over runs: RSS, RSS over
 * the bare Node process of the same run (the client's own cost, module included), the V8 heap
 * (used/total) and external/arrayBuffers, and the same-run ratio client ÷ Samsa of the cost over
 * bare Node (above 1: Samsa uses less). Then JSON (also in bench-results/).
 *
 * Env: BENCH_BASELINE=<checkout> adds that built checkout's Samsa as `samsa-baseline` (bench/baseline.ts),
 * to measure a change against the commit before it in one run; BENCH_CLIENTS=samsa,kafkajs limits clients; BENCH_SCENARIOS='idle consumer,100' runs only
 * scenarios whose name contains one of the strings; BENCH_MEMORY_CONSUMERS (default 100).
 * Measures the built `dist` (`npm run build` first); it warns when a source is newer than its build.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, LogLevel } from '../src/index.js';
import { baselineEntry } from './baseline.js';
import { startBrokerProcess } from './broker-process.js';
import { groupRuns, median, type Spread, spread } from './measure.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const packageDir = join(here, '..');
const runs = Math.max(1, Math.floor(Number(process.env.BENCH_RUNS ?? 3)));
const only = process.env.BENCH_CLIENTS?.split(',');
const baseline = baselineEntry();
const clientNames = ['samsa', ...(baseline ? ['samsa-baseline'] : []), 'kafkajs', 'platformatic'].filter(
  (n) => !only || only.includes(n),
);
const scenarioFilter = process.env.BENCH_SCENARIOS?.split(',').map((x) => x.trim());
const consumers = Number(process.env.BENCH_MEMORY_CONSUMERS ?? 100);
const settleMs = Number(process.env.BENCH_MEMORY_SETTLE_MS ?? 10_000);
const RUN_TIMEOUT_MS = 150_000;
const PARTITIONS = 6;
const RECORDS_PER_PARTITION = 10;

interface Scenario {
  name: string;
  /** The worker's scenario. */
  kind: 'baseline' | 'producer' | 'consumer' | 'consumers-one-group' | 'consumers-many-groups';
  topic: string;
  /** Records on the topic (what "caught up" means). */
  records: number;
}

const SCENARIOS: Scenario[] = (
  [
    { name: 'import', kind: 'baseline', topic: 'memory-consume', records: 0 },
    { name: 'idle producer', kind: 'producer', topic: 'memory-produce', records: 0 },
    {
      name: 'idle consumer',
      kind: 'consumer',
      topic: 'memory-consume',
      records: PARTITIONS * RECORDS_PER_PARTITION,
    },
    {
      name: `${consumers} consumers, one group`,
      kind: 'consumers-one-group',
      topic: 'memory-group',
      records: consumers,
    },
    {
      name: `${consumers} consumers, ${consumers} groups`,
      kind: 'consumers-many-groups',
      topic: 'memory-consume',
      records: PARTITIONS * RECORDS_PER_PARTITION,
    },
  ] satisfies Scenario[]
).filter((s) => !scenarioFilter || s.name === 'import' || scenarioFilter.some((f) => s.name.includes(f)));

interface Memory {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

interface Row extends Partial<Memory> {
  scenario: string;
  client: string;
  run: number;
  ok: boolean;
  /** RSS over the bare Node process of the same run. */
  rssOverBare?: number;
  /** Milliseconds from the client's module loaded to idle (connected, joined, caught up). */
  readyMs?: number;
  error?: string;
}

/** Hand-written sources under `dir` modified after `since` (generated code is rewritten by builds). */
function changedSince(dir: string, since: number): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && !e.parentPath.includes('generated'))
    .map((e) => join(e.parentPath, e.name))
    .filter((file) => statSync(file).mtimeMs > since);
}

/** The workers run the built `dist`: say so when a source is newer than its build. */
function warnIfStale(): void {
  for (const pkg of ['core-client', 'protocol']) {
    const dir = join(packageDir, '..', pkg);
    const changed = changedSince(join(dir, 'src'), statSync(join(dir, 'dist', 'index.js')).mtimeMs);
    if (changed.length > 0) {
      console.error(`warning: packages/${pkg}/dist is older than ${changed[0]}: npm run build to measure it`);
    }
  }
}

function runWorker(job: Record<string, unknown>): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--expose-gc', join(here, 'memory-worker.mjs')], {
      cwd: packageDir,
      env: { ...process.env, MEMORY_JOB: JSON.stringify(job) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.on('exit', () => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('MEMORY_RESULT '));
      resolve(
        line ? JSON.parse(line.slice(14)) : { ok: false, error: `no result (timeout?) ${err.slice(-500)}` },
      );
    });
  });
}

const MB = 1024 * 1024;
const fmt = (n: number | undefined, digits = 1) =>
  n === undefined || !Number.isFinite(n) ? '-' : n.toLocaleString('en-US', { maximumFractionDigits: digits });
const mb = (bytes: number | undefined) => fmt(bytes === undefined ? undefined : bytes / MB);

interface Summary {
  scenario: string;
  client: string;
  runs: number;
  failed: number;
  rss: Spread;
  rssOverBare: Spread;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  readyMs: number;
  /** Client ÷ Samsa of the RSS over bare Node, within each run. */
  ratio?: Spread;
  error?: string;
}

function summarize(rows: Row[]): Summary[] {
  return groupRuns(rows).map(({ scenario, client, all, ok }) => {
    const ratios: number[] = [];
    for (const r of ok) {
      const samsa = rows.find(
        (x) => x.scenario === scenario && x.client === 'samsa' && x.run === r.run && x.ok,
      );
      if (samsa && client !== 'node') ratios.push(r.rssOverBare! / samsa.rssOverBare!);
    }
    const m = (key: keyof Memory | 'readyMs') => median(ok.map((r) => r[key] ?? Number.NaN));
    return {
      scenario,
      client,
      runs: all.length,
      failed: all.length - ok.length,
      rss: spread(ok.map((r) => r.rss!)),
      rssOverBare: spread(ok.map((r) => r.rssOverBare!)),
      heapUsed: m('heapUsed'),
      heapTotal: m('heapTotal'),
      external: m('external'),
      arrayBuffers: m('arrayBuffers'),
      readyMs: m('readyMs'),
      ratio: ratios.length > 0 ? spread(ratios) : undefined,
      error: ok.length === 0 ? all[0]?.error : undefined,
    };
  });
}

function table(rows: Row[]): string[] {
  const lines = [
    `| scenario | client | RSS MB | RSS over bare Node MB (range) | heap used / total MB | external / arrayBuffers MB | client ÷ Samsa (range) |`,
    '|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const s of summarize(rows)) {
    if (s.failed === s.runs) {
      lines.push(
        `| ${s.scenario} | ${s.client} | - | - | - | - | - (${(s.error ?? '').split('\n')[0]!.slice(0, 80)}) |`,
      );
      continue;
    }
    const failed = s.failed > 0 ? ` (${s.failed} failed)` : '';
    const ratio = s.ratio
      ? `${fmt(s.ratio.median, 2)}x (${fmt(s.ratio.min, 2)}–${fmt(s.ratio.max, 2)})`
      : '-';
    lines.push(
      `| ${s.scenario} | ${s.client} | ${mb(s.rss.median)}${failed} | ${mb(s.rssOverBare.median)} (${mb(s.rssOverBare.min)}–${mb(s.rssOverBare.max)}) | ` +
        `${mb(s.heapUsed)} / ${mb(s.heapTotal)} | ${mb(s.external)} / ${mb(s.arrayBuffers)} | ${ratio} |`,
    );
  }
  return lines;
}

async function main() {
  warnIfStale();
  const { child: broker, bootstrap } = await startBrokerProcess(PARTITIONS);
  const kafka = new Kafka({ clientId: 'bench-memory-setup', brokers: bootstrap, logLevel: LogLevel.ERROR });
  const admin = kafka.admin();
  const producer = kafka.producer();
  const rows: Row[] = [];
  try {
    await admin.connect();
    await producer.connect();
    await admin.createTopics({
      topics: [
        { topic: 'memory-produce', numPartitions: PARTITIONS },
        { topic: 'memory-consume', numPartitions: PARTITIONS },
        { topic: 'memory-group', numPartitions: consumers },
      ],
    });
    await producer.send({
      topic: 'memory-consume',
      messages: Array.from({ length: PARTITIONS * RECORDS_PER_PARTITION }, (_, i) => ({
        partition: i % PARTITIONS,
        value: `record ${i}`,
      })),
    });
    await producer.send({
      topic: 'memory-group',
      messages: Array.from({ length: consumers }, (_, i) => ({ partition: i, value: `record ${i}` })),
    });
    let job = 0;
    for (let run = 0; run < runs; run++) {
      const bare = await runWorker({
        client: 'none',
        scenario: 'baseline',
        settleMs,
        samples: 5,
        sampleEveryMs: 500,
      });
      if (!bare.ok) throw new Error(`bare node run failed: ${bare.error}`);
      rows.push({ scenario: 'bare node', client: 'node', run, ok: true, ...(bare as unknown as Memory) });
      for (const s of SCENARIOS) {
        console.error(`run ${run + 1}/${runs}: ${s.name}...`);
        // The clients' processes run side by side (memory does not depend on who gets the CPU first).
        const results = await Promise.all(
          clientNames.map(async (client) => {
            const r = (await runWorker({
              client,
              scenario: s.kind,
              bootstrap,
              topic: s.topic,
              records: s.records,
              groupId: `memory-${process.pid}-${job++}`,
              consumers,
              settleMs,
              baselineEntry: baseline,
              samples: 5,
              sampleEveryMs: 500,
            })) as Partial<Row> & { ok: boolean; error?: string };
            return { ...r, client };
          }),
        );
        for (const r of results) {
          rows.push({
            ...r,
            scenario: s.name,
            run,
            ...(r.ok && { rssOverBare: r.rss! - (bare.rss as number) }),
          });
        }
      }
    }
  } finally {
    await producer.disconnect().catch(() => {});
    await admin.disconnect().catch(() => {});
    broker.kill('SIGTERM');
  }
  const json = {
    date: new Date().toISOString(),
    node: process.version,
    runs,
    consumers,
    settleMs,
    summary: summarize(rows),
    rows,
  };
  console.log(table(rows).join('\n'));
  console.log('');
  console.log(JSON.stringify(json, null, 2));
  const dir = join(packageDir, 'bench-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `memory-${json.date.replace(/[:.]/g, '-')}.json`), JSON.stringify(json, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
