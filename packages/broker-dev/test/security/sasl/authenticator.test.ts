/**
 * SASL on a SASL_PLAINTEXT listener, with raw requests: the handshake and authentication Kafka runs
 * (SaslAuthenticate and handshake-v0 raw tokens), what closes a connection before authentication, session
 * lifetime and re-authentication (KIP-368), and bad input: garbage, oversized tokens, brute force. Every bad
 * case ends in a closed connection and a log line, and the broker keeps serving.
 */
import { ApiKey, ErrorCode } from '@samsa/protocol';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Logger, type RunningBroker, startBroker } from '../../../src/index.js';
import { closesWithin, RawClient } from '../../helpers/raw-client.js';
import { TestScramClient } from '../../helpers/scram-client.js';

const lines: string[] = [];
const logger: Logger = {
  debug: () => {},
  info: (m) => lines.push(m),
  warn: (m) => lines.push(m),
  error: (m) => lines.push(`ERROR ${m}`),
};

let broker: RunningBroker;
let sasl: string;
let plain: string;

beforeAll(async () => {
  broker = await startBroker({
    listeners: ['PLAINTEXT://127.0.0.1:0', 'SASL_PLAINTEXT://127.0.0.1:0'],
    sasl: { users: { alice: 'alice-secret', bob: 'bob:with:colons' }, failedAuthenticationDelayMs: 20 },
    logger,
  });
  plain = broker.bootstrapFor('PLAINTEXT')[0];
  sasl = broker.bootstrapFor('SASL_PLAINTEXT')[0];
});
afterAll(async () => {
  await broker?.stop();
  expect(lines.filter((l) => l.startsWith('ERROR'))).toEqual([]);
});

async function handshake(client: RawClient, mechanism: string, version = 1) {
  return client.request(ApiKey.SaslHandshake, version, { mechanism });
}

async function authenticate(client: RawClient, bytes: Buffer, version = 2) {
  return client.request(ApiKey.SaslAuthenticate, version, { authBytes: bytes });
}

async function plainLogin(client: RawClient, user: string, password: string, version = 2) {
  expect((await handshake(client, 'PLAIN')).errorCode).toBe(ErrorCode.NONE);
  return authenticate(client, Buffer.from(`\0${user}\0${password}`), version);
}

async function scramLogin(
  client: RawClient,
  mechanism: 'SCRAM-SHA-256' | 'SCRAM-SHA-512',
  user: string,
  password: string,
) {
  expect((await handshake(client, mechanism)).errorCode).toBe(ErrorCode.NONE);
  const scram = new TestScramClient(mechanism, user, password);
  const first = await authenticate(client, scram.clientFirst());
  if (first.errorCode !== ErrorCode.NONE) return first;
  const final = await authenticate(client, scram.clientFinal(first.authBytes));
  if (final.errorCode === ErrorCode.NONE) scram.verifyServerFinal(final.authBytes);
  return final;
}

const metadata = (client: RawClient) =>
  client.request(ApiKey.Metadata, 12, { topics: [], allowAutoTopicCreation: false });

describe('SASL handshake and authentication', () => {
  it('lists the enabled mechanisms and authenticates with PLAIN', async () => {
    const client = await RawClient.connect(sasl);
    const versions = await client.request(ApiKey.ApiVersions, 3, {
      clientSoftwareName: 'raw',
      clientSoftwareVersion: '1',
    });
    expect(versions.apiKeys.some((k) => k.apiKey === ApiKey.SaslAuthenticate)).toBe(true);
    const hs = await handshake(client, 'PLAIN');
    expect(hs.mechanisms).toEqual(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']);
    const auth = await authenticate(client, Buffer.from('\0alice\0alice-secret'));
    expect(auth.errorCode).toBe(ErrorCode.NONE);
    expect(auth.sessionLifetimeMs).toBe(0n);
    expect((await metadata(client)).brokers).toHaveLength(1);
    client.close();
  });

  it('authenticates with SCRAM-SHA-256 and SCRAM-SHA-512, passwords with colons included', async () => {
    for (const mechanism of ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const) {
      const client = await RawClient.connect(sasl);
      expect((await scramLogin(client, mechanism, 'bob', 'bob:with:colons')).errorCode).toBe(ErrorCode.NONE);
      expect((await metadata(client)).brokers).toHaveLength(1);
      client.close();
    }
  });

  it('accepts raw tokens after SaslHandshake v0, as kafka-python sends them', async () => {
    const client = await RawClient.connect(sasl);
    expect((await handshake(client, 'SCRAM-SHA-256', 0)).errorCode).toBe(ErrorCode.NONE);
    const scram = new TestScramClient('SCRAM-SHA-256', 'alice', 'alice-secret');
    const serverFirst = await client.rawToken(scram.clientFirst());
    scram.verifyServerFinal(await client.rawToken(scram.clientFinal(serverFirst)));
    expect((await metadata(client)).brokers).toHaveLength(1);
    client.close();

    const plainClient = await RawClient.connect(sasl);
    await handshake(plainClient, 'PLAIN', 0);
    expect(await plainClient.rawToken(Buffer.from('alice\0alice\0alice-secret'))).toEqual(Buffer.alloc(0));
    expect((await metadata(plainClient)).brokers).toHaveLength(1);
    plainClient.close();
  });

  it('answers a wrong password with SASL_AUTHENTICATION_FAILED, then closes', async () => {
    const client = await RawClient.connect(sasl);
    const auth = await plainLogin(client, 'alice', 'wrong');
    expect(auth.errorCode).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED);
    expect(auth.errorMessage).toMatch(/Invalid username or password/);
    await client.closed;
    const scramClient = await RawClient.connect(sasl);
    const scram = await scramLogin(scramClient, 'SCRAM-SHA-512', 'alice', 'wrong');
    expect(scram.errorCode).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED);
    await scramClient.closed;
    const unknown = await RawClient.connect(sasl);
    expect((await scramLogin(unknown, 'SCRAM-SHA-256', 'mallory', 'x')).errorCode).toBe(
      ErrorCode.SASL_AUTHENTICATION_FAILED,
    );
    await unknown.closed;
    expect(lines.some((l) => l.includes('SASL authentication failed on listener SASL_PLAINTEXT'))).toBe(true);
  });

  it('closes a raw-token exchange that fails', async () => {
    const client = await RawClient.connect(sasl);
    await handshake(client, 'PLAIN', 0);
    await expect(client.rawToken(Buffer.from('\0alice\0nope'))).rejects.toThrow(/closed/);
  });

  it('refuses an unknown mechanism with the enabled ones, then closes', async () => {
    const client = await RawClient.connect(sasl);
    const hs = await handshake(client, 'GSSAPI');
    expect(hs.errorCode).toBe(ErrorCode.UNSUPPORTED_SASL_MECHANISM);
    expect(hs.mechanisms).toContain('SCRAM-SHA-512');
    await client.closed;
  });

  it('closes a connection that sends any other request before authenticating', async () => {
    const before = await RawClient.connect(sasl);
    await expect(metadata(before)).rejects.toThrow(/closed/);
    const midway = await RawClient.connect(sasl);
    await handshake(midway, 'PLAIN');
    await expect(metadata(midway)).rejects.toThrow(/closed/);
    const noHandshake = await RawClient.connect(sasl);
    await expect(authenticate(noHandshake, Buffer.from('\0alice\0alice-secret'))).rejects.toThrow(/closed/);
    expect(lines.some((l) => l.includes('during SASL handshake on listener SASL_PLAINTEXT'))).toBe(true);
  });

  it('answers SaslHandshake on a PLAINTEXT listener with ILLEGAL_SASL_STATE and serves it without authentication', async () => {
    const client = await RawClient.connect(plain);
    expect((await handshake(client, 'PLAIN')).errorCode).toBe(ErrorCode.ILLEGAL_SASL_STATE);
    expect((await metadata(client)).brokers).toHaveLength(1);
    client.close();
  });
});

describe('bad input never takes the broker down', () => {
  it('closes on garbage before and during the handshake', async () => {
    const before = await RawClient.connect(sasl);
    before.sendRaw(Buffer.from('00000010ffffffffffffffffffffffffffffffff', 'hex'));
    expect(await closesWithin(before, 5000)).toBe(true);
    const during = await RawClient.connect(sasl);
    await handshake(during, 'SCRAM-SHA-256');
    // A SaslAuthenticate frame whose body is cut short.
    during.sendRaw(Buffer.from('0000000b00240002000000077fff41', 'hex'));
    expect(await closesWithin(during, 5000)).toBe(true);
    const rawGarbage = await RawClient.connect(sasl);
    await handshake(rawGarbage, 'SCRAM-SHA-256', 0);
    await expect(rawGarbage.rawToken(Buffer.from([0xff, 0x00, 0x13, 0x37]))).rejects.toThrow(/closed/);
  });

  it('closes on a SASL token larger than sasl.server.max.receive.size', async () => {
    const client = await RawClient.connect(sasl);
    await handshake(client, 'PLAIN');
    await expect(authenticate(client, Buffer.alloc(600 * 1024, 0x41))).rejects.toThrow(/closed/);
    expect(lines.some((l) => l.includes('sasl.server.max.receive.size'))).toBe(true);
    // Authenticated connections take requests up to socket.request.max.bytes again.
    const ok = await RawClient.connect(sasl);
    expect((await plainLogin(ok, 'alice', 'alice-secret')).errorCode).toBe(ErrorCode.NONE);
    const big = await ok.request(ApiKey.Metadata, 12, {
      topics: Array.from({ length: 3000 }, (_, i) => ({
        name: `${'t'.repeat(200)}${i}`,
        topicId: undefined,
      })),
      allowAutoTopicCreation: false,
    });
    expect(big.topics).toHaveLength(3000);
    ok.close();
  });

  it('survives a bounded brute-force run: each try costs a connection, then real users still get in', async () => {
    const attempts = 25;
    const results = await Promise.all(
      Array.from({ length: attempts }, async (_, i) => {
        const client = await RawClient.connect(sasl);
        const auth = await plainLogin(client, 'alice', `guess-${i}`);
        await client.closed;
        return auth.errorCode;
      }),
    );
    expect(results).toEqual(Array(attempts).fill(ErrorCode.SASL_AUTHENTICATION_FAILED));
    const client = await RawClient.connect(sasl);
    expect((await plainLogin(client, 'alice', 'alice-secret')).errorCode).toBe(ErrorCode.NONE);
    client.close();
  });
});

describe('KIP-368 re-authentication', () => {
  let reauth: RunningBroker;
  // Only Date is faked: sessions expire by the wall clock, sockets and timers run as usual.
  const advance = (ms: number) => vi.setSystemTime(Date.now() + ms);
  beforeAll(async () => {
    reauth = await startBroker({
      listeners: ['SASL_PLAINTEXT://127.0.0.1:0'],
      sasl: { users: { alice: 'a', bob: 'b' }, maxReauthMs: 60_000, failedAuthenticationDelayMs: 0 },
      logger,
    });
    vi.useFakeTimers({ toFake: ['Date'] });
  });
  afterAll(async () => {
    vi.useRealTimers();
    await reauth?.stop();
  });

  it('returns the session lifetime and lets the client re-authenticate on the same connection', async () => {
    const client = await RawClient.connect(reauth.bootstrap[0]);
    const first = await plainLogin(client, 'alice', 'a');
    expect(first.sessionLifetimeMs).toBe(60_000n);
    advance(50_000);
    expect((await metadata(client)).brokers).toHaveLength(1);
    const again = await plainLogin(client, 'alice', 'a');
    expect(again.errorCode).toBe(ErrorCode.NONE);
    expect(again.sessionLifetimeMs).toBe(60_000n);
    advance(50_000); // past the first session, within the second
    expect((await metadata(client)).brokers).toHaveLength(1);
    client.close();
  });

  it('closes a connection whose session expired when it sends a request', async () => {
    const client = await RawClient.connect(reauth.bootstrap[0]);
    await plainLogin(client, 'alice', 'a');
    advance(60_001);
    await expect(metadata(client)).rejects.toThrow(/closed/);
    expect(lines.some((l) => l.includes('expired without re-authentication'))).toBe(true);
  });

  it('refuses re-authentication as another principal or with another mechanism', async () => {
    const other = await RawClient.connect(reauth.bootstrap[0]);
    await plainLogin(other, 'alice', 'a');
    const changed = await plainLogin(other, 'bob', 'b');
    expect(changed.errorCode).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED);
    expect(changed.errorMessage).toMatch(/Cannot change principals/);
    await other.closed;
    const mechanism = await RawClient.connect(reauth.bootstrap[0]);
    await plainLogin(mechanism, 'alice', 'a');
    expect((await handshake(mechanism, 'SCRAM-SHA-256')).errorCode).toBe(
      ErrorCode.UNSUPPORTED_SASL_MECHANISM,
    );
    await mechanism.closed;
  });

  it('does not expire sessions of clients that cannot learn the lifetime (SaslAuthenticate v0)', async () => {
    const client = await RawClient.connect(reauth.bootstrap[0]);
    expect((await plainLogin(client, 'alice', 'a', 0)).errorCode).toBe(ErrorCode.NONE);
    advance(120_000);
    expect((await metadata(client)).brokers).toHaveLength(1);
    client.close();
  });
});
