/** A SCRAM client (RFC 5802) for tests that drive the broker's SASL with raw requests. */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

const HASHES = { 'SCRAM-SHA-256': ['sha256', 32], 'SCRAM-SHA-512': ['sha512', 64] } as const;

export class TestScramClient {
  private readonly nonce = randomBytes(18).toString('base64url');
  private readonly hash: 'sha256' | 'sha512';
  private readonly keyLength: number;
  private clientFirstBare = '';
  private serverSignature: Buffer | undefined;

  constructor(
    mechanism: keyof typeof HASHES,
    private readonly user: string,
    private readonly password: string,
  ) {
    [this.hash, this.keyLength] = HASHES[mechanism];
  }

  clientFirst(): Buffer {
    this.clientFirstBare = `n=${this.user.replace(/=/g, '=3D').replace(/,/g, '=2C')},r=${this.nonce}`;
    return Buffer.from(`n,,${this.clientFirstBare}`);
  }

  clientFinal(serverFirst: Buffer): Buffer {
    const text = serverFirst.toString();
    const attrs = Object.fromEntries(text.split(',').map((p) => [p[0], p.slice(2)]));
    if (!attrs.r?.startsWith(this.nonce)) throw new Error(`server nonce does not extend ours: ${text}`);
    const salted = pbkdf2Sync(
      this.password,
      Buffer.from(attrs.s, 'base64'),
      Number(attrs.i),
      this.keyLength,
      this.hash,
    );
    const hmac = (key: Buffer, data: string) => createHmac(this.hash, key).update(data).digest();
    const clientKey = hmac(salted, 'Client Key');
    const storedKey = createHash(this.hash).update(clientKey).digest();
    const withoutProof = `c=biws,r=${attrs.r}`;
    const authMessage = `${this.clientFirstBare},${text},${withoutProof}`;
    const signature = hmac(storedKey, authMessage);
    const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]));
    this.serverSignature = hmac(hmac(salted, 'Server Key'), authMessage);
    return Buffer.from(`${withoutProof},p=${proof.toString('base64')}`);
  }

  /** Throws unless the server proved it knows the credential. */
  verifyServerFinal(serverFinal: Buffer): void {
    const v = Buffer.from(serverFinal.toString().replace(/^v=/, ''), 'base64');
    if (
      !this.serverSignature ||
      v.length !== this.serverSignature.length ||
      !timingSafeEqual(v, this.serverSignature)
    ) {
      throw new Error(`server signature mismatch: ${serverFinal.toString()}`);
    }
  }
}
