/** The samsa-broker command line: BROKERS= line, flags, usage errors, clean shutdown. */

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isRunning, scriptNodeArgs, start, stopPid, waitFor } from '@samsa/test-support';
import { describe, expect, it } from 'vitest';
import { parseCli } from '../src/cli/flags.js';
import { runCli, startCli } from './helpers/cli.js';
import { createTopic, fetchRecords, produce, values } from './helpers/kafka.js';
import { RawClient } from './helpers/raw-client.js';

const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('samsa-broker flags', () => {
  it('parses the documented flags', () => {
    const { options } = parseCli([
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--brokers',
      '3',
      '--data-dir',
      '/tmp/x',
      '--partitions',
      '6',
      '--no-auto-create-topics',
      '--retention-ms',
      '60000',
      '--retention-bytes',
      '1000000',
      '--segment-bytes',
      '4096',
      '--cleanup-policy',
      'compact',
      '--config',
      'min.insync.replicas=2',
      '--replication-factor',
      '2',
      '--log-cleanup-interval-ms',
      '250',
      '--group-consumer-heartbeat-interval-ms',
      '1000',
      '--group-consumer-session-timeout-ms',
      '10000',
    ]);
    expect(options).toMatchObject({
      port: 0,
      logCleanupIntervalMs: 250,
      groupConsumerHeartbeatIntervalMs: 1000,
      groupConsumerSessionTimeoutMs: 10_000,
      brokers: 3,
      dataDir: '/tmp/x',
      partitions: 6,
      replicationFactor: 2,
      autoCreateTopics: false,
      topicDefaults: {
        'retention.ms': '60000',
        'retention.bytes': '1000000',
        'segment.bytes': '4096',
        'cleanup.policy': 'compact',
        'min.insync.replicas': '2',
      },
    });
    expect(parseCli([]).options).toMatchObject({
      port: 9092,
      host: '127.0.0.1',
      brokers: 1,
      partitions: 1,
      autoCreateTopics: true,
    });
  });

  it('parses the limit and transaction flags, -1 meaning no limit', () => {
    const { options } = parseCli([
      '--max-connections',
      '50',
      '--max-connections-per-ip',
      '-1',
      '--connections-max-idle-ms',
      '-1',
      '--max-queued-request-bytes',
      '1048576',
      '--max-request-bytes',
      '2097152',
      '--max-decompressed-batch-bytes',
      '4194304',
      '--log-flush-scheduler-interval-ms',
      '500',
      '--transaction-max-timeout-ms',
      '120000',
      '--transaction-timeout-check-interval-ms',
      '100',
      '--transactional-id-expiration-ms',
      '3600000',
    ]);
    expect(options).toMatchObject({
      maxConnections: 50,
      maxConnectionsPerIp: Number.POSITIVE_INFINITY,
      connectionsMaxIdleMs: Number.POSITIVE_INFINITY,
      maxQueuedRequestBytes: 1048576,
      maxRequestBytes: 2097152,
      maxDecompressedBatchBytes: 4194304,
      logFlushSchedulerIntervalMs: 500,
      transactionMaxTimeoutMs: 120000,
      transactionTimeoutCheckIntervalMs: 100,
      transactionalIdExpirationMs: 3600000,
    });
  });

  it('parses the authorizer flags; super users and allow-everyone imply the authorizer', () => {
    expect(parseCli([]).options.authorizer).toBeUndefined();
    expect(parseCli(['--authorizer']).options.authorizer).toEqual({
      superUsers: [],
      allowEveryoneIfNoAclFound: false,
    });
    expect(
      parseCli(['--super-user', 'User:admin', '--super-user', 'User:ops', '--allow-everyone-if-no-acl-found'])
        .options.authorizer,
    ).toEqual({ superUsers: ['User:admin', 'User:ops'], allowEveryoneIfNoAclFound: true });
  });

  it.each([
    [['--super-user', 'admin']],
    [['--max-connections', '0']],
    [['--max-connections-per-ip', '-2']],
    [['--transaction-max-timeout-ms', '0']],
    [['--bogus']],
    [['--port', 'abc']],
    [['--brokers', '0']],
    [['--config', 'novalue']],
    [['stray']],
    [['--log-level', 'loud']],
    [['--log-cleanup-interval-ms', '0']],
    [['--group-consumer-session-timeout-ms', '0']],
    [['--port', '65536']],
    [['--auto-create-topics', '--no-auto-create-topics']],
  ])('rejects %j', (args) => {
    expect(() => parseCli(args)).toThrow();
  });
});

describe('samsa-broker process', () => {
  it('exits with code 2 and the usage on a wrong flag', async () => {
    const result = await runCli(['--no-such-flag']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Usage: samsa-broker');
    expect(result.stdout).toBe('');
  });

  it('prints the usage on stdout and exits 0 with --help', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: samsa-broker [options]');
    expect(result.stdout).toContain('--data-dir <dir>');
    expect(result.stderr).toBe('');
  });

  it('prints BROKERS= first, serves N brokers, and stops cleanly on SIGTERM with data flushed', {
    timeout: 90_000,
  }, async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'samsa-cli-'));
    const cli = await startCli(['--port', '0', '--brokers', '2', '--data-dir', dataDir, '--partitions', '2']);
    try {
      expect(cli.stdout().split('\n')[0]).toMatch(/^BROKERS=127\.0\.0\.1:\d+,127\.0\.0\.1:\d+$/);
      expect(cli.bootstrap).toHaveLength(2);
      expect(cli.stderr()).toContain('Samsa dev broker ready');
      const client = await RawClient.connect(cli.bootstrap[0]);
      await createTopic(client, 'cli-topic', 1);
      const leader = (
        await client.request(3, 4, { topics: [{ name: 'cli-topic' }], allowAutoTopicCreation: false })
      ).topics[0].partitions[0].leaderId;
      const leaderClient = await RawClient.connect(cli.bootstrap[leader - 1]);
      expect((await produce(leaderClient, 'cli-topic', 0, [{ key: null, value: 'kept' }])).errorCode).toBe(0);
      client.close();
      leaderClient.close();
    } finally {
      await cli.stop('SIGTERM');
    }
    expect(cli.child.exitCode).toBe(0);
    expect(cli.stderr()).toContain('SIGTERM received, shutting down');
    // Closed cleanly, but a partition this small is not checkpointed (the next start scans it): no marker.
    expect(readdirSync(path.join(dataDir, 'cli-topic-0'))).not.toContain('.clean-shutdown');

    const again = await startCli(['--port', '0', '--data-dir', dataDir]);
    try {
      const client = await RawClient.connect(again.bootstrap[0]);
      expect(values((await fetchRecords(client, 'cli-topic', 0, 0)).records)).toEqual(['kept']);
      client.close();
    } finally {
      await again.stop('SIGINT');
    }
    expect(again.child.exitCode).toBe(0);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('loads the native CRC32C before it serves, and says which one at debug level', {
    timeout: 60_000,
  }, async () => {
    const cli = await startCli(['--port', '0', '--log-level', 'debug']);
    try {
      await waitFor('the CRC32C log line', () => /CRC32C: /.test(cli.stderr()), { timeoutMs: 10_000 });
      // aws-crt is an optional dependency of broker-dev with a linux-x64 binary.
      const expected = process.platform === 'linux' && process.arch === 'x64' ? 'aws-crt' : '\\S+';
      expect(cli.stderr()).toMatch(new RegExp(`CRC32C: ${expected}\\n`));
    } finally {
      await cli.stop();
    }
  });

  it('fails with a clear message when the port is taken', { timeout: 60_000 }, async () => {
    const first = await startCli(['--port', '0']);
    try {
      const port = first.bootstrap[0].split(':')[1];
      const second = await runCli(['--port', port]);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain('port in use');
    } finally {
      await first.stop();
    }
  });

  // npx runs the command under `sh -c`; a SIGTERM to npx's PID ends npx and the shell, not the broker.
  describe.skipIf(process.platform !== 'linux')('when the shell that started it dies', () => {
    const brokerUnderShell = (env: NodeJS.ProcessEnv) => {
      const broker = [process.execPath, ...scriptNodeArgs('src/cli/main.ts'), '--port', '0'];
      const command = `${broker.map((arg) => `'${arg}'`).join(' ')} & echo PID=$!; wait`;
      return start('sh', ['-c', command], { cwd: PACKAGE_DIR, env: { ...process.env, ...env } });
    };
    const startedPid = async (shell: ReturnType<typeof brokerUnderShell>) => {
      const pid = Number((await shell.waitForOutput(/^PID=(\d+)$/m))[1]);
      try {
        await shell.waitForOutput(/^BROKERS=/m);
      } catch (error) {
        await stopPid(pid, { signal: 'SIGKILL' });
        throw error;
      }
      return pid;
    };

    it('stops by itself when started by npx', { timeout: 60_000 }, async () => {
      const shell = brokerUnderShell({ npm_command: 'exec' });
      let pid = 0;
      try {
        pid = await startedPid(shell);
        await shell.stop('SIGKILL');
        await waitFor('the orphaned broker to stop', () => !isRunning(pid), { timeoutMs: 10_000 });
      } finally {
        if (pid) await stopPid(pid, { signal: 'SIGKILL' });
        await shell.stop('SIGKILL');
      }
    });

    it('keeps running otherwise (nohup, backgrounded by a script)', { timeout: 60_000 }, async () => {
      const shell = brokerUnderShell({ npm_command: '' });
      let pid = 0;
      try {
        pid = await startedPid(shell);
        await shell.stop('SIGKILL');
        await new Promise((resolve) => setTimeout(resolve, 1500));
        expect(isRunning(pid)).toBe(true);
        process.kill(pid, 'SIGTERM');
        await waitFor('the broker to stop on SIGTERM', () => !isRunning(pid), { timeoutMs: 10_000 });
      } finally {
        if (pid) await stopPid(pid, { signal: 'SIGKILL' });
        await shell.stop('SIGKILL');
      }
    });
  });

  // The installed command (bin/samsa-broker.js, run through its shebang as npm links it) is one
  // process, so a signal to its PID reaches the broker itself.
  it.skipIf(process.platform !== 'linux')(
    'runs as the installed command: one process, gone after SIGKILL',
    { timeout: 60_000 },
    async () => {
      const command = start(path.join(PACKAGE_DIR, 'bin/samsa-broker.js'), ['--port', '0']);
      try {
        await command.waitForOutput(/^BROKERS=/m);
        const pid = command.pid!;
        expect(readFileSync(`/proc/${pid}/comm`, 'utf8').trim()).toBe('node');
      } finally {
        await command.stop('SIGKILL');
      }
      expect(command.child.signalCode).toBe('SIGKILL');
    },
  );
});
