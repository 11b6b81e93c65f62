/**
 * Benchmark: kcat (librdkafka 2.0.2) producing 1,000,000 records of 100 B and of 1 KB, with
 * acks=1 and acks=-1, into the dev broker and into the librdkafka mock cluster, side by side in
 * one run; then consuming them back. Prints a table with msgs/s, MB/s and the ratio, then JSON.
 *
 * Each scenario runs `--runs` times (default 3), dev broker and mock alternating, each run with a
 * fresh broker and a fresh mock (partition 0 of a new topic); the table shows medians, the JSON
 * every run. Besides wall-clock rates it reports the CPU seconds the broker process itself used
 * (from /proc), which the shared machine's noise affects far less. The mock keeps only about
 * 5 MiB per partition, so its consume numbers cover what it retained (noted in the table);
 * produce is the like-for-like comparison.
 *
 * Usage: npm run bench -w @samsa/broker-dev [-- --records N --sizes 100,1024 --acks 1,-1 --runs 3]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  createReadStream,
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    sizes: { type: 'string', default: '100,1024' },
    acks: { type: 'string', default: '1,-1' },
    runs: { type: 'string', default: '3' },
  },
});
const RECORDS = Number(args.records);
const SIZES = args.sizes!.split(',').map(Number);
const ACKS = args.acks!.split(',').map(Number);
const RUNS = Number(args.runs);
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
}

interface Run {
  produce: { devBroker: Measurement; mock: Measurement };
  consume: { devBroker: Measurement; mock: Measurement };
}

interface ScenarioResult {
  scenario: string;
  size: number;
  acks: number;
  /** Medians over the runs. */
  produce: { devBroker: Measurement; mock: Measurement; ratio: number };
  consume: { devBroker: Measurement; mock: Measurement & { retainedOnly: true }; ratio: number };
  runs: Run[];
}

function measurement(records: number, size: number, seconds: number, brokerCpuSeconds?: number): Measurement {
  return {
    records,
    bytes: records * size,
    seconds,
    msgsPerSec: records / seconds,
    mbPerSec: (records * size) / seconds / 1e6,
    ...(brokerCpuSeconds !== undefined && { brokerCpuSeconds }),
  };
}

/** The run with the median rate. */
function median(measurements: Measurement[]): Measurement {
  const sorted = [...measurements].sort((a, b) => a.msgsPerSec - b.msgsPerSec);
  return sorted[Math.floor(sorted.length / 2)];
}

/** CPU seconds (utime + stime) of a process so far, or undefined off Linux. */
function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
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

/** Runs a command with stdin from a file (or nothing), counting stdout lines; returns seconds and lines. */
function timed(
  command: string,
  commandArgs: string[],
  stdinFile?: string,
): Promise<{ seconds: number; lines: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, commandArgs, { stdio: ['pipe', 'pipe', 'pipe'] });
    let lines = 0;
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) lines++;
    });
    child.stderr.on('data', (chunk: Buffer) => {
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
    if (stdinFile) {
      createReadStream(stdinFile).pipe(child.stdin);
    } else {
      child.stdin.end();
    }
  });
}

/** Starts a process and waits until `ready` matches its output; returns the match and the child. */
function startService(
  command: string,
  commandArgs: string[],
  stream: 'stdout' | 'stderr',
  ready: RegExp,
  cwd?: string,
): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, { stdio: ['pipe', 'pipe', 'pipe'], cwd });
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} did not become ready: ${output.slice(-2000)}`));
    }, 60_000);
    child[stream]!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited with ${code} before it was ready: ${output.slice(-2000)}`));
    });
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.removeAllListeners('exit');
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

function startDevBroker() {
  return startService(
    process.execPath,
    ['--conditions=@samsa/source', '--import', 'tsx', 'src/cli.ts', '--port', '0', '--log-level', 'warn'],
    'stdout',
    /BROKERS=(\S+)\n/,
    PACKAGE_DIR,
  );
}

function startMock() {
  return startService(
    'kcat',
    ['-C', '-b', 'dummy:9092', '-t', '__keepalive', '-X', 'test.mock.num.brokers=1', '-q'],
    'stderr',
    /replaced with (\S+)/,
  );
}

async function produceAndConsume(
  bootstrap: string,
  topic: string,
  input: string,
  acks: number,
  brokerPid: number | undefined,
) {
  const cpu0 = cpuSeconds(brokerPid);
  const produced = await timed(
    'kcat',
    ['-P', '-b', bootstrap, '-t', topic, '-p', '0', '-X', 'linger.ms=5', '-X', `acks=${acks}`],
    input,
  );
  const cpu1 = cpuSeconds(brokerPid);
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
  const cpu2 = cpuSeconds(brokerPid);
  const delta = (a?: number, b?: number) => (a === undefined || b === undefined ? undefined : b - a);
  return {
    produceSeconds: produced.seconds,
    consumeSeconds: consumed.seconds,
    consumed: consumed.lines,
    produceCpu: delta(cpu0, cpu1),
    consumeCpu: delta(cpu1, cpu2),
  };
}

async function runOnce(size: number, acks: number, input: string, run: number): Promise<Run> {
  const topic = `bench-${size}-${acks === -1 ? 'all' : acks}-${run}`;
  const dev = await startDevBroker();
  let devResult: Awaited<ReturnType<typeof produceAndConsume>>;
  try {
    devResult = await produceAndConsume(dev.match[1], topic, input, acks, dev.child.pid);
  } finally {
    await stop(dev.child);
  }
  if (devResult.consumed !== RECORDS)
    throw new Error(`dev broker returned ${devResult.consumed} of ${RECORDS} records`);
  const mock = await startMock();
  let mockResult: Awaited<ReturnType<typeof produceAndConsume>>;
  try {
    mockResult = await produceAndConsume(mock.match[1], topic, input, acks, mock.child.pid);
  } finally {
    await stop(mock.child);
  }
  return {
    produce: {
      devBroker: measurement(RECORDS, size, devResult.produceSeconds, devResult.produceCpu),
      mock: measurement(RECORDS, size, mockResult.produceSeconds, mockResult.produceCpu),
    },
    consume: {
      devBroker: measurement(devResult.consumed, size, devResult.consumeSeconds, devResult.consumeCpu),
      mock: measurement(mockResult.consumed, size, mockResult.consumeSeconds, mockResult.consumeCpu),
    },
  };
}

async function scenario(size: number, acks: number, input: string): Promise<ScenarioResult> {
  const runs: Run[] = [];
  for (let run = 0; run < RUNS; run++) {
    const result = await runOnce(size, acks, input, run);
    runs.push(result);
    const ratio = result.produce.devBroker.msgsPerSec / result.produce.mock.msgsPerSec;
    console.error(
      `${size} B acks=${acks} run ${run + 1}/${RUNS}: produce ${ratio.toFixed(2)}x ` +
        `(${fmt(result.produce.devBroker.msgsPerSec)} vs ${fmt(result.produce.mock.msgsPerSec)} msg/s)`,
    );
  }
  const devProduce = median(runs.map((r) => r.produce.devBroker));
  const mockProduce = median(runs.map((r) => r.produce.mock));
  const devConsume = median(runs.map((r) => r.consume.devBroker));
  const mockConsume = { ...median(runs.map((r) => r.consume.mock)), retainedOnly: true as const };
  return {
    scenario: `${size} B acks=${acks}`,
    size,
    acks,
    produce: {
      devBroker: devProduce,
      mock: mockProduce,
      ratio: devProduce.msgsPerSec / mockProduce.msgsPerSec,
    },
    consume: {
      devBroker: devConsume,
      mock: mockConsume,
      ratio: devConsume.msgsPerSec / mockConsume.msgsPerSec,
    },
    runs,
  };
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const cell = (m: Measurement) =>
  `${fmt(m.msgsPerSec).padStart(11)} msg/s ${fmt(m.mbPerSec, 1).padStart(7)} MB/s ${m.brokerCpuSeconds === undefined ? '' : `${m.brokerCpuSeconds.toFixed(2).padStart(5)} s CPU`}`;

function printTable(results: ScenarioResult[]): void {
  const header = `${'scenario (median of runs)'.padEnd(26)} ${'dev broker'.padEnd(42)} ${'librdkafka mock'.padEnd(42)} ratio`;
  console.log(`\n${header}\n${'-'.repeat(header.length + 4)}`);
  for (const r of results) {
    console.log(
      `${`produce ${r.scenario}`.padEnd(26)} ${cell(r.produce.devBroker)}  ${cell(r.produce.mock)}  ${r.produce.ratio.toFixed(2)}x`,
    );
  }
  for (const r of results) {
    const note = ` (mock: ${fmt(r.consume.mock.records)} retained)`;
    console.log(
      `${`consume ${r.scenario}`.padEnd(26)} ${cell(r.consume.devBroker)}  ${cell(r.consume.mock)}  ${r.consume.ratio.toFixed(2)}x${note}`,
    );
  }
  console.log(
    '\nratio = dev broker msgs/s / mock msgs/s (wall clock, kcat start to exit). "s CPU" = CPU seconds the broker process used.' +
      '\nThe dev broker keeps every record in memory; the mock keeps ~5 MiB per partition, so its consume rows read only what it retained.',
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'samsa-bench-'));
  const results: ScenarioResult[] = [];
  try {
    for (const size of SIZES) {
      const input = await writeInput(dir, size);
      for (const acks of ACKS) {
        results.push(await scenario(size, acks, input));
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
