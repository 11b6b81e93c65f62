/**
 * KafkaJS 2.2.4 against the SASL_SSL listener: PLAIN and SCRAM-SHA-256 each produce and consume with a
 * consumer group; a wrong password fails with KafkaJS's SASL authentication error and a broker certificate
 * from an untrusted CA with a TLS verification error, each naming the cause.
 */
import { readFile } from 'node:fs/promises';
import { Kafka, type KafkaConfig, logLevel, type SASLOptions } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SecureBroker, startSecureBroker, USERS } from '../helpers/security.js';

let secure: SecureBroker;

beforeAll(async () => {
  secure = await startSecureBroker();
});
afterAll(async () => {
  expect(secure.lines.filter((l) => l.startsWith('ERROR'))).toEqual([]);
  await secure?.stop();
});

function kafka(sasl: SASLOptions, ca = secure.caCert): Kafka {
  const config: KafkaConfig = {
    clientId: 'kafkajs-security',
    brokers: secure.broker.bootstrapFor('SASL_SSL'),
    ssl: { ca: [ca] },
    // KafkaJS stores its authentication provider (bound to these credentials) on the object it is given.
    sasl: { ...sasl } as SASLOptions,
    logLevel: logLevel.NOTHING,
    retry: { retries: 1 },
    connectionTimeout: 5000,
  };
  return new Kafka(config);
}

describe.each([
  ['plain', { mechanism: 'plain', username: 'alice', password: USERS.alice }],
  ['scram-sha-256', { mechanism: 'scram-sha-256', username: 'bob', password: USERS.bob }],
] as const)('KafkaJS with SASL_SSL and %s', (mechanism, sasl) => {
  it('produces and consumes with a group', async () => {
    const client = kafka(sasl);
    const topic = `kafkajs-${mechanism}`;
    const admin = client.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
    await admin.disconnect();
    const producer = client.producer();
    await producer.connect();
    const values = Array.from({ length: 20 }, (_, i) => `${mechanism}-${i}`);
    await producer.send({ topic, messages: values.map((value, i) => ({ key: `k${i % 4}`, value })) });
    await producer.disconnect();
    const consumer = client.consumer({ groupId: `group-${mechanism}` });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received: string[] = [];
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: async ({ message }) => {
            received.push(message.value!.toString());
            if (received.length === values.length) resolve();
          },
        })
        .catch(reject);
    });
    await consumer.disconnect();
    expect(received.sort()).toEqual([...values].sort());
    const user = sasl.username;
    const upper = sasl.mechanism.toUpperCase();
    expect(secure.lines.some((l) => l.includes(`authenticated as User:${user} with ${upper}`))).toBe(true);
  });

  it('fails with a SASL authentication error on a wrong password', async () => {
    const admin = kafka({
      mechanism: sasl.mechanism,
      username: sasl.username,
      password: 'wrong',
    } as SASLOptions).admin();
    const error = await admin.connect().then(
      () => undefined,
      (err: Error) => err,
    );
    expect(error?.name).toBe('KafkaJSSASLAuthenticationError');
    expect(error?.message).toMatch(/SASL .*authentication failed/i);
    await admin.disconnect();
  });

  it('fails with a TLS error against a broker certificate it does not trust', async () => {
    const strangerCa = await readFile(secure.stranger.caFile, 'utf8');
    const admin = kafka(sasl, strangerCa).admin();
    const error = await admin.connect().then(
      () => undefined,
      (err: Error) => err,
    );
    expect(error).toBeDefined();
    expect(`${error?.message} ${(error as { cause?: Error })?.cause?.message ?? ''}`).toMatch(
      /certificate|unable to verify|self.signed/i,
    );
    await admin.disconnect();
  });
});
