/**
 * The brokers the benchmarks compare, as child processes: the dev broker's CLI and the librdkafka mock
 * cluster (`kcat -X test.mock.num.brokers=1`), and the CPU time they use, read from /proc.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** CPU seconds a broker process used: all threads, and its main (event-loop) thread. */
export interface Cpu {
  process?: number;
  mainThread?: number;
}

/** User and system CPU seconds from a /proc stat file, or undefined off Linux. */
function statTimes(file: string): { user: number; system: number } | undefined {
  try {
    const stat = readFileSync(file, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { user: Number(fields[11]) / 100, system: Number(fields[12]) / 100 };
  } catch {
    return undefined;
  }
}

function statCpuSeconds(file: string): number | undefined {
  const times = statTimes(file);
  return times && times.user + times.system;
}

/** A process's user and system CPU seconds so far, or undefined off Linux. */
export function userSystemSeconds(pid: number): { user: number; system: number } | undefined {
  return statTimes(`/proc/${pid}/stat`);
}

export function cpuOf(pid: number | undefined): Cpu {
  if (pid === undefined) return {};
  return {
    process: statCpuSeconds(`/proc/${pid}/stat`),
    mainThread: statCpuSeconds(`/proc/${pid}/task/${pid}/stat`),
  };
}

export function cpuDelta(a: Cpu, b: Cpu, mainThread: boolean): Cpu {
  const d = (x?: number, y?: number) => (x === undefined || y === undefined ? undefined : y - x);
  return {
    process: d(a.process, b.process),
    ...(mainThread && { mainThread: d(a.mainThread, b.mainThread) }),
  };
}

/** Starts a process and waits until `ready` matches its output; returns the match and the child. */
function startService(
  command: string,
  commandArgs: string[],
  stream: 'stdout' | 'stderr',
  ready: RegExp,
  cwd?: string,
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, commandArgs, {
      stdio: ['pipe', 'pipe', 'pipe'],
      cwd,
      env: { ...process.env, ...env },
    });
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

/** SIGTERM, then SIGKILL after 10 s; resolves once the process is gone. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.removeAllListeners('exit');
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * The dev broker's CLI on a random port; `match[1]` is its bootstrap. From the sources by default;
 * with `checkout`, the built `samsa-broker` of that repository checkout (its `dist`, through the bin
 * script every version has), so two builds can be compared in one run.
 */
export function startDevBroker(extraArgs: string[] = [], checkout?: string) {
  const flags = ['--port', '0', '--log-level', 'warn', ...extraArgs];
  const entry =
    checkout === undefined
      ? ['--conditions=@samsa/source', '--import', 'tsx', 'src/cli/main.ts']
      : [path.join(checkout, 'packages/broker-dev/bin/samsa-broker.js')];
  return startService(process.execPath, [...entry, ...flags], 'stdout', /BROKERS=(\S+)\n/, PACKAGE_DIR);
}

/** The librdkafka mock cluster, hosted by a kcat consumer; `match[1]` is its bootstrap. */
export function startMock(env: Record<string, string> = {}) {
  return startService(
    'kcat',
    ['-C', '-b', 'dummy:9092', '-t', '__keepalive', '-X', 'test.mock.num.brokers=1', '-q'],
    'stderr',
    /replaced with (\S+)/,
    undefined,
    env,
  );
}
