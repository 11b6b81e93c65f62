/**
 * SCRAM client (RFC 5802, with the SHA-256/512 variants of RFC 7677 that Kafka uses), as a pure
 * state machine: `clientFirst()` → server-first → `clientFinal()` → server-final → `verifyServerFinal()`.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

export type ScramHash = 'sha1' | 'sha256' | 'sha512';

const KEY_LENGTH: Record<ScramHash, number> = { sha1: 20, sha256: 32, sha512: 64 };

export class ScramError extends Error {}

export class ScramClient {
  private readonly clientNonce: string;
  private clientFirstBare = '';
  private expectedServerSignature: Buffer | null = null;

  constructor(
    private readonly hash: ScramHash,
    private readonly username: string,
    private readonly password: string,
    clientNonce?: string,
    private readonly minIterations = 4096,
  ) {
    this.clientNonce = clientNonce ?? randomBytes(24).toString('base64').replace(/[=+/]/g, 'x');
  }

  clientFirst(): string {
    this.clientFirstBare = `n=${saslName(this.username)},r=${this.clientNonce}`;
    return `n,,${this.clientFirstBare}`;
  }

  clientFinal(serverFirst: string): string {
    const attrs = parseAttributes(serverFirst);
    if (attrs.e) throw new ScramError(`server rejected authentication: ${attrs.e}`);
    const nonce = attrs.r;
    const salt = attrs.s;
    const iterations = Number(attrs.i);
    if (!nonce || !salt || !Number.isInteger(iterations)) {
      throw new ScramError(`malformed server-first-message: ${serverFirst}`);
    }
    if (!nonce.startsWith(this.clientNonce) || nonce.length === this.clientNonce.length) {
      throw new ScramError('server nonce does not extend the client nonce');
    }
    if (iterations < this.minIterations) {
      throw new ScramError(
        `server asked for ${iterations} iterations, fewer than the minimum ${this.minIterations}`,
      );
    }
    const salted = scramSaltedPassword(this.hash, this.password, Buffer.from(salt, 'base64'), iterations);
    const clientKey = hmac(this.hash, salted, 'Client Key');
    const storedKey = createHash(this.hash).update(clientKey).digest();
    const withoutProof = `c=biws,r=${nonce}`;
    const authMessage = `${this.clientFirstBare},${serverFirst},${withoutProof}`;
    const clientSignature = hmac(this.hash, storedKey, authMessage);
    const proof = Buffer.alloc(clientKey.length);
    for (let i = 0; i < proof.length; i++) proof[i] = clientKey[i] ^ clientSignature[i];
    const serverKey = hmac(this.hash, salted, 'Server Key');
    this.expectedServerSignature = hmac(this.hash, serverKey, authMessage);
    return `${withoutProof},p=${proof.toString('base64')}`;
  }

  verifyServerFinal(serverFinal: string): void {
    const attrs = parseAttributes(serverFinal);
    if (attrs.e) throw new ScramError(`server rejected authentication: ${attrs.e}`);
    if (!attrs.v || !this.expectedServerSignature)
      throw new ScramError(`malformed server-final-message: ${serverFinal}`);
    const got = Buffer.from(attrs.v, 'base64');
    if (
      got.length !== this.expectedServerSignature.length ||
      !timingSafeEqual(got, this.expectedServerSignature)
    ) {
      throw new ScramError('server signature mismatch: the broker could not prove it knows the password');
    }
  }
}

/**
 * SCRAM's Hi(password, salt, i) (RFC 5802): PBKDF2 with the mechanism's HMAC. The password is taken as
 * its UTF-8 bytes, without SASLprep, as Kafka's ScramFormatter and librdkafka do, so credentials made by
 * either match.
 */
export function scramSaltedPassword(
  hash: ScramHash,
  password: string,
  salt: Buffer,
  iterations: number,
): Buffer {
  return pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, KEY_LENGTH[hash], hash);
}

function hmac(hash: ScramHash, key: Buffer, data: string): Buffer {
  return createHmac(hash, key).update(data).digest();
}

function saslName(name: string): string {
  return name.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

function parseAttributes(message: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of message.split(',')) {
    const eq = part.indexOf('=');
    if (eq === 1) out[part[0]] = part.slice(2);
  }
  return out;
}
