/**
 * `npm run bench:partitions -w @samsa/broker-dev`: what partitions cost the dev broker.
 *
 * 1. Memory per partition: a fresh in-memory broker (bench/partitions-broker.ts, its own process,
 *    `--expose-gc`) per count (1, 1,000, 10,000; BENCH_PARTITION_COUNTS): heap, external and RSS
 *    after a forced GC when empty, with one topic of N partitions created, and with a few records in
 *    every partition (BENCH_RECORDS_EACH, default 5 records of 100 B, one batch per partition,
 *    Produce requests of 1,000 partitions each, acks=1). Per partition = (that − empty) / N.
 * 2. Start and recovery with 10,000 partitions on disk (`dataDir`, BENCH_DISK_PARTITIONS): a broker on a
 *    fresh data dir (its start time is the floor: Node, tsx, an empty log directory), the topic created
 *    and filled as above, then a clean shutdown (SIGTERM) and a restart, then kill -9 and a restart.
 *    Each restart reports the time from spawning the process to serving (the broker's READY line),
 *    to the first Fetch answered with the records of the last partition, and the broker's memory.
 *    `--baseline <checkout>` runs the same steps with that checkout's broker (e.g. the commit before a
 *    change, its node_modules installed or linked) on a data dir of its own, baseline first, and adds
 *    this build's times over the baseline's. BENCH_PARTITION_COUNTS= (empty) skips the memory part.
 *
 * The client is the tests' RawClient (no client library in the picture). Prints a table, then JSON.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ApiKey } from '@samsa/protocol';
import { buildBatch } from '@samsa/test-support/record-batches';
import { RawClient } from '../test/helpers/raw-client.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({ options: { baseline: { type: 'string' } } });
/** The baseline checkout's bench directory, whose partitions-broker.ts runs its own broker. */
const baselineBench =
  args.baseline === undefined ? undefined : path.resolve(args.baseline, 'packages/broker-dev/bench');
const counts = (process.env.BENCH_PARTITION_COUNTS ?? '1,1000,10000')
  .split(',')
  .filter((count) => count.trim() !== '')
  .map(Number);
const diskPartitions = Number(process.env.BENCH_DISK_PARTITIONS ?? 10_000);
const recordsEach = Number(process.env.BENCH_RECORDS_EACH ?? 5);
const TOPIC = 'partitions';
const PARTITIONS_PER_REQUEST = 1000;
/** The longest one step (start, create, fill, stop) may take: fsyncs per partition add up on slow disks. */
const STEP_TIMEOUT_MS = Number(process.env.BENCH_STEP_TIMEOUT_MS ?? 900_000);

interface Memory {
  heap: number;
  rss: number;
  external: number;
}

/** One broker process and its protocol lines. */
class BrokerProcess {
  readonly spawnedAt = performance.now();
  readonly child: ChildProcess;
  private readonly waiters: { prefix: string; resolve: (json: string) => void }[] = [];
  readonly exited: Promise<void>;
  /** Its address, once it serves. */
  bootstrap = '';

  constructor(dataDir?: string, benchDir = here) {
    this.child = spawn(
      process.execPath,
      [
        '--expose-gc',
        '--import',
        'tsx',
        '--conditions=@samsa/source',
        path.join(benchDir, 'partitions-broker.ts'),
      ],
      {
        env: { ...process.env, PARTITIONS_DATA_DIR: dataDir ?? '' },
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      const i = this.waiters.findIndex((w) => line.startsWith(`${w.prefix} `));
      if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(line.slice(line.indexOf(' ') + 1));
    });
    this.exited = new Promise((resolve) => this.child.once('exit', () => resolve()));
  }

  private next(prefix: string): Promise<string> {
    return withTimeout(
      new Promise<string>((resolve) => this.waiters.push({ prefix, resolve })),
      `broker line ${prefix}`,
    );
  }

  /** Resolves once the broker serves: its bootstrap, and ms from spawning to serving. */
  async ready(): Promise<{ bootstrap: string; servingMs: number; startMs: number }> {
    const line = JSON.parse(await this.next('READY'));
    this.bootstrap = line.bootstrap[0];
    return {
      bootstrap: line.bootstrap[0],
      servingMs: performance.now() - this.spawnedAt,
      startMs: line.startMs,
    };
  }

  async memory(): Promise<Memory> {
    const reply = this.next('MEM');
    this.child.stdin!.write('mem\n');
    return JSON.parse(await reply);
  }

  async stop(signal: 'SIGTERM' | 'SIGKILL'): Promise<number> {
    const t0 = performance.now();
    this.child.kill(signal);
    await withTimeout(this.exited, 'broker exit');
    return performance.now() - t0;
  }
}

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${what}: no answer in ${STEP_TIMEOUT_MS / 1000} s`)),
        STEP_TIMEOUT_MS,
      );
    }),
  ]);
}

async function createTopic(client: RawClient, partitions: number): Promise<void> {
  const response = await client.request(ApiKey.CreateTopics, 7, {
    topics: [{ name: TOPIC, numPartitions: partitions, replicationFactor: -1, assignments: [], configs: [] }],
    timeoutMs: STEP_TIMEOUT_MS,
    validateOnly: false,
  });
  const t = response.topics[0]!;
  if (t.errorCode !== 0) throw new Error(`CreateTopics failed: ${t.errorCode} ${t.errorMessage}`);
}

/** `recordsEach` records of 100 B in one batch to every partition, acks=1. */
async function fill(client: RawClient, partitions: number): Promise<void> {
  const batch = buildBatch(
    Array.from({ length: recordsEach }, (_, i) => ({ value: `${i}`.padEnd(100, '.') })),
  );
  for (let first = 0; first < partitions; first += PARTITIONS_PER_REQUEST) {
    const last = Math.min(partitions, first + PARTITIONS_PER_REQUEST);
    const partitionData = [];
    for (let p = first; p < last; p++) partitionData.push({ index: p, records: batch });
    const response = await client.request(ApiKey.Produce, 9, {
      transactionalId: null,
      acks: 1,
      timeoutMs: STEP_TIMEOUT_MS,
      topicData: [{ name: TOPIC, partitionData }],
    });
    const failed = response.responses[0]!.partitionResponses.find((r) => r.errorCode !== 0);
    if (failed) throw new Error(`Produce to partition ${failed.index} failed: ${failed.errorCode}`);
  }
}

/** Fetches partition `partition` from offset 0; throws unless all `recordsEach` records come back. */
async function fetchOnce(client: RawClient, partition: number): Promise<void> {
  const response = await client.request(ApiKey.Fetch, 11, {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 1,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic: TOPIC,
        partitions: [
          {
            partition,
            currentLeaderEpoch: -1,
            fetchOffset: 0n,
            lastFetchedEpoch: -1,
            logStartOffset: -1n,
            partitionMaxBytes: 1 << 20,
          },
        ],
      },
    ],
    forgottenTopicsData: [],
    rackId: '',
  });
  const p = response.responses[0]!.partitions[0]!;
  if (p.errorCode !== 0 || p.highWatermark !== BigInt(recordsEach)) {
    throw new Error(
      `Fetch of partition ${partition}: error ${p.errorCode}, high watermark ${p.highWatermark}`,
    );
  }
}

interface MemoryRow {
  partitions: number;
  empty: Memory;
  created: Memory;
  filled: Memory;
}

async function memoryPerPartition(partitions: number): Promise<MemoryRow> {
  const broker = new BrokerProcess();
  try {
    const { bootstrap } = await broker.ready();
    const client = await RawClient.connect(bootstrap);
    const empty = await broker.memory();
    await createTopic(client, partitions);
    const created = await broker.memory();
    await fill(client, partitions);
    const filled = await broker.memory();
    client.close();
    return { partitions, empty, created, filled };
  } finally {
    await broker.stop('SIGTERM').catch(() => broker.stop('SIGKILL'));
  }
}

interface RestartRow {
  step: string;
  /** Spawn to serving (READY). */
  servingMs: number;
  /** The broker's own start: process start to serving (without the spawn). */
  startMs: number;
  /** Spawn to the first Fetch answered (NaN when none was tried). */
  firstFetchMs: number;
  /** How long the previous broker took to stop. */
  stopMs?: number;
  memory: Memory;
}

async function startAndFetch(
  step: string,
  dataDir: string,
  filled: boolean,
  benchDir: string,
): Promise<{ broker: BrokerProcess; row: RestartRow }> {
  const broker = new BrokerProcess(dataDir, benchDir);
  const { bootstrap, servingMs, startMs } = await broker.ready();
  let firstFetchMs = Number.NaN;
  const client = await RawClient.connect(bootstrap);
  if (filled) {
    await fetchOnce(client, diskPartitions - 1);
    firstFetchMs = performance.now() - broker.spawnedAt;
  }
  client.close();
  return { broker, row: { step, servingMs, startMs, firstFetchMs, memory: await broker.memory() } };
}

async function restarts(benchDir: string): Promise<RestartRow[]> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'samsa-partitions-'));
  const rows: RestartRow[] = [];
  let broker: BrokerProcess | undefined;
  try {
    let started = await startAndFetch('empty data dir', dataDir, false, benchDir);
    broker = started.broker;
    rows.push(started.row);
    const client = await RawClient.connect(broker.bootstrap);
    await createTopic(client, diskPartitions);
    await fill(client, diskPartitions);
    client.close();
    let stopMs = await broker.stop('SIGTERM');
    started = await startAndFetch('restart after clean shutdown', dataDir, true, benchDir);
    broker = started.broker;
    rows.push({ ...started.row, stopMs });
    stopMs = await broker.stop('SIGKILL');
    started = await startAndFetch('restart after kill -9', dataDir, true, benchDir);
    broker = started.broker;
    rows.push({ ...started.row, stopMs });
    await broker.stop('SIGTERM');
    broker = undefined;
  } finally {
    if (broker) await broker.stop('SIGKILL').catch(() => {});
    rmSync(dataDir, { recursive: true, force: true });
  }
  return rows;
}

const kb = (bytes: number) => (bytes / 1024).toLocaleString('en-US', { maximumFractionDigits: 2 });
const mb = (bytes: number) => (bytes / 1e6).toLocaleString('en-US', { maximumFractionDigits: 1 });
const ms = (n: number) =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: 0 }) : '-';

async function main() {
  const memoryRows: MemoryRow[] = [];
  for (const n of counts) {
    console.error(`memory: ${n} partitions...`);
    memoryRows.push(await memoryPerPartition(n));
  }
  const builds: { build: string; benchDir: string }[] = [];
  if (baselineBench !== undefined) builds.push({ build: 'baseline', benchDir: baselineBench });
  builds.push({ build: 'this build', benchDir: here });
  const restartRows: (RestartRow & { build: string })[] = [];
  for (const { build, benchDir } of builds) {
    console.error(`start and recovery (${build}): ${diskPartitions} partitions on disk...`);
    for (const row of await restarts(benchDir)) restartRows.push({ build, ...row });
  }
  const baselineOf = (r: RestartRow) =>
    restartRows.find((b) => b.build === 'baseline' && b.step === r.step) ?? r;
  const ratio = (a: number | undefined, b: number | undefined) =>
    a !== undefined && b !== undefined && Number.isFinite(a) && Number.isFinite(b) && b > 0
      ? (a / b).toFixed(2)
      : '-';
  const withBaseline = baselineBench !== undefined;

  const lines = [
    `Memory per partition (in-memory broker; ${recordsEach} records of 100 B per partition when filled; per partition = (x − empty) / N)`,
    '',
    '| partitions | heap empty MB | heap created MB | heap filled MB | RSS created MB | RSS filled MB | heap KiB / partition (created) | heap KiB / partition (filled) | external KiB / partition (filled) | RSS KiB / partition (filled) |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...memoryRows.map((r) => {
      const per = (a: number, b: number) => kb((a - b) / r.partitions);
      return `| ${r.partitions.toLocaleString('en-US')} | ${mb(r.empty.heap)} | ${mb(r.created.heap)} | ${mb(r.filled.heap)} | ${mb(r.created.rss)} | ${mb(r.filled.rss)} | ${per(r.created.heap, r.empty.heap)} | ${per(r.filled.heap, r.empty.heap)} | ${per(r.filled.external, r.empty.external)} | ${per(r.filled.rss, r.empty.rss)} |`;
    }),
    '',
    `Start and recovery with ${diskPartitions.toLocaleString('en-US')} partitions on disk (${recordsEach} records each)`,
    '',
    `| build | step | previous broker stopped in ms | spawn to serving ms | process start to serving ms | spawn to first fetch answered ms | heap MB | RSS MB |${withBaseline ? ' stop / baseline | serving / baseline |' : ''}`,
    `|---|---|---:|---:|---:|---:|---:|---:|${withBaseline ? '---:|---:|' : ''}`,
    ...restartRows.map(
      (r) =>
        `| ${r.build} | ${r.step} | ${r.stopMs === undefined ? '-' : ms(r.stopMs)} | ${ms(r.servingMs)} | ${ms(r.startMs)} | ${ms(r.firstFetchMs)} | ${mb(r.memory.heap)} | ${mb(r.memory.rss)} |` +
        (withBaseline
          ? ` ${ratio(r.stopMs, baselineOf(r).stopMs)} | ${ratio(r.servingMs, baselineOf(r).servingMs)} |`
          : ''),
    ),
  ];
  console.log(lines.join('\n'));
  console.log('');
  console.log(
    JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        recordsEach,
        diskPartitions,
        baseline: args.baseline,
        memory: memoryRows,
        restarts: restartRows,
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
