/**
 * The transactional produce scenarios (records per transaction 100 / 1,000 / 10,000, 100 B
 * values) and the librdkafka mock cluster as a bench target: a long-lived kcat whose mock brokers
 * have a transaction coordinator (broker-dev gets one later). See bench/run.ts.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TRANSACTIONAL_SCENARIOS = [100, 1_000, 10_000].map((recordsPerTransaction) => ({
  scenario: `produce 100 B in transactions of ${recordsPerTransaction.toLocaleString('en-US')}`,
  recordsPerTransaction,
  /** Records per run at BENCH_SCALE=1: enough transactions that commits dominate at 100 per transaction. */
  count: recordsPerTransaction === 100 ? 50_000 : 200_000,
}));

/** Starts a 3-broker librdkafka mock cluster inside kcat; resolves its bootstrap list and pid. */
export async function startMockTarget(): Promise<{
  bootstrap: string[];
  pid: number | undefined;
  stop(): Promise<void>;
}> {
  const dir = mkdtempSync(join(tmpdir(), 'samsa-bench-mock-'));
  const log = join(dir, 'mock.log');
  let child: ChildProcess;
  try {
    child = spawn(
      'kcat',
      ['-b', 'x', '-X', 'test.mock.num.brokers=3', '-C', '-t', '__keepalive', '-o', 'end'],
      {
        stdio: ['ignore', 'ignore', openSync(log, 'w')],
      },
    );
  } catch (err) {
    throw new Error(
      `BENCH_BROKER=librdkafka-mock needs kcat (apt-get install -y kcat): ${(err as Error).message}`,
    );
  }
  const deadline = Date.now() + 10_000;
  for (;;) {
    const m = /replaced with (\S+)/.exec(readFileSync(log, 'utf8'));
    if (m) {
      return {
        bootstrap: m[1]!.split(','),
        pid: child.pid,
        async stop() {
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGTERM');
          await exited;
          rmSync(dir, { recursive: true, force: true });
        },
      };
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(
        `the librdkafka mock cluster did not start (is kcat installed?): ${readFileSync(log, 'utf8')}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
