/**
 * Password hashes as Karapace writes them in its authorization file (`karapace_mkpasswd`), so a Karapace file works
 * here unchanged: `sha1`, `sha256` and `sha512` are PBKDF2-HMAC with that digest over 5000 iterations, `scrypt` is
 * scrypt with N=16384, r=8, p=1 and a 64-byte key; password and salt are UTF-8, the hash is base64.
 */
import { pbkdf2, randomBytes, scrypt } from 'node:crypto';

export const HASH_ALGORITHMS = ['scrypt', 'sha512', 'sha256', 'sha1'] as const;
export type HashAlgorithm = (typeof HASH_ALGORITHMS)[number];

const PBKDF2_ITERATIONS = 5000;
const PBKDF2_KEY_BYTES: Record<Exclude<HashAlgorithm, 'scrypt'>, number> = {
  sha1: 20,
  sha256: 32,
  sha512: 64,
};
const SCRYPT = { N: 16384, r: 8, p: 1, keyBytes: 64 };

/** The base64 hash of `password` with `salt`, as Karapace computes it. Runs on libuv's pool, not the event loop. */
export function hashPassword(algorithm: HashAlgorithm, salt: string, password: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, key: Buffer) =>
      error ? reject(error) : resolve(key.toString('base64'));
    if (algorithm === 'scrypt') {
      const { N, r, p, keyBytes } = SCRYPT;
      // 128 * N * r bytes of work memory (16 MiB), which is half of Node's default maxmem.
      scrypt(Buffer.from(password, 'utf8'), Buffer.from(salt, 'utf8'), keyBytes, { N, r, p }, done);
    } else {
      const keyBytes = PBKDF2_KEY_BYTES[algorithm];
      pbkdf2(
        Buffer.from(password, 'utf8'),
        Buffer.from(salt, 'utf8'),
        PBKDF2_ITERATIONS,
        keyBytes,
        algorithm,
        done,
      );
    }
  });
}

/** A random salt like `karapace_mkpasswd`'s (16 random bytes, base64url). */
export function randomSalt(): string {
  return randomBytes(16).toString('base64url');
}
