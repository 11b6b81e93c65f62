import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samsa } from '../helpers/run.js';

describe('samsa (the program)', () => {
  it('prints its version, and leaves --version after a command to that command', async () => {
    expect(await samsa(['-V'])).toEqual({ code: 0, stdout: '0.1.0\n', stderr: '' });
    expect((await samsa(['schemas', 'get', 'x', '--version', 'two'])).stderr).toMatch(
      /--version takes a version number/,
    );
  });

  it('lists its commands in the help, exit 0', async () => {
    const help = await samsa(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['topics', 'produce', 'consume', 'groups', 'cluster', 'configs', 'schemas']) {
      expect(help.stdout).toMatch(new RegExp(`\\n  ${command}\\b`));
    }
  });

  it('suggests the closest command or flag for a mistyped one, exit 2', async () => {
    const command = await samsa(['gropus', 'list']);
    expect(command.code).toBe(2);
    expect(command.stderr).toMatch(/^samsa: unknown command 'gropus'\n\(Did you mean groups\?\)\n/);
    const sub = await samsa(['topics', 'lsit']);
    expect(sub.stderr).toMatch(/^samsa: unknown command 'lsit'\n\(Did you mean list\?\)\n/);
    const flag = await samsa(['consume', 'orders', '--form-beginning']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(
      /^samsa: unknown option '--form-beginning'\n\(Did you mean --from-beginning\?\)\n/,
    );
    const connection = await samsa(['topics', 'list', '--broker', 'x:1']);
    expect(connection.stderr).toMatch(/\(Did you mean --brokers\?\)/);
  });

  it('names a bad option value, exit 2', async () => {
    expect((await samsa(['topics', 'list', '--timeout', 'soon'])).stderr).toMatch(
      /^samsa: option '--timeout <ms>' argument 'soon' is invalid\. Expected an integer >= 1\./,
    );
    expect((await samsa(['topics', 'list', '-b', 'nohost'])).stderr).toMatch(
      /^samsa: --brokers: "nohost" is not host:port\n/,
    );
    expect((await samsa(['topics', 'list', '-o', 'yaml'])).stderr).toMatch(/Allowed choices are table, json/);
  });
});

describe('an unreachable broker', () => {
  let silent: Server;
  let silentPort: number;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    // Accepts connections and never answers: only the timeout ends the wait.
    silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentPort = (silent.address() as { port: number }).port;
  });
  afterAll(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('fails within the timeout, naming the address and the reason', async () => {
    const closed = await samsa(['topics', 'list', '-b', '127.0.0.1:1', '--timeout', '1500']);
    expect(closed.code).toBe(1);
    expect(closed.stderr).toMatch(
      /^samsa: could not reach the brokers at 127\.0\.0\.1:1 within 1500 ms: Connection to seed 1 \(127\.0\.0\.1:1, metadata\): connect ECONNREFUSED.*Check -b\/--brokers/,
    );
    const started = Date.now();
    const hanging = await samsa(['cluster', 'describe', '-b', `127.0.0.1:${silentPort}`, '--timeout', '800']);
    const elapsed = Date.now() - started;
    expect(hanging.code).toBe(1);
    expect(hanging.stderr).toMatch(
      new RegExp(`^samsa: could not reach the brokers at 127\\.0\\.0\\.1:${silentPort} within 800 ms`),
    );
    // Bounded by the timeout (not by the client's 30 s request timeout); no fine-grained timing asserted.
    expect(elapsed).toBeLessThan(20_000);
  });

  it('uses SAMSA_BROKERS, then KAFKA_BROKERS, when -b is not given', async () => {
    const fromEnv = await samsa(['topics', 'list', '--timeout', '300'], {
      env: { KAFKA_BROKERS: '127.0.0.1:2' },
    });
    expect(fromEnv.stderr).toMatch(/could not reach the brokers at 127\.0\.0\.1:2 /);
  });
});
