/**
 * SASL/PLAIN (RFC 4616) as Kafka's PlainSaslServer checks it: `authzid NUL authcid NUL password`, the
 * authorization id empty or equal to the user, the password compared with the configured one.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { SaslAuthenticationError, type SaslMechanismServer, type SaslStep } from './mechanism.js';

function sameSecret(a: string, b: string): boolean {
  // Digests first: equal lengths for timingSafeEqual, and no early exit on length.
  const da = createHash('sha256').update(a, 'utf8').digest();
  const db = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(da, db);
}

export class PlainServer implements SaslMechanismServer {
  readonly mechanism = 'PLAIN';
  private done = false;

  constructor(private readonly password: (user: string) => string | undefined) {}

  evaluate(token: Buffer): SaslStep {
    if (this.done) throw new SaslAuthenticationError('PLAIN exchange already complete');
    this.done = true;
    const parts = token.toString('utf8').split('\0');
    if (parts.length !== 3) {
      throw new SaslAuthenticationError('Invalid SASL/PLAIN response: expected 3 tokens');
    }
    const [authorizationId, username, password] = parts;
    if (username === '') throw new SaslAuthenticationError('Authentication failed: username not specified');
    if (password === '') throw new SaslAuthenticationError('Authentication failed: password not specified');
    if (authorizationId !== '' && authorizationId !== username) {
      throw new SaslAuthenticationError(
        'Authentication failed: Client requested an authorization id that is different from username',
      );
    }
    const expected = this.password(username);
    // An unknown user costs the same comparison as a wrong password.
    if (!sameSecret(password, expected ?? `\0unknown\0${password}`) || expected === undefined) {
      throw new SaslAuthenticationError('Authentication failed: Invalid username or password');
    }
    return { challenge: Buffer.alloc(0), complete: true, authorizationId: username };
  }
}
