/**
 * OAUTHBEARER on a SASL listener, with raw requests: Kafka's unsecured-JWS validator and a JWKS-file
 * validator (tokens signed here with jose), the error challenge and its acknowledgement, the principal from
 * the token, and a session that ends when the token expires (KIP-368).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApiKey, ErrorCode } from '@samsa/protocol';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Logger, type RunningBroker, startBroker } from '../../../src/index.js';
import { unsecuredValidator } from '../../../src/security/sasl/oauthbearer.js';
import { RawClient } from '../../helpers/raw-client.js';

const lines: string[] = [];
const logger: Logger = {
  debug: () => {},
  info: (m) => lines.push(m),
  warn: (m) => lines.push(m),
  error: (m) => lines.push(`ERROR ${m}`),
};

function unsecuredToken(claims: Record<string, unknown>): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none' })}.${part(claims)}.`;
}

const initialResponse = (token: string, authzid = '') =>
  Buffer.from(`n,${authzid ? `a=${authzid}` : ''},\x01auth=Bearer ${token}\x01\x01`);
const nowSeconds = () => Math.floor(Date.now() / 1000);

async function login(address: string, token: string, authzid = '') {
  const client = await RawClient.connect(address);
  const hs = await client.request(ApiKey.SaslHandshake, 1, { mechanism: 'OAUTHBEARER' });
  expect(hs.errorCode).toBe(ErrorCode.NONE);
  const auth = await client.request(ApiKey.SaslAuthenticate, 2, {
    authBytes: initialResponse(token, authzid),
  });
  return { client, auth };
}

describe("Kafka's unsecured validator", () => {
  it('checks the claims the way Kafka does', () => {
    const validate = unsecuredValidator({ requiredScope: ['kafka'] });
    const now = Date.now();
    const exp = Math.floor(now / 1000) + 60;
    expect(validate(unsecuredToken({ sub: 'svc', exp, scope: 'kafka other' }), now)).toEqual({
      principal: 'svc',
      expiresAt: exp * 1000,
    });
    expect(() => validate(unsecuredToken({ sub: 'svc', exp }), now)).toThrow(/required scope/);
    expect(() => validate(unsecuredToken({ exp, scope: 'kafka' }), now)).toThrow(/no sub/);
    expect(() => validate(unsecuredToken({ sub: 's', scope: 'kafka' }), now)).toThrow(/exp/);
    expect(() => validate(unsecuredToken({ sub: 's', exp: exp - 120, scope: 'kafka' }), now)).toThrow(
      /expired/,
    );
    expect(() =>
      validate(unsecuredToken({ sub: 's', exp, iat: exp - 1 + 600, scope: 'kafka' }), now),
    ).toThrow(/future/);
    expect(() => validate(`${unsecuredToken({ sub: 's', exp })}sig`, now)).toThrow(/empty signature/);
    expect(() => validate('not-a-jws', now)).toThrow(/3 dot-separated/);
  });
});

describe('OAUTHBEARER with the unsecured validator', () => {
  let broker: RunningBroker;
  beforeAll(async () => {
    broker = await startBroker({
      listeners: ['SASL_PLAINTEXT://127.0.0.1:0'],
      sasl: { oauthbearer: { unsecured: true }, maxReauthMs: 3_600_000, failedAuthenticationDelayMs: 0 },
      logger,
    });
  });
  afterAll(async () => {
    vi.useRealTimers();
    await broker?.stop();
    expect(lines.filter((l) => l.startsWith('ERROR'))).toEqual([]);
  });

  it('authenticates the token subject, with the session ending when the token does', async () => {
    const { client, auth } = await login(
      broker.bootstrap[0],
      unsecuredToken({ sub: 'orders-service', exp: nowSeconds() + 120 }),
    );
    expect(auth.errorCode).toBe(ErrorCode.NONE);
    expect(Number(auth.sessionLifetimeMs)).toBeGreaterThan(100_000);
    expect(Number(auth.sessionLifetimeMs)).toBeLessThanOrEqual(120_000);
    expect(lines.some((l) => l.includes('authenticated as User:orders-service with OAUTHBEARER'))).toBe(true);
    const metadata = { topics: [], allowAutoTopicCreation: false };
    expect((await client.request(ApiKey.Metadata, 12, metadata)).brokers).toHaveLength(1);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 121_000);
    await expect(client.request(ApiKey.Metadata, 12, metadata)).rejects.toThrow(/closed/);
    vi.useRealTimers();
  });

  it('answers an invalid token with the error challenge, then fails on its acknowledgement', async () => {
    const { client, auth } = await login(
      broker.bootstrap[0],
      unsecuredToken({ sub: 'x', exp: nowSeconds() - 10 }),
    );
    expect(auth.errorCode).toBe(ErrorCode.NONE);
    expect(JSON.parse(auth.authBytes.toString())).toEqual({ status: 'invalid_token' });
    const ack = await client.request(ApiKey.SaslAuthenticate, 2, { authBytes: Buffer.from('\x01') });
    expect(ack.errorCode).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED);
    expect(ack.errorMessage).toMatch(/token expired/);
    await client.closed;
  });

  it('refuses an authorization id that is not the token principal, and garbage', async () => {
    const token = unsecuredToken({ sub: 'alice', exp: nowSeconds() + 60 });
    const other = await login(broker.bootstrap[0], token, 'mallory');
    expect(other.auth.errorCode).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED);
    await other.client.closed;
    const client = await RawClient.connect(broker.bootstrap[0]);
    await client.request(ApiKey.SaslHandshake, 1, { mechanism: 'OAUTHBEARER' });
    const garbage = await client.request(ApiKey.SaslAuthenticate, 2, {
      authBytes: Buffer.from([0xde, 0xad, 0xbe, 0xef]),
    });
    expect(garbage.errorCode).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED);
    await client.closed;
  });
});

describe('OAUTHBEARER with a JWKS file', () => {
  let broker: RunningBroker;
  let dir: string;
  let sign: (claims: Record<string, unknown>) => Promise<string>;
  let signWithStranger: (claims: Record<string, unknown>) => Promise<string>;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'samsa-jwks-'));
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const stranger = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    const jwksFile = path.join(dir, 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify({ keys: [jwk] }));
    const signer = (key: typeof privateKey) => (claims: Record<string, unknown>) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setIssuedAt()
        .setIssuer('https://idp.example')
        .setAudience('kafka')
        .setExpirationTime('10m')
        .sign(key);
    sign = signer(privateKey);
    signWithStranger = signer(stranger.privateKey);
    broker = await startBroker({
      listeners: ['SASL_PLAINTEXT://127.0.0.1:0'],
      sasl: {
        oauthbearer: {
          jwks: { jwksFile, expectedIssuer: 'https://idp.example', expectedAudience: ['kafka'] },
        },
        failedAuthenticationDelayMs: 0,
      },
      logger,
    });
  });
  afterAll(async () => {
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts a token signed by a key of the set, as its subject', async () => {
    const { client, auth } = await login(broker.bootstrap[0], await sign({ sub: 'billing' }));
    expect(auth.errorCode).toBe(ErrorCode.NONE);
    // connections.max.reauth.ms is 0, but the token's expiry still bounds the session.
    expect(Number(auth.sessionLifetimeMs)).toBeGreaterThan(0);
    expect(lines.some((l) => l.includes('authenticated as User:billing with OAUTHBEARER'))).toBe(true);
    client.close();
  });

  it.each([
    [
      'signed by another key',
      () => signWithStranger({ sub: 'billing' }),
      /signature verification failed|no applicable key/i,
    ],
    ['without a subject', () => sign({}), /sub/],
  ])('refuses a token %s', async (_what, make, reason) => {
    const { client, auth } = await login(broker.bootstrap[0], await make());
    expect(JSON.parse(auth.authBytes.toString()).status).toBe('invalid_token');
    const ack = await client.request(ApiKey.SaslAuthenticate, 2, { authBytes: Buffer.from('\x01') });
    expect(ack.errorCode).toBe(ErrorCode.SASL_AUTHENTICATION_FAILED);
    expect(ack.errorMessage).toMatch(reason);
    await client.closed;
  });

  it('refuses to start with a JWKS file that is not one', async () => {
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, '{"nokeys": true}');
    await expect(
      startBroker({
        listeners: ['SASL_PLAINTEXT://127.0.0.1:0'],
        sasl: { oauthbearer: { jwks: { jwksFile: bad } } },
      }),
    ).rejects.toThrow(/not a JWKS/);
  });
});
