/**
 * Diagnostic (not part of `npm run bench`): runs the benchmark's Samsa producer workload against one
 * @samsa/broker-dev broker in its own process and traces what goes over the wire: Produce requests
 * (batches, bytes, requests in flight when sent, round-trip time), socket writes per uncork, and
 * how big the batches were. Answers "is the producer limited by round trips or by CPU?".
 *
 *   npx tsx --conditions=@samsa/source bench/trace-producer.ts [valueSize=1024] [count=60000] [acks=1]
 *
 * Env: TRACE_PARTITIONS (default 6), TRACE_BATCH (messages per send(), 1000), TRACE_WINDOW (send() calls
 * in flight, 8), TRACE_PRODUCER (JSON producer options merged over the bench's).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type net from 'node:net';
import { fileURLToPath } from 'node:url';
import { Kafka, LogLevel } from '../src/index.js';
import { Connection } from '../src/network/connection.js';
import type { ProducerBatchState } from '../src/producer/batch.js';
import { Sink } from '../src/producer/sink.js';
import { windowed } from './clients/types.js';
import { cpuSeconds } from './measure.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const valueSize = Number(process.argv[2] ?? 1024);
const count = Number(process.argv[3] ?? 60_000);
const acks = Number(process.argv[4] ?? 1) as 1 | -1;
const partitions = Number(process.env.TRACE_PARTITIONS ?? 6);
const perCall = Number(process.env.TRACE_BATCH ?? 1000);
const window = Number(process.env.TRACE_WINDOW ?? 8);
const extra = JSON.parse(process.env.TRACE_PRODUCER ?? '{}');

interface RequestTrace {
  sentAt: number;
  rtt: number;
  batches: number;
  bytes: number;
  inFlightBefore: number;
  maxBatch: number;
}

const requests: RequestTrace[] = [];
const writes: number[] = [];
let t0 = 0;

// Trace Produce requests at the sinks (what the accumulator decided to send) ...
const originalSend = Sink.prototype.send;
Sink.prototype.send = async function (this: Sink, batches: ProducerBatchState[], requestAcks: number) {
  const r: RequestTrace = {
    sentAt: performance.now() - t0,
    rtt: 0,
    batches: batches.length,
    bytes: batches.reduce((n, b) => n + b.size, 0),
    inFlightBefore: this.inFlight - 1,
    maxBatch: Math.max(...batches.map((b) => b.size)),
  };
  const start = performance.now();
  await originalSend.call(this, batches, requestAcks);
  r.rtt = performance.now() - start;
  if (t0 > 0) requests.push(r);
};

// ... and socket writes (bytes per uncork = per syscall batch) on produce connections.
const originalConnect = Connection.prototype.connect;
Connection.prototype.connect = async function (this: Connection) {
  await originalConnect.call(this);
  if (!this.config.label.includes('produce')) return;
  const socket = (this as unknown as { socket: net.Socket }).socket;
  let pending = 0;
  const write = socket.write.bind(socket) as (...a: unknown[]) => boolean;
  socket.write = ((chunk: Buffer, ...rest: unknown[]) => {
    pending += chunk.length;
    return write(chunk, ...rest);
  }) as typeof socket.write;
  const uncork = socket.uncork.bind(socket);
  socket.uncork = () => {
    if (pending > 0 && t0 > 0) writes.push(pending);
    pending = 0;
    uncork();
  };
};

function startBroker(): Promise<{ child: ChildProcess; bootstrap: string[] }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@samsa/source', `${here}broker.ts`],
    {
      env: { ...process.env, BENCH_PARTITIONS: String(partitions) },
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (c) => {
      buf += c;
      if (buf.includes('\n')) resolve({ child, bootstrap: JSON.parse(buf.split('\n')[0]).bootstrap });
    });
    child.once('exit', (code) => reject(new Error(`broker exited ${code}`)));
  });
}

/** [ns on CPU, ns runnable but waiting for a CPU] of a process's main thread (Linux schedstat). */
function schedstat(pid: number | 'self'): [number, number] {
  try {
    const [run, wait] = readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ').map(Number);
    return [run, wait];
  } catch {
    return [Number.NaN, Number.NaN];
  }
}

function pct(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

function summary(name: string, xs: number[], unit = ''): string {
  const s = [...xs].sort((a, b) => a - b);
  const mean = xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const f = (n: number) => n.toFixed(n < 10 ? 2 : 0);
  return `${name}: n=${xs.length} mean=${f(mean)}${unit} p10=${f(pct(s, 0.1))} p50=${f(pct(s, 0.5))} p90=${f(pct(s, 0.9))} max=${f(s[s.length - 1] ?? 0)}`;
}

const { child, bootstrap } = await startBroker();
try {
  const kafka = new Kafka({ clientId: 'trace', brokers: bootstrap, logLevel: LogLevel.ERROR });
  const admin = kafka.admin();
  await admin.connect();
  const topic = `trace-${Date.now()}`;
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }] });
  const producer = kafka.producer({ acks, lingerMs: 5, ...extra });
  await producer.connect();
  const value = Buffer.alloc(valueSize, 120);
  const messages = Array.from({ length: perCall }, () => ({ value }));
  await producer.send({ topic, messages: messages.slice(0, 10) });
  const cpu0 = process.cpuUsage();
  const brokerCpu0 = cpuSeconds(child.pid!);
  const sched0 = [schedstat('self'), schedstat(child.pid!)];
  const elu0 = performance.eventLoopUtilization();
  t0 = performance.now();
  await windowed(Math.ceil(count / perCall), window, () => producer.send({ topic, messages }));
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const brokerCpu = cpuSeconds(child.pid!) - brokerCpu0;
  const elu = performance.eventLoopUtilization(elu0).utilization;
  const sched1 = [schedstat('self'), schedstat(child.pid!)];
  const waitPct = (i: number) => (((sched1[i][1] - sched0[i][1]) / 1e6 / ms) * 100).toFixed(0);
  await producer.disconnect();
  await admin.disconnect();

  const total = Math.ceil(count / perCall) * perCall;
  console.log(
    `${total} x ${valueSize} B acks=${acks}, ${partitions} partitions, ${perCall}/send x ${window} in flight: ` +
      `${ms.toFixed(0)} ms, ${Math.round(total / (ms / 1000)).toLocaleString('en-US')} msgs/s, ` +
      `${((total * valueSize) / (ms / 1000) / 1e6).toFixed(1)} MB/s, client CPU ${(((cpu.user + cpu.system) / 1000 / ms) * 100).toFixed(0)}%, ` +
      `broker CPU ${((brokerCpu / (ms / 1000)) * 100).toFixed(0)}%`,
  );
  console.log(
    `client event loop busy ${(elu * 100).toFixed(0)}%; main threads runnable but waiting for a CPU ` +
      `(other load on the machine): client ${waitPct(0)}%, broker ${waitPct(1)}% of the run`,
  );
  const mb = (total * valueSize) / 1e6;
  console.log(
    `CPU per MB of values: client ${((cpu.user + cpu.system) / 1000 / mb).toFixed(2)} ms, broker ` +
      `${((brokerCpu * 1000) / mb).toFixed(2)} ms; broker CPU per Produce request ` +
      `${((brokerCpu * 1000) / Math.max(1, requests.length)).toFixed(2)} ms`,
  );
  console.log(
    summary(
      'Produce requests: batches/request',
      requests.map((r) => r.batches),
    ),
  );
  console.log(
    summary(
      'Produce requests: KiB/request',
      requests.map((r) => r.bytes / 1024),
    ),
  );
  console.log(
    summary(
      'Produce requests: largest batch KiB',
      requests.map((r) => r.maxBatch / 1024),
    ),
  );
  console.log(
    summary(
      'Produce requests: in flight already when sent',
      requests.map((r) => r.inFlightBefore),
    ),
  );
  console.log(
    summary(
      'Produce requests: round trip ms',
      requests.map((r) => r.rtt),
    ),
  );
  console.log(
    summary(
      'socket bytes per uncork (KiB)',
      writes.map((w) => w / 1024),
    ),
  );
  // In flight over time: sample every ms of the run.
  const samples: number[] = [];
  for (let t = 0; t < ms; t += 1) {
    let n = 0;
    let kib = 0;
    for (const r of requests) {
      if (r.sentAt <= t && r.sentAt + r.rtt > t) {
        n++;
        kib += r.bytes / 1024;
      }
    }
    samples.push(n);
    samples.push(-kib); // interleaved; split below
  }
  const inFlight = samples.filter((_, i) => i % 2 === 0);
  const kibInFlight = samples.filter((_, i) => i % 2 === 1).map((x) => -x);
  let idle = 0;
  let longestIdle = 0;
  for (const n of inFlight) {
    idle = n === 0 ? idle + 1 : 0;
    longestIdle = Math.max(longestIdle, idle);
  }
  console.log(
    `longest stretch with no Produce request in flight: ${longestIdle} ms; ms with none: ${inFlight.filter((n) => n === 0).length}`,
  );
  console.log(summary('requests in flight (sampled per ms)', inFlight));
  console.log(summary('KiB in flight (sampled per ms)', kibInFlight));
  if (process.env.TRACE_DUMP) {
    for (const r of requests.slice(0, Number(process.env.TRACE_DUMP)))
      console.log(
        `t=${r.sentAt.toFixed(1)} rtt=${r.rtt.toFixed(2)} batches=${r.batches} KiB=${(r.bytes / 1024).toFixed(0)} inflight=${r.inFlightBefore}`,
      );
  }
} finally {
  child.kill('SIGTERM');
}
