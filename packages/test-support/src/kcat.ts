/**
 * kcat as a peer: the librdkafka mock cluster (inside a long-running kcat) and kcat as a client.
 * Tests that need it declare it with `kcat.describe(...)`: skipped with an install hint where kcat is
 * missing, failing instead under SAMSA_REQUIRE_PEERS=1.
 */
import { requirePeer } from './peers.js';
import { run, start } from './processes.js';

export const kcat = requirePeer('kcat', {
  probe: ['kcat', '-V'],
  hint: 'apt-get install -y kcat (librdkafka 2.0.2+)',
});

export interface MockCluster {
  bootstrap: string[];
  stop(): Promise<void>;
}

/** Starts a librdkafka mock cluster with `brokers` brokers; it lives as long as the kcat process. */
export async function startMockCluster(brokers = 3): Promise<MockCluster> {
  const mock = start('kcat', [
    '-b',
    'x',
    '-X',
    `test.mock.num.brokers=${brokers}`,
    '-C',
    '-t',
    '__keepalive',
    '-o',
    'end',
  ]);
  try {
    // librdkafka logs the mock cluster's addresses: "... bootstrap.servers ... replaced with <list>".
    const [, bootstrap] = await mock.waitForOutput(/replaced with (\S+)/, {
      stream: 'stderr',
      timeoutMs: 10_000,
    });
    return { bootstrap: bootstrap!.split(','), stop: () => mock.stop('SIGTERM', 3000) };
  } catch (error) {
    await mock.stop('SIGKILL');
    throw new Error(`librdkafka mock cluster did not start: ${(error as Error).message}`);
  }
}

/** Runs kcat with `args`, feeding `input`; resolves with stdout, rejects on a non-zero exit. */
export async function runKcat(args: string[], input?: string | Buffer, timeoutMs = 60_000): Promise<string> {
  const result = await run('kcat', args, { input, timeoutMs });
  if (result.signal === 'SIGKILL')
    throw new Error(`kcat ${args.join(' ')} timed out; stderr: ${result.stderr}`);
  if (result.code !== 0) throw new Error(`kcat exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}
