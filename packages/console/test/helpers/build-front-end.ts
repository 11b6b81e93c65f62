/**
 * Vitest global setup: builds the front end into dist/web when it is missing or older than its sources, once per
 * test run (a fresh `npm run build` leaves nothing to do).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

export default function setup(): void {
  const bundle = join(root, 'dist/web/index.html');
  const sources = Math.max(newest(join(root, 'web')), newest(join(root, 'src/api')));
  if (existsSync(bundle) && statSync(bundle).mtimeMs >= sources) return;
  const result = spawnSync(process.execPath, [viteBin(), 'build', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
    timeout: 120_000,
  });
  if (result.status !== 0) throw new Error('building the console front end (vite build) failed');
}

function viteBin(): string {
  return join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin/vite.js');
}
