/**
 * kcat (librdkafka 2.0.2) against the secure listeners: SASL_SSL with SCRAM-SHA-512 and SSL with a client
 * certificate each produce and consume; a wrong password, a server certificate the client does not trust
 * and a client certificate the broker does not trust each fail cleanly, with the reason on both sides.
 */
import { kcat, run } from '@samsa/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type SecureBroker, startSecureBroker, USERS } from '../helpers/security.js';

let secure: SecureBroker;

kcat.describe('kcat on secure listeners', () => {
  beforeAll(async () => {
    secure = await startSecureBroker();
  });
  afterAll(async () => {
    expect(secure.lines.filter((l) => l.startsWith('ERROR'))).toEqual([]);
    await secure?.stop();
  });

  const saslSsl = (password: string = USERS.alice, ca = secure.caFile) => [
    '-b',
    secure.broker.bootstrapFor('SASL_SSL').join(','),
    '-X',
    'security.protocol=SASL_SSL',
    '-X',
    'sasl.mechanisms=SCRAM-SHA-512',
    '-X',
    'sasl.username=alice',
    '-X',
    `sasl.password=${password}`,
    '-X',
    `ssl.ca.location=${ca}`,
  ];
  const ssl = (certFile = secure.client.certFile, keyFile = secure.client.keyFile, ca = secure.caFile) => [
    '-b',
    secure.broker.bootstrapFor('SSL').join(','),
    '-X',
    'security.protocol=SSL',
    '-X',
    `ssl.ca.location=${ca}`,
    '-X',
    `ssl.certificate.location=${certFile}`,
    '-X',
    `ssl.key.location=${keyFile}`,
  ];

  async function roundTrip(connection: string[], topic: string) {
    const messages = ['one', 'two', 'three'];
    const produced = await run('kcat', ['-P', ...connection, '-t', topic], {
      input: `${messages.join('\n')}\n`,
      timeoutMs: 60_000,
    });
    expect(produced.code, produced.stderr).toBe(0);
    const consumed = await run('kcat', ['-C', ...connection, '-t', topic, '-o', 'beginning', '-e', '-q'], {
      timeoutMs: 60_000,
    });
    expect(consumed.code, consumed.stderr).toBe(0);
    expect(consumed.stdout.split('\n').filter(Boolean)).toEqual(messages);
  }

  it('produces and consumes over SASL_SSL with SCRAM-SHA-512', async () => {
    await roundTrip(saslSsl(), 'kcat-sasl-ssl');
    expect(secure.lines.some((l) => l.includes('authenticated as User:alice with SCRAM-SHA-512'))).toBe(true);
  });

  it('produces and consumes over SSL with a client certificate, as the certificate subject', async () => {
    await roundTrip(ssl(), 'kcat-mtls');
    expect(secure.lines.some((l) => l.includes('as User:CN=test-client,OU=interop,O=Samsa tests'))).toBe(
      true,
    );
  });

  it('fails cleanly with a wrong password', async () => {
    const result = await run('kcat', ['-L', ...saslSsl('not-the-password'), '-m', '5'], {
      timeoutMs: 60_000,
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(
      /SASL authentication error: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512/,
    );
    expect(secure.lines.some((l) => l.includes('SASL authentication failed on listener SASL_SSL'))).toBe(
      true,
    );
  });

  it('fails cleanly against a broker certificate it does not trust', async () => {
    const result = await run('kcat', ['-L', ...saslSsl(USERS.alice, secure.stranger.caFile), '-m', '5'], {
      timeoutMs: 60_000,
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/certificate verify failed/);
    expect(secure.lines.some((l) => /TLS handshake with .* on listener SASL_SSL failed/.test(l))).toBe(true);
  });

  it('is refused with a client certificate the broker does not trust', async () => {
    const result = await run(
      'kcat',
      ['-L', ...ssl(secure.stranger.certFile, secure.stranger.keyFile), '-m', '5'],
      {
        timeoutMs: 60_000,
      },
    );
    expect(result.code).not.toBe(0);
    expect(secure.lines.some((l) => l.includes('refused TLS client') && l.includes('does not verify'))).toBe(
      true,
    );
  });
});
