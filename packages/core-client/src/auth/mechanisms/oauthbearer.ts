/**
 * SASL OAUTHBEARER (RFC 7628) as Kafka speaks it (KIP-255): one client message,
 * `n,[a=authzid],` ^A `auth=Bearer <token>` ^A [key=value ^A]... ^A. A broker that rejects the token
 * answers with an error challenge (a JSON status); the client acknowledges it with a lone ^A and the
 * broker then fails the exchange, as RFC 7628 section 3.2.3 says.
 */
import { AuthenticationError } from '../../errors.js';
import type { AuthenticationProvider } from '../mechanism.js';
import type { OauthbearerProvider, OauthbearerTokenSource } from '../oauth-token-source.js';

export interface OauthbearerSaslOptions {
  mechanism: 'oauthbearer';
  /** Resolves to `{ value: token }` (KafkaJS's shape), optionally with `extensions` and `expiresAtMs`. */
  oauthBearerProvider: OauthbearerProvider;
  /** Log in as this identity instead of the token's principal. Default: none. */
  authorizationIdentity?: string;
}

const KVSEP = '\x01';
/** RFC 7628 section 3.1: key = 1*(ALPHA), value = *(VCHAR / SP / HTAB / CR / LF). */
const EXTENSION_KEY = /^[A-Za-z]+$/;
const EXTENSION_VALUE = /^[\x21-\x7E \t\r\n]*$/;

export function oauthbearerProvider(
  options: OauthbearerSaslOptions,
  tokens: OauthbearerTokenSource,
): AuthenticationProvider {
  return ({ exchange, host, port }) => ({
    async authenticate() {
      const token = await tokens.token();
      const challenge = await exchange(
        clientInitialResponse(token.value, token.extensions, options.authorizationIdentity),
      );
      if (challenge.length === 0) return;
      // An error challenge: acknowledge it; the broker then answers SASL_AUTHENTICATION_FAILED.
      const status = challenge.toString('utf8');
      try {
        await exchange(Buffer.from(KVSEP, 'utf8'));
      } catch (err) {
        throw new AuthenticationError(
          `SASL OAUTHBEARER at ${host}:${port}: the broker rejected the token (${status}): ${(err as Error).message}`,
          { cause: err },
        );
      }
      throw new AuthenticationError(
        `SASL OAUTHBEARER at ${host}:${port}: the broker rejected the token (${status})`,
      );
    },
  });
}

export function clientInitialResponse(
  token: string,
  extensions: Record<string, string> | undefined,
  authorizationIdentity: string | undefined,
): Buffer {
  const authzid = authorizationIdentity ? `a=${saslName(authorizationIdentity)}` : '';
  let kvpairs = `auth=Bearer ${token}${KVSEP}`;
  for (const [key, value] of Object.entries(extensions ?? {})) {
    if (key === 'auth' || !EXTENSION_KEY.test(key)) {
      throw new AuthenticationError(
        `SASL OAUTHBEARER extension name ${JSON.stringify(key)} is not allowed: use letters only, and not "auth"`,
      );
    }
    if (typeof value !== 'string' || !EXTENSION_VALUE.test(value)) {
      throw new AuthenticationError(
        `SASL OAUTHBEARER extension ${key} must be a string of printable ASCII, spaces, tabs or line breaks`,
      );
    }
    kvpairs += `${key}=${value}${KVSEP}`;
  }
  return Buffer.from(`n,${authzid},${KVSEP}${kvpairs}${KVSEP}`, 'utf8');
}

/** RFC 5801's saslname: `=` and `,` escaped. */
function saslName(name: string): string {
  return name.replace(/=/g, '=3D').replace(/,/g, '=2C');
}
