/** samsa-broker's listener, TLS and SASL flags: what they parse to, their usage errors, and a secured run. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApiKey, ErrorCode } from '@samsa/protocol';
import { describe, expect, it } from 'vitest';
import { parseCli } from '../../src/cli/flags.js';
import { runCli, startCli } from '../helpers/cli.js';
import { RawClient } from '../helpers/raw-client.js';

describe('security flags', () => {
  it('parse into listeners, TLS and SASL options', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'samsa-flags-'));
    try {
      const users = path.join(dir, 'users.txt');
      writeFileSync(users, '# users\ncarol:carol-secret\n');
      const { options } = parseCli([
        '--listener',
        'INTERNAL://127.0.0.1:9092',
        '--listener',
        'SASL_SSL://0.0.0.0:9093',
        '--listener-security-protocol-map',
        'INTERNAL:PLAINTEXT',
        '--advertised-listener',
        'SASL_SSL://kafka.local:19093',
        '--tls',
        'auto',
        '--ssl-client-auth',
        'requested',
        '--user',
        'alice:pa:ss',
        '--user',
        'bob:b',
        '--users-file',
        users,
        '--sasl-enabled-mechanisms',
        'SCRAM-SHA-512,OAUTHBEARER',
        '--oauthbearer-unsecured',
        '--sasl-session-lifetime-ms',
        '60000',
        '--failed-authentication-delay-ms',
        '0',
      ]);
      expect(options).toMatchObject({
        listeners: ['INTERNAL://127.0.0.1:9092', 'SASL_SSL://0.0.0.0:9093'],
        advertisedListeners: ['SASL_SSL://kafka.local:19093'],
        listenerSecurityProtocolMap: { INTERNAL: 'PLAINTEXT' },
        tls: { auto: true, clientAuth: 'requested' },
        sasl: {
          users: { alice: 'pa:ss', bob: 'b' },
          usersFile: users,
          enabledMechanisms: ['SCRAM-SHA-512', 'OAUTHBEARER'],
          oauthbearer: { unsecured: true },
          maxReauthMs: 60_000,
          failedAuthenticationDelayMs: 0,
        },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leave TLS and SASL off when not asked for', () => {
    const { options } = parseCli(['--port', '0']);
    expect(options.tls).toBeUndefined();
    expect(options.sasl).toBeUndefined();
  });

  it.each([
    [['--listener', 'SASL_SSL:9093'], /NAME:\/\/host:port/],
    [['--listener-security-protocol-map', 'A:TLS'], /PROTOCOL one of/],
    [['--user', 'nopassword'], /name:password/],
    [['--tls', 'auto', '--tls-cert', 'x.pem', '--tls-key', 'y.pem'], /contradict/],
    [['--tls-cert', 'x.pem'], /go together/],
    [['--ssl-client-auth', 'required'], /need --tls auto/],
    [['--tls-cert', '/nonexistent/c.pem', '--tls-key', '/nonexistent/k.pem'], /cannot read/],
    [['--oauthbearer-unsecured', '--oauthbearer-jwks-file', 'k.json'], /contradict/],
  ])('refuse %j', (args, message) => {
    expect(() => parseCli(args)).toThrow(message);
  });

  it('exits with a usage error on a bad listener and names the problem', async () => {
    const result = await runCli(['--listener', 'FOO://127.0.0.1:0']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/Listener FOO has no security protocol/);
  });

  it('serves SASL_SSL with --tls auto and --user, printing the listeners and the CA to trust', async () => {
    const cli = await startCli([
      '--listener',
      'PLAINTEXT://127.0.0.1:0',
      '--listener',
      'SASL_SSL://127.0.0.1:0',
      '--tls',
      'auto',
      '--user',
      'alice:alice-secret',
    ]);
    try {
      const out = cli.stdout();
      const listeners = /^LISTENERS=PLAINTEXT:\/\/(\S+) SASL_SSL:\/\/(\S+)$/m.exec(out);
      const ca = /^TLS_CA=(\S+)$/m.exec(out);
      expect(listeners).not.toBeNull();
      expect(ca).not.toBeNull();
      const client = await RawClient.connect(listeners![2], { ca: readFileSync(ca![1], 'utf8') });
      expect((await client.request(ApiKey.SaslHandshake, 1, { mechanism: 'PLAIN' })).errorCode).toBe(
        ErrorCode.NONE,
      );
      const auth = await client.request(ApiKey.SaslAuthenticate, 2, {
        authBytes: Buffer.from('\0alice\0alice-secret'),
      });
      expect(auth.errorCode).toBe(ErrorCode.NONE);
      client.close();
    } finally {
      await cli.stop();
    }
  });
});
