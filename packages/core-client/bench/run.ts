/**
 * `npm run bench -w @samsa/core-client`: Samsa vs KafkaJS vs @platformatic/kafka (1.35.0, the newest
 * on Node 20) vs node-rdkafka (when installed), side by side in one run against one @samsa/broker-dev
 * broker in its own process. Producer msgs/s and MB/s for 100 B and 1 KB values at acks=1 and
 * acks=-1; consumer msgs/s; the raw loopback ceiling as the physical reference; broker CPU per run
 * (near 100% of a core means the broker, not the client, is the limit). Prints a table with ratios
 * to Samsa, then JSON. Each client run is a fresh process, bounded in count and time.
 *
 * Env: BENCH_SCALE (default 1) scales message counts; BENCH_CLIENTS=samsa,kafkajs limits clients.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Kafka, LogLevel } from '../src/index.js';
import { brokerCeiling } from './broker-ceiling.js';
import { clients } from './clients/index.js';
import { loopbackCeiling } from './loopback.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const scale = Number(process.env.BENCH_SCALE ?? 1);
const only = process.env.BENCH_CLIENTS?.split(',');
const names = Object.keys(clients).filter((n) => !only || only.includes(n));
const PARTITIONS = 6;
const RUN_TIMEOUT_MS = 180_000;

interface Row {
  scenario: string;
  client: string;
  ok: boolean;
  msgsPerSec?: number;
  mbPerSec?: number;
  ms?: number;
  clientCpuPct?: number;
  brokerCpuPct?: number;
  error?: string;
}

function tsxArgs(script: string): string[] {
  return ['--import', 'tsx', '--conditions=@samsa/source', script];
}

/** CPU seconds (user+sys) a process used so far, from /proc (Linux). */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
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
      const line = buf.split('\n')[0];
      if (buf.includes('\n')) resolve(JSON.parse(line).bootstrap);
    });
    child.once('exit', (code) => reject(new Error(`broker exited ${code}`)));
  });
  return { child, bootstrap };
}

interface WorkerResult {
  ok: boolean;
  ms: number;
  count: number;
  cpuMs: number;
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

async function main() {
  console.error('measuring loopback ceiling...');
  const loopback = await loopbackCeiling(2);
  const { child: brokerProc, bootstrap } = await startBrokerProcess();
  const admin = new Kafka({ brokers: bootstrap, logLevel: LogLevel.ERROR }).admin();
  await admin.connect();
  const rows: Row[] = [];
  let run = 0;
  let broker: Awaited<ReturnType<typeof brokerCeiling>> | null = null;
  try {
    console.error('measuring broker ceiling...');
    await admin.createTopics({ topics: [{ topic: 'bench-ceiling', numPartitions: PARTITIONS }] });
    const cpu0 = cpuSeconds(brokerProc.pid!);
    const t0 = performance.now();
    broker = await brokerCeiling(bootstrap, 'bench-ceiling');
    const brokerCpuPct = ((cpuSeconds(brokerProc.pid!) - cpu0) / ((performance.now() - t0) / 1000)) * 100;
    broker = { ...broker, brokerCpuPct } as typeof broker & { brokerCpuPct: number };
    await admin.deleteTopics({ topics: ['bench-ceiling'] });
    const scenarios = [
      { valueSize: 100, acks: 1 as const, count: Math.round(300_000 * scale) },
      { valueSize: 100, acks: -1 as const, count: Math.round(300_000 * scale) },
      { valueSize: 1024, acks: 1 as const, count: Math.round(60_000 * scale) },
      { valueSize: 1024, acks: -1 as const, count: Math.round(60_000 * scale) },
    ];
    for (const s of scenarios) {
      const scenario = `produce ${s.valueSize === 100 ? '100 B' : '1 KB'} acks=${s.acks}`;
      for (const client of names) {
        const only = clients[client].onlyAcks;
        if (only !== undefined && only !== s.acks) continue;
        const topic = `bench-${run++}-${client}`;
        await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] });
        console.error(`${scenario}: ${client}...`);
        const cpu0 = cpuSeconds(brokerProc.pid!);
        const r = await runWorker({
          client,
          mode: 'produce',
          options: {
            bootstrap,
            topic,
            count: s.count,
            valueSize: s.valueSize,
            acks: s.acks,
            batch: 1000,
            window: 8,
          },
        });
        const brokerCpu = cpuSeconds(brokerProc.pid!) - cpu0;
        await admin.deleteTopics({ topics: [topic] }).catch(() => {});
        if (!r.ok) {
          rows.push({ scenario, client, ok: false, error: r.error });
          continue;
        }
        const secs = r.ms / 1000;
        rows.push({
          scenario,
          client,
          ok: true,
          ms: r.ms,
          msgsPerSec: r.count / secs,
          mbPerSec: (r.count * s.valueSize) / secs / 1e6,
          clientCpuPct: (r.cpuMs / r.ms) * 100,
          brokerCpuPct: (brokerCpu / secs) * 100,
        });
      }
    }
    // Consumer: one data set written once by Samsa, read from the start by each client's group.
    const consumeTopic = 'bench-consume';
    const consumeCount = Math.round(200_000 * scale);
    await admin.createTopics({ topics: [{ topic: consumeTopic, numPartitions: PARTITIONS }] });
    await runWorker({
      client: 'samsa',
      mode: 'produce',
      options: {
        bootstrap,
        topic: consumeTopic,
        count: consumeCount,
        valueSize: 100,
        acks: 1,
        batch: 1000,
        window: 8,
      },
    });
    const scenario = 'consume 100 B';
    for (const client of names.filter((n) => clients[n].consumer || n === 'samsa')) {
      console.error(`${scenario}: ${client}...`);
      const cpu0 = cpuSeconds(brokerProc.pid!);
      const r = await runWorker({
        client,
        mode: 'consume',
        options: {
          bootstrap,
          topic: consumeTopic,
          count: consumeCount,
          groupId: `bench-${client}-${Date.now()}`,
        },
      });
      const brokerCpu = cpuSeconds(brokerProc.pid!) - cpu0;
      if (!r.ok) {
        rows.push({ scenario, client, ok: false, error: r.error });
        continue;
      }
      const secs = r.ms / 1000;
      rows.push({
        scenario,
        client,
        ok: true,
        ms: r.ms,
        msgsPerSec: r.count / secs,
        mbPerSec: (r.count * 100) / secs / 1e6,
        clientCpuPct: (r.cpuMs / r.ms) * 100,
        brokerCpuPct: (brokerCpu / secs) * 100,
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
  lines.push('');
  lines.push('| scenario | client | msgs/s | MB/s | Samsa ÷ client | client CPU | broker CPU |');
  lines.push('|---|---|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const base = rows.find((x) => x.scenario === r.scenario && x.client === 'samsa' && x.ok);
    const ratio = r.ok && base ? base.msgsPerSec! / r.msgsPerSec! : undefined;
    lines.push(
      r.ok
        ? `| ${r.scenario} | ${r.client} | ${fmt(r.msgsPerSec)} | ${fmt(r.mbPerSec, 1)} | ${fmt(ratio, 2)}x | ${fmt(r.clientCpuPct)}% | ${fmt(r.brokerCpuPct)}% |`
        : `| ${r.scenario} | ${r.client} | - | - | - | - | - (${(r.error ?? '').split('\n')[0].slice(0, 80)}) |`,
    );
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
        rows,
      },
      null,
      2,
    ),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
