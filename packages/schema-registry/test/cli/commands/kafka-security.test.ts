import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KAFKA_SASL_PASSWORD_ENV, kafkaSecurityOptions } from '../../../src/cli/commands/kafka-security.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'samsa-kafka-security-'));
  await writeFile(join(dir, 'ca.pem'), 'CA PEM');
  await writeFile(join(dir, 'cert.pem'), 'CERT PEM');
  await writeFile(join(dir, 'key.pem'), 'KEY PEM');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('kafkaSecurityOptions', () => {
  it('gives nothing without flags', async () => {
    expect(await kafkaSecurityOptions({}, {})).toEqual({});
  });

  it('turns the flags into the client’s ssl and sasl options', async () => {
    expect(await kafkaSecurityOptions({ kafkaSsl: true }, {})).toEqual({ ssl: true });
    expect(
      await kafkaSecurityOptions(
        {
          kafkaSslCa: join(dir, 'ca.pem'),
          kafkaSslCert: join(dir, 'cert.pem'),
          kafkaSslKey: join(dir, 'key.pem'),
          kafkaSaslMechanism: 'scram-sha-512',
          kafkaSaslUsername: 'registry',
        },
        { [KAFKA_SASL_PASSWORD_ENV]: 'pw' },
      ),
    ).toEqual({
      ssl: { ca: 'CA PEM', cert: 'CERT PEM', key: 'KEY PEM' },
      sasl: { mechanism: 'scram-sha-512', username: 'registry', password: 'pw' },
    });
  });

  it('takes SASL without TLS (SASL_PLAINTEXT)', async () => {
    expect(
      await kafkaSecurityOptions(
        { kafkaSaslMechanism: 'plain', kafkaSaslUsername: 'u' },
        { [KAFKA_SASL_PASSWORD_ENV]: 'p' },
      ),
    ).toEqual({ sasl: { mechanism: 'plain', username: 'u', password: 'p' } });
  });
});
