/** Runs the samsa-broker CLI from the TypeScript sources (never a stale dist/). */

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Background, runScript, startScript } from '@samsa/test-support';

const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(PACKAGE_DIR, 'src/cli/main.ts');

export interface CliBroker extends Background {
  bootstrap: string[];
}

/** Starts the CLI and waits for its BROKERS= line. */
export async function startCli(args: string[]): Promise<CliBroker> {
  const cli = startScript(CLI, args, { cwd: PACKAGE_DIR });
  try {
    const [, brokers] = await cli.waitForOutput(/^BROKERS=(.*)\n/m, { timeoutMs: 60_000 });
    return Object.assign(cli, { bootstrap: brokers!.split(',') });
  } catch (err) {
    await cli.stop('SIGKILL');
    throw err;
  }
}

export function runCli(args: string[], timeoutMs = 60_000) {
  return runScript(CLI, args, { cwd: PACKAGE_DIR, timeoutMs });
}
