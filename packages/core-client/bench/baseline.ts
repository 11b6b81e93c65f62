/**
 * `BENCH_BASELINE=<checkout>`: benchmark another build of Samsa beside this one, in the same run, so a
 * change is measured against the commit before it under the same machine load. The checkout must be
 * built (`npm ci && npm run build` there); its `packages/core-client/dist` is loaded as the client
 * `samsa-baseline`, and the tables show this build ÷ baseline like any other peer. So that both sides
 * run the same compiler's output, `samsa` then also runs from this checkout's `dist` (build it first).
 *
 *   git worktree add /tmp/before HEAD~1 && (cd /tmp/before && npm ci && npm run build)
 *   BENCH_BASELINE=/tmp/before npm run bench -w @samsa/core-client
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

type SamsaModule = typeof import('../src/index.js');

/** The baseline checkout's built entry point, or undefined when BENCH_BASELINE is not set. */
export function baselineEntry(): string | undefined {
  const dir = process.env.BENCH_BASELINE;
  if (!dir) return undefined;
  const entry = join(resolve(dir), 'packages/core-client/dist/index.js');
  if (!existsSync(entry)) {
    throw new Error(
      `BENCH_BASELINE=${dir}: ${entry} does not exist; run npm ci && npm run build there first`,
    );
  }
  return entry;
}

/** This checkout's Samsa: its `dist` when comparing with a baseline, else the sources (through tsx). */
export async function loadCurrent(): Promise<SamsaModule> {
  if (!process.env.BENCH_BASELINE) return import('../src/index.js');
  const entry = new URL('../dist/index.js', import.meta.url);
  if (!existsSync(entry))
    throw new Error(`BENCH_BASELINE is set but ${entry.pathname} is missing: npm run build`);
  return (await import(entry.href)) as SamsaModule;
}

/** Loads the baseline build of @samsa/core-client (same API shape as this one). */
export async function loadBaseline(): Promise<SamsaModule> {
  const entry = baselineEntry();
  if (!entry) throw new Error('BENCH_BASELINE is not set');
  return (await import(pathToFileURL(entry).href)) as SamsaModule;
}
