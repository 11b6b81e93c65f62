/**
 * The librdkafka mock cluster (inside a long-running kcat) and kcat as a peer client. Tests that
 * need kcat skip with an install hint, unless SAMSA_REQUIRE_PEERS=1 makes a missing kcat a failure.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const KCAT_HINT = 'kcat is not installed: apt-get install -y kcat (librdkafka 2.0.2+)';

export function hasKcat(): boolean {
  try {
    execFileSync('kcat', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Whether kcat tests run: true when installed; throws when required but missing. */
export function kcatAvailable(): boolean {
  const ok = hasKcat();
  if (!ok && process.env.SAMSA_REQUIRE_PEERS === '1') {
    throw new Error(`SAMSA_REQUIRE_PEERS=1 but ${KCAT_HINT}`);
  }
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
  const { openSync } = await import('node:fs');
  const fd = openSync(log, 'w');
  const child: ChildProcess = spawn(
    'kcat',
    ['-b', 'x', '-X', `test.mock.num.brokers=${brokers}`, '-C', '-t', '__keepalive', '-o', 'end'],
    { stdio: ['ignore', 'ignore', fd] },
  );
  const deadline = Date.now() + 10_000;
  let bootstrap: string[] | null = null;
  while (Date.now() < deadline) {
    const text = readFileSync(log, 'utf8');
    const m = /replaced with (\S+)/.exec(text);
    if (m) {
      bootstrap = m[1].split(',');
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
export function runKcat(args: string[], input?: string | Buffer, timeoutMs = 60_000): Promise<string> {
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
