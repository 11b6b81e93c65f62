/**
 * The built command following a topic until Ctrl-C: it prints records as they arrive, and on SIGINT commits what it
 * printed, leaves the group and exits 0.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type RunningBroker, startBroker } from '@samsa/broker-dev';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samsaOn } from '../helpers/run.js';

const bin = fileURLToPath(new URL('../../bin/samsa.js', import.meta.url));

let broker: RunningBroker;
let samsa: ReturnType<typeof samsaOn>;
beforeAll(async () => {
  broker = await startBroker({ brokers: 1, partitions: 2, groupMinSessionTimeoutMs: 500 });
  samsa = samsaOn(broker.bootstrap);
  await samsa(['topics', 'create', 'live', '-p', '2']);
});
afterAll(() => broker?.stop());

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('samsa consume --group, following', () => {
  it('prints records as they come and on SIGINT commits them, leaves the group and exits 0', async () => {
    const child = spawn(
      process.execPath,
      [bin, 'consume', 'live', '-g', 'follower', '--from-beginning', '-b', broker.bootstrap[0]],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      // The group forms first; then records arrive while it follows (from the beginning, so none is missed).
      const deadline = Date.now() + 60_000;
      for (;;) {
        const described = await samsa(['groups', 'describe', 'follower', '-o', 'json']);
        if (described.code === 0 && JSON.parse(described.stdout).state === 'Stable') break;
        if (Date.now() > deadline) throw new Error(`the consumer did not join: ${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    } catch (error) {
      child.kill('SIGKILL');
      throw error;
    }
    await samsa(['produce', 'live', '-K', ':', '-q'], { stdin: 'a:1\nb:2\nc:3\nd:4\n' });
    await until(() => stdout.split('\n').length > 4, 'four records to be printed');
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stdout.split('\n').filter(Boolean).sort()).toEqual(['1', '2', '3', '4']);
    expect(stderr).toBe('Consumed 4 records\n');
    const group = JSON.parse((await samsa(['groups', 'describe', 'follower', '-o', 'json'])).stdout);
    expect(group.state).toBe('Empty');
    expect(group.totalLag).toBe('0');
    expect(group.partitions.every((p: { lag: string }) => p.lag === '0')).toBe(true);
  }, 120_000);
});
