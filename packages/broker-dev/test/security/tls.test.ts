/**
 * TLS listeners: certificates made at start or given as PEM, client certificates as ssl.client.auth asks
 * (required, requested), the principal taken from the certificate subject, and the wrong protocol on either
 * side: a TLS client on a plaintext listener and a plaintext client on a TLS listener each get a closed
 * connection and a log line naming the mistake.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generateDevCertificates, issueClientCertificate } from '@samsa/cli-kit';
import { ApiKey } from '@samsa/protocol';
import { waitFor } from '@samsa/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Logger, startBroker } from '../../src/index.js';
import { closesWithin, RawClient } from '../helpers/raw-client.js';
import { type SecureBroker, startSecureBroker } from '../helpers/security.js';

const metadata = (client: RawClient) =>
  client.request(ApiKey.Metadata, 12, { topics: [], allowAutoTopicCreation: false });

describe('TLS listeners', () => {
  let secure: SecureBroker;
  beforeAll(async () => {
    secure = await startSecureBroker();
  });
  afterAll(async () => {
    expect(secure.lines.filter((l) => l.startsWith('ERROR'))).toEqual([]);
    await secure?.stop();
  });

  it('serve clients that trust the generated CA, and name the files', async () => {
    expect(secure.broker.tls?.certFile).toMatch(/server\.pem$/);
    const client = await RawClient.connect(secure.broker.bootstrapFor('SSL')[0], {
      ca: secure.caCert,
      cert: secure.client.cert,
      key: secure.client.key,
    });
    expect((await metadata(client)).brokers).toHaveLength(1);
    client.close();
    expect(secure.lines.some((l) => l.includes('as User:CN=test-client,OU=interop,O=Samsa tests'))).toBe(
      true,
    );
  });

  it('refuse clients without a certificate or with one the broker does not trust (ssl.client.auth=required)', async () => {
    const address = secure.broker.bootstrapFor('SSL')[0];
    const none = await RawClient.connect(address, { ca: secure.caCert });
    await expect(metadata(none)).rejects.toThrow(/closed/);
    const stranger = await RawClient.connect(address, {
      ca: secure.caCert,
      cert: secure.stranger.cert,
      key: secure.stranger.key,
    }).catch(() => undefined);
    if (stranger) await expect(metadata(stranger)).rejects.toThrow(/closed/);
    expect(
      secure.lines.some((l) => l.includes('it sent no client certificate (ssl.client.auth=required)')),
    ).toBe(true);
    expect(secure.lines.some((l) => l.includes('its certificate does not verify'))).toBe(true);
  });

  it('close a TLS client on a plaintext listener, with a hint in the log', async () => {
    const tlsOnPlain = RawClient.connect(secure.broker.bootstrapFor('PLAINTEXT')[0], {
      ca: secure.caCert,
      rejectUnauthorized: true,
    });
    await expect(tlsOnPlain).rejects.toThrow();
    await waitFor('the TLS hint in the log', () =>
      secure.lines.some((l) => l.includes('the bytes are a TLS handshake')),
    );
  });

  it('close a plaintext client on a TLS listener, with the TLS error in the log', async () => {
    for (const listener of ['SSL', 'SASL_SSL']) {
      const client = await RawClient.connect(secure.broker.bootstrapFor(listener)[0]);
      await expect(metadata(client)).rejects.toThrow(/closed/);
      expect(await closesWithin(client, 5000)).toBe(true);
      await waitFor(`the ${listener} handshake failure in the log`, () =>
        secure.lines.some((l) => new RegExp(`TLS handshake with .* on listener ${listener} failed`).test(l)),
      );
    }
    // And the broker still serves.
    const ok = await RawClient.connect(secure.broker.bootstrapFor('PLAINTEXT')[0]);
    expect((await metadata(ok)).brokers).toHaveLength(1);
    ok.close();
  });
});

describe('TLS with PEM files and ssl.client.auth=requested', () => {
  const lines: string[] = [];
  const logger: Logger = {
    debug: (m) => lines.push(m),
    info: (m) => lines.push(m),
    warn: (m) => lines.push(m),
    error: (m) => lines.push(`ERROR ${m}`),
  };

  it('let clients without a certificate in as User:ANONYMOUS and name those with one by their subject', async () => {
    const { ca, server } = await generateDevCertificates({ hosts: ['127.0.0.1'] });
    const client = await issueClientCertificate(ca, 'CN=payments, O=Example\\, Inc., C=DE');
    const broker = await startBroker({
      listeners: ['SSL://127.0.0.1:0'],
      tls: { cert: server.cert, key: server.key, ca: ca.cert, clientAuth: 'requested' },
      logger,
    });
    try {
      const anonymous = await RawClient.connect(broker.bootstrap[0], { ca: ca.cert });
      expect((await metadata(anonymous)).brokers).toHaveLength(1);
      anonymous.close();
      const named = await RawClient.connect(broker.bootstrap[0], { ca: ca.cert, ...client });
      expect((await metadata(named)).brokers).toHaveLength(1);
      named.close();
      expect(lines.some((l) => l.includes('as User:ANONYMOUS'))).toBe(true);
      expect(lines.some((l) => l.includes('as User:CN=payments,O=Example\\, Inc.,C=DE'))).toBe(true);
      expect(broker.tls?.caCert).toBeUndefined();
    } finally {
      await broker.stop();
    }
  });

  it('refuse TLS options that cannot work', async () => {
    await expect(startBroker({ listeners: ['SSL://127.0.0.1:0'] })).rejects.toThrow(/need tls options/);
    await expect(
      startBroker({ listeners: ['SSL://127.0.0.1:0'], tls: { cert: 'x', key: 'y', clientAuth: 'required' } }),
    ).rejects.toThrow(/needs tls.ca/);
  });
});

describe('--tls auto with a data dir', () => {
  it('keeps the CA across restarts, so clients that trust it keep working', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'samsa-tls-auto-'));
    try {
      const first = await startBroker({ dataDir, listeners: ['SSL://127.0.0.1:0'], tls: { auto: true } });
      const ca = readFileSync(first.tls!.caCertFile!, 'utf8');
      expect(first.tls!.caCertFile).toBe(path.join(dataDir, 'tls', 'ca.pem'));
      await first.stop();
      const second = await startBroker({ dataDir, listeners: ['SSL://127.0.0.1:0'], tls: { auto: true } });
      expect(second.tls!.caCert).toBe(ca);
      const client = await RawClient.connect(second.bootstrap[0], { ca });
      expect((await metadata(client)).brokers).toHaveLength(1);
      client.close();
      await second.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
