import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from '../src/config.js';

let dir: string;
let caFile: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'demo-orders-config-'));
  caFile = join(dir, 'ca.pem');
  await writeFile(caFile, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const brokers = { KAFKA_BROKERS: 'kafka:9093' };

describe('readConfig: Kafka security', () => {
  it('connects in plaintext, with the console, when nothing is set', () => {
    const config = readConfig(brokers);
    expect(config.kafkaSecurity).toBeUndefined();
    expect(config.consolePort).toBe(8080);
  });

  it('reads SASL and the CA to trust, and runs without the console', () => {
    const config = readConfig({
      ...brokers,
      KAFKA_SSL_CA: caFile,
      KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      KAFKA_SASL_USERNAME: 'orders',
      KAFKA_SASL_PASSWORD: 'orders-secret',
    });
    expect(config.kafkaSecurity).toEqual({
      ssl: { ca: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n' },
      sasl: { mechanism: 'scram-sha-512', username: 'orders', password: 'orders-secret' },
    });
    expect(config.consolePort).toBeNull();
  });

  it('uses the system CAs with KAFKA_SSL=1', () => {
    expect(readConfig({ ...brokers, KAFKA_SSL: '1' }).kafkaSecurity).toEqual({ ssl: true });
  });

  it.each([
    [
      { KAFKA_SASL_MECHANISM: 'gssapi' },
      /KAFKA_SASL_MECHANISM must be one of plain, scram-sha-256, scram-sha-512/,
    ],
    [
      { KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u' },
      /needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD/,
    ],
    [{ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }, /need KAFKA_SASL_MECHANISM/],
    [{ KAFKA_SSL_CA: '/nonexistent/ca.pem' }, /KAFKA_SSL_CA: cannot read \/nonexistent\/ca.pem/],
    [{ KAFKA_SSL: 'yes' }, /KAFKA_SSL must be 1 or 0/],
    [{ KAFKA_SSL: '1', CONSOLE_PORT: '8081' }, /the Samsa Console cannot connect to a secured Kafka/],
  ])('refuses %j', (env, message) => {
    expect(() => readConfig({ ...brokers, ...env })).toThrow(ConfigError);
    expect(() => readConfig({ ...brokers, ...env })).toThrow(message);
  });

  it('refuses security settings for the embedded broker', () => {
    expect(() => readConfig({ KAFKA_SSL: '1' })).toThrow(/apply to KAFKA_BROKERS, which is unset/);
  });
});
