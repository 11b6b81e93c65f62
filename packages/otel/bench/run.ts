/**
 * `npm run bench -w @samsa/otel`: what observability costs. Producer and consumer throughput with
 * nobody subscribed to the diagnostics channels, with a no-op subscriber on every channel, and with
 * SamsaInstrumentation tracing every record (plus its metrics), side by side in one run against one
 * @samsa/broker-dev broker in its own process. Each run is a fresh process; modes are rotated per
 * repetition and compared within it (same-run ratios). Prints a table of overheads, then JSON (also
 * written to bench-results/).
 *
 * Overheads are given on throughput and on client CPU per message: on a shared, loaded machine the
 * CPU a message costs moves far less than msgs/s does. With BENCH_BASELINE=<a built checkout> (see
 * core-client's bench/baseline.ts) a fourth mode runs that checkout's client, so "nobody subscribed"
 * is compared with a build that had no channels at all.
 *
 * Goals: `none` within noise of `baseline`; under 25 % with every record traced.
 *
 * Env: BENCH_RUNS (default 3), BENCH_SCALE (default 1; 200,000 records of 100 B per run),
 * BENCH_SCENARIOS ('produce,eachMessage,eachBatch' by default), BENCH_BASELINE.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Kafka, LogLevel } from '@samsa/core-client';
import type { Job, Mode, Scenario } from './worker.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const scale = Number(process.env.BENCH_SCALE ?? 1);
const count = Math.round(200_000 * scale);
const VALUE_SIZE = 100;
const scenarios = (process.env.BENCH_SCENARIOS ?? 'produce,eachMessage,eachBatch').split(',') as Scenario[];
const modes: Mode[] = [
  ...(process.env.BENCH_BASELINE ? (['baseline'] as const) : []),
  'none',
  'channels',
  'otel',
];
const RUN_TIMEOUT_MS = 180_000;
const tsx = (script: string) => ['--import', 'tsx', '--conditions=@samsa/source', `${here}${script}`];

interface Row {
  scenario: Scenario;
  mode: Mode;
  run: number;
  ok: boolean;
  msgsPerSec?: number;
  cpuPct?: number;
  cpuUsPerMsg?: number;
  spans?: number;
  error?: string;
}

async function startBroker(): Promise<{ child: ChildProcess; bootstrap: string[] }> {
  const child = spawn(process.execPath, tsx('broker.ts'), { stdio: ['pipe', 'pipe', 'inherit'] });
  const bootstrap = await new Promise<string[]>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (c) => {
      buf += c;
      if (buf.includes('\n')) resolve(JSON.parse(buf.split('\n')[0]!).bootstrap);
    });
    child.once('exit', (code) => reject(new Error(`broker exited ${code}`)));
  });
  return { child, bootstrap };
}

function runWorker(job: Job): Promise<Omit<Row, 'scenario' | 'mode' | 'run'>> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, tsx('worker.ts'), {
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
      resolve(line ? JSON.parse(line.slice(13)) : { ok: false, error: `no result ${err.slice(-300)}` });
    });
  });
}

async function fill(bootstrap: string[], topic: string): Promise<void> {
  const producer = new Kafka({
    clientId: 'bench-fill',
    brokers: bootstrap,
    logLevel: LogLevel.ERROR,
  }).producer({
    lingerMs: 5,
  });
  await producer.connect();
  const value = Buffer.alloc(VALUE_SIZE, 120);
  const sends: Promise<unknown>[] = [];
  for (let i = 0; i < count; i += 1000) {
    sends.push(
      producer.send({
        topic,
        messages: Array.from({ length: Math.min(1000, count - i) }, () => ({ value })),
      }),
    );
    if (sends.length >= 8) await sends.shift();
  }
  await Promise.all(sends);
  await producer.disconnect();
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0
    ? Number.NaN
    : s.length % 2
      ? s[s.length >> 1]!
      : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const fmt = (n: number, digits = 0) =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits }) : '-';

async function main(): Promise<void> {
  const { child, bootstrap } = await startBroker();
  const rows: Row[] = [];
  try {
    const consumeTopic = `bench-otel-consume-${Date.now()}`;
    if (scenarios.some((s) => s !== 'produce')) {
      console.error(`filling ${consumeTopic} with ${count} records...`);
      await fill(bootstrap, consumeTopic);
    }
    for (let run = 0; run < runs; run++) {
      for (const scenario of scenarios) {
        const order = modes.map((_, i) => modes[(i + run) % modes.length]!);
        for (const mode of order) {
          console.error(`${scenario}: ${mode} (run ${run + 1}/${runs})...`);
          const r = await runWorker({
            mode,
            scenario,
            bootstrap,
            topic: scenario === 'produce' ? `bench-otel-produce-${run}-${mode}` : consumeTopic,
            count,
            valueSize: VALUE_SIZE,
            groupId: `bench-otel-${scenario}-${mode}-${run}-${Date.now()}`,
          });
          rows.push({ scenario, mode, run, ...r });
        }
      }
    }
  } finally {
    child.kill('SIGTERM');
  }
  const lines = [
    `| scenario | mode | msgs/s (median of ${runs}) | msgs/s range | throughput ÷ none | throughput overhead | CPU µs/msg | CPU/msg ÷ none | CPU overhead | spans exported |`,
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const summary = [];
  for (const scenario of scenarios) {
    for (const mode of modes) {
      const ok = rows.filter((r) => r.scenario === scenario && r.mode === mode && r.ok);
      const failed = rows.find((r) => r.scenario === scenario && r.mode === mode && !r.ok);
      const rates = ok.map((r) => r.msgsPerSec!);
      const ratios = ok
        .map((r) => {
          const base = rows.find(
            (x) => x.scenario === scenario && x.mode === 'none' && x.run === r.run && x.ok,
          );
          return base ? r.msgsPerSec! / base.msgsPerSec! : Number.NaN;
        })
        .filter(Number.isFinite);
      const ratio = median(ratios);
      const cpuRatio = median(
        ok
          .map((r) => {
            const base = rows.find(
              (x) => x.scenario === scenario && x.mode === 'none' && x.run === r.run && x.ok,
            );
            return base ? r.cpuUsPerMsg! / base.cpuUsPerMsg! : Number.NaN;
          })
          .filter(Number.isFinite),
      );
      const entry = {
        scenario,
        mode,
        runs: ok.length,
        msgsPerSec: median(rates),
        min: Math.min(...rates),
        max: Math.max(...rates),
        ratioToNone: ratio,
        overheadPct: (1 - ratio) * 100,
        cpuPct: median(ok.map((r) => r.cpuPct!)),
        cpuUsPerMsg: median(ok.map((r) => r.cpuUsPerMsg!)),
        cpuRatioToNone: cpuRatio,
        cpuOverheadPct: (cpuRatio - 1) * 100,
        spans: median(ok.map((r) => r.spans ?? Number.NaN)),
        error: ok.length === 0 ? failed?.error : undefined,
      };
      summary.push(entry);
      lines.push(
        ok.length === 0
          ? `| ${scenario} | ${mode} | - | - | - | - | - | - | - | ${(failed?.error ?? '').split('\n')[0]!.slice(0, 60)} |`
          : `| ${scenario} | ${mode} | ${fmt(entry.msgsPerSec)} | ${fmt(entry.min)}–${fmt(entry.max)} | ${fmt(ratio, 3)} | ${mode === 'none' ? '-' : `${fmt(entry.overheadPct, 1)} %`} | ${fmt(entry.cpuUsPerMsg, 2)} | ${fmt(cpuRatio, 3)} | ${mode === 'none' ? '-' : `${fmt(entry.cpuOverheadPct, 1)} %`} | ${fmt(entry.spans)} |`,
      );
    }
  }
  const json = JSON.stringify(
    {
      bench: 'otel-overhead',
      date: new Date().toISOString(),
      node: process.version,
      count,
      valueSize: VALUE_SIZE,
      runs,
      summary,
      rows,
    },
    null,
    2,
  );
  console.log(lines.join('\n'));
  console.log('');
  console.log(json);
  mkdirSync('bench-results', { recursive: true });
  writeFileSync(`bench-results/otel-overhead-${new Date().toISOString().replace(/[:.]/g, '-')}.json`, json);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
