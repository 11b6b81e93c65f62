/**
 * kcat as a peer and the librdkafka mock cluster inside a long-running kcat. Tests that need kcat skip with an
 * install hint, unless SAMSA_REQUIRE_PEERS=1 makes a missing kcat a failure. (The same helper as core-client's;
 * it moves to @samsa/test-support with the others.)
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const KCAT_HINT = 'kcat is not installed: apt-get install -y kcat (librdkafka 2.0.2+)';

/** Whether kcat tests run: true when installed; throws when required but missing. */
export function kcatAvailable(): boolean {
  let ok = true;
  try {
    execFileSync('kcat', ['-V'], { stdio: 'ignore' });
  } catch {
    ok = false;
  }
  if (!ok && process.env.SAMSA_REQUIRE_PEERS === '1')
    throw new Error(`SAMSA_REQUIRE_PEERS=1 but ${KCAT_HINT}`);
  if (!ok) console.warn(`skipping kcat tests: ${KCAT_HINT}`);
  return ok;
}

export interface MockCluster {
  bootstrap: string[];
  stop(): Promise<void>;
}

/** Starts a librdkafka mock cluster with `brokers` brokers; it lives as long as the kcat process. */
export async function startMockCluster(brokers = 3): Promise<MockCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'samsa-mock-'));
  const log = join(dir, 'mock.log');
  const child: ChildProcess = spawn(
    'kcat',
    ['-b', 'x', '-X', `test.mock.num.brokers=${brokers}`, '-C', '-t', '__keepalive', '-o', 'end'],
    { stdio: ['ignore', 'ignore', openSync(log, 'w')] },
  );
  const deadline = Date.now() + 10_000;
  let bootstrap: string[] | null = null;
  while (Date.now() < deadline) {
    const match = /replaced with (\S+)/.exec(readFileSync(log, 'utf8'));
    if (match) {
      bootstrap = match[1].split(',');
      break;
    }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!bootstrap) {
    child.kill('SIGKILL');
    throw new Error(`librdkafka mock cluster did not start: ${readFileSync(log, 'utf8')}`);
  }
  return {
    bootstrap,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs kcat with `args`, feeding `input`; resolves with stdout. Bounded by `timeoutMs`. */
export function runKcat(args: string[], input?: string, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kcat ${args.join(' ')} timed out; stderr: ${Buffer.concat(err).toString()}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new Error(`kcat exited ${code}: ${Buffer.concat(err).toString()}`));
    });
    child.stdin.end(input ?? '');
  });
}
