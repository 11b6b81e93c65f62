import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isRunning, scriptNodeArgs, start, stopPid, waitFor } from '@samsa/test-support';
import { describe, expect, it } from 'vitest';

// npx runs `samsa-registry serve` under `sh -c`; a SIGTERM to npx's PID ends npx and the shell, not the
// server. Under npx (npm_command=exec) the server must stop by itself once its parent is gone.

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const main = join(packageRoot, 'src', 'cli', 'main.ts');

/** `serve` in memory under `sh -c`, as npm runs it; resolves once it listens, with its PID. */
async function serveUnderShell(npmCommand: string) {
  const server = [process.execPath, ...scriptNodeArgs(main), 'serve', '--port', '0'];
  const command = `${server.map((arg) => `'${arg}'`).join(' ')} & echo PID=$!; wait`;
  const shell = start('sh', ['-c', command], {
    cwd: packageRoot,
    env: { ...process.env, npm_command: npmCommand },
  });
  const pid = Number((await shell.waitForOutput(/^PID=(\d+)$/m))[1]);
  try {
    await shell.waitForOutput(/listening on http/);
  } catch (error) {
    await stopPid(pid, { signal: 'SIGKILL' });
    await shell.stop('SIGKILL');
    throw error;
  }
  return { shell, pid };
}

describe.skipIf(process.platform !== 'linux')(
  'samsa-registry serve when the shell that started it dies',
  () => {
    it('stops by itself when started by npx', { timeout: 60_000 }, async () => {
      const { shell, pid } = await serveUnderShell('exec');
      try {
        await shell.stop('SIGKILL');
        await waitFor('the orphaned server to stop', () => !isRunning(pid), { timeoutMs: 10_000 });
      } finally {
        await stopPid(pid, { signal: 'SIGKILL' });
      }
    });

    it('keeps serving otherwise', { timeout: 60_000 }, async () => {
      const { shell, pid } = await serveUnderShell('');
      try {
        await shell.stop('SIGKILL');
        await new Promise((done) => setTimeout(done, 1500));
        expect(isRunning(pid)).toBe(true);
        process.kill(pid, 'SIGTERM');
        await waitFor('the server to stop on SIGTERM', () => !isRunning(pid), { timeoutMs: 10_000 });
      } finally {
        await stopPid(pid, { signal: 'SIGKILL' });
      }
    });
  },
);
