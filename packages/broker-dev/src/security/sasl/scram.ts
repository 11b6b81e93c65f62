/**
 * SCRAM-SHA-256 and SCRAM-SHA-512 (RFC 5802, RFC 7677) as Kafka's ScramSaslServer speaks them: stored
 * credentials are salt, iterations, StoredKey and ServerKey (never the password), no channel binding, and
 * any failure (unknown user, wrong proof, malformed message) is one "invalid credentials" answer so a client
 * learns nothing about which users exist.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { SaslAuthenticationError, type SaslMechanismServer, type SaslStep } from './mechanism.js';

export const SCRAM_MECHANISMS = ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;
export type ScramMechanism = (typeof SCRAM_MECHANISMS)[number];

const HASH: Record<ScramMechanism, { name: 'sha256' | 'sha512'; length: number }> = {
  'SCRAM-SHA-256': { name: 'sha256', length: 32 },
  'SCRAM-SHA-512': { name: 'sha512', length: 64 },
};

/** Kafka's bounds for SCRAM iterations (ScramMechanism.minIterations / maxIterations). */
export const SCRAM_MIN_ITERATIONS = 4096;
export const SCRAM_MAX_ITERATIONS = 16384;
/** Iterations of credentials made from passwords on the command line. */
export const SCRAM_DEFAULT_ITERATIONS = 4096;

export interface ScramCredential {
  salt: Buffer;
  iterations: number;
  storedKey: Buffer;
  serverKey: Buffer;
}

export function isScramMechanism(name: string): name is ScramMechanism {
  return (SCRAM_MECHANISMS as readonly string[]).includes(name);
}

function hmac(mechanism: ScramMechanism, key: Buffer, data: string | Buffer): Buffer {
  return createHmac(HASH[mechanism].name, key).update(data).digest();
}

/** The credential for a salted password (what AlterUserScramCredentials sends). */
export function scramCredentialFromSaltedPassword(
  mechanism: ScramMechanism,
  salt: Buffer,
  iterations: number,
  saltedPassword: Buffer,
): ScramCredential {
  const clientKey = hmac(mechanism, saltedPassword, 'Client Key');
  return {
    salt: Buffer.from(salt),
    iterations,
    storedKey: createHash(HASH[mechanism].name).update(clientKey).digest(),
    serverKey: hmac(mechanism, saltedPassword, 'Server Key'),
  };
}

/** The credential for a password, with a new random salt. */
export function scramCredentialFromPassword(
  mechanism: ScramMechanism,
  password: string,
  iterations = SCRAM_DEFAULT_ITERATIONS,
): ScramCredential {
  const salt = randomBytes(32);
  const { name, length } = HASH[mechanism];
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, length, name);
  return scramCredentialFromSaltedPassword(mechanism, salt, iterations, salted);
}

/** The length of a salted password (the hash's output) for `mechanism`. */
export function scramKeyLength(mechanism: ScramMechanism): number {
  return HASH[mechanism].length;
}

/** Decodes a saslname (RFC 5802: `=2C` is a comma, `=3D` an equals sign; any other `=` is an error). */
function decodeSaslName(name: string): string {
  if (/=(?!2C|3D)/.test(name))
    throw new SaslAuthenticationError(`invalid username encoding in SCRAM message`);
  return name.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

function attributes(message: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const part of message.split(',')) {
    if (part.length < 2 || part[1] !== '=') throw new SaslAuthenticationError('malformed SCRAM message');
    map.set(part[0], part.slice(2));
  }
  return map;
}

/** One SCRAM exchange on the server side. */
export class ScramServer implements SaslMechanismServer {
  private state: 'client-first' | 'client-final' | 'done' = 'client-first';
  private username = '';
  private credential: ScramCredential | undefined;
  private nonce = '';
  private gs2Header = '';
  private clientFirstBare = '';
  private serverFirst = '';

  constructor(
    readonly mechanism: ScramMechanism,
    private readonly lookup: (user: string) => ScramCredential | undefined,
  ) {}

  private invalid(): SaslAuthenticationError {
    return new SaslAuthenticationError(
      `Authentication failed during authentication due to invalid credentials with SASL mechanism ${this.mechanism}`,
    );
  }

  evaluate(token: Buffer): SaslStep {
    const message = token.toString('utf8');
    if (this.state === 'client-first') return this.clientFirst(message);
    if (this.state === 'client-final') return this.clientFinal(message);
    throw new SaslAuthenticationError('SCRAM exchange already complete');
  }

  private clientFirst(message: string): SaslStep {
    // gs2-header: channel binding flag (n or y; p= asks for binding Kafka does not offer), authzid, then the bare message.
    const match = /^([ny]),(a=[^,]*)?,(.*)$/s.exec(message);
    if (!match) {
      throw new SaslAuthenticationError(
        message.startsWith('p=')
          ? 'SCRAM channel binding is not supported'
          : 'malformed SCRAM client-first message',
      );
    }
    this.gs2Header = `${match[1]},${match[2] ?? ''},`;
    this.clientFirstBare = match[3];
    const attrs = attributes(this.clientFirstBare);
    const name = attrs.get('n');
    const clientNonce = attrs.get('r');
    if (attrs.has('m')) throw new SaslAuthenticationError('SCRAM extension m= is not supported');
    if (name === undefined || clientNonce === undefined || clientNonce === '') {
      throw new SaslAuthenticationError('malformed SCRAM client-first message: no username or nonce');
    }
    this.username = decodeSaslName(name);
    const authzid = match[2]?.slice(2);
    if (authzid && decodeSaslName(authzid) !== this.username) {
      throw new SaslAuthenticationError('SCRAM authorization id differs from the username');
    }
    this.credential = this.lookup(this.username);
    if (!this.credential) throw this.invalid();
    this.nonce = clientNonce + randomBytes(18).toString('base64').replace(/[=+/]/g, 'x');
    this.serverFirst = `r=${this.nonce},s=${this.credential.salt.toString('base64')},i=${this.credential.iterations}`;
    this.state = 'client-final';
    return { challenge: Buffer.from(this.serverFirst, 'utf8'), complete: false };
  }

  private clientFinal(message: string): SaslStep {
    this.state = 'done';
    const proofAt = message.lastIndexOf(',p=');
    if (proofAt < 0) throw new SaslAuthenticationError('malformed SCRAM client-final message: no proof');
    const withoutProof = message.slice(0, proofAt);
    const attrs = attributes(withoutProof);
    const proof = Buffer.from(message.slice(proofAt + 3), 'base64');
    if (attrs.get('c') !== Buffer.from(this.gs2Header, 'utf8').toString('base64')) {
      throw new SaslAuthenticationError('SCRAM channel binding does not match the client-first message');
    }
    // endsWith, as Kafka checks: librdkafka sends its client nonce followed by the whole server nonce.
    if (!attrs.get('r')?.endsWith(this.nonce))
      throw new SaslAuthenticationError('Invalid client nonce in the final client message');
    const credential = this.credential!;
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const clientSignature = hmac(this.mechanism, credential.storedKey, authMessage);
    if (proof.length !== clientSignature.length) throw this.invalid();
    const clientKey = Buffer.alloc(proof.length);
    for (let i = 0; i < proof.length; i++) clientKey[i] = proof[i] ^ clientSignature[i];
    const computed = createHash(HASH[this.mechanism].name).update(clientKey).digest();
    if (!timingSafeEqual(computed, credential.storedKey)) throw this.invalid();
    const serverSignature = hmac(this.mechanism, credential.serverKey, authMessage);
    return {
      challenge: Buffer.from(`v=${serverSignature.toString('base64')}`, 'utf8'),
      complete: true,
      authorizationId: this.username,
    };
  }
}
