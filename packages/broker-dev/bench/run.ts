/**
 * Benchmark: kcat (librdkafka 2.0.2) producing 1,000,000 records of 100 B and of 1 KB, with
 * acks=1 and acks=-1, into the dev broker and into the librdkafka mock cluster, side by side in
 * one run; then consuming them back. Prints a table with msgs/s, MB/s and the ratio, then JSON.
 *
 * Each scenario runs `--runs` times (default 5), each run with a fresh broker and a fresh mock
 * (partition 0 of a new topic), which goes first rotating between runs. The table
 * shows medians and the median and spread of the per-run ratios; the JSON has every run. kcat
 * reads the input file directly (no pipe through this process, which would compete for the CPU).
 * Besides wall-clock rates it reports the CPU seconds the broker process used (from /proc; for the
 * dev broker also its event-loop thread alone), which the shared machine's noise affects far less.
 *
 * The mock keeps only about 5 MiB per partition (older data is dropped), so it has no comparable
 * consume rate: the consume rows show the dev broker reading everything back and how much the mock
 * still had, without a ratio.
 *
 * The dev broker runs as it does by default (in memory: kernel memory on Linux, see
 * src/storage/shm-segment-store.ts) and, as a third contender, durably with `--data-dir` in a fresh
 * temporary directory (`--no-disk` leaves it out).
 *
 * `--baseline <checkout>` adds a built checkout's dev broker (e.g. the commit before a change) as one
 * more contender in every run, in memory; its row shows this build's msgs/s over the baseline's. Both
 * then run from their `dist` (build this checkout too), so they differ only in code.
 *
 * Usage: npm run bench -w @samsa/broker-dev [-- --records N --sizes 100,1024 --acks 1,-1 --runs 5
 *        --no-disk --kcat-steady-heap --baseline ../before]
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  closeSync,
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { crc32cImplementation } from '@samsa/protocol';
import { type Cpu, cpuDelta, cpuOf, startDevBroker, startMock, stop } from './brokers.js';

const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    sizes: { type: 'string', default: '100,1024' },
    acks: { type: 'string', default: '1,-1' },
    runs: { type: 'string', default: '5' },
    'no-disk': { type: 'boolean', default: false },
    'kcat-steady-heap': { type: 'boolean', default: false },
    baseline: { type: 'string' },
  },
});
const RECORDS = Number(args.records);
const SIZES = args.sizes!.split(',').map(Number);
const ACKS = args.acks!.split(',').map(Number);
const RUNS = Number(args.runs);
const WITH_DISK = !args['no-disk'];
const BASELINE = args.baseline === undefined ? undefined : path.resolve(args.baseline);
/** With a baseline, this build also runs from its dist (see the header). */
const CURRENT = BASELINE === undefined ? undefined : path.resolve(PACKAGE_DIR, '../..');
/**
 * `--kcat-steady-heap`: every kcat (producer, consumer and the one hosting the mock) runs with glibc's
 * heap trimming off, so kcat stops returning its drained queue's memory to the kernel and faulting it
 * in again (at ~12 µs a page on the VM measured). How often that happens depends on when
 * acknowledgements arrive, so it adds noise on top of the brokers' own speed. The target is judged
 * without it: by default kcat runs as it comes.
 */
const KCAT_ENV: Record<string, string> = args['kcat-steady-heap']
  ? { MALLOC_TRIM_THRESHOLD_: String(4 * 1024 ** 3), MALLOC_TOP_PAD_: String(256 * 1024 ** 2) }
  : {};
/** Hard bound on any single kcat run. */
const STEP_TIMEOUT_MS = 120_000;

interface Measurement {
  records: number;
  bytes: number;
  seconds: number;
  msgsPerSec: number;
  mbPerSec: number;
  /** CPU seconds (user + system) the broker process spent, when /proc is available. */
  brokerCpuSeconds?: number;
  /** Of those, the dev broker's event-loop (main) thread. */
  eventLoopCpuSeconds?: number;
}

type Contender = 'devBroker' | 'devBrokerDisk' | 'mock' | 'baseline';

interface Run {
  /** The order the brokers produced in, in this run. */
  order: Contender[];
  produce: {
    devBroker: Measurement;
    mock: Measurement;
    ratio: number;
    /** The dev broker with --data-dir, and its ratio to the mock. */
    devBrokerDisk?: Measurement;
    ratioDisk?: number;
    /** The --baseline build, and this build's msgs/s over it. */
    baseline?: Measurement;
    ratioToBaseline?: number;
  };
  consume: { devBroker: Measurement; mock: Measurement };
}

interface Spread {
  median: number;
  min: number;
  max: number;
}

interface ScenarioResult {
  scenario: string;
  size: number;
  acks: number;
  /** Medians over the runs; `ratio` is dev broker msgs/s over mock msgs/s, per run. */
  produce: {
    devBroker: Measurement;
    mock: Measurement;
    ratio: Spread;
    devBrokerDisk?: Measurement;
    ratioDisk?: Spread;
    baseline?: Measurement;
    ratioToBaseline?: Spread;
  };
  /** The mock keeps ~5 MiB per partition, so only the dev broker reads everything back. */
  consume: { devBroker: Measurement; mock: Measurement & { retainedOnly: true } };
  runs: Run[];
}

function measurement(records: number, size: number, seconds: number, cpu: Cpu = {}): Measurement {
  return {
    records,
    bytes: records * size,
    seconds,
    msgsPerSec: records / seconds,
    mbPerSec: (records * size) / seconds / 1e6,
    ...(cpu.process !== undefined && { brokerCpuSeconds: cpu.process }),
    ...(cpu.mainThread !== undefined && { eventLoopCpuSeconds: cpu.mainThread }),
  };
}

function middle(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** The run with the median rate. */
function median(measurements: Measurement[]): Measurement {
  const sorted = [...measurements].sort((a, b) => a.msgsPerSec - b.msgsPerSec);
  return sorted[Math.floor(sorted.length / 2)];
}

function spread(values: number[]): Spread {
  return { median: middle(values), min: Math.min(...values), max: Math.max(...values) };
}

async function writeInput(dir: string, size: number): Promise<string> {
  const file = path.join(dir, `records-${size}.txt`);
  const line = Buffer.alloc(size + 1, 'x'.charCodeAt(0));
  line[size] = 0x0a;
  const chunkLines = 1000;
  const chunk = Buffer.concat(Array.from({ length: chunkLines }, () => line));
  const out = createWriteStream(file);
  for (let written = 0; written < RECORDS; written += chunkLines) {
    const n = Math.min(chunkLines, RECORDS - written);
    if (!out.write(n === chunkLines ? chunk : chunk.subarray(0, n * line.length))) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return file;
}

/**
 * Runs a command with stdin read from a file by the command itself (or nothing), counting stdout
 * lines; returns seconds and lines.
 */
function timed(
  command: string,
  commandArgs: string[],
  stdinFile?: string,
): Promise<{ seconds: number; lines: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const stdin = stdinFile === undefined ? 'ignore' : openSync(stdinFile, 'r');
    const started = process.hrtime.bigint();
    const child = spawn(command, commandArgs, {
      stdio: [stdin, 'pipe', 'pipe'],
      env: { ...process.env, ...KCAT_ENV },
    });
    if (typeof stdin === 'number') closeSync(stdin);
    let lines = 0;
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) lines++;
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), STEP_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0)
        reject(new Error(`${command} ${commandArgs.join(' ')} exited with ${code}: ${stderr.slice(-2000)}`));
      else resolve({ seconds, lines, stderr });
    });
  });
}

interface BrokerResult {
  produceSeconds: number;
  consumeSeconds: number;
  consumed: number;
  produceCpu: Cpu;
  consumeCpu: Cpu;
}

async function produceAndConsume(
  bootstrap: string,
  topic: string,
  input: string,
  acks: number,
  brokerPid: number | undefined,
  mainThread: boolean,
): Promise<BrokerResult> {
  const cpu0 = cpuOf(brokerPid);
  const produced = await timed(
    'kcat',
    ['-P', '-b', bootstrap, '-t', topic, '-p', '0', '-X', 'linger.ms=5', '-X', `acks=${acks}`],
    input,
  );
  const cpu1 = cpuOf(brokerPid);
  if (/fail|error/i.test(produced.stderr))
    throw new Error(`kcat produce reported: ${produced.stderr.slice(-1000)}`);
  const consumed = await timed('kcat', [
    '-C',
    '-b',
    bootstrap,
    '-t',
    topic,
    '-p',
    '0',
    '-o',
    'beginning',
    '-e',
    '-q',
    '-f',
    '%o\n',
  ]);
  const cpu2 = cpuOf(brokerPid);
  return {
    produceSeconds: produced.seconds,
    consumeSeconds: consumed.seconds,
    consumed: consumed.lines,
    produceCpu: cpuDelta(cpu0, cpu1, mainThread),
    consumeCpu: cpuDelta(cpu1, cpu2, mainThread),
  };
}

/** `dataDir`: run durably there (removed afterwards); in memory without. */
async function runDevBroker(
  topic: string,
  input: string,
  acks: number,
  dataDir?: string,
  checkout = CURRENT,
): Promise<BrokerResult> {
  const dev = await startDevBroker(dataDir === undefined ? [] : ['--data-dir', dataDir], checkout);
  try {
    const result = await produceAndConsume(dev.match[1], topic, input, acks, dev.child.pid, true);
    if (result.consumed !== RECORDS)
      throw new Error(`dev broker returned ${result.consumed} of ${RECORDS} records`);
    return result;
  } finally {
    await stop(dev.child);
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  }
}

async function runMock(topic: string, input: string, acks: number): Promise<BrokerResult> {
  const mock = await startMock(KCAT_ENV);
  try {
    return await produceAndConsume(mock.match[1], topic, input, acks, mock.child.pid, false);
  } finally {
    await stop(mock.child);
  }
}

async function runOnce(size: number, acks: number, input: string, run: number, dir: string): Promise<Run> {
  const topic = `bench-${size}-${acks === -1 ? 'all' : acks}-${run}`;
  const contenders: Contender[] = ['devBroker', 'mock'];
  if (WITH_DISK) contenders.push('devBrokerDisk');
  if (BASELINE !== undefined) contenders.push('baseline');
  // Rotate which goes first, so a trend in the machine's load does not favour one side.
  const order = contenders.map((_, i) => contenders[(i + run) % contenders.length]);
  const results: Partial<Record<Contender, BrokerResult>> = {};
  for (const contender of order) {
    if (contender === 'mock') results.mock = await runMock(topic, input, acks);
    else if (contender === 'devBroker') results.devBroker = await runDevBroker(topic, input, acks);
    else if (contender === 'baseline')
      results.baseline = await runDevBroker(topic, input, acks, undefined, BASELINE);
    else results.devBrokerDisk = await runDevBroker(topic, input, acks, path.join(dir, `data-${run}`));
  }
  const dev = results.devBroker!;
  const mock = results.mock!;
  const disk = results.devBrokerDisk;
  const devProduce = measurement(RECORDS, size, dev.produceSeconds, dev.produceCpu);
  const mockProduce = measurement(RECORDS, size, mock.produceSeconds, mock.produceCpu);
  const diskProduce = disk && measurement(RECORDS, size, disk.produceSeconds, disk.produceCpu);
  const base = results.baseline;
  const baseProduce = base && measurement(RECORDS, size, base.produceSeconds, base.produceCpu);
  return {
    order,
    produce: {
      devBroker: devProduce,
      mock: mockProduce,
      ratio: devProduce.msgsPerSec / mockProduce.msgsPerSec,
      ...(diskProduce && {
        devBrokerDisk: diskProduce,
        ratioDisk: diskProduce.msgsPerSec / mockProduce.msgsPerSec,
      }),
      ...(baseProduce && {
        baseline: baseProduce,
        ratioToBaseline: devProduce.msgsPerSec / baseProduce.msgsPerSec,
      }),
    },
    consume: {
      devBroker: measurement(dev.consumed, size, dev.consumeSeconds, dev.consumeCpu),
      mock: measurement(mock.consumed, size, mock.consumeSeconds, mock.consumeCpu),
    },
  };
}

async function scenario(size: number, acks: number, input: string, dir: string): Promise<ScenarioResult> {
  const runs: Run[] = [];
  for (let run = 0; run < RUNS; run++) {
    const result = await runOnce(size, acks, input, run, dir);
    runs.push(result);
    const { devBroker, mock, ratio, devBrokerDisk, ratioDisk } = result.produce;
    const disk = devBrokerDisk
      ? `; --data-dir ${ratioDisk!.toFixed(2)}x, ${fmt(devBrokerDisk.msgsPerSec)} msg/s, ` +
        `${devBrokerDisk.brokerCpuSeconds?.toFixed(2) ?? '?'} s CPU`
      : '';
    console.error(
      `${size} B acks=${acks} run ${run + 1}/${RUNS}: produce ${ratio.toFixed(2)}x ` +
        `(${fmt(devBroker.msgsPerSec)} vs ${fmt(mock.msgsPerSec)} msg/s; broker CPU ` +
        `${devBroker.brokerCpuSeconds?.toFixed(2) ?? '?'} s vs ${mock.brokerCpuSeconds?.toFixed(2) ?? '?'} s${disk})`,
    );
  }
  const diskRuns = runs.map((r) => r.produce.devBrokerDisk).filter((m) => m !== undefined);
  const baselineRuns = runs.map((r) => r.produce.baseline).filter((m) => m !== undefined);
  return {
    scenario: `${size} B acks=${acks}`,
    size,
    acks,
    produce: {
      devBroker: median(runs.map((r) => r.produce.devBroker)),
      mock: median(runs.map((r) => r.produce.mock)),
      ratio: spread(runs.map((r) => r.produce.ratio)),
      ...(diskRuns.length > 0 && {
        devBrokerDisk: median(diskRuns),
        ratioDisk: spread(runs.map((r) => r.produce.ratioDisk!)),
      }),
      ...(baselineRuns.length > 0 && {
        baseline: median(baselineRuns),
        ratioToBaseline: spread(runs.map((r) => r.produce.ratioToBaseline!)),
      }),
    },
    consume: {
      devBroker: median(runs.map((r) => r.consume.devBroker)),
      mock: { ...median(runs.map((r) => r.consume.mock)), retainedOnly: true as const },
    },
    runs,
  };
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const cpuCell = (m: Measurement) => {
  if (m.brokerCpuSeconds === undefined) return '';
  const loop = m.eventLoopCpuSeconds === undefined ? '' : ` (${m.eventLoopCpuSeconds.toFixed(2)} loop)`;
  return `${m.brokerCpuSeconds.toFixed(2)} s CPU${loop}`;
};
const cell = (m: Measurement) =>
  `${fmt(m.msgsPerSec).padStart(10)} msg/s ${fmt(m.mbPerSec, 1).padStart(6)} MB/s ${cpuCell(m).padEnd(22)}`;

function printTable(results: ScenarioResult[]): void {
  const header = `${'median of runs'.padEnd(24)} ${'dev broker'.padEnd(52)} ${'librdkafka mock'.padEnd(52)} ratio (min-max)`;
  console.log(`\n${header}\n${'-'.repeat(header.length + 4)}`);
  const ratioCell = (ratio: Spread) =>
    `${ratio.median.toFixed(2)}x (${ratio.min.toFixed(2)}-${ratio.max.toFixed(2)})`;
  for (const r of results) {
    console.log(
      `${`produce ${r.scenario}`.padEnd(24)} ${cell(r.produce.devBroker)} ${cell(r.produce.mock)} ` +
        ratioCell(r.produce.ratio),
    );
    const { devBrokerDisk, ratioDisk } = r.produce;
    if (devBrokerDisk) {
      console.log(
        `${'  with --data-dir'.padEnd(24)} ${cell(devBrokerDisk)} ${'(same mock runs)'.padEnd(52)} ` +
          ratioCell(ratioDisk!),
      );
    }
    const { baseline, ratioToBaseline } = r.produce;
    if (baseline) {
      console.log(
        `${'  --baseline build'.padEnd(24)} ${cell(baseline)} ${'(this build ÷ baseline)'.padEnd(52)} ` +
          ratioCell(ratioToBaseline!),
      );
    }
  }
  for (const r of results) {
    const kept = r.consume.mock.records;
    console.log(
      `${`consume ${r.scenario}`.padEnd(24)} ${cell(r.consume.devBroker)} ` +
        `${`kept only ${fmt(kept)} of ${fmt(RECORDS)} records`.padEnd(52)} n/a`,
    );
  }
  console.log(
    `\nratio = dev broker msgs/s / mock msgs/s (wall clock, kcat start to exit), median over ${RUNS} runs with` +
      '\nthe lowest and highest run. "s CPU" = CPU seconds the broker process used ("loop": the dev broker\'s' +
      '\nevent-loop thread). The dev broker keeps every record (in memory by default; "with --data-dir":' +
      '\ndurably on disk); the mock keeps ~5 MiB per partition and drops the rest, so it has no consume' +
      `\nrate to compare with. The dev broker's CRC32C runs on ${crc32cImplementation()}.` +
      (args['kcat-steady-heap'] ? '\nkcat ran with glibc heap trimming off (--kcat-steady-heap).' : ''),
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'samsa-bench-'));
  const results: ScenarioResult[] = [];
  const started = Date.now();
  try {
    for (const size of SIZES) {
      const input = await writeInput(dir, size);
      for (const acks of ACKS) {
        results.push(await scenario(size, acks, input, dir));
      }
      rmSync(input, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  printTable(results);
  const json = {
    benchmark: 'broker-dev kcat produce/consume',
    records: RECORDS,
    runsPerScenario: RUNS,
    date: new Date().toISOString(),
    node: process.version,
    crc32c: crc32cImplementation(),
    kcatSteadyHeap: args['kcat-steady-heap'],
    baseline: BASELINE,
    durationSeconds: Math.round((Date.now() - started) / 1000),
    results,
  };
  console.log(`\n${JSON.stringify(json)}`);
  const outDir = path.resolve(PACKAGE_DIR, '../../bench-results');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path.join(outDir, 'broker-dev.json'), `${JSON.stringify(json, null, 2)}\n`);
}

main().catch((err: Error) => {
  console.error(err.stack ?? err.message);
  process.exit(1);
});
