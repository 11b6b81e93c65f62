/**
 * The chaos suite's machinery: the seed, a broker child process that can be killed and started again
 * on its data dir and ports, worker child processes, the fault tally, and the check of an output log
 * against the inputs (exactly once, in per-key order).
 */
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Background, startScript, waitFor } from '@samsa/test-support';
import { type Kafka, LogLevel } from '../../src/index.js';

/** The environment variable that replays a run: its seed is printed at the start and on failure. */
export const SEED_VARIABLE = 'SAMSA_CHAOS_SEED';

export function chaosSeed(): number {
  const given = process.env[SEED_VARIABLE];
  if (given !== undefined && given !== '') {
    const seed = Number(given);
    if (!Number.isSafeInteger(seed) || seed < 0)
      throw new TypeError(`${SEED_VARIABLE} must be a non-negative integer, got '${given}'`);
    return seed;
  }
  return Math.floor(Math.random() * 2 ** 31);
}

/** A small seeded generator (mulberry32): the same seed gives the same fault schedule. */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** In [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
}

/** How many faults of each kind were injected, and when (seconds since the tally began). */
export class FaultTally {
  private readonly counts = new Map<string, number>();
  private readonly started = Date.now();
  private readonly events: string[] = [];
  add(kind: string): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
    this.events.push(`${((Date.now() - this.started) / 1000).toFixed(1)}s ${kind}`);
  }
  /** Marks an event in the timeline without counting it as a fault. */
  note(event: string): void {
    this.events.push(`${((Date.now() - this.started) / 1000).toFixed(1)}s (${event})`);
  }
  /** One line: each fault with its time. */
  timeline(): string {
    return this.events.join('; ');
  }
  count(kind: string): number {
    return this.counts.get(kind) ?? 0;
  }
  get total(): number {
    let n = 0;
    for (const c of this.counts.values()) n += c;
    return n;
  }
  toJSON(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b)));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `count` consecutive free ports on 127.0.0.1 (the broker's nodes listen on port, port + 1, ...). */
export async function freePorts(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 30_000);
    const held = [];
    let free = true;
    for (let i = 0; i < count && free; i++) {
      const server = createServer();
      free = await new Promise<boolean>((resolve) => {
        server.once('error', () => resolve(false));
        server.listen(base + i, '127.0.0.1', () => resolve(true));
      });
      if (free) held.push(server);
    }
    await Promise.all(held.map((s) => new Promise((resolve) => s.close(resolve))));
    if (free) return base;
  }
  throw new Error(`no ${count} consecutive free ports found`);
}

const BROKER_SCRIPT = fileURLToPath(new URL('./broker-process.ts', import.meta.url));
const WORKER_SCRIPT = fileURLToPath(new URL('./worker-process.ts', import.meta.url));

/**
 * The dev broker in a child process on a data dir and fixed ports: `kill()` is SIGKILL (nothing
 * flushed, nothing stopped cleanly), `start()` brings it back on the same data dir and ports.
 */
export class BrokerProcess {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'samsa-chaos-'));
  private process: Background | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  bootstrap: string[] = [];

  private constructor(
    readonly port: number,
    readonly brokers: number,
  ) {}

  static async start(brokers: number): Promise<BrokerProcess> {
    const broker = new BrokerProcess(await freePorts(brokers), brokers);
    if (broker.logFile) console.log(`chaos: the broker logs to ${broker.logFile}`);
    await broker.start();
    return broker;
  }

  /** With SAMSA_CHAOS_BROKER_LOG=1, where the broker's log goes (kept across restarts and after the run). */
  readonly logFile =
    process.env.SAMSA_CHAOS_BROKER_LOG === '1'
      ? join(tmpdir(), `samsa-chaos-broker-${process.pid}.log`)
      : null;

  async start(): Promise<void> {
    const child = startScript(BROKER_SCRIPT, [String(this.port), String(this.brokers), this.dataDir]);
    this.process = child;
    const logFile = this.logFile;
    if (logFile) child.child.stderr.on('data', (chunk: Buffer) => appendFileSync(logFile, chunk));
    let buffered = '';
    child.child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let newline = buffered.indexOf('\n');
      while (newline >= 0) {
        this.answer(buffered.slice(0, newline));
        buffered = buffered.slice(newline + 1);
        newline = buffered.indexOf('\n');
      }
    });
    void child.exited.then(() => {
      for (const { reject } of this.pending.values()) reject(new Error('broker process exited'));
      this.pending.clear();
    });
    const ready = await child.waitForOutput(/^READY (.*)$/m, { timeoutMs: 60_000 });
    this.bootstrap = ready[1]!.split(',');
  }

  /** SIGKILL, then wait for the process to be gone. */
  async kill(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child) return;
    child.child.kill('SIGKILL');
    await child.exited;
  }

  /** Calls a method of the broker's control API in the child process. */
  control(op: string, ...args: unknown[]): Promise<unknown> {
    const child = this.process;
    if (!child) return Promise.reject(new Error('broker process is not running'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      child.child.stdin.write(`${JSON.stringify({ id, op, args })}\n`);
    });
  }

  get running(): boolean {
    return this.process !== undefined;
  }

  /** Stops the broker (closing its stdin makes it stop cleanly) and deletes its data dir. */
  async close(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (child) {
      child.child.stdin.end();
      const timer = setTimeout(() => child.child.kill('SIGKILL'), 10_000);
      await child.exited;
      clearTimeout(timer);
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  private answer(line: string): void {
    if (!line.startsWith('{')) return;
    const { id, ok, result, error } = JSON.parse(line) as {
      id: number;
      ok: boolean;
      result?: unknown;
      error?: string;
    };
    const waiter = this.pending.get(id);
    if (!waiter) return;
    this.pending.delete(id);
    if (ok) waiter.resolve(result);
    else waiter.reject(new Error(error));
  }
}

export interface WorkerSettings {
  groupId: string;
  input: string;
  output: string;
  /** How long a worker works on each batch inside its transaction. */
  workMs: number;
}

/**
 * Worker child processes, one per slot; a slot keeps its transactionalId across restarts, so a
 * restarted worker fences its killed predecessor. Exits nobody asked for are counted and restarted.
 */
export class WorkerPool {
  private readonly workers: (Background | undefined)[];
  private stopped = false;
  /** Exits that were not a kill or a stop of the suite, with what the worker said. */
  readonly unexpectedExits: string[] = [];

  constructor(
    private readonly broker: BrokerProcess,
    private readonly settings: WorkerSettings,
    size: number,
  ) {
    this.workers = new Array(size).fill(undefined);
  }

  get size(): number {
    return this.workers.length;
  }

  start(slot: number): void {
    if (this.stopped) return; // a restart scheduled before the suite stopped the pool
    const { groupId, input, output, workMs } = this.settings;
    const worker = startScript(WORKER_SCRIPT, [
      this.broker.bootstrap.join(','),
      groupId,
      input,
      output,
      `${groupId}-tx-${slot}`,
      String(workMs),
    ]);
    this.workers[slot] = worker;
    void worker.exited.then((status) => {
      if (this.workers[slot] !== worker) return; // killed or stopped on purpose
      this.unexpectedExits.push(
        `worker ${slot} exited (${status.signal ?? status.code}): ${worker.stderr().trim().slice(-2000)}`,
      );
      this.start(slot);
    });
  }

  startAll(): void {
    for (let slot = 0; slot < this.workers.length; slot++) this.start(slot);
  }

  /** Waits until every running worker has joined the group (printed RUNNING). */
  async waitUntilRunning(): Promise<void> {
    await Promise.all(
      this.workers.map((worker) => worker?.waitForOutput(/^RUNNING$/m, { timeoutMs: 60_000 })),
    );
  }

  /** SIGKILL: no transaction aborted, no group left, no connection closed politely. */
  async kill(slot: number): Promise<void> {
    const worker = this.workers[slot];
    this.workers[slot] = undefined;
    if (!worker) return;
    worker.child.kill('SIGKILL');
    await worker.exited;
  }

  isRunning(slot: number): boolean {
    return this.workers[slot] !== undefined;
  }

  /**
   * SIGTERM to every worker (each aborts its open transaction and leaves the group), SIGKILL after
   * 15 s; no worker starts afterwards.
   */
  async stopAll(): Promise<void> {
    this.stopped = true;
    const running = this.workers.splice(0, this.workers.length, ...new Array(this.workers.length));
    await Promise.all(running.map((w) => w?.stop('SIGTERM', 15_000)));
  }
}

/** Retries an admin call while the broker restarts or moves things around. */
export async function retrying<T>(what: string, call: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await call();
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`${what}: ${(err as Error).message}`, { cause: err });
      await sleep(200);
    }
  }
}

/** Waits until the group committed offsets up to the end of every input partition. */
export async function waitForGroupCaughtUp(
  kafka: Kafka,
  groupId: string,
  topic: string,
  timeoutMs: number,
): Promise<void> {
  const admin = kafka.admin();
  await retrying('admin connect', () => admin.connect());
  try {
    const ends = await retrying('input end offsets', () => admin.fetchTopicOffsets(topic));
    await waitFor(
      `the group to commit to the end of ${topic}`,
      async () => {
        const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
        const at = new Map(committed[0]?.partitions.map((p) => [p.partition, BigInt(p.offset)]) ?? []);
        const lagging = ends.filter((e) => (at.get(e.partition) ?? -1n) < BigInt(e.high));
        if (lagging.length > 0) {
          const behind = lagging.map((e) => `${e.partition}: ${at.get(e.partition) ?? -1n}/${e.high}`);
          throw new Error(`committed/end offsets: ${behind.join(', ')}`);
        }
        return true;
      },
      { timeoutMs, intervalMs: 250 },
    );
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

export interface LoggedRecord {
  partition: number;
  offset: bigint;
  key: string;
  value: string;
}

/**
 * Every record of `topic` from the start to its end, read by a consumer without a group with the
 * given isolation level. Call it when no transaction is open, so the end is the last stable offset.
 */
export async function readAll(
  kafka: Kafka,
  topic: string,
  isolationLevel: 'read_committed' | 'read_uncommitted',
): Promise<LoggedRecord[]> {
  const admin = kafka.admin();
  await retrying('admin connect', () => admin.connect());
  const ends = await retrying('end offsets', () => admin.fetchTopicOffsets(topic)).finally(() =>
    admin.disconnect().catch(() => {}),
  );
  // assign() joins no group; the id is only what the consumer requires.
  const consumer = kafka.consumer({
    groupId: `chaos-reader-${topic}`,
    isolationLevel,
    autoOffsetReset: 'earliest',
    fetchMaxWaitMs: 50,
  });
  const records: LoggedRecord[] = [];
  consumer.assign([{ topic, partitions: ends.map((e) => e.partition) }]);
  try {
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        records.push({
          partition,
          offset: BigInt(message.offset),
          key: message.key!.toString(),
          value: message.value!.toString(),
        });
      },
    });
    await waitFor(
      `reading ${topic} to its end`,
      () =>
        ends.every((e) => {
          const at = consumer.position({ topic, partition: e.partition });
          return at !== null && BigInt(at) >= BigInt(e.high);
        }),
      { timeoutMs: 30_000, intervalMs: 50 },
    );
  } finally {
    await consumer.disconnect();
  }
  return records;
}

export interface ExactlyOnceReport {
  inputs: number;
  outputs: number;
  duplicates: number;
  losses: number;
  orderViolations: number;
  /** A few examples of each problem, for the failure message. */
  examples: string[];
}

/**
 * Checks an output log against the inputs: input `i` is the record with key `key-<i % keys>` and
 * value `<key>:<sequence of i within its key>`. Every input must appear exactly once, and a key's
 * records in increasing sequence (they share a partition, so log order is per-key order).
 */
export function checkExactlyOnce(inputs: number, keys: number, output: LoggedRecord[]): ExactlyOnceReport {
  const report: ExactlyOnceReport = {
    inputs,
    outputs: output.length,
    duplicates: 0,
    losses: 0,
    orderViolations: 0,
    examples: [],
  };
  const example = (text: string) => {
    if (report.examples.length < 10) report.examples.push(text);
  };
  const seen = new Set<string>();
  const lastSequence = new Map<string, number>();
  const sorted = [...output].sort((a, b) =>
    a.partition !== b.partition ? a.partition - b.partition : a.offset < b.offset ? -1 : 1,
  );
  for (const record of sorted) {
    if (seen.has(record.value)) {
      report.duplicates++;
      example(`duplicate ${record.value} at ${record.partition}@${record.offset}`);
      continue;
    }
    seen.add(record.value);
    const sequence = Number(record.value.slice(record.value.lastIndexOf(':') + 1));
    const last = lastSequence.get(record.key) ?? -1;
    if (sequence < last) {
      report.orderViolations++;
      example(`${record.value} after ${record.key}:${last} at ${record.partition}@${record.offset}`);
    }
    lastSequence.set(record.key, Math.max(last, sequence));
  }
  for (let i = 0; i < inputs; i++) {
    const value = inputValue(i, keys);
    if (!seen.has(value)) {
      report.losses++;
      example(`lost ${value}`);
    }
  }
  return report;
}

/** The key of input `i`. */
export function inputKey(i: number, keys: number): string {
  return `key-${i % keys}`;
}

/** The value of input `i`: its key and its sequence number within the key. */
export function inputValue(i: number, keys: number): string {
  return `${inputKey(i, keys)}:${Math.floor(i / keys)}`;
}

/** Test-side clients log only when asked (SAMSA_CHAOS_CLIENT_LOG=1). */
export const clientLogLevel = process.env.SAMSA_CHAOS_CLIENT_LOG === '1' ? LogLevel.INFO : LogLevel.NOTHING;

export { sleep };
