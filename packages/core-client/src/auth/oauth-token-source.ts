/**
 * Wraps the user's `oauthBearerProvider` with the refresh Java's login refresh thread performs: a
 * token whose expiry is known (`expiresAtMs` from the provider, or the `exp` claim of a JWT) is reused
 * until 80% of its lifetime has passed, and replaced early enough that a KIP-368 re-authentication,
 * which runs `reauthenticationThreshold` ms before the session (bounded by the token's expiry) ends,
 * always gets a fresh one. Without a known expiry the provider is asked on every authentication, as
 * KafkaJS does, so providers that cache on their own keep working.
 */
import { AuthenticationError } from '../errors.js';
import type { Logger } from '../logger.js';

export interface OauthbearerToken {
  /** The bearer token (usually a JWT). */
  value: string;
  /** SASL extensions sent with the token (RFC 7628 kvpairs), e.g. Confluent Cloud's `logicalCluster`. */
  extensions?: Record<string, string>;
  /** When the token expires, in ms since the epoch. Default: the JWT's `exp` claim, when `value` is a JWT. */
  expiresAtMs?: number;
}

export type OauthbearerProvider = () => Promise<OauthbearerToken> | OauthbearerToken;

/** Share of the lifetime after which a token is refreshed (Java `sasl.login.refresh.window.factor`). */
const REFRESH_WINDOW_FACTOR = 0.8;

interface CachedToken {
  token: OauthbearerToken;
  refreshAtMs: number;
  expiresAtMs: number;
}

export class OauthbearerTokenSource {
  private cached: CachedToken | null = null;
  private fetching: Promise<OauthbearerToken> | null = null;

  constructor(
    private readonly provider: OauthbearerProvider,
    private readonly reauthenticationThresholdMs: number,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** A token to authenticate with: the cached one while it is fresh, else a new one from the provider. */
  async token(): Promise<OauthbearerToken> {
    const cached = this.cached;
    if (cached && this.now() < cached.refreshAtMs) return cached.token;
    this.fetching ??= this.fetch().finally(() => {
      this.fetching = null;
    });
    return this.fetching;
  }

  private async fetch(): Promise<OauthbearerToken> {
    const previous = this.cached;
    let token: OauthbearerToken;
    try {
      token = validateToken(await this.provider());
    } catch (err) {
      // Keep authenticating with a token that has not expired yet while the provider is down.
      if (previous && this.now() < previous.expiresAtMs) {
        this.logger.warn('oauthBearerProvider failed; using the current token until it expires', {
          error: (err as Error).message,
          expiresAt: new Date(previous.expiresAtMs).toISOString(),
        });
        return previous.token;
      }
      if (err instanceof AuthenticationError) throw err;
      throw new AuthenticationError(
        `SASL OAUTHBEARER: oauthBearerProvider failed: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
    const fetchedAt = this.now();
    const expiresAtMs = token.expiresAtMs ?? jwtExpiryMs(token.value);
    if (expiresAtMs === undefined) {
      this.cached = null;
      return token;
    }
    if (expiresAtMs <= fetchedAt) {
      throw new AuthenticationError(
        `SASL OAUTHBEARER: oauthBearerProvider returned a token that expired at ${new Date(expiresAtMs).toISOString()}`,
      );
    }
    const lifetime = expiresAtMs - fetchedAt;
    const refreshAtMs = Math.min(
      fetchedAt + lifetime * REFRESH_WINDOW_FACTOR,
      // A re-authentication at the end of a session the token's expiry bounds must not get the same token back.
      expiresAtMs - 2 * this.reauthenticationThresholdMs,
    );
    this.cached = { token, refreshAtMs, expiresAtMs };
    return token;
  }
}

function validateToken(token: unknown): OauthbearerToken {
  const t = token as OauthbearerToken | null | undefined;
  if (!t || typeof t.value !== 'string' || t.value.length === 0) {
    throw new AuthenticationError(
      'SASL OAUTHBEARER: oauthBearerProvider must resolve to { value: <token> } with a non-empty string value',
    );
  }
  if (t.expiresAtMs !== undefined && (typeof t.expiresAtMs !== 'number' || !Number.isFinite(t.expiresAtMs))) {
    throw new AuthenticationError(
      "SASL OAUTHBEARER: the token's expiresAtMs must be a number (ms since the epoch)",
    );
  }
  return t;
}

/** The `exp` claim of a JWT (or unsecured JWS) in ms, or undefined for tokens that are not JWTs. */
export function jwtExpiryMs(value: string): number | undefined {
  const parts = value.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' && Number.isFinite(claims.exp) ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
