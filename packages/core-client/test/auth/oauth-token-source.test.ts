import { describe, expect, it } from 'vitest';
import {
  jwtExpiryMs,
  type OauthbearerToken,
  OauthbearerTokenSource,
} from '../../src/auth/oauth-token-source.js';
import { AuthenticationError } from '../../src/index.js';
import { nullLogger } from '../../src/logger.js';
import { unsecuredJwt } from '../helpers/jwt.js';

function source(tokens: (() => OauthbearerToken)[], clock: { now: number }, thresholdMs = 10_000) {
  let calls = 0;
  const provider = async () => {
    const next = tokens[Math.min(calls, tokens.length - 1)];
    calls++;
    return next();
  };
  const s = new OauthbearerTokenSource(provider, thresholdMs, nullLogger, () => clock.now);
  return { s, calls: () => calls };
}

describe('OAuth bearer token source', () => {
  it('reads the expiry of a JWT from its exp claim', () => {
    expect(jwtExpiryMs(unsecuredJwt({ sub: 'alice', exp: 1_700_000_000 }))).toBe(1_700_000_000_000);
    expect(jwtExpiryMs('opaque-token')).toBeUndefined();
    expect(jwtExpiryMs('a.not-json.c')).toBeUndefined();
  });

  it('asks the provider every time when the expiry is unknown (KafkaJS behaviour)', async () => {
    const clock = { now: 0 };
    const { s, calls } = source([() => ({ value: 'opaque' })], clock);
    await s.token();
    await s.token();
    expect(calls()).toBe(2);
  });

  it('reuses a token until 80% of its lifetime, then refreshes it', async () => {
    const clock = { now: 1_000_000 };
    const { s, calls } = source(
      [
        () => ({ value: 'first', expiresAtMs: 1_000_000 + 600_000 }),
        () => ({ value: 'second', expiresAtMs: 9e12 }),
      ],
      clock,
    );
    expect((await s.token()).value).toBe('first');
    clock.now += 479_000;
    expect((await s.token()).value).toBe('first');
    expect(calls()).toBe(1);
    clock.now += 2_000; // past 80% of 600 s
    expect((await s.token()).value).toBe('second');
    expect(calls()).toBe(2);
  });

  it('refreshes early enough that a re-authentication at the end of a token-bound session gets a new token', async () => {
    // 30 s token, threshold 10 s: the broker ends the session at expiry, the client re-authenticates at 20 s.
    const clock = { now: 0 };
    const { s } = source(
      [() => ({ value: 'short', expiresAtMs: 30_000 }), () => ({ value: 'fresh', expiresAtMs: 9e12 })],
      clock,
    );
    await s.token();
    clock.now = 20_000;
    expect((await s.token()).value).toBe('fresh');
  });

  it('uses the expiry of a JWT when the provider gives none', async () => {
    const clock = { now: 1_000_000_000 };
    const jwt = unsecuredJwt({ sub: 'alice', exp: (clock.now + 100_000) / 1000 });
    const { s, calls } = source([() => ({ value: jwt }), () => ({ value: 'next' })], clock);
    await s.token();
    await s.token();
    expect(calls()).toBe(1);
    clock.now += 90_000;
    expect((await s.token()).value).toBe('next');
  });

  it('asks the provider once for concurrent authentications', async () => {
    const clock = { now: 0 };
    const { s, calls } = source([() => ({ value: 't', expiresAtMs: 3_600_000 })], clock);
    const tokens = await Promise.all([s.token(), s.token(), s.token()]);
    expect(tokens.map((t) => t.value)).toEqual(['t', 't', 't']);
    expect(calls()).toBe(1);
  });

  it('keeps a token that has not expired when the provider fails, and fails once it has', async () => {
    const clock = { now: 0 };
    const { s } = source(
      [
        () => ({ value: 'first', expiresAtMs: 100_000 }),
        () => {
          throw new Error('identity provider down');
        },
      ],
      clock,
    );
    await s.token();
    clock.now = 90_000;
    expect((await s.token()).value).toBe('first');
    clock.now = 100_001;
    await expect(s.token()).rejects.toThrow(/identity provider down/);
  });

  it('rejects tokens without a value, and tokens that have already expired', async () => {
    const clock = { now: 50_000 };
    await expect(source([() => ({}) as OauthbearerToken], clock).s.token()).rejects.toThrow(
      AuthenticationError,
    );
    await expect(source([() => ({ value: 't', expiresAtMs: 40_000 })], clock).s.token()).rejects.toThrow(
      /expired/,
    );
  });
});
