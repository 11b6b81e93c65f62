import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isRunning, run, runScript, start, startScript, stopPid } from '../src/processes.js';

const child = fileURLToPath(new URL('./fixtures/print-and-wait.ts', import.meta.url));

describe('run', () => {
  it('collects output and the exit code, feeding stdin', async () => {
    const result = await run(
      process.execPath,
      ['-e', 'process.stdin.pipe(process.stdout); process.exitCode = 4'],
      {
        input: 'echo',
      },
    );
    expect(result).toMatchObject({ code: 4, signal: null, stdout: 'echo', stderr: '' });
  });

  it('kills a command that outlives its timeout', async () => {
    const result = await run(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { timeoutMs: 200 });
    expect(result.signal).toBe('SIGKILL');
  });

  it('runs TypeScript from the workspace sources (tsx, @samsa/source)', async () => {
    const result = await runScript(child, ['exit']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('READY python=/usr/bin/python3\n');
    expect(result.code).toBe(0);
  });
});

describe('start', () => {
  it('waits for a line, then stops the process by its PID', async () => {
    const background = startScript(child);
    try {
      const match = await background.waitForOutput(/^READY python=(\S+)$/m);
      expect(match[1]).toBe('/usr/bin/python3');
      expect(isRunning(background.pid!)).toBe(true);
    } finally {
      await background.stop();
    }
    expect((await background.exited).signal).toBe('SIGTERM');
    expect(isRunning(background.pid!)).toBe(false);
  });

  it('fails at once, with the output, when the process exits before printing the line', async () => {
    const background = start(process.execPath, ['-e', 'console.error("no luck"); process.exit(2)']);
    await expect(background.waitForOutput(/^BROKERS=/m, { timeoutMs: 20_000 })).rejects.toThrow(
      /exited before printing \/\^BROKERS=\/m[\s\S]*no luck/,
    );
  });

  it('waits for a condition on the output, and reads all of it once closed', async () => {
    const script = "for (let i = 0; i < 3; i++) console.log('line ' + i); setTimeout(() => {}, 300)";
    const background = start(process.execPath, ['-e', script]);
    await background.waitUntil('three lines', (stdout) => stdout.split('\n').length > 3);
    expect((await background.closed).code).toBe(0);
    expect(background.stdout()).toBe('line 0\nline 1\nline 2\n');
  });

  it('escalates to SIGKILL when the process ignores the signal', async () => {
    const background = startScript(child, ['ignore-sigterm']);
    await background.waitForOutput(/^READY/m);
    await background.stop('SIGTERM', 200);
    expect((await background.exited).signal).toBe('SIGKILL');
  });
});

describe('stopPid', () => {
  it('stops a process by PID, escalating to SIGKILL after the grace period', async () => {
    const background = startScript(child, ['ignore-sigterm']);
    await background.waitForOutput(/^READY/m);
    await stopPid(background.pid!, { graceMs: 200 });
    expect((await background.exited).signal).toBe('SIGKILL');
    await stopPid(background.pid!); // already gone: nothing to do
  });

  it('refuses PIDs that would signal a process group', () => {
    expect(() => isRunning(0)).toThrow(TypeError);
    expect(() => isRunning(-1)).toThrow(TypeError);
  });
});
