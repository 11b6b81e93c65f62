/**
 * Child processes for tests (a CLI, a broker in another process, a peer client): bounded in time and
 * stopped by their own PID, with escalation to SIGKILL, never by name.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface ProcessOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface RunOptions extends ProcessOptions {
  /** Written to stdin, which is then closed. */
  input?: string | Buffer;
  /** SIGKILL after this long (default 60 s); the result then has signal 'SIGKILL'. */
  timeoutMs?: number;
}

/** tsx's loader by absolute URL, so `--import` finds it from any working directory. */
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/**
 * The Node arguments that run `file` (TypeScript) from the workspace sources, as CONTRIBUTING asks of
 * every test that starts a child Node: tsx for the syntax, @samsa/source so workspace packages resolve
 * to their src/ and never to a stale dist/.
 */
export function scriptNodeArgs(file: string): string[] {
  return ['--conditions=@samsa/source', '--import', TSX_LOADER, file];
}

/** Runs a command to completion, collecting its output. */
export function run(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'pipe', env: options.env ?? process.env, cwd: options.cwd });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(stdout).toString(),
        stderr: Buffer.concat(stderr).toString(),
      });
    });
    child.stdin.on('error', () => {}); // a child that exits without reading its input
    child.stdin.end(options.input ?? '');
  });
}

/** Runs a TypeScript file in a child Node (see scriptNodeArgs) to completion. */
export function runScript(file: string, args: readonly string[] = [], options: RunOptions = {}) {
  return run(process.execPath, [...scriptNodeArgs(file), ...args], options);
}

export interface WaitForOutputOptions {
  /** Which output to search (default stdout). */
  stream?: 'stdout' | 'stderr';
  /** Default 30 s. */
  timeoutMs?: number;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Background {
  readonly child: ChildProcessWithoutNullStreams;
  /** Undefined when the command could not be started. */
  readonly pid: number | undefined;
  /** Everything written to stdout so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited (its output may still be arriving: see `closed`). */
  readonly exited: Promise<ExitStatus>;
  /**
   * Resolves when the process has exited and its output streams closed, so stdout() is complete. A
   * process that left a child holding its output (a shell's background job) only closes with that child.
   */
  readonly closed: Promise<ExitStatus>;
  /**
   * Waits until the output matches `pattern` (e.g. /^BROKERS=(.*)$/m) and returns the match. Fails at
   * once if the process exits first, and after the timeout, either way with what it printed.
   */
  waitForOutput(pattern: RegExp, options?: WaitForOutputOptions): Promise<RegExpExecArray>;
  /** Waits until `condition` holds for the output so far (stdout, stderr); fails like waitForOutput. */
  waitUntil(
    what: string,
    condition: (stdout: string, stderr: string) => boolean,
    options?: { timeoutMs?: number },
  ): Promise<void>;
  /** Sends `signal` (default SIGTERM) to this process by PID; SIGKILL after `graceMs` (default 10 s). */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

/** Starts a long-running command. The caller stops it (in a finally block or an afterAll hook). */
export function start(command: string, args: readonly string[], options: ProcessOptions = {}): Background {
  const child = spawn(command, args, { stdio: 'pipe', env: options.env ?? process.env, cwd: options.cwd });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  let spawnError: Error | undefined;
  const exited = new Promise<ExitStatus>((resolve) => {
    child.on('error', (error) => {
      spawnError = error;
      resolve({ code: null, signal: null });
    });
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  const closed = new Promise<ExitStatus>((resolve) => {
    child.on('error', () => resolve({ code: null, signal: null }));
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });
  const printed = () => `--- stdout\n${out}\n--- stderr\n${err}`;
  const waitUntil: Background['waitUntil'] = async (what, condition, { timeoutMs = 30_000 } = {}) => {
    const deadline = Date.now() + timeoutMs;
    while (!condition(out, err)) {
      if (hasExited || spawnError) {
        // Output can trail the exit: give the streams a moment to close (a grandchild may hold them open).
        await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1000))]);
        if (condition(out, err)) return;
        const why = spawnError ? `failed to start (${spawnError.message})` : 'exited';
        throw new Error(`${command} ${why} before ${what}\n${printed()}`);
      }
      if (Date.now() >= deadline)
        throw new Error(`${command}: no ${what} within ${timeoutMs} ms\n${printed()}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  return {
    child,
    pid: child.pid,
    stdout: () => out,
    stderr: () => err,
    exited,
    closed,
    waitUntil,
    async waitForOutput(pattern, { stream = 'stdout', timeoutMs = 30_000 } = {}) {
      const search = () => pattern.exec(stream === 'stdout' ? out : err);
      await waitUntil(`printing ${pattern}`, () => search() !== null, { timeoutMs });
      return search()!;
    },
    async stop(signal = 'SIGTERM', graceMs = 10_000) {
      if (hasExited || child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Starts a TypeScript file in a child Node (see scriptNodeArgs). */
export function startScript(
  file: string,
  args: readonly string[] = [],
  options: ProcessOptions = {},
): Background {
  return start(process.execPath, [...scriptNodeArgs(file), ...args], options);
}

/**
 * Whether the process `pid` runs. On Linux an exited process that its new parent has not reaped yet (a
 * zombie) counts as gone; elsewhere only signal 0 can tell.
 */
export function isRunning(pid: number): boolean {
  checkPid(pid);
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  if (process.platform !== 'linux') return true;
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false; // gone between the signal and the read
  }
}

/**
 * Stops a process that is not our child (one a shell started, say) by PID: `signal` (default SIGTERM),
 * then SIGKILL if it still runs after `graceMs` (default 10 s). Resolves once it is gone.
 */
export async function stopPid(
  pid: number,
  { signal = 'SIGTERM', graceMs = 10_000 }: { signal?: NodeJS.Signals; graceMs?: number } = {},
): Promise<void> {
  if (!sendSignal(pid, signal)) return;
  if (await goneWithin(pid, graceMs)) return;
  if (!sendSignal(pid, 'SIGKILL')) return;
  if (!(await goneWithin(pid, 10_000))) throw new Error(`process ${pid} still runs after SIGKILL`);
}

/** Signals to PID 0 or a negative PID reach whole process groups: never from a test. */
function checkPid(pid: number): void {
  if (!Number.isSafeInteger(pid) || pid <= 0) throw new TypeError(`not a process id: ${pid}`);
}

function sendSignal(pid: number, signal: NodeJS.Signals): boolean {
  if (!isRunning(pid)) return false;
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}

async function goneWithin(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (isRunning(pid)) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}
