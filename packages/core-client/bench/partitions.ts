/**
 * `npm run bench:partitions -w @samsa/core-client`: producing and consuming across 1, 100, 1,000 and
 * 10,000 partitions, Samsa vs KafkaJS 2.2.4 vs @platformatic/kafka 1.35.0 side by side in one run,
 * against one @samsa/broker-dev broker in its own process. Each client run is a fresh process
 * (bench/partitions-worker.ts, `--expose-gc`), bounded in time: a run that does not finish in
 * BENCH_TIMEOUT_MS (default 60 s) is recorded as a timeout, not waited for.
 *
 * Layouts: `one topic` (one topic of N partitions) and `many topics` (N/10 topics of 10 partitions;
 * one topic of 1 partition at N=1). Records (100 B, BENCH_VALUE_SIZE) go round-robin over every
 * partition of every topic with explicit partition numbers, 1,000 per send call, 8 calls in flight,
 * acks=-1 (Samsa: idempotent, its default; lingerMs 5). The record count is the same at every N
 * (BENCH_RECORDS, default 200,000 × BENCH_SCALE), so at 10,000 partitions each holds 20 records per
 * producer: the short batches are the point (per-partition cost), and the runs stay short.
 *
 * For each N and layout: the topics are created, each client produces (order rotated), then each
 * client consumes everything the producers wrote with a fresh group (one member, so it is assigned
 * every partition), then the topics are deleted.
 *
 * Reported per run: records/s (produce: the timed sends after a warm-up of one record per partition;
 * consume: from the record after the first 20% to the last), Samsa ÷ client in the same run, client CPU seconds (timed window and
 * whole process run), consume start (to the first record: connect, join, first fetch), heap and RSS
 * growth of the client (GC'd, before the client vs after the run while still connected), and memory
 * per 1,000 partitions = (growth at N − growth at 1 partition) / N × 1,000.
 *
 * Env: BENCH_SCALE, BENCH_RECORDS, BENCH_VALUE_SIZE, BENCH_PARTITION_COUNTS=1,100,1000,10000,
 * BENCH_LAYOUTS=one,many, BENCH_CLIENTS=samsa,kafkajs,platformatic, BENCH_MODES=produce,consume,
 * BENCH_RUNS (repetitions, medians), BENCH_TIMEOUT_MS, BENCH_WINDOW (send calls in flight, default 8),
 * BENCH_CPU_PROF (a directory: each client run writes a V8 CPU profile there).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Kafka, LogLevel } from '../src/index.js';
import { startBrokerProcess } from './broker-process.js';
import { cpuSeconds, median } from './measure.js';
import type { PartitionsJob, PartitionsResult } from './partitions-worker.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const list = (name: string, fallback: string) =>
  (process.env[name] ?? fallback).split(',').map((x) => x.trim());
const scale = Number(process.env.BENCH_SCALE ?? 1);
const records = Math.round(Number(process.env.BENCH_RECORDS ?? 200_000) * scale);
const valueSize = Number(process.env.BENCH_VALUE_SIZE ?? 100);
const counts = list('BENCH_PARTITION_COUNTS', '1,100,1000,10000').map(Number);
const layouts = list('BENCH_LAYOUTS', 'one,many') as Layout[];
const clientNames = list('BENCH_CLIENTS', 'samsa,kafkajs,platformatic') as PartitionsJob['client'][];
const modes = list('BENCH_MODES', 'produce,consume') as PartitionsJob['mode'][];
const runs = Math.max(1, Math.floor(Number(process.env.BENCH_RUNS ?? 1)));
const timeoutMs = Number(process.env.BENCH_TIMEOUT_MS ?? 60_000);
const BATCH = 1000;
const WINDOW = Number(process.env.BENCH_WINDOW ?? 8);
/** BENCH_CPU_PROF=<dir>: each client run writes a V8 CPU profile there (node --cpu-prof). */
const cpuProfileDir = process.env.BENCH_CPU_PROF;

type Layout = 'one' | 'many';

interface Row {
  mode: PartitionsJob['mode'];
  layout: Layout;
  partitions: number;
  client: string;
  run: number;
  ok: boolean;
  recordsPerSec?: number;
  count?: number;
  ms?: number;
  cpuSec?: number;
  totalCpuSec?: number;
  startMs?: number;
  heapGrowthMB?: number;
  rssGrowthMB?: number;
  brokerCpuSec?: number;
  error?: string;
}

/** The topics of a layout at N partitions: [names, partitions per topic]. */
function topicsFor(layout: Layout, n: number, tag: string): { topics: string[]; perTopic: number } {
  if (layout === 'one' || n < 10) return { topics: [`parts-${tag}-0`], perTopic: n };
  return { topics: Array.from({ length: n / 10 }, (_, i) => `parts-${tag}-${i}`), perTopic: 10 };
}

function runWorker(job: PartitionsJob): Promise<PartitionsResult> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        '--expose-gc',
        ...(cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : []),
        '--import',
        'tsx',
        '--conditions=@samsa/source',
        `${here}partitions-worker.ts`,
      ],
      { env: { ...process.env, PARTITIONS_JOB: JSON.stringify(job) }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    let timedOut = false;
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('exit', () => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
      if (line) return resolve(JSON.parse(line.slice(13)));
      resolve({
        ok: false,
        error: timedOut ? `timeout after ${timeoutMs / 1000} s` : `no result: ${err.slice(-300)}`,
      });
    });
  });
}

async function main() {
  const { child: broker, bootstrap } = await startBrokerProcess(1);
  const admin = new Kafka({ brokers: bootstrap, logLevel: LogLevel.ERROR }).admin();
  await admin.connect();
  const rows: Row[] = [];
  let round = 0;
  try {
    for (let rep = 0; rep < runs; rep++) {
      for (const n of counts) {
        for (const layout of layouts) {
          if (layout === 'many' && n < 10 && layouts.includes('one')) continue; // the same single topic
          const tag = `${process.pid}-${round++}`;
          const { topics, perTopic } = topicsFor(layout, n, tag);
          for (let i = 0; i < topics.length; i += 100) {
            await admin.createTopics({
              topics: topics.slice(i, i + 100).map((topic) => ({ topic, numPartitions: perTopic })),
            });
          }
          const order = clientNames.map((_, i) => clientNames[(i + rep + round) % clientNames.length]!);
          const base = {
            bootstrap,
            topics,
            partitionsPerTopic: perTopic,
            valueSize,
            batch: BATCH,
            window: WINDOW,
          };
          const run = async (mode: PartitionsJob['mode'], client: PartitionsJob['client'], count: number) => {
            console.error(`${mode} ${layout} topic(s), ${n} partitions: ${client}...`);
            const cpu0 = cpuSeconds(broker.pid);
            const r = await runWorker({
              ...base,
              client,
              mode,
              records: count,
              groupId: `g-${tag}-${client}`,
            });
            const row: Row = {
              mode,
              layout,
              partitions: n,
              client,
              run: rep,
              ok: r.ok,
              brokerCpuSec: cpuSeconds(broker.pid) - cpu0,
            };
            if (!r.ok) row.error = r.error;
            else
              Object.assign(row, {
                count: r.count,
                ms: r.ms,
                recordsPerSec: (r.count! / r.ms!) * 1000,
                cpuSec: r.cpuSec,
                totalCpuSec: r.totalCpuSec,
                startMs: r.startMs,
                heapGrowthMB: r.heapGrowthBytes! / 1e6,
                rssGrowthMB: r.rssGrowthBytes! / 1e6,
              });
            rows.push(row);
          };
          if (modes.includes('produce')) for (const client of order) await run('produce', client, records);
          if (modes.includes('consume')) {
            let stored = 0;
            for (const topic of topics) {
              for (const p of await admin.fetchTopicOffsets(topic)) stored += Number(p.high) - Number(p.low);
            }
            if (stored === 0) {
              // Consume-only runs: fill the topics with Samsa's producer first (not reported).
              await runWorker({ ...base, client: 'samsa', mode: 'produce', records, groupId: '' });
              stored = records + n;
            }
            for (const client of order) await run('consume', client, stored);
          }
          for (let i = 0; i < topics.length; i += 100) {
            await admin.deleteTopics({ topics: topics.slice(i, i + 100) }).catch(() => {});
          }
        }
      }
    }
  } finally {
    await admin.disconnect().catch(() => {});
    broker.kill('SIGTERM');
  }
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`records: ${records} of ${valueSize} B per producer run; load average at the end: ${load}\n`);
  console.log(table(rows).join('\n'));
  console.log('');
  console.log(
    JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        records,
        valueSize,
        runs,
        summary: summarize(rows),
        rows,
      },
      null,
      2,
    ),
  );
}

interface Summary {
  mode: string;
  layout: Layout;
  partitions: number;
  client: string;
  ok: number;
  failed: number;
  recordsPerSec: number;
  /** Samsa ÷ client, median of the same-run ratios. */
  ratio: number;
  /** This client's rate at N over its own rate at 1 partition (same mode). */
  ofSinglePartition: number;
  cpuSec: number;
  totalCpuSec: number;
  /** Broker CPU seconds over the whole client run. */
  brokerCpuSec: number;
  startMs: number;
  heapGrowthMB: number;
  rssGrowthMB: number;
  /** (growth at N − growth at 1 partition) / N × 1,000. */
  heapPer1000MB: number;
  rssPer1000MB: number;
  error?: string;
}

function summarize(rows: Row[]): Summary[] {
  const keys = [...new Set(rows.map((r) => `${r.mode}|${r.layout}|${r.partitions}|${r.client}`))];
  const med = (rs: Row[], f: (r: Row) => number | undefined) => median(rs.map((r) => f(r) ?? Number.NaN));
  const okRows = (mode: string, layout: Layout | undefined, partitions: number, client: string) =>
    rows.filter(
      (r) =>
        r.ok &&
        r.mode === mode &&
        r.partitions === partitions &&
        r.client === client &&
        (!layout || r.layout === layout),
    );
  return keys.map((key) => {
    const [mode, layout, p, client] = key.split('|') as [string, Layout, string, string];
    const partitions = Number(p);
    const all = rows.filter((r) => `${r.mode}|${r.layout}|${r.partitions}|${r.client}` === key);
    const ok = all.filter((r) => r.ok);
    const ratios = ok.flatMap((r) => {
      const s = rows.find(
        (x) =>
          x.ok &&
          x.client === 'samsa' &&
          x.mode === r.mode &&
          x.layout === r.layout &&
          x.partitions === r.partitions &&
          x.run === r.run,
      );
      return s ? [s.recordsPerSec! / r.recordsPerSec!] : [];
    });
    const single = okRows(mode, undefined, 1, client);
    const perThousand = (f: (r: Row) => number | undefined) =>
      partitions >= 1000 ? ((med(ok, f) - med(single, f)) / partitions) * 1000 : Number.NaN;
    return {
      mode,
      layout,
      partitions,
      client,
      ok: ok.length,
      failed: all.length - ok.length,
      recordsPerSec: med(ok, (r) => r.recordsPerSec),
      ratio: median(ratios),
      ofSinglePartition: med(ok, (r) => r.recordsPerSec) / med(single, (r) => r.recordsPerSec),
      cpuSec: med(ok, (r) => r.cpuSec),
      totalCpuSec: med(ok, (r) => r.totalCpuSec),
      brokerCpuSec: med(ok, (r) => r.brokerCpuSec),
      startMs: med(ok, (r) => r.startMs),
      heapGrowthMB: med(ok, (r) => r.heapGrowthMB),
      rssGrowthMB: med(ok, (r) => r.rssGrowthMB),
      heapPer1000MB: perThousand((r) => r.heapGrowthMB),
      rssPer1000MB: perThousand((r) => r.rssGrowthMB),
      ...(ok.length === 0 && { error: all[0]?.error }),
    };
  });
}

const fmt = (n: number | undefined, digits = 0) =>
  n === undefined || !Number.isFinite(n) ? '-' : n.toLocaleString('en-US', { maximumFractionDigits: digits });

function table(rows: Row[]): string[] {
  const lines = [
    `| mode | layout | partitions | client | records/s${runs > 1 ? ` (median of ${runs})` : ''} | Samsa ÷ client | ÷ own 1-partition rate | CPU s (timed) | CPU s (whole run) | broker CPU s | to first record | heap growth MB | RSS growth MB | heap MB / 1,000 partitions | RSS MB / 1,000 partitions |`,
    `|---|---|---:|---|${'---:|'.repeat(11)}`,
  ];
  for (const s of summarize(rows)) {
    const layout =
      s.partitions === 1 ? '1 topic' : s.layout === 'one' ? '1 topic' : `${s.partitions / 10} topics × 10`;
    if (s.ok === 0) {
      lines.push(
        `| ${s.mode} | ${layout} | ${fmt(s.partitions)} | ${s.client} | ${(s.error ?? '').split('\n')[0]!.slice(0, 60)} |${' - |'.repeat(10)}`,
      );
      continue;
    }
    lines.push(
      `| ${s.mode} | ${layout} | ${fmt(s.partitions)} | ${s.client} | ${fmt(s.recordsPerSec)}${s.failed ? ` (${s.failed} failed)` : ''} | ${fmt(s.ratio, 2)}x | ${fmt(s.ofSinglePartition * 100)}% | ${fmt(s.cpuSec, 2)} | ${fmt(s.totalCpuSec, 2)} | ${fmt(s.brokerCpuSec, 2)} | ${s.mode === 'consume' ? `${fmt(s.startMs)} ms` : '-'} | ${fmt(s.heapGrowthMB, 1)} | ${fmt(s.rssGrowthMB, 1)} | ${fmt(s.heapPer1000MB, 1)} | ${fmt(s.rssPer1000MB, 1)} |`,
    );
  }
  return lines;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
