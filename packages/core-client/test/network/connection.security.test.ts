import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthenticationError, Kafka, LogLevel, type SaslMechanism } from '../../src/index.js';
import { type FakeBroker, startFakeBroker } from '../helpers/fake-broker.js';

const fixtures = fileURLToPath(new URL('../fixtures/tls/', import.meta.url));
const key = readFileSync(`${fixtures}key.pem`);
const cert = readFileSync(`${fixtures}cert.pem`);

let fake: FakeBroker | null = null;
afterEach(async () => {
  await fake?.stop();
  fake = null;
});

async function roundTrip(kafka: Kafka): Promise<string[]> {
  const producer = kafka.producer({ lingerMs: 0 });
  await producer.connect();
  try {
    await producer.send({ topic: 't', messages: [{ value: 'secure' }] });
  } finally {
    await producer.disconnect();
  }
  return fake!.records('t', 0).map((r) => r.value!.toString());
}

describe('TLS', () => {
  it('connects with ssl options (trusting the test CA)', async () => {
    fake = await startFakeBroker({ topics: { t: 1 }, tls: { key, cert } });
    const kafka = new Kafka({ brokers: fake.bootstrap, ssl: { ca: [cert] }, logLevel: LogLevel.NOTHING });
    expect(await roundTrip(kafka)).toEqual(['secure']);
  });

  it('rejects an untrusted certificate with a non-retriable AuthenticationError', async () => {
    fake = await startFakeBroker({ topics: { t: 1 }, tls: { key, cert } });
    const kafka = new Kafka({
      brokers: fake.bootstrap,
      ssl: true,
      logLevel: LogLevel.NOTHING,
      retry: { retries: 0 },
      connectionTimeoutMs: 2000,
    });
    const err = await kafka
      .producer()
      .connect()
      .catch((e) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.retriable).toBe(false);
    expect(err.message).toMatch(/certificate/i);
  });
});

describe('SASL', () => {
  for (const mechanism of ['plain', 'scram-sha-256', 'scram-sha-512'] as SaslMechanism[]) {
    it(`authenticates with ${mechanism}`, async () => {
      fake = await startFakeBroker({ topics: { t: 1 }, saslUsers: { alice: 'wonderland' } });
      const kafka = new Kafka({
        brokers: fake.bootstrap,
        sasl: { mechanism, username: 'alice', password: 'wonderland' },
        logLevel: LogLevel.NOTHING,
      });
      expect(await roundTrip(kafka)).toEqual(['secure']);
    });

    it(`fails ${mechanism} with a wrong password as a non-retriable AuthenticationError`, async () => {
      fake = await startFakeBroker({ topics: { t: 1 }, saslUsers: { alice: 'wonderland' } });
      const kafka = new Kafka({
        brokers: fake.bootstrap,
        sasl: { mechanism, username: 'alice', password: 'nope' },
        logLevel: LogLevel.NOTHING,
      });
      const err = await kafka
        .producer()
        .connect()
        .catch((e) => e);
      expect(err).toBeInstanceOf(AuthenticationError);
      expect(err.retriable).toBe(false);
      expect(err.message).toContain('alice');
    });
  }

  it('works over TLS too (SASL_SSL)', async () => {
    fake = await startFakeBroker({ topics: { t: 1 }, tls: { key, cert }, saslUsers: { bob: 'builder' } });
    const kafka = new Kafka({
      brokers: fake.bootstrap,
      ssl: { ca: [cert] },
      sasl: { mechanism: 'scram-sha-512', username: 'bob', password: 'builder' },
      logLevel: LogLevel.NOTHING,
    });
    expect(await roundTrip(kafka)).toEqual(['secure']);
  });
});
