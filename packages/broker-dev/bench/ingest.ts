/**
 * Ingest benchmark without kcat: the CPU each broker spends taking in 1 GB of produce requests.
 *
 * A light client in this process (the tests' RawClient; the records are written to the socket by
 * reference, never copied) sends the same requests (one ~1 MB RecordBatch v2 of 1 KB records each,
 * acks=1, `--in-flight` at a time, Produce v7) to the dev broker and to the
 * librdkafka mock cluster, a fresh process of each per run, which goes first alternating. Each
 * acknowledgement is checked. kcat's own CPU and heap are out of the picture, so this shows what each
 * broker does per byte; run.ts shows what a real client gets on a machine the two share.
 *
 * A third row, `tmpfs write only`, is the floor under the dev broker's figure: a process that writes the
 * same bytes into kernel memory as the in-memory dev broker does (bench/tmpfs-floor.ts), and does nothing
 * else. Keeping every record costs at least that much; the mock keeps none.
 *
 * `--baseline <checkout>` adds a built checkout's dev broker (e.g. the commit before a change) as one
 * more contender in every run; both builds then run from their `dist` (build this checkout too), so
 * they differ only in code. `--disk` adds the dev broker with `--data-dir` (a fresh temporary directory).
 * The contenders' order rotates from run to run, so a trend in the machine's load favours none.
 *
 * Each broker first takes `--warmup` requests that are not measured: a fresh Node process is still
 * compiling and collecting its start-up for a while, which is no cost per GB.
 *
 * Usage: npm run bench:ingest -w @samsa/broker-dev [-- --requests 1000 --warmup 100 --runs 5 --in-flight 4
 *        --disk --baseline ../before]
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { RecordBatchBuilder } from '@samsa/protocol';
import { kernelMemoryDirectory } from '../src/storage/shm-segment-store.js';
import { RawClient } from '../test/helpers/raw-client.js';
import { startDevBroker, startMock, stop, userSystemSeconds } from './brokers.js';

const { values: args } = parseArgs({
  options: {
    requests: { type: 'string', default: '1000' },
    warmup: { type: 'string', default: '100' },
    runs: { type: 'string', default: '3' },
    'in-flight': { type: 'string', default: '4' },
    disk: { type: 'boolean', default: false },
    baseline: { type: 'string' },
  },
});
const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BASELINE = args.baseline === undefined ? undefined : path.resolve(args.baseline);
/** With a baseline, this build also runs from its dist. */
const CURRENT = BASELINE === undefined ? undefined : path.resolve(PACKAGE_DIR, '../..');
const REQUESTS = Number(args.requests);
/** Requests sent before the CPU is measured, so start-up (its lazy compilation and GC) is left out. */
const WARMUP = Number(args.warmup);
const RUNS = Number(args.runs);
const IN_FLIGHT = Number(args['in-flight']);
const TOPIC = 'ingest';
const RECORD_BYTES = 1024;
/** The most either broker may take for one run. */
const RUN_TIMEOUT_MS = 120_000;
/** The mock serves Metadata up to v2 and Produce up to v7. */
const METADATA_VERSION = 1;
const PRODUCE_VERSION = 7;

type Contender = 'devBroker' | 'devBrokerDisk' | 'baseline' | 'mock' | 'tmpfsFloor';

const NAMES: Record<Contender, string> = {
  devBroker: 'dev broker (in memory)',
  devBrokerDisk: 'dev broker (--data-dir)',
  baseline: 'baseline (in memory)',
  mock: 'librdkafka mock',
  tmpfsFloor: 'tmpfs write only',
};

/** The floor: the same bytes written into kernel memory by a process doing nothing else (tmpfs-floor.ts). */
async function measureTmpfsFloor(records: Buffer): Promise<Measurement> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '--conditions=@samsa/source',
      '--import',
      'tsx',
      'bench/tmpfs-floor.ts',
      '--requests',
      String(REQUESTS),
      '--bytes',
      String(records.length),
    ],
    { cwd: PACKAGE_DIR, timeout: RUN_TIMEOUT_MS },
  );
  const result = JSON.parse(stdout) as Omit<Measurement, 'bytes'> & { unavailable?: true };
  if (result.unavailable) throw new Error('tmpfs-floor.ts found no tmpfs');
  return { bytes: REQUESTS * records.length, ...result };
}

interface Measurement {
  seconds: number;
  bytes: number;
  userSeconds: number;
  systemSeconds: number;
}

/** Asks for the topic's metadata until partition 0 has a leader (both brokers create it on demand). */
async function awaitTopic(client: RawClient): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const response = await client.request(3, METADATA_VERSION, { topics: [{ name: TOPIC }] });
    const topic = response.topics.find((t) => t.name === TOPIC);
    if (topic?.errorCode === 0 && (topic.partitions[0]?.leaderId ?? -1) >= 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`topic ${TOPIC} got no leader`);
}

/** One ~1 MB batch of 1 KB records, sent in every request. */
function recordBatch(): Buffer {
  const builder = new RecordBatchBuilder({ maxBatchBytes: 1_000_000 });
  const value = Buffer.alloc(RECORD_BYTES, 0x61);
  while (builder.tryAppend({ key: null, value })) {}
  return builder.build();
}

/** Sends `requests` produce requests, IN_FLIGHT at a time; resolves when all are acknowledged. */
async function ingest(client: RawClient, records: Buffer, requests: number): Promise<void> {
  const body = {
    transactionalId: null,
    acks: 1,
    timeoutMs: 30_000,
    topicData: [{ name: TOPIC, partitionData: [{ index: 0, records }] }],
  };
  let sent = 0;
  const sender = async () => {
    while (sent++ < requests) {
      // One write per request: its header chunk and the records leave together.
      client.cork();
      const response = client.request(0, PRODUCE_VERSION, body);
      client.uncork();
      const errorCode = (await response).responses[0]?.partitionResponses[0]?.errorCode;
      if (errorCode !== 0) throw new Error(`produce failed with error code ${errorCode}`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, sender));
}

function startContender(contender: Contender, dataDir: string | undefined) {
  if (contender === 'mock') return startMock();
  if (contender === 'baseline') return startDevBroker([], BASELINE);
  return startDevBroker(dataDir === undefined ? [] : ['--data-dir', dataDir], CURRENT);
}

async function measure(contender: Contender, records: Buffer): Promise<Measurement> {
  const dataDir =
    contender === 'devBrokerDisk' ? mkdtempSync(path.join(tmpdir(), 'samsa-ingest-')) : undefined;
  const broker = await startContender(contender, dataDir);
  const pid = broker.child.pid!;
  try {
    const client = await RawClient.connect(broker.match[1]);
    try {
      await awaitTopic(client);
      await ingest(client, records, WARMUP);
      const before = userSystemSeconds(pid);
      const started = process.hrtime.bigint();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${contender} took over ${RUN_TIMEOUT_MS} ms`)),
          RUN_TIMEOUT_MS,
        );
      });
      await Promise.race([ingest(client, records, REQUESTS), timeout]).finally(() => clearTimeout(timer));
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const after = userSystemSeconds(pid);
      if (!before || !after) throw new Error('this benchmark reads CPU times from /proc (Linux only)');
      return {
        seconds,
        bytes: REQUESTS * records.length,
        userSeconds: after.user - before.user,
        systemSeconds: after.system - before.system,
      };
    } finally {
      client.close();
    }
  } finally {
    await stop(broker.child);
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  }
}

const gb = (m: Measurement) => m.bytes / 1e9;
const cpuPerGb = (m: Measurement) => (m.userSeconds + m.systemSeconds) / gb(m);

function middle(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Median and range, e.g. `0.41 (0.38-0.47)`. */
function spread(values: number[]): string {
  return `${middle(values).toFixed(2)} (${Math.min(...values).toFixed(2)}-${Math.max(...values).toFixed(2)})`;
}

function summary(m: Measurement): string {
  return (
    `${(gb(m) / m.seconds).toFixed(2)} GB/s, CPU ${cpuPerGb(m).toFixed(2)} s/GB ` +
    `(user ${(m.userSeconds / gb(m)).toFixed(2)}, system ${(m.systemSeconds / gb(m)).toFixed(2)})`
  );
}

async function main(): Promise<void> {
  const records = recordBatch();
  const bytesPerRequest = records.length;
  const contenders: Contender[] = ['devBroker', 'mock'];
  if (args.disk) contenders.push('devBrokerDisk');
  if (BASELINE !== undefined) contenders.push('baseline');
  if (kernelMemoryDirectory() !== undefined) contenders.push('tmpfsFloor');
  const runs: Partial<Record<Contender, Measurement>>[] = [];
  for (let run = 0; run < RUNS; run++) {
    const order = contenders.map((_, i) => contenders[(i + run) % contenders.length]);
    const result: Partial<Record<Contender, Measurement>> = {};
    for (const contender of order) {
      result[contender] =
        contender === 'tmpfsFloor' ? await measureTmpfsFloor(records) : await measure(contender, records);
    }
    runs.push(result);
    console.log(
      `run ${run + 1}/${RUNS}: ${order.map((c) => `${NAMES[c]} ${summary(result[c]!)}`).join('; ')}`,
    );
  }
  const valuesOf = (contender: Contender, f: (m: Measurement) => number) => runs.map((r) => f(r[contender]!));
  const mb = (REQUESTS * bytesPerRequest) / 1e6;
  console.log(
    `\n${REQUESTS} produce requests of ${(bytesPerRequest / 1e6).toFixed(2)} MB (${mb.toFixed(0)} MB of 1 KB records), ` +
      `${IN_FLIGHT} in flight, after ${WARMUP} not measured; medians (min-max) of ${RUNS} runs`,
  );
  const header = ['broker', 'GB/s', 'CPU s/GB', 'user s/GB', 'system s/GB', 'CPU / mock'];
  const widths = [24, 18, 18, 18, 18, 18, 20];
  if (BASELINE !== undefined) header.push('CPU / baseline');
  console.log(header.map((h, i) => (i === 0 ? h.padEnd(widths[i]) : h.padStart(widths[i]))).join(''));
  // Same-run ratios: each run's figure over the mock's (or the baseline's) of that run.
  const mockCpu = valuesOf('mock', cpuPerGb);
  for (const contender of contenders) {
    const cells = [
      NAMES[contender],
      spread(valuesOf(contender, (m) => gb(m) / m.seconds)),
      spread(valuesOf(contender, cpuPerGb)),
      spread(valuesOf(contender, (m) => m.userSeconds / gb(m))),
      spread(valuesOf(contender, (m) => m.systemSeconds / gb(m))),
      spread(valuesOf(contender, cpuPerGb).map((cpu, i) => cpu / mockCpu[i])),
    ];
    if (BASELINE !== undefined) {
      const baselineCpu = valuesOf('baseline', cpuPerGb);
      cells.push(spread(valuesOf(contender, cpuPerGb).map((cpu, i) => cpu / baselineCpu[i])));
    }
    console.log(cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(''));
  }
  console.log(
    '\nThe dev broker checks every batch (CRC32C included) and keeps every record; the mock checks no CRC and' +
      '\nkeeps ~5 MiB per partition, dropping older batches. CPU = user + system seconds of the broker process.',
  );
  const json = {
    benchmark: 'broker-dev ingest CPU',
    date: new Date().toISOString(),
    node: process.version,
    requests: REQUESTS,
    warmupRequests: WARMUP,
    bytesPerRequest,
    inFlight: IN_FLIGHT,
    baseline: BASELINE,
    runs,
  };
  console.log(`\n${JSON.stringify(json)}`);
  const outDir = path.resolve(PACKAGE_DIR, '../../bench-results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'broker-dev-ingest.json'), `${JSON.stringify(json, null, 2)}\n`);
}

main().catch((err: Error) => {
  console.error(err.stack ?? err.message);
  process.exit(1);
});
