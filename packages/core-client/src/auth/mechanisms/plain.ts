/** SASL PLAIN (RFC 4616): one message, `authzid NUL username NUL password`. */
import type { AuthenticationProvider } from '../mechanism.js';

export interface PlainSaslOptions {
  mechanism: 'plain';
  username: string;
  password: string;
  /** Log in as this identity instead of `username` (the broker must allow it). Default: none. */
  authorizationIdentity?: string;
}

export function plainProvider(options: PlainSaslOptions): AuthenticationProvider {
  return ({ exchange }) => ({
    async authenticate() {
      const authzid = options.authorizationIdentity ?? '';
      await exchange(Buffer.from(`${authzid}\0${options.username}\0${options.password}`, 'utf8'));
    },
  });
}
