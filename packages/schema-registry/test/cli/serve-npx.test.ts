import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

// npx runs `samsa-registry serve` under `sh -c`; a SIGTERM to npx's PID ends npx and the shell, not the
// server. Under npx (npm_command=exec) the server must stop by itself once its parent is gone.

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const main = join(packageRoot, 'src', 'cli', 'main.ts');
const tsx = pathToFileURL(
  createRequire(import.meta.url)
    .resolve('tsx/package.json')
    .replace(/package\.json$/, 'dist/loader.mjs'),
).href;

/** Whether `pid` runs; an exited process not yet reaped by its new parent counts as gone. */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

async function until(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

/** `serve` in memory under `sh -c`, as npm runs it; resolves once it listens, with its PID. */
async function serveUnderShell(npmCommand: string) {
  const command = `'${process.execPath}' --conditions=@samsa/source --import ${tsx} ${main} serve --port 0 & echo PID=$!; wait`;
  const shell = spawn('sh', ['-c', command], {
    cwd: packageRoot,
    env: { ...process.env, npm_command: npmCommand },
  });
  let output = '';
  shell.stdout.on('data', (chunk) => (output += chunk));
  shell.stderr.on('data', (chunk) => (output += chunk));
  await until('serve to listen', () => /listening on http/.test(output), 30_000);
  const pid = Number(/^PID=(\d+)$/m.exec(output)![1]);
  return { shell, pid };
}

describe.skipIf(process.platform !== 'linux')(
  'samsa-registry serve when the shell that started it dies',
  () => {
    it('stops by itself when started by npx', { timeout: 60_000 }, async () => {
      const { shell, pid } = await serveUnderShell('exec');
      try {
        shell.kill('SIGKILL');
        await until('the orphaned server to stop', () => !running(pid), 10_000);
      } finally {
        if (running(pid)) process.kill(pid, 'SIGKILL');
      }
    });

    it('keeps serving otherwise', { timeout: 60_000 }, async () => {
      const { shell, pid } = await serveUnderShell('');
      try {
        shell.kill('SIGKILL');
        await new Promise((done) => setTimeout(done, 1500));
        expect(running(pid)).toBe(true);
      } finally {
        if (running(pid)) process.kill(pid, 'SIGTERM');
      }
      await until('the server to stop on SIGTERM', () => !running(pid), 10_000);
    });
  },
);
