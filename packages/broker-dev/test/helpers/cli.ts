/** Runs the samsa-broker CLI from the TypeScript sources (never a stale dist/). */

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Background, run, start } from './processes.js';
import { waitFor } from './wait.js';

const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(PACKAGE_DIR, 'src/cli/main.ts');
const NODE_ARGS = ['--conditions=@samsa/source', '--import', 'tsx', CLI];

export interface CliBroker extends Background {
  bootstrap: string[];
}

/** Starts the CLI and waits for its BROKERS= line. */
export async function startCli(args: string[]): Promise<CliBroker> {
  const child = start(process.execPath, [...NODE_ARGS, ...args], { cwd: PACKAGE_DIR });
  try {
    await waitFor(
      'the CLI to print BROKERS=',
      () => /^BROKERS=.*\n/m.test(child.stdout()) || child.child.exitCode !== null,
      60_000,
    );
  } catch (err) {
    await child.stop('SIGKILL');
    throw err;
  }
  const line = /^BROKERS=(.*)$/m.exec(child.stdout());
  if (!line) {
    await child.stop('SIGKILL');
    throw new Error(`the CLI exited without BROKERS=: ${child.stderr()}`);
  }
  return Object.assign(child, { bootstrap: line[1].split(',') });
}

export function runCli(args: string[], timeoutMs = 60_000) {
  return run(process.execPath, [...NODE_ARGS, ...args], { timeoutMs });
}
