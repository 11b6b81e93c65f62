/**
 * SASL/OAUTHBEARER (RFC 7628) as Kafka's OAuthBearerSaslServer runs it, with two token validators:
 *
 * - unsecured: Kafka's OAuthBearerUnsecuredJws validator for development. Tokens are unsigned JWS
 *   (`alg: none`, empty signature) whose principal claim (default `sub`) names the user; `exp` is required,
 *   `iat` may not be in the future, required scopes must be in the scope claim (default `scope`).
 * - JWKS file: signed JWTs verified with `jose` against the keys of a JWKS file (what Kafka does with
 *   `sasl.oauthbearer.jwks.endpoint.url=file:...`), with `exp` and `iat` required, optional expected issuer
 *   and audience, and a clock skew (sasl.oauthbearer.clock.skew.seconds, default 30).
 *
 * A token that fails validation gets Kafka's error challenge (`{"status":"invalid_token"}`); the client
 * answers with a lone 0x01 and authentication fails with the reason.
 */
import { readFileSync } from 'node:fs';
import {
  createLocalJWKSet,
  type JSONWebKeySet,
  type JWTPayload,
  errors as joseErrors,
  jwtVerify,
} from 'jose';
import { SaslAuthenticationError, type SaslMechanismServer, type SaslStep } from './mechanism.js';

export interface UnsecuredValidatorOptions {
  /** unsecuredValidatorPrincipalClaimName (default sub). */
  principalClaimName?: string;
  /** unsecuredValidatorScopeClaimName (default scope). */
  scopeClaimName?: string;
  /** unsecuredValidatorRequiredScope: scopes every token must have. */
  requiredScope?: readonly string[];
  /** unsecuredValidatorAllowableClockSkewMs (default 0). */
  allowableClockSkewMs?: number;
}

export interface JwksValidatorOptions {
  /** A JSON Web Key Set file. */
  jwksFile: string;
  /** sasl.oauthbearer.expected.issuer. */
  expectedIssuer?: string;
  /** sasl.oauthbearer.expected.audience (any one of them). */
  expectedAudience?: readonly string[];
  /** sasl.oauthbearer.sub.claim.name (default sub). */
  subClaimName?: string;
  /** sasl.oauthbearer.scope.claim.name (default scope). */
  scopeClaimName?: string;
  /** sasl.oauthbearer.clock.skew.seconds (default 30). */
  clockSkewSeconds?: number;
}

export interface OAuthBearerOptions {
  /** Kafka's unsecured-JWS validator (development only). */
  unsecured?: UnsecuredValidatorOptions | true;
  /** Verify signed tokens against a JWKS file. */
  jwks?: JwksValidatorOptions;
}

/** A token that passed validation. */
export interface ValidatedToken {
  principal: string;
  /** Expiry, ms since the epoch. */
  expiresAt: number;
}

/** Throws TokenValidationError for a token that does not pass. */
export type TokenValidator = (token: string, now: number) => Promise<ValidatedToken> | ValidatedToken;

export class TokenValidationError extends Error {
  override name = 'TokenValidationError';
  constructor(
    message: string,
    /** The `scope` of Kafka's error challenge, when a required scope was missing. */
    readonly scope?: string,
  ) {
    super(message);
  }
}

function base64UrlJson(part: string, what: string): Record<string, unknown> {
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new TokenValidationError(`The token's ${what} is not Base64URL-encoded JSON object`);
}

function scopesOf(claims: Record<string, unknown>, claim: string): string[] {
  const value = claims[claim];
  if (value === undefined) return [];
  if (typeof value === 'string') return value.split(' ').filter((s) => s !== '');
  if (Array.isArray(value) && value.every((s) => typeof s === 'string')) return value;
  throw new TokenValidationError(`The token's ${claim} claim is neither a string nor a list of strings`);
}

/** Kafka's OAuthBearerUnsecuredJws validation. */
export function unsecuredValidator(options: UnsecuredValidatorOptions = {}): TokenValidator {
  const principalClaim = options.principalClaimName ?? 'sub';
  const scopeClaim = options.scopeClaimName ?? 'scope';
  const skew = options.allowableClockSkewMs ?? 0;
  const required = options.requiredScope ?? [];
  return (token, now) => {
    const parts = token.split('.');
    if (parts.length !== 3) {
      throw new TokenValidationError(
        'Unsecured JWS compact serializations must have 3 dot-separated Base64URL-encoded values',
      );
    }
    if (parts[2] !== '') throw new TokenValidationError('Unsecured JWS must have an empty signature');
    const header = base64UrlJson(parts[0], 'header');
    if (header.alg !== 'none')
      throw new TokenValidationError(`Unsecured JWS must have alg "none", not ${JSON.stringify(header.alg)}`);
    const claims = base64UrlJson(parts[1], 'claims');
    const principal = claims[principalClaim];
    if (typeof principal !== 'string' || principal.trim() === '') {
      throw new TokenValidationError(`The token has no ${principalClaim} (principal) claim`);
    }
    const exp = claims.exp;
    if (typeof exp !== 'number')
      throw new TokenValidationError('The token has no numeric exp (expiration) claim');
    const iat = claims.iat;
    if (iat !== undefined) {
      if (typeof iat !== 'number')
        throw new TokenValidationError('The token iat (issued-at) claim is not a number');
      if (iat * 1000 > now + skew)
        throw new TokenValidationError(`The token was issued in the future (iat ${iat})`);
      if (exp <= iat) throw new TokenValidationError('The token expires before it was issued');
    }
    if (now >= exp * 1000 + skew) {
      throw new TokenValidationError(`The token expired at ${new Date(exp * 1000).toISOString()}`);
    }
    const scopes = scopesOf(claims, scopeClaim);
    const missing = required.filter((s) => !scopes.includes(s));
    if (missing.length > 0) {
      throw new TokenValidationError(
        `The token lacks the required scope(s) ${missing.join(' ')}`,
        required.join(' '),
      );
    }
    return { principal, expiresAt: exp * 1000 };
  };
}

/** Verifies signed JWTs against the keys of a JWKS file (read once, now). */
export function jwksFileValidator(options: JwksValidatorOptions): TokenValidator {
  let keySet: JSONWebKeySet;
  try {
    keySet = JSON.parse(readFileSync(options.jwksFile, 'utf8')) as JSONWebKeySet;
  } catch (err) {
    throw new TypeError(`Cannot read the JWKS file ${options.jwksFile}: ${(err as Error).message}`);
  }
  if (!Array.isArray(keySet?.keys))
    throw new TypeError(`${options.jwksFile} is not a JWKS: it has no "keys" array.`);
  const keys = createLocalJWKSet(keySet);
  const subClaim = options.subClaimName ?? 'sub';
  return async (token, now) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: options.expectedIssuer,
        audience: options.expectedAudience ? [...options.expectedAudience] : undefined,
        clockTolerance: options.clockSkewSeconds ?? 30,
        currentDate: new Date(now),
        requiredClaims: ['exp', 'iat', subClaim],
      }));
    } catch (err) {
      if (err instanceof joseErrors.JOSEError) throw new TokenValidationError(err.message);
      throw err;
    }
    const principal = payload[subClaim];
    if (typeof principal !== 'string' || principal.trim() === '') {
      throw new TokenValidationError(`The token's ${subClaim} claim is not a non-empty string`);
    }
    return { principal, expiresAt: (payload.exp as number) * 1000 };
  };
}

/** The validator the options ask for. */
export function tokenValidator(options: OAuthBearerOptions): TokenValidator {
  if (options.jwks && options.unsecured)
    throw new TypeError('oauthbearer: give either unsecured or jwks, not both.');
  if (options.jwks) return jwksFileValidator(options.jwks);
  if (options.unsecured) return unsecuredValidator(options.unsecured === true ? {} : options.unsecured);
  throw new TypeError('oauthbearer needs a validator: unsecured, or jwks with a jwksFile.');
}

const SEPARATOR = '\x01';

/** One OAUTHBEARER exchange on the server side. */
export class OAuthBearerServer implements SaslMechanismServer {
  readonly mechanism = 'OAUTHBEARER';
  private state: 'initial' | 'error-sent' | 'done' = 'initial';
  private errorMessage = '';

  constructor(
    private readonly validate: TokenValidator,
    private readonly now: () => number = Date.now,
  ) {}

  async evaluate(token: Buffer): Promise<SaslStep> {
    const message = token.toString('utf8');
    if (this.state === 'error-sent') {
      this.state = 'done';
      // The client acknowledges the error challenge with a lone separator (RFC 7628 3.2.3).
      throw new SaslAuthenticationError(
        message === SEPARATOR
          ? this.errorMessage
          : 'Authentication failed: the client did not acknowledge the error challenge',
      );
    }
    if (this.state === 'done') throw new SaslAuthenticationError('OAUTHBEARER exchange already complete');
    // gs2-header, then key=value pairs each ended by 0x01, then a final 0x01.
    const parts = message.split(SEPARATOR);
    const header = /^n,(?:a=([^,]*))?,$/.exec(parts[0]);
    const pairs = new Map<string, string>();
    const kvPairs = parts.slice(1, -2);
    if (!header || parts.length < 3 || parts.at(-1) !== '' || parts.at(-2) !== '') {
      this.state = 'done';
      throw new SaslAuthenticationError('Invalid OAUTHBEARER client first message');
    }
    const authorizationId = header[1];
    for (const pair of kvPairs) {
      const eq = pair.indexOf('=');
      if (eq <= 0) {
        this.state = 'done';
        throw new SaslAuthenticationError('Invalid OAUTHBEARER key/value pair');
      }
      pairs.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    const auth = /^Bearer ([^ ]+)$/i.exec(pairs.get('auth') ?? '');
    if (!auth) {
      this.state = 'done';
      throw new SaslAuthenticationError('Invalid OAUTHBEARER client first message: no "auth=Bearer <token>"');
    }
    let validated: ValidatedToken;
    try {
      validated = await this.validate(auth[1], this.now());
    } catch (err) {
      if (!(err instanceof TokenValidationError)) throw err;
      this.state = 'error-sent';
      this.errorMessage = `Authentication failed: ${err.message}`;
      const challenge = { status: 'invalid_token', ...(err.scope !== undefined && { scope: err.scope }) };
      return { challenge: Buffer.from(JSON.stringify(challenge), 'utf8'), complete: false };
    }
    this.state = 'done';
    if (authorizationId && authorizationId !== validated.principal) {
      throw new SaslAuthenticationError(
        `Authentication failed: Client requested an authorization id (${authorizationId}) that is different from the token's principal name (${validated.principal})`,
      );
    }
    return {
      challenge: Buffer.alloc(0),
      complete: true,
      authorizationId: validated.principal,
      credentialExpiresAt: validated.expiresAt,
    };
  }
}
