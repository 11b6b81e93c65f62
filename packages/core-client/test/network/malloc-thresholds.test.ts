/**
 * raiseMallocThresholds: after it, memory of freed frames is reused instead of being returned to the
 * kernel and faulted in again. Counted in page faults (not time) in child processes, with and without.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { scriptNodeArgs } from '@samsa/test-support';
import { describe, expect, it } from 'vitest';

const churn = fileURLToPath(new URL('../fixtures/malloc-churn.ts', import.meta.url));
const glibc = (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header
  ?.glibcVersionRuntime;

function faults(raise: boolean): number {
  const args = ['--expose-gc', '--single-threaded-gc', ...scriptNodeArgs(churn)];
  if (raise) args.push('--raise');
  return Number(execFileSync(process.execPath, args, { encoding: 'utf8' }).trim());
}

describe('raiseMallocThresholds', () => {
  it.skipIf(!glibc)('makes glibc keep freed frame memory for the next frames', () => {
    // Eight 1 MiB frames a round are 2,048 pages: without, glibc trims them away after every round.
    const without = faults(false);
    const raised = faults(true);
    expect(without).toBeGreaterThan(10 * 1500);
    expect(raised).toBeLessThan(without / 3);
  });
});
