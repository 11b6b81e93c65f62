import { describe, expect, it } from 'vitest';
import { hashPassword, randomSalt } from '../../../src/server/auth/password-hash.js';

// Users of Karapace's own integration-test authorization file (tests/integration/config/karapace.auth.json in
// Aiven-Open/karapace, whose tests log in as admin/admin, aladdin/opensesame and reader/secret): a file written
// for Karapace must authenticate the same users here.
const KARAPACE_USERS = [
  {
    password: 'admin',
    algorithm: 'scrypt',
    salt: 'adminsalt',
    hash: 'AG7+ttm/skHjqEZ90yzEkgjy75yaqoucNnQPIP2S++1rYOPXEtm4+AF7WdDGj+J0sIPFdYC9nXYsvkB1xYDYkw==',
  },
  {
    password: 'opensesame',
    algorithm: 'sha512',
    salt: 'salt',
    hash: 'uofa7Uw+IolY0GDeCQApTVAUPlBthFYPFQ+QN+kKtXBzSwddiyLrNnIC2UQcA5X+hCL/mHNNqEMA30oIM4oqxA==',
  },
  { password: 'secret', algorithm: 'sha1', salt: 'third-salt', hash: 'SeUTCvKCE8rj6lHFkyFkhopktuY=' },
  // Python's hashlib.pbkdf2_hmac('sha256', 'päss:word'.encode(), b'pepper', 5000), base64: UTF-8 both sides.
  {
    password: 'päss:word',
    algorithm: 'sha256',
    salt: 'pepper',
    hash: 'oEMOU/hBwfOewyQTdUiVPuW83obBSEFxyitID1XFM7Q=',
  },
] as const;

describe('hashPassword', () => {
  it.each(KARAPACE_USERS)(
    'computes Karapace’s $algorithm hash',
    async ({ password, algorithm, salt, hash }) => {
      expect(await hashPassword(algorithm, salt, password)).toBe(hash);
    },
  );

  it('depends on the salt', async () => {
    expect(await hashPassword('sha256', 'a', 'pw')).not.toBe(await hashPassword('sha256', 'b', 'pw'));
  });

  it('makes a different random salt each time', () => {
    expect(randomSalt()).toMatch(/^[\w-]{22}$/);
    expect(randomSalt()).not.toBe(randomSalt());
  });
});
