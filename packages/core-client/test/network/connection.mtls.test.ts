import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationError, Kafka, LogLevel } from '../../src/index.js';
import { createTestPki, type TestPki } from '../helpers/certificates.js';
import { type FakeBroker, startFakeBroker } from '../helpers/fake-broker.js';

let pki: TestPki;
let otherPki: TestPki;
let fake: FakeBroker | null = null;

beforeAll(async () => {
  pki = await createTestPki();
  otherPki = await createTestPki('Some Other CA');
});

afterEach(async () => {
  await fake?.stop();
  fake = null;
});

/** A TLS listener that requires a client certificate from the test CA (Kafka's ssl.client.auth=required). */
function startMutualTlsBroker(): Promise<FakeBroker> {
  return startFakeBroker({
    topics: { t: 1 },
    tls: {
      key: Buffer.from(pki.broker.key),
      cert: Buffer.from(pki.broker.cert),
      ca: [pki.ca.cert],
      requestCert: true,
      rejectUnauthorized: true,
    },
  });
}

async function produceOne(kafka: Kafka): Promise<void> {
  const producer = kafka.producer({ lingerMs: 0 });
  await producer.connect();
  try {
    await producer.send({ topic: 't', messages: [{ value: 'over mTLS' }] });
  } finally {
    await producer.disconnect();
  }
}

describe('mutual TLS', () => {
  it('presents ssl.cert/ssl.key to a broker that requires a client certificate', async () => {
    fake = await startMutualTlsBroker();
    const client = await pki.client('alice');
    const kafka = new Kafka({
      brokers: fake.bootstrap,
      ssl: { ca: [pki.ca.cert], cert: client.cert, key: client.key },
      logLevel: LogLevel.NOTHING,
    });
    await produceOne(kafka);
    expect(fake.records('t', 0).map((r) => r.value!.toString())).toEqual(['over mTLS']);
    expect(new Set(fake.clientCertificates)).toEqual(new Set(['alice']));
  });

  it('fails with a non-retriable AuthenticationError without a client certificate', async () => {
    fake = await startMutualTlsBroker();
    const kafka = new Kafka({
      brokers: fake.bootstrap,
      ssl: { ca: [pki.ca.cert] },
      logLevel: LogLevel.NOTHING,
      connectionTimeoutMs: 5000,
    });
    const err = await produceOne(kafka).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as AuthenticationError).retriable).toBe(false);
    expect((err as Error).message).toMatch(/certificate/i);
    expect(fake.records('t', 0)).toEqual([]);
  });

  it('is refused with a client certificate from a CA the broker does not trust', async () => {
    fake = await startMutualTlsBroker();
    const stranger = await otherPki.client('mallory');
    const kafka = new Kafka({
      brokers: fake.bootstrap,
      ssl: { ca: [pki.ca.cert], cert: stranger.cert, key: stranger.key },
      logLevel: LogLevel.NOTHING,
      retry: { retries: 0 },
    });
    // Node's TLS server drops the connection without an alert here (Kafka's sends bad_certificate, which
    // tls-alerts.ts turns into an AuthenticationError): only the refusal itself is certain.
    const err = await produceOne(kafka).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(fake.clientCertificates).toEqual([]);
    expect(fake.records('t', 0)).toEqual([]);
  });

  it('refuses a broker whose certificate is not from the CA in ssl.ca', async () => {
    fake = await startMutualTlsBroker();
    const client = await otherPki.client('alice');
    const kafka = new Kafka({
      brokers: fake.bootstrap,
      ssl: { ca: [otherPki.ca.cert], cert: client.cert, key: client.key },
      logLevel: LogLevel.NOTHING,
    });
    const err = await produceOne(kafka).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as Error).message).toMatch(/certificate/i);
  });
});
