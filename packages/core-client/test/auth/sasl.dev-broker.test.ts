/**
 * Samsa's client against the dev broker's secure listeners where sessions end: KIP-368 re-authentication
 * across the broker's session lifetime (connections.max.reauth.ms) while sends are in flight, OAUTHBEARER
 * with short-lived tokens the client refreshes, and the principal a client certificate gives on a
 * mutual-TLS listener, seen through the broker's ACLs. Plain round trips per mechanism are in
 * sasl.broker.test.ts.
 */
import { readFile } from 'node:fs/promises';
import { startBroker } from '@samsa/broker-dev';
import { issueClientCertificate } from '@samsa/cli-kit';
import { waitFor } from '@samsa/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  AuthenticationError,
  Kafka,
  type KafkaConfig,
  LogLevel,
  type Producer,
  ResourcePatternTypes,
} from '../../src/index.js';
import { unsecuredJwt } from '../helpers/jwt.js';
import { reauthentications, recordingClient } from '../helpers/secured-target.js';

type Broker = Awaited<ReturnType<typeof startBroker>>;

const SESSION_LIFETIME_MS = 1500;
const CLIENT_SUBJECT = 'CN=samsa-client,O=Samsa';

let broker: Broker;
let ca: string;
let clientCert: { cert: string; key: string };
/** The broker's log lines, to see its side of every (re-)authentication. */
const brokerLog: string[] = [];

beforeAll(async () => {
  const keep = (line: string) => void brokerLog.push(line);
  broker = await startBroker({
    listeners: ['SASL_SSL://127.0.0.1:0', 'SASL_PLAINTEXT://127.0.0.1:0', 'SSL://127.0.0.1:0'],
    tls: { auto: true, clientAuth: 'required' },
    sasl: {
      users: { alice: 'alice-secret' },
      oauthbearer: { unsecured: true },
      maxReauthMs: SESSION_LIFETIME_MS,
      failedAuthenticationDelayMs: 0,
    },
    authorizer: { superUsers: ['User:alice', 'User:svc'], allowEveryoneIfNoAclFound: false },
    logger: { debug: keep, info: keep, warn: keep, error: keep },
  });
  ca = broker.tls!.caCert!;
  const caKey = await readFile(broker.tls!.caCertFile!.replace(/ca\.pem$/, 'ca-key.pem'), 'utf8');
  clientCert = await issueClientCertificate({ cert: ca, key: caKey }, CLIENT_SUBJECT);
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

const aliceAdmin = () =>
  kafka('SASL_SSL', {
    ssl: { ca },
    sasl: { mechanism: 'scram-sha-512', username: 'alice', password: 'alice-secret' },
  }).admin();

async function createTopic(topic: string): Promise<void> {
  const admin = aliceAdmin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
  await admin.disconnect();
}

/** Broker log lines saying a connection re-authenticated as `principal`. */
function brokerReauthentications(principal: string): string[] {
  return brokerLog.filter((line) => line.includes(`re-authenticated as ${principal} `));
}

/**
 * Sends one message per send, up to 5 in flight, for at least `minMs` and until `done()` holds; returns
 * the values every send was acknowledged for (a rejected send fails the test).
 */
async function produceContinuously(
  producer: Producer,
  topic: string,
  minMs: number,
  done: () => boolean,
): Promise<string[]> {
  const acked: string[] = [];
  const startedAt = Date.now();
  let next = 0;
  const worker = async () => {
    while (Date.now() - startedAt < minMs || !done()) {
      if (Date.now() - startedAt > 30_000)
        throw new Error(`still producing after 30 s (${acked.length} acked)`);
      const value = `${topic}-${next++}`;
      await producer.send({ topic, acks: -1, messages: [{ key: value, value }] });
      acked.push(value);
    }
  };
  await Promise.all(Array.from({ length: 5 }, worker));
  return acked;
}

/** Every value on `topic`, read back by a fresh consumer; checks the log holds exactly `expected`. */
async function expectExactlyOnTopic(client: Kafka, topic: string, expected: string[]): Promise<void> {
  const admin = client.admin();
  await admin.connect();
  const stored = (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);
  await admin.disconnect();
  expect(stored).toBe(expected.length);
  const consumer = client.consumer({ groupId: `${topic}-reader`, autoOffsetReset: 'earliest' });
  await consumer.subscribe({ topics: [topic] });
  const seen: string[] = [];
  await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
  await waitFor(`${expected.length} messages on ${topic}`, () => seen.length >= expected.length);
  await consumer.disconnect();
  expect(seen.sort()).toEqual([...expected].sort());
}

describe('re-authentication across the broker session lifetime', () => {
  for (const mechanism of ['plain', 'scram-sha-256', 'scram-sha-512'] as const) {
    it(`keeps producing with ${mechanism}, every send acknowledged once`, async () => {
      const topic = `reauth-${mechanism}`;
      await createTopic(topic);
      const { kafka: client, logs } = recordingClient({
        brokers: broker.bootstrapFor('SASL_SSL'),
        ssl: { ca },
        sasl: { mechanism, username: 'alice', password: 'alice-secret' },
        reauthenticationThreshold: 500,
      });
      const brokerBefore = brokerReauthentications('User:alice').length;
      const producer = client.producer({ lingerMs: 0 });
      await producer.connect();
      const acked = await produceContinuously(
        producer,
        topic,
        5000,
        () => reauthentications(logs).length >= 3,
      );
      await producer.disconnect();

      expect(brokerReauthentications('User:alice').length - brokerBefore).toBeGreaterThanOrEqual(3);
      expect(brokerLog.filter((l) => l.includes('expired without re-authentication'))).toEqual([]);
      expect(new Set(acked).size).toBe(acked.length);
      await expectExactlyOnTopic(client, topic, acked);
    });
  }
});

describe('OAUTHBEARER with the unsecured validator', () => {
  it('refreshes short-lived tokens and re-authenticates without losing sends', async () => {
    const topic = 'oauthbearer-refresh';
    await createTopic(topic);
    const issued: string[] = [];
    const oauthBearerProvider = async () => {
      // exp has second granularity: these tokens live 3 s at most, so several are needed.
      const value = unsecuredJwt({
        sub: 'svc',
        iat: Math.floor(Date.now() / 1000),
        exp: Math.floor(Date.now() / 1000) + 3,
      });
      issued.push(value);
      return { value };
    };
    const { kafka: client, logs } = recordingClient({
      brokers: broker.bootstrapFor('SASL_PLAINTEXT'),
      sasl: { mechanism: 'oauthbearer', oauthBearerProvider },
      reauthenticationThreshold: 500,
    });
    const producer = client.producer({ lingerMs: 0 });
    await producer.connect();
    const issuedAtStart = issued.length;
    const acked = await produceContinuously(
      producer,
      topic,
      6000,
      () => issued.length >= issuedAtStart + 2 && reauthentications(logs).length >= 3,
    );
    await producer.disconnect();

    // New tokens were fetched and presented on the live connections, and the broker never expired one.
    expect(issued.length).toBeGreaterThanOrEqual(issuedAtStart + 2);
    expect(brokerReauthentications('User:svc').length).toBeGreaterThanOrEqual(3);
    expect(brokerLog.filter((l) => l.includes('expired without re-authentication'))).toEqual([]);
    await expectExactlyOnTopic(client, topic, acked);
  });

  it('fails with an AuthenticationError for an expired token', async () => {
    const expired = unsecuredJwt({ sub: 'svc', exp: Math.floor(Date.now() / 1000) - 60 });
    const admin = kafka('SASL_PLAINTEXT', {
      sasl: { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: expired }) },
    }).admin();
    const error = await admin.connect().then(
      () => admin.listTopics(),
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(AuthenticationError);
    await admin.disconnect();
  });
});

describe('mutual TLS principal', () => {
  it('is the certificate subject, refused until ACLs allow it', async () => {
    const topic = 'mtls-principal';
    await createTopic(topic);
    const client = kafka('SSL', { ssl: { ca, ...clientCert } });
    const producer = client.producer({ lingerMs: 0 });
    await producer.connect();
    const refused = await producer.send({ topic, messages: [{ value: 'early' }] }).then(
      () => undefined,
      (err: unknown) => err as Error,
    );
    expect(refused?.message).toMatch(/TOPIC_AUTHORIZATION_FAILED|not authorized/i);

    const admin = aliceAdmin();
    await admin.connect();
    const allow = (resourceType: AclResourceTypes, resourceName: string, operation: AclOperationTypes) => ({
      resourceType,
      resourceName,
      resourcePatternType: ResourcePatternTypes.LITERAL,
      principal: `User:${CLIENT_SUBJECT}`,
      host: '*',
      operation,
      permissionType: AclPermissionTypes.ALLOW,
    });
    await admin.createAcls({
      acl: [
        allow(AclResourceTypes.TOPIC, topic, AclOperationTypes.WRITE),
        allow(AclResourceTypes.TOPIC, topic, AclOperationTypes.READ),
        allow(AclResourceTypes.GROUP, `${topic}-reader`, AclOperationTypes.READ),
      ],
    });
    await admin.disconnect();

    await producer.send({ topic, acks: -1, messages: [{ value: 'allowed' }] });
    await producer.disconnect();
    await expectExactlyOnTopic(client, topic, ['allowed']);
  });
});
