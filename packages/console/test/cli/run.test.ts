/** samsa-console's command line, in-process: flags, usage errors, the server it starts and stops. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunningBroker, startBroker } from '@samsa/broker-dev';
import { ExitCode } from '@samsa/cli-kit';
import { run, waitFor } from '@samsa/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleInfo } from '../../src/api/types.js';
import { runCli } from '../../src/cli/run.js';
import { call } from '../helpers/stack.js';

let broker: RunningBroker;

beforeAll(async () => {
  broker = await startBroker({ host: '127.0.0.1', port: 0, partitions: 1 });
});

afterAll(async () => {
  await broker?.stop();
});

function io(env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  let stop: () => void = () => {};
  const stopped = new Promise<{ description: string }>((resolve) => {
    stop = () => resolve({ description: 'test' });
  });
  return {
    io: {
      stdout: (t: string) => {
        stdout += t;
      },
      stderr: (t: string) => {
        stderr += t;
      },
      env,
      waitForStop: () => stopped,
    },
    out: () => stdout,
    err: () => stderr,
    stop: () => stop(),
  };
}

describe('samsa-console', () => {
  it('starts on the brokers and registry given, prints its address, serves, and stops cleanly', async () => {
    const t = io();
    const exit = runCli(
      [
        '--brokers',
        broker.bootstrap.join(','),
        '--registry',
        'http://127.0.0.1:9',
        '--port',
        '0',
        '--read-only',
      ],
      t.io,
    );
    const url = (await waitFor('the address', () => /Samsa Console on (http:\/\/\S+)/.exec(t.out())?.[1]))!;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(t.out()).toContain(`Kafka     ${broker.bootstrap.join(',')}`);
    expect(t.out()).toContain('Read-only');
    const { body } = await call<ConsoleInfo>(url, 'GET', '/api/info');
    expect(body).toMatchObject({ readOnly: true, registry: 'http://127.0.0.1:9', brokers: broker.bootstrap });
    t.stop();
    expect(await exit).toBe(ExitCode.Ok);
    expect(t.out()).toContain('Stopped.');
    await expect(fetch(url)).rejects.toThrow();
  });

  it('takes the brokers and basic auth from the environment', async () => {
    const t = io({ KAFKA_BROKERS: broker.bootstrap.join(','), SAMSA_CONSOLE_BASIC_AUTH: 'ops:pw' });
    const exit = runCli(['--port', '0'], t.io);
    const url = (await waitFor('the address', () => /Samsa Console on (http:\/\/\S+)/.exec(t.out())?.[1]))!;
    expect((await call(url, 'GET', '/api/info')).status).toBe(401);
    expect(
      (await call(url, 'GET', '/api/info', undefined, { authorization: `Basic ${btoa('ops:pw')}` })).status,
    ).toBe(200);
    t.stop();
    expect(await exit).toBe(ExitCode.Ok);
  });

  it('refuses wrong command lines with exit code 2 and says why', async () => {
    const cases: [string[], string][] = [
      [[], "required option '--brokers"],
      [['--brokers', 'nohost'], '"nohost" is not host:port'],
      [['--brokers', 'h:1', '--registry', 'ftp://x'], '--registry needs an http:// or https:// URL'],
      [['--brokers', 'h:1', '--port', '70000'], '--port'],
      [['--brokers', 'h:1', '--basic-auth', 'nocolon'], '--basic-auth needs user:password'],
      [['--brokers', 'h:1', '--colour'], 'unknown option'],
    ];
    for (const [argv, message] of cases) {
      const t = io();
      const code = await runCli(argv, t.io);
      expect({ argv, code, says: t.err().includes(message) }).toEqual({
        argv,
        code: ExitCode.Usage,
        says: true,
      });
    }
  });

  it('says when its port is taken, with exit code 1', async () => {
    const t1 = io();
    const first = runCli(['--brokers', broker.bootstrap[0]!, '--port', '0'], t1.io);
    const url = (await waitFor('the address', () => /Samsa Console on (http:\/\/\S+)/.exec(t1.out())?.[1]))!;
    const t2 = io();
    const code = await runCli(['--brokers', broker.bootstrap[0]!, '--port', new URL(url).port], t2.io);
    expect(code).toBe(ExitCode.Failure);
    expect(t2.err()).toContain('could not start');
    t1.stop();
    await first;
  });
});

const bin = join(dirname(fileURLToPath(import.meta.url)), '../../bin/samsa-console.js');
const built = existsSync(join(dirname(bin), '../dist/cli/main.js'));

describe.skipIf(!built)('the built samsa-console command', () => {
  it('prints its help', async () => {
    const result = await run(process.execPath, [bin, '--help'], { timeoutMs: 30_000 });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--read-only');
    expect(result.stdout).toContain('--basic-auth');
  });
});
