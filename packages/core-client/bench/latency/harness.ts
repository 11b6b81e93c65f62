/**
 * Runs latency benchmark cases and reports them; bench/latency.ts (the clients) and @samsa/nest's
 * bench/latency.ts (@Subscribe) both drive it.
 *
 * One case = one client at one rate on a fresh topic: the consumer process starts first; probe
 * records go out (from the orchestrator's own producer) until it prints READY, i.e. it is assigned
 * and fetching; then the producer process runs its open loop (warm-up, then the measured window);
 * the consumer is told how many measured records to expect and reports their latencies.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Kafka, LogLevel, type Producer } from '../../src/index.js';
import { cpuSeconds, median } from '../measure.js';
import type { ConsumerResult } from './consumer-side.js';
import type { ProducerResult } from './open-loop.js';
import { RecordKind, recordTemplate, stampRecord, wallNow } from './record.js';

const here = fileURLToPath(new URL('.', import.meta.url));

/** The rates of the issue's latency benchmark, records/s of 1 KB. */
export const RATES = [1_000, 10_000, 100_000];

/** A process to start: command, arguments, environment additions. */
export interface Command {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

/**
 * How the Node workers start: tsx for the bench's own TypeScript, but without the `@samsa/source`
 * condition, so `@samsa/core-client` is its built `dist` (what users run: tsx's transform adds
 * helpers to every closure of the sources). `npm run bench:latency` builds first.
 * LATENCY_NODE_ARGS adds options, e.g. '--cpu-prof --cpu-prof-dir=/tmp/prof'.
 */
function workerArgs(script: string): string[] {
  const extra = (process.env.LATENCY_NODE_ARGS ?? '').split(' ').filter(Boolean);
  return [...extra, '--import', 'tsx', script];
}

/** A Node worker script run as `workerArgs` says, with its job in LATENCY_JOB. */
export function nodeWorker(
  script: string,
  job: Record<string, unknown>,
  env: Record<string, string> = {},
): Command {
  return {
    command: process.execPath,
    args: workerArgs(script),
    env: { LATENCY_JOB: JSON.stringify(job), KAFKAJS_NO_PARTITIONER_WARNING: '1', ...env },
  };
}

/** A Node producer worker (latency/producer-worker.ts) for one of clients.ts's clients. */
export function nodeProducer(client: string, job: Record<string, unknown>): Command {
  return nodeWorker(`${here}producer-worker.ts`, { client, ...job });
}

/** A Node consumer worker (latency/consumer-worker.ts) for one of clients.ts's clients. */
export function nodeConsumer(client: string, job: Record<string, unknown>): Command {
  return nodeWorker(`${here}consumer-worker.ts`, { client, ...job });
}

/** The Python (librdkafka) producer or consumer (latency/librdkafka.py). */
export function pythonWorker(mode: 'producer' | 'consumer', job: Record<string, unknown>): Command {
  return { command: '/usr/bin/python3', args: [`${here}librdkafka.py`, mode, JSON.stringify(job)] };
}

export interface CaseResult {
  client: string;
  rate: number;
  /** Repetition, from 0. */
  run: number;
  ok: boolean;
  producer?: ProducerResult;
  consumer?: ConsumerResult;
  brokerCpuPct?: number;
  /** 1-minute load average when the case ended (2 cores here). */
  load1?: number;
  error?: string;
}

/** A child process whose stdout lines can be awaited. */
class Worker {
  readonly child: ChildProcess;
  private readonly lines: string[] = [];
  private waiters: (() => void)[] = [];
  private stderr = '';
  private stderrHead = '';
  exited = false;

  constructor(cmd: Command) {
    this.child = spawn(cmd.command, cmd.args, {
      env: { ...process.env, ...cmd.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let buf = '';
    this.child.stdout!.on('data', (chunk) => {
      buf += chunk;
      let nl = buf.indexOf('\n');
      while (nl >= 0) {
        this.lines.push(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
        nl = buf.indexOf('\n');
      }
      this.notify();
    });
    this.child.stderr!.on('data', (chunk) => {
      // The start says what went wrong, the end where: keep both.
      if (this.stderrHead.length < 600) this.stderrHead = (this.stderrHead + chunk).slice(0, 600);
      this.stderr = (this.stderr + chunk).slice(-1500);
    });
    this.child.on('exit', () => {
      this.exited = true;
      this.notify();
    });
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** The first line starting with `prefix` (without it), or an error after `timeoutMs` or exit. */
  async line(prefix: string, timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find((l) => l.startsWith(prefix));
      if (found !== undefined) return found.slice(prefix.length);
      if (this.exited)
        throw new Error(`exited without ${prefix.trim()}: ${this.stderrHead} ... ${this.stderr.slice(-500)}`);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`no ${prefix.trim()} within ${timeoutMs} ms: ${this.stderr.slice(-500)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Gives the process `graceMs` to exit on its own (profiles get written), then kills it. */
  async stop(graceMs = 3000): Promise<void> {
    const deadline = Date.now() + graceMs;
    while (!this.exited && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    if (!this.exited) this.child.kill('SIGKILL');
  }
}

export interface CaseSpec {
  client: string;
  rate: number;
  run: number;
  topic: string;
  warmupMs: number;
  durationMs: number;
  /** null: the producer's open loop alone (its send lag is the row's latency). */
  consumer: Command | null;
  producer: Command;
}

/** What a run of cases shares: the broker, and a producer for probes. */
export class LatencyHarness {
  private constructor(
    readonly bootstrap: string[],
    private readonly brokerPid: number | undefined,
    private readonly kafka: Kafka,
    private readonly prober: Producer,
  ) {}

  static async start(bootstrap: string[], brokerPid: number | undefined): Promise<LatencyHarness> {
    const kafka = new Kafka({
      clientId: 'latency-orchestrator',
      brokers: bootstrap,
      logLevel: LogLevel.ERROR,
    });
    const prober = kafka.producer({ acks: -1, lingerMs: 0 });
    await prober.connect();
    return new LatencyHarness(bootstrap, brokerPid, kafka, prober);
  }

  async createTopic(topic: string, partitions: number): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
    } finally {
      await admin.disconnect();
    }
  }

  async deleteTopic(topic: string): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      await admin.deleteTopics({ topics: [topic] });
    } finally {
      await admin.disconnect();
    }
  }

  /** Runs one case; never throws (a failure is a row with `ok: false`). */
  async runCase(spec: CaseSpec): Promise<CaseResult> {
    const base = { client: spec.client, rate: spec.rate, run: spec.run };
    const consumer = spec.consumer ? new Worker(spec.consumer) : null;
    let producer: Worker | undefined;
    try {
      if (consumer) await this.probeUntilReady(spec.topic, consumer);
      const cpu0 = cpuSeconds(this.brokerPid);
      const t0 = performance.now();
      producer = new Worker(spec.producer);
      const planned = spec.warmupMs + spec.durationMs;
      const produced = JSON.parse(
        await producer.line('LATENCY_RESULT ', planned * 2 + 90_000),
      ) as ProducerResult;
      const brokerCpuPct = ((cpuSeconds(this.brokerPid) - cpu0) / ((performance.now() - t0) / 1000)) * 100;
      if (!produced.ok)
        return { ...base, ok: false, producer: produced, error: `producer: ${produced.error}` };
      if (!consumer) {
        const own = {
          ok: true,
          fromScheduled: produced.sendLag,
          received: produced.sent,
          expected: produced.sent,
        };
        return { ...base, ok: true, producer: produced, consumer: own, brokerCpuPct, load1: loadavg()[0] };
      }
      consumer.child.stdin!.write(`END ${produced.sent}\n`);
      const consumed = JSON.parse(await consumer.line('LATENCY_RESULT ', 60_000)) as ConsumerResult;
      if (!consumed.ok)
        return { ...base, ok: false, consumer: consumed, error: `consumer: ${consumed.error}` };
      return { ...base, ok: true, producer: produced, consumer: consumed, brokerCpuPct, load1: loadavg()[0] };
    } catch (err) {
      return { ...base, ok: false, error: (err as Error).message };
    } finally {
      await Promise.all([consumer?.stop(), producer?.stop()]);
    }
  }

  /** Sends probe records every 200 ms until the consumer has one (it joined and fetches), 90 s at most. */
  private async probeUntilReady(topic: string, consumer: Worker): Promise<void> {
    const template = recordTemplate();
    const deadline = Date.now() + 90_000;
    for (;;) {
      const now = wallNow();
      await this.prober.send({
        topic,
        messages: [{ value: stampRecord(template, now, now, 0, RecordKind.Probe) }],
      });
      try {
        await consumer.line('READY', 200);
        return;
      } catch (err) {
        if (consumer.exited || Date.now() > deadline) throw err;
      }
    }
  }

  async close(): Promise<void> {
    await this.prober.disconnect();
  }
}

/** The cases of each client at each rate, client order rotated per rate and repetition. */
export function schedule(
  clients: string[],
  rates: number[],
  runs: number,
): { client: string; rate: number; run: number }[] {
  const out: { client: string; rate: number; run: number }[] = [];
  let turn = 0;
  for (let run = 0; run < runs; run++) {
    for (const rate of rates) {
      const k = turn++;
      for (let i = 0; i < clients.length; i++)
        out.push({ client: clients[(i + k) % clients.length]!, rate, run });
    }
  }
  return out;
}

const fmt = (n: number | undefined | null, digits = 1) =>
  n === undefined || n === null || !Number.isFinite(n)
    ? '-'
    : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** Per rate and client: medians over the repetitions, and p99 ÷ the reference client's p99 (same run). */
export interface LatencyRow {
  rate: number;
  client: string;
  runs: number;
  failed: number;
  achievedRate: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
  p99Range: [number, number];
  /** This client's p99 over the reference client's, per repetition; median. */
  p99VsReference: number;
  received: number;
  expected: number;
  sendLagP99: number;
  /** Producer acknowledgement p99, from the scheduled time: the producer's share of the latency. */
  ackP99: number;
  producerCpuPct: number;
  consumerCpuPct: number;
  /** Share of the run the consumer's main thread was runnable but got no CPU (other load). */
  consumerCpuWaitPct: number;
  producerCpuWaitPct: number;
  brokerCpuPct: number;
  load1: number;
  error?: string;
}

export function summarizeCases(results: CaseResult[], reference: string): LatencyRow[] {
  const keys = [...new Set(results.map((r) => `${r.rate}\u0000${r.client}`))];
  return keys.map((key) => {
    const [rateText, client] = key.split('\u0000') as [string, string];
    const rate = Number(rateText);
    const all = results.filter((r) => r.rate === rate && r.client === client);
    const ok = all.filter((r) => r.ok);
    const pick = (f: (r: CaseResult) => number | null | undefined) =>
      median(ok.map((r) => f(r) ?? Number.NaN));
    const ratios = ok.flatMap((r) => {
      const ref = results.find((x) => x.ok && x.rate === rate && x.run === r.run && x.client === reference);
      const a = r.consumer?.fromScheduled?.p99;
      const b = ref?.consumer?.fromScheduled?.p99;
      return a != null && b != null && b > 0 ? [a / b] : [];
    });
    const p99s = ok.map((r) => r.consumer?.fromScheduled?.p99 ?? Number.NaN).filter(Number.isFinite);
    return {
      rate,
      client,
      runs: all.length,
      failed: all.length - ok.length,
      achievedRate: pick((r) => r.producer?.achievedRate),
      p50: pick((r) => r.consumer?.fromScheduled?.p50),
      p99: pick((r) => r.consumer?.fromScheduled?.p99),
      p999: pick((r) => r.consumer?.fromScheduled?.p999),
      max: pick((r) => r.consumer?.fromScheduled?.max),
      p99Range: [Math.min(...p99s), Math.max(...p99s)],
      p99VsReference: median(ratios),
      received: ok.reduce((n, r) => n + (r.consumer?.received ?? 0), 0),
      expected: ok.reduce((n, r) => n + (r.consumer?.expected ?? 0), 0),
      sendLagP99: pick((r) => r.producer?.sendLag?.p99),
      ackP99: pick((r) => r.producer?.ackLatency?.p99),
      producerCpuPct: pick((r) => r.producer?.cpuPct),
      consumerCpuPct: pick((r) => r.consumer?.cpuPct),
      consumerCpuWaitPct: pick((r) => r.consumer?.cpuWaitPct),
      producerCpuWaitPct: pick((r) => r.producer?.cpuWaitPct),
      brokerCpuPct: pick((r) => r.brokerCpuPct),
      load1: pick((r) => r.load1),
      error: all.find((r) => !r.ok)?.error,
    };
  });
}

/** Markdown table of `summarizeCases`: latencies in ms from the scheduled send time to the handler. */
export function latencyTable(rows: LatencyRow[], reference: string, runs: number): string[] {
  const lines = [
    `| rate/s | client | achieved/s | p50 ms | p99 ms | p99.9 ms | max ms | p99 range | p99 ÷ ${reference} | received | send lag p99 ms | ack p99 ms | CPU prod / cons / broker | CPU wait prod / cons | load |`,
    `|---:|---|${'---:|'.repeat(13)}`,
  ];
  for (const r of rows) {
    if (r.runs === r.failed) {
      const why = (r.error ?? '').split('\n')[0]!.slice(0, 100);
      lines.push(`| ${r.rate.toLocaleString('en-US')} | ${r.client} | failed: ${why} |${' - |'.repeat(12)}`);
      continue;
    }
    const failed = r.failed > 0 ? ` (${r.failed}/${r.runs} failed)` : '';
    lines.push(
      `| ${r.rate.toLocaleString('en-US')} | ${r.client}${failed} | ${fmt(r.achievedRate, 0)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ` +
        `${fmt(r.p999)} | ${fmt(r.max)} | ${runs > 1 ? `${fmt(r.p99Range[0])}–${fmt(r.p99Range[1])}` : '-'} | ` +
        `${r.client === reference ? '' : `${fmt(r.p99VsReference, 2)}x`} | ${r.received.toLocaleString('en-US')}/${r.expected.toLocaleString('en-US')} | ` +
        `${fmt(r.sendLagP99)} | ${fmt(r.ackP99)} | ${fmt(r.producerCpuPct, 0)}% / ${fmt(r.consumerCpuPct, 0)}% / ${fmt(r.brokerCpuPct, 0)}% | ` +
        `${fmt(r.producerCpuWaitPct, 0)}% / ${fmt(r.consumerCpuWaitPct, 0)}% | ${fmt(r.load1, 2)} |`,
    );
  }
  return lines;
}

/** The knobs both latency benches share (BENCH_SCALE, BENCH_RUNS, BENCH_RATES, BENCH_LATENCY_WARMUP_S). */
export function latencySettings(): { durationMs: number; warmupMs: number; runs: number; rates: number[] } {
  const scale = Number(process.env.BENCH_SCALE ?? 1);
  return {
    durationMs: Math.round(5000 * scale),
    warmupMs: Math.round(1000 * Number(process.env.BENCH_LATENCY_WARMUP_S ?? 1)),
    runs: Math.max(1, Math.floor(Number(process.env.BENCH_RUNS ?? 1))),
    rates: process.env.BENCH_RATES ? process.env.BENCH_RATES.split(',').map(Number) : RATES,
  };
}
