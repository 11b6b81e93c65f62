/**
 * Samsa's client against the dev broker's secure listeners: every SASL mechanism it speaks (PLAIN,
 * SCRAM-SHA-256, SCRAM-SHA-512) over SASL_SSL and SASL_PLAINTEXT, and mutual TLS on an SSL listener, each
 * producing and consuming; a wrong password gives an AuthenticationError that says what to check, and a
 * broker certificate from another CA a TLS error.
 */
import { readFile } from 'node:fs/promises';
import { startBroker } from '@samsa/broker-dev';
import { generateDevCa, issueClientCertificate } from '@samsa/cli-kit';
import { waitFor } from '@samsa/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthenticationError, Kafka, type KafkaConfig, LogLevel } from '../../src/index.js';

type Broker = Awaited<ReturnType<typeof startBroker>>;

let broker: Broker;
let ca: string;
let clientCert: { cert: string; key: string };

beforeAll(async () => {
  broker = await startBroker({
    listeners: ['SASL_SSL://127.0.0.1:0', 'SASL_PLAINTEXT://127.0.0.1:0', 'SSL://127.0.0.1:0'],
    tls: { auto: true, clientAuth: 'required' },
    sasl: { users: { alice: 'alice-secret' }, failedAuthenticationDelayMs: 0 },
  });
  ca = broker.tls!.caCert!;
  const caKey = await readFile(broker.tls!.caCertFile!.replace(/ca\.pem$/, 'ca-key.pem'), 'utf8');
  clientCert = await issueClientCertificate({ cert: ca, key: caKey }, 'CN=samsa-client');
});
afterAll(() => broker?.stop());

function kafka(listener: string, extra: Partial<KafkaConfig>): Kafka {
  return new Kafka({
    clientId: 'samsa-security-it',
    brokers: broker.bootstrapFor(listener),
    logLevel: LogLevel.NOTHING,
    retry: { initialRetryTimeMs: 20, maxRetryTimeMs: 200, retries: 3 },
    ...extra,
  });
}

async function roundTrip(client: Kafka, topic: string): Promise<void> {
  const admin = client.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
  await admin.disconnect();
  const producer = client.producer();
  await producer.connect();
  const values = Array.from({ length: 10 }, (_, i) => `${topic}-${i}`);
  await producer.send({ topic, messages: values.map((value) => ({ value })) });
  await producer.disconnect();
  const consumer = client.consumer({ groupId: `${topic}-group`, autoOffsetReset: 'earliest' });
  await consumer.subscribe({ topics: [topic] });
  const seen: string[] = [];
  await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
  await waitFor(`${values.length} messages on ${topic}`, () => seen.length >= values.length);
  await consumer.disconnect();
  expect(seen.sort()).toEqual([...values].sort());
}

describe('Samsa client on secure listeners', () => {
  for (const mechanism of ['plain', 'scram-sha-256', 'scram-sha-512'] as const) {
    it(`SASL_SSL with ${mechanism}`, async () => {
      await roundTrip(
        kafka('SASL_SSL', { ssl: { ca }, sasl: { mechanism, username: 'alice', password: 'alice-secret' } }),
        `sasl-ssl-${mechanism}`,
      );
    });
  }

  it('SASL_PLAINTEXT with scram-sha-512', async () => {
    await roundTrip(
      kafka('SASL_PLAINTEXT', {
        sasl: { mechanism: 'scram-sha-512', username: 'alice', password: 'alice-secret' },
      }),
      'sasl-plaintext',
    );
  });

  it('SSL with a client certificate', async () => {
    await roundTrip(kafka('SSL', { ssl: { ca, ...clientCert } }), 'mutual-tls');
  });

  it('fails with an AuthenticationError on a wrong password', async () => {
    const admin = kafka('SASL_SSL', {
      ssl: { ca },
      sasl: { mechanism: 'scram-sha-256', username: 'alice', password: 'wrong' },
    }).admin();
    const error = await admin.connect().then(
      () => admin.listTopics(),
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).toMatch(/invalid credentials.*Check the credentials and the mechanism/);
    await admin.disconnect();
  });

  it('fails against a broker certificate from a CA it does not trust', async () => {
    const stranger = await generateDevCa('stranger');
    const admin = kafka('SASL_SSL', {
      ssl: { ca: stranger.cert },
      sasl: { mechanism: 'plain', username: 'alice', password: 'alice-secret' },
    }).admin();
    const error = await admin.connect().then(
      () => admin.listTopics(),
      (err: unknown) => err,
    );
    expect(`${(error as Error)?.message} ${((error as Error)?.cause as Error)?.message ?? ''}`).toMatch(
      /certificate|verify/i,
    );
    await admin.disconnect();
  });
});
