import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '@samsa/cli-kit';
import { describe, expect, it } from 'vitest';
import { resolveConnection } from '../../src/connection/options.js';

const dir = mkdtempSync(join(tmpdir(), 'samsa-options-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('resolveConnection', () => {
  it('takes brokers from the flag, then the file, then SAMSA_BROKERS, KAFKA_BROKERS, then localhost:9092', async () => {
    const props = file('brokers.properties', 'bootstrap.servers=file:9092\n');
    const env = { SAMSA_BROKERS: 'samsa:9092', KAFKA_BROKERS: 'kafka:9092' };
    expect((await resolveConnection({ brokers: 'flag:1,flag:2' }, { env })).brokers).toEqual([
      'flag:1',
      'flag:2',
    ]);
    expect((await resolveConnection({ config: props }, { env })).brokers).toEqual(['file:9092']);
    expect((await resolveConnection({}, { env })).brokers).toEqual(['samsa:9092']);
    expect((await resolveConnection({}, { env: { KAFKA_BROKERS: 'kafka:9092' } })).brokers).toEqual([
      'kafka:9092',
    ]);
    const defaults = await resolveConnection({}, { env: {} });
    expect(defaults).toEqual({
      brokers: ['localhost:9092'],
      clientId: 'samsa-cli',
      ssl: undefined,
      sasl: undefined,
      timeoutMs: 10_000,
      registry: undefined,
    });
  });

  it('names a broker that is not host:port', async () => {
    await expect(resolveConnection({ brokers: 'localhost' }, { env: {} })).rejects.toThrow(
      '--brokers: "localhost" is not host:port',
    );
    await expect(resolveConnection({}, { env: { KAFKA_BROKERS: 'a:1,b' } })).rejects.toThrow(
      'the broker list: "b" is not host:port',
    );
  });

  it('takes the registry and its credentials from flags or the environment', async () => {
    expect(
      (
        await resolveConnection(
          {},
          { env: { SCHEMA_REGISTRY_URL: 'http://r:8081', SAMSA_REGISTRY_BASIC_AUTH: 'u:p:w' } },
        )
      ).registry,
    ).toEqual({ url: 'http://r:8081', auth: { username: 'u', password: 'p:w' } });
    expect((await resolveConnection({ registry: 'https://x' }, { env: {} })).registry).toEqual({
      url: 'https://x',
    });
    await expect(resolveConnection({ registry: 'r:8081' }, { env: {} })).rejects.toThrow(UsageError);
  });

  it('maps TLS flags to the client options, reading the PEM files', async () => {
    const ca = file('ca.pem', 'CA');
    const cert = file('cert.pem', 'CERT');
    const key = file('key.pem', 'KEY');
    expect((await resolveConnection({ ssl: true }, { env: {} })).ssl).toEqual({});
    expect(
      (
        await resolveConnection(
          { sslCa: ca, sslCert: cert, sslKey: key, sslKeyPassword: 'pw', sslInsecure: true },
          { env: {} },
        )
      ).ssl,
    ).toEqual({ ca: 'CA', cert: 'CERT', key: 'KEY', passphrase: 'pw', rejectUnauthorized: false });
    await expect(resolveConnection({ sslCert: cert }, { env: {} })).rejects.toThrow(
      '--ssl-cert needs --ssl-key',
    );
    await expect(resolveConnection({ sslCa: join(dir, 'nope.pem') }, { env: {} })).rejects.toThrow(
      `--ssl-ca ${join(dir, 'nope.pem')}: no such file`,
    );
  });

  it('maps SASL flags, with the password from SAMSA_SASL_PASSWORD, and says what is missing', async () => {
    expect(
      (
        await resolveConnection(
          { saslMechanism: 'scram-sha-512', saslUsername: 'alice' },
          { env: { SAMSA_SASL_PASSWORD: 'secret' } },
        )
      ).sasl,
    ).toEqual({ mechanism: 'scram-sha-512', username: 'alice', password: 'secret' });
    await expect(resolveConnection({ saslMechanism: 'plain' }, { env: {} })).rejects.toThrow(
      'SASL plain needs --sasl-username',
    );
    await expect(
      resolveConnection({ saslMechanism: 'plain', saslUsername: 'a' }, { env: {} }),
    ).rejects.toThrow('SASL plain needs --sasl-password (or SAMSA_SASL_PASSWORD)');
  });

  it('lets flags override the properties file', async () => {
    const props = file(
      'sasl.properties',
      [
        'bootstrap.servers=file:9092',
        'security.protocol=SASL_PLAINTEXT',
        'sasl.mechanism=SCRAM-SHA-256',
        'sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="bob" password="pw";',
        'client.id=from-file',
        'request.timeout.ms=2500',
      ].join('\n'),
    );
    const settings = await resolveConnection(
      { commandConfig: props, saslUsername: 'carol', timeout: 999 },
      { env: {} },
    );
    expect(settings).toMatchObject({
      brokers: ['file:9092'],
      clientId: 'from-file',
      sasl: { mechanism: 'scram-sha-256', username: 'carol', password: 'pw' },
      timeoutMs: 999,
      ssl: undefined,
    });
  });
});
