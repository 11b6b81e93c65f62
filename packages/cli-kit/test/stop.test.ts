import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURE = ['--conditions=@samsa/source', '--import', 'tsx', 'test/fixtures/wait-for-stop.ts'];
const started: ChildProcess[] = [];
const pids: number[] = [];

afterEach(() => {
  for (const child of started.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const pid of pids.splice(0)) if (running(pid)) process.kill(pid, 'SIGKILL');
});

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts `command` and collects its stdout; `until(pattern)` resolves with the first match. */
function start(command: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(command, args, { cwd: PACKAGE_DIR, env: { ...process.env, npm_command: '', ...env } });
  started.push(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  const until = (pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const look = () => {
        const match = pattern.exec(output);
        if (!match) return false;
        child.stdout!.off('data', look);
        resolve(match);
        return true;
      };
      if (look()) return;
      child.stdout!.on('data', look);
      child.once('close', () => reject(new Error(`exited before printing ${pattern}; printed: ${output}`)));
    });
  return { child, until, output: () => output };
}

describe.skipIf(process.platform === 'win32')('waitForStop', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('resolves on %s', { timeout: 30_000 }, async (signal) => {
    const { child, until } = start(process.execPath, FIXTURE);
    await until(/^READY/m);
    child.kill(signal);
    const [, reason] = await until(/^STOP (.*)$/m);
    expect(JSON.parse(reason!)).toEqual({ signal, description: `${signal} received` });
    await once(child, 'close');
    expect(child.exitCode).toBe(0);
  });

  it('gives up on the clean shutdown at a second signal: the signal ends the process', {
    timeout: 30_000,
  }, async () => {
    const { child, until } = start(process.execPath, [...FIXTURE, 'linger']);
    await until(/^READY/m);
    child.kill('SIGINT');
    await until(/^STOP/m);
    child.kill('SIGINT');
    await once(child, 'close');
    expect(child.signalCode).toBe('SIGINT');
  });

  // npx runs a command under `sh -c`: killing npx and its shell leaves the command behind, re-parented.
  const underShell = (npmCommand: string) => {
    const node = [`'${process.execPath}'`, ...FIXTURE, 'linger'].join(' ');
    return start('sh', ['-c', `${node} & wait`], { npm_command: npmCommand });
  };

  it('resolves when started by npx and the process that started it is gone', {
    timeout: 30_000,
  }, async () => {
    const shell = underShell('exec');
    const pid = Number((await shell.until(/^READY (\d+)$/m))[1]);
    pids.push(pid);
    const shellPid = shell.child.pid!;
    shell.child.kill('SIGKILL');
    const [, reason] = await shell.until(/^STOP (.*)$/m);
    expect(JSON.parse(reason!)).toEqual({ description: `the process that started it (${shellPid}) exited` });
  });

  it('keeps waiting when its parent goes away outside npx (nohup, a script that backgrounds it)', {
    timeout: 30_000,
  }, async () => {
    const shell = underShell('');
    const pid = Number((await shell.until(/^READY (\d+)$/m))[1]);
    pids.push(pid);
    shell.child.kill('SIGKILL');
    await once(shell.child, 'exit'); // not 'close': the orphan still holds the output pipe
    // Twenty parent checks later it still waits; a signal still stops it.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(shell.output()).not.toContain('STOP');
    expect(running(pid)).toBe(true);
    process.kill(pid, 'SIGTERM');
    const [, reason] = await shell.until(/^STOP (.*)$/m);
    expect(JSON.parse(reason!)).toMatchObject({ signal: 'SIGTERM' });
  });
});
