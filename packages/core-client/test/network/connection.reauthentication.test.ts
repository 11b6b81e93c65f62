/**
 * KIP-368 re-authentication on live connections. The first tests check only what the client sees
 * (delivery, order, its own log) through a SecuredTarget, so they run against any SASL listener whose
 * sessions are short; the later ones stage the sequencing with the fake broker's holds.
 */
import { ApiKey } from '@samsa/protocol';
import { waitFor } from '@samsa/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthenticationError, type Kafka, type SaslOptions } from '../../src/index.js';
import { type FakeBroker, startFakeBroker } from '../helpers/fake-broker.js';
import { unsecuredJwt } from '../helpers/jwt.js';
import {
  connectionsClosed,
  connectionsOpened,
  reauthentications,
  recordingClient,
  type SecuredTarget,
} from '../helpers/secured-target.js';

let fake: FakeBroker | null = null;
const producers: { disconnect(): Promise<void> }[] = [];
afterEach(async () => {
  for (const p of producers.splice(0)) await p.disconnect().catch(() => {});
  await fake?.stop();
  fake = null;
});

function producerOf(kafka: Kafka) {
  const producer = kafka.producer({ lingerMs: 0 });
  producers.push(producer);
  return producer;
}

/** An error and its causes, outermost first. */
function causes(err: unknown): unknown[] {
  const out: unknown[] = [];
  for (let e = err; e !== undefined && e !== null && out.length < 10; e = (e as Error).cause) out.push(e);
  return out;
}

const PASSWORD_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

/** Produces across several re-authentications and checks the client never reconnected. */
async function produceAcrossReauthentications(target: SecuredTarget): Promise<void> {
  const { kafka, logs } = recordingClient(target);
  const producer = producerOf(kafka);
  await producer.connect();
  await producer.send({ topic: 't', messages: [{ value: 'm0' }] });
  const opened = connectionsOpened(logs).length;
  for (const [i, atLeast] of [
    [1, 2],
    [2, 4],
  ]) {
    await waitFor(`${atLeast} re-authentications`, () => reauthentications(logs).length >= atLeast);
    await producer.send({ topic: 't', messages: [{ value: `m${i}` }] });
  }
  expect(connectionsClosed(logs)).toEqual([]);
  expect(connectionsOpened(logs).length).toBe(opened);
}

describe('re-authentication (client view)', () => {
  for (const mechanism of PASSWORD_MECHANISMS) {
    it(`keeps a ${mechanism} connection across several sessions without reconnecting`, async () => {
      fake = await startFakeBroker({
        topics: { t: 1 },
        saslUsers: { alice: 'wonderland' },
        sessionLifetimeMs: 800,
      });
      await produceAcrossReauthentications({
        brokers: fake.bootstrap,
        sasl: { mechanism, username: 'alice', password: 'wonderland' },
        reauthenticationThreshold: 200,
      });
      expect(fake.records('t', 0).map((r) => r.value!.toString())).toEqual(['m0', 'm1', 'm2']);
      expect(fake.authentications.filter((a) => a.reauthentication).length).toBeGreaterThanOrEqual(4);
    });
  }

  it('keeps an OAUTHBEARER connection across sessions', async () => {
    const token = unsecuredJwt({ sub: 'svc', exp: Math.floor(Date.now() / 1000) + 3600 });
    fake = await startFakeBroker({
      topics: { t: 1 },
      oauthTokens: { [token]: 'svc' },
      sessionLifetimeMs: 800,
    });
    await produceAcrossReauthentications({
      brokers: fake.bootstrap,
      sasl: { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: token }) },
      reauthenticationThreshold: 200,
    });
    expect(fake.records('t', 0).map((r) => r.value!.toString())).toEqual(['m0', 'm1', 'm2']);
  });
});

describe('re-authentication sequencing', () => {
  it('keeps requests in flight and holds new ones until the re-authentication is done, in order', async () => {
    fake = await startFakeBroker({
      topics: { t: 1 },
      saslUsers: { alice: 'wonderland' },
      sessionLifetimeMs: 3000,
    });
    const sasl: SaslOptions = { mechanism: 'scram-sha-512', username: 'alice', password: 'wonderland' };
    const { kafka } = recordingClient({ brokers: fake.bootstrap, sasl, reauthenticationThreshold: 1000 });
    const producer = producerOf(kafka);
    await producer.connect();
    await producer.send({ topic: 't', messages: [{ value: 'm0' }] });
    const produceConnection = fake.requests.find((r) => r.apiKey === ApiKey.Produce)!.connection;
    const accepted = fake.connectionsAccepted;
    const arrivals = () =>
      fake!.received.filter((r) => r.connection === produceConnection).map((r) => r.apiKey);

    // m1 is in flight (held by the broker) when the client starts re-authenticating behind it.
    fake.holdProduce = true;
    fake.holdReauthentication = true;
    const m1 = producer.send({ topic: 't', messages: [{ value: 'm1' }] });
    await waitFor('m1 at the broker', () => arrivals().filter((k) => k === ApiKey.Produce).length === 2);
    await waitFor(
      'the re-authenticating SaslHandshake',
      () => arrivals().lastIndexOf(ApiKey.SaslHandshake) > arrivals().lastIndexOf(ApiKey.Produce),
    );
    // Sends made now wait in the client: nothing follows the handshake on the wire.
    const later = [
      producer.send({ topic: 't', messages: [{ value: 'm2' }] }),
      producer.send({ topic: 't', messages: [{ value: 'm3' }] }),
    ];
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(arrivals().at(-1)).toBe(ApiKey.SaslHandshake);

    fake.releaseReauthentication();
    fake.releaseHeld();
    await Promise.all([m1, ...later]);
    expect(fake.records('t', 0).map((r) => r.value!.toString())).toEqual(['m0', 'm1', 'm2', 'm3']);
    const wire = arrivals();
    const handshake = wire.lastIndexOf(ApiKey.SaslHandshake);
    const lastAuthenticate = wire.lastIndexOf(ApiKey.SaslAuthenticate);
    expect(
      wire
        .slice(handshake, lastAuthenticate + 1)
        .every((k) => k === ApiKey.SaslHandshake || k === ApiKey.SaslAuthenticate),
    ).toBe(true);
    expect(wire.indexOf(ApiKey.Produce, lastAuthenticate)).toBeGreaterThan(lastAuthenticate);
    expect(fake.connectionsAccepted).toBe(accepted);
  });

  it('re-authenticates OAUTHBEARER with a refreshed token; new connections use it too', async () => {
    const expSoon = Math.floor(Date.now() / 1000) + 4;
    const first = unsecuredJwt({ sub: 'svc', exp: expSoon, n: 1 });
    const second = unsecuredJwt({ sub: 'svc', exp: expSoon + 3600, n: 2 });
    fake = await startFakeBroker({ topics: { t: 1 }, oauthTokens: { [first]: 'svc', [second]: 'svc' } });
    const issued = [first, second];
    let calls = 0;
    const { kafka } = recordingClient({
      brokers: fake.bootstrap,
      sasl: {
        mechanism: 'oauthbearer',
        oauthBearerProvider: async () => ({ value: issued[Math.min(calls++, 1)] }),
      },
      reauthenticationThreshold: 1000,
    });
    const producer = producerOf(kafka);
    await producer.connect();
    await producer.send({ topic: 't', messages: [{ value: 'before' }] });
    // The token's expiry bounds the session; the client re-authenticates before it with a fresh token.
    await waitFor('a re-authentication with the second token', () =>
      fake!.authentications.some((a) => a.reauthentication && a.token === second),
    );
    await producer.send({ topic: 't', messages: [{ value: 'after' }] });
    const admin = kafka.admin();
    await admin.connect();
    await admin.listTopics();
    await admin.disconnect();
    const last = fake.authentications.at(-1)!;
    expect(last.token).toBe(second);
    expect(fake.authentications.filter((a) => a.token === first).every((a) => !a.reauthentication)).toBe(
      true,
    );
    expect(calls).toBe(2);
    expect(fake.records('t', 0).map((r) => r.value!.toString())).toEqual(['before', 'after']);
  });

  it('closes the connection when re-authentication fails; the next connection reports the failure', async () => {
    fake = await startFakeBroker({
      topics: { t: 1 },
      saslUsers: { alice: 'wonderland' },
      sessionLifetimeMs: 600,
    });
    const { kafka, logs } = recordingClient({
      brokers: fake.bootstrap,
      sasl: { mechanism: 'scram-sha-256', username: 'alice', password: 'wonderland' },
      reauthenticationThreshold: 100,
    });
    const producer = producerOf(kafka);
    await producer.connect();
    await producer.send({ topic: 't', messages: [{ value: 'ok' }] });
    fake.options.saslUsers!.alice = 'rotated'; // the password changed on the broker
    await waitFor('the failed re-authentication of the produce connection', () =>
      logs.some(
        (e) =>
          e.log.message === 'SASL re-authentication failed; closing the connection' &&
          String(e.log.broker).includes('produce'),
      ),
    );
    const err = await producer
      .send({ topic: 't', messages: [{ value: 'refused' }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(causes(err).some((e) => e instanceof AuthenticationError)).toBe(true);
    expect(fake.records('t', 0).map((r) => r.value!.toString())).toEqual(['ok']);
  });
});
