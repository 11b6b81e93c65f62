/**
 * Runs one benchmark scenario for one client in this (fresh) process and prints one JSON line:
 * { ok, ms, count, cpuMs } or { ok: false, error }. Input comes in BENCH_JOB as JSON.
 */
import { readFileSync } from 'node:fs';
import { clients } from './clients/index.js';
import type { ConsumeBenchOptions, ProduceBenchOptions } from './clients/types.js';

interface Job {
  client: string;
  mode: 'produce' | 'consume';
  options: ProduceBenchOptions | ConsumeBenchOptions;
}

const job = JSON.parse(process.env.BENCH_JOB ?? '{}') as Job;

/**
 * Milliseconds this process's main thread was runnable but waiting for a CPU (Linux schedstat): how
 * much other load on the machine held this run back. NaN where unavailable.
 */
function cpuWaitMs(): number {
  try {
    return Number(readFileSync('/proc/self/schedstat', 'utf8').split(' ')[1]) / 1e6;
  } catch {
    return Number.NaN;
  }
}

async function main(): Promise<Record<string, unknown>> {
  const client = clients[job.client];
  if (!client) return { ok: false, error: `unknown client ${job.client}` };
  const why = await client.unavailable();
  if (why) return { ok: false, skipped: true, error: why };
  if (job.mode === 'produce') {
    if (!client.producer) return { ok: false, skipped: true, error: 'no producer runner' };
    const runner = await client.producer(job.options as ProduceBenchOptions);
    await runner.warmup();
    const cpu0 = process.cpuUsage();
    const wait0 = cpuWaitMs();
    const t0 = process.hrtime.bigint();
    await runner.run();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const cpu = process.cpuUsage(cpu0);
    const waitMs = cpuWaitMs() - wait0;
    await runner.close();
    return {
      ok: true,
      ms,
      count: (job.options as ProduceBenchOptions).count,
      cpuMs: (cpu.user + cpu.system) / 1000,
      waitMs,
    };
  }
  if (!client.consumer) return { ok: false, skipped: true, error: 'no consumer runner yet' };
  const runner = await client.consumer(job.options as ConsumeBenchOptions);
  const cpu0 = process.cpuUsage();
  const wait0 = cpuWaitMs();
  const t0 = process.hrtime.bigint();
  const count = await runner.run();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  const waitMs = cpuWaitMs() - wait0;
  await runner.close();
  return { ok: true, ms, count, cpuMs: (cpu.user + cpu.system) / 1000, waitMs };
}

main().then(
  (r) => {
    process.stdout.write(`BENCH_RESULT ${JSON.stringify(r)}\n`);
    process.exit(0);
  },
  (err) => {
    process.stdout.write(`BENCH_RESULT ${JSON.stringify({ ok: false, error: String(err?.stack ?? err) })}\n`);
    process.exit(0);
  },
);
