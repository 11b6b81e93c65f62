/**
 * SASL mechanisms end to end against the fake broker: OAUTHBEARER, and custom mechanisms through the
 * KafkaJS-shaped `authenticationProvider`, including KafkaJS 2.2.4's own PLAIN and SCRAM providers
 * plugged in unchanged (their request/response objects and length-prefixed bytes).
 */
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AuthenticationError,
  type AuthenticationProvider,
  Kafka,
  type KafkaConfig,
  LogLevel,
} from '../../src/index.js';
import { type FakeBroker, startFakeBroker } from '../helpers/fake-broker.js';
import { unsecuredJwt } from '../helpers/jwt.js';

const require = createRequire(import.meta.url);
type KafkaJsProviderFactory = (sasl: object) => AuthenticationProvider;
const kafkajsPlain = require('kafkajs/src/broker/saslAuthenticator/plain.js') as KafkaJsProviderFactory;
const kafkajsScram256 = require('kafkajs/src/broker/saslAuthenticator/scram256.js') as KafkaJsProviderFactory;

let fake: FakeBroker | null = null;
afterEach(async () => {
  await fake?.stop();
  fake = null;
});

async function produce(config: Omit<KafkaConfig, 'brokers'>, value = 'secured'): Promise<void> {
  const kafka = new Kafka({
    brokers: fake!.bootstrap,
    logLevel: LogLevel.NOTHING,
    retry: { retries: 0 },
    ...config,
  });
  const producer = kafka.producer({ lingerMs: 0 });
  await producer.connect();
  try {
    await producer.send({ topic: 't', messages: [{ value }] });
  } finally {
    await producer.disconnect();
  }
}

describe('OAUTHBEARER', () => {
  it("authenticates with the provider's token and sends its extensions", async () => {
    const token = unsecuredJwt({ sub: 'svc-orders', exp: Math.floor(Date.now() / 1000) + 3600 });
    fake = await startFakeBroker({ topics: { t: 1 }, oauthTokens: { [token]: 'svc-orders' } });
    await produce({
      sasl: {
        mechanism: 'oauthbearer',
        oauthBearerProvider: async () => ({ value: token, extensions: { logicalCluster: 'lkc-1' } }),
      },
    });
    expect(fake.records('t', 0).map((r) => r.value!.toString())).toEqual(['secured']);
    expect(fake.authentications[0]).toMatchObject({
      mechanism: 'OAUTHBEARER',
      principal: 'svc-orders',
      token,
      extensions: { logicalCluster: 'lkc-1' },
    });
  });

  it('fails with a non-retriable AuthenticationError naming the broker status when the token is refused', async () => {
    fake = await startFakeBroker({ topics: { t: 1 }, oauthTokens: { good: 'svc' } });
    const err = await produce({
      sasl: { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: 'forged' }) },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as AuthenticationError).retriable).toBe(false);
    expect((err as Error).message).toMatch(/invalid_token/);
    expect(fake.records('t', 0)).toEqual([]);
  });

  it('fails clearly when the provider does', async () => {
    fake = await startFakeBroker({ topics: { t: 1 }, oauthTokens: { good: 'svc' } });
    const err = await produce({
      sasl: {
        mechanism: 'oauthbearer',
        oauthBearerProvider: async () => {
          throw new Error('token endpoint returned 503');
        },
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as Error).message).toMatch(/oauthBearerProvider failed: token endpoint returned 503/);
  });
});

describe('custom mechanisms (authenticationProvider)', () => {
  it("runs KafkaJS 2.2.4's own PLAIN provider unchanged", async () => {
    fake = await startFakeBroker({ topics: { t: 1 }, saslUsers: { alice: 'wonderland' } });
    await produce({
      sasl: {
        mechanism: 'plain',
        authenticationProvider: kafkajsPlain({ username: 'alice', password: 'wonderland' }),
      },
    });
    expect(fake.authentications.map((a) => [a.mechanism, a.principal])).toContainEqual(['PLAIN', 'alice']);
  });

  it("runs KafkaJS 2.2.4's own SCRAM-SHA-256 provider unchanged (multi-round, response decode/parse)", async () => {
    fake = await startFakeBroker({ topics: { t: 1 }, saslUsers: { alice: 'wonderland' } });
    await produce({
      sasl: {
        mechanism: 'scram-sha-256',
        authenticationProvider: kafkajsScram256({ username: 'alice', password: 'wonderland' }),
      },
    });
    expect(fake.authentications.map((a) => [a.mechanism, a.principal])).toContainEqual([
      'SCRAM-SHA-256',
      'alice',
    ]);
    // And a wrong password fails as an authentication failure, not a retriable connection error.
    const err = await produce({
      sasl: {
        mechanism: 'scram-sha-256',
        authenticationProvider: kafkajsScram256({ username: 'alice', password: 'nope' }),
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
  });

  it('runs a mechanism Samsa does not know (an MSK IAM-like signed payload) over raw bytes', async () => {
    const seen: string[] = [];
    fake = await startFakeBroker({
      topics: { t: 1 },
      customMechanisms: {
        AWS_MSK_IAM: (authBytes) => {
          const payload = JSON.parse(authBytes.toString('utf8')) as {
            action: string;
            'x-amz-signature': string;
          };
          seen.push(payload.action);
          if (payload['x-amz-signature'] !== 'sig-ok') throw new Error('signature mismatch');
          return {
            reply: Buffer.from('{"version":"2020_10_22","request-id":"r1"}'),
            principal: 'arn:aws:iam::1:role/app',
          };
        },
      },
    });
    const provider: AuthenticationProvider = ({ exchange, host, port }) => ({
      async authenticate() {
        const reply = await exchange(
          Buffer.from(
            JSON.stringify({
              version: '2020_10_22',
              host,
              port,
              action: 'kafka-cluster:Connect',
              'x-amz-signature': 'sig-ok',
            }),
          ),
        );
        if (!JSON.parse(reply.toString('utf8'))['request-id']) throw new Error('no request id');
      },
    });
    await produce({ sasl: { mechanism: 'AWS_MSK_IAM', authenticationProvider: provider } });
    expect(seen.length).toBeGreaterThan(0);
    expect(fake.authentications[0]).toMatchObject({
      mechanism: 'AWS_MSK_IAM',
      principal: 'arn:aws:iam::1:role/app',
    });
  });

  it("wraps a provider's own error in a non-retriable AuthenticationError", async () => {
    fake = await startFakeBroker({
      topics: { t: 1 },
      customMechanisms: { CUSTOM: () => ({ reply: Buffer.alloc(0) }) },
    });
    const err = await produce({
      sasl: {
        mechanism: 'custom',
        authenticationProvider: () => ({
          authenticate: async () => {
            throw new Error('no credentials in the environment');
          },
        }),
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as Error).message).toMatch(/CUSTOM.*no credentials in the environment/);
  });

  it('says when the broker does not enable the mechanism', async () => {
    fake = await startFakeBroker({ topics: { t: 1 }, saslUsers: { alice: 'wonderland' } });
    const err = await produce({
      sasl: { mechanism: 'aws', authenticationProvider: () => ({ authenticate: async () => {} }) },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as Error).message).toMatch(/does not enable SASL mechanism AWS; it offers PLAIN/);
  });
});
