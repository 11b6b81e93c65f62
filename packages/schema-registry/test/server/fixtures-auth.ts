/**
 * An authorization file in Karapace's format for tests, with Karapace's own test users (see
 * auth/password-hash.test.ts): admin/admin may do everything, aladdin/opensesame writes `cave-*` subjects and reads
 * the global config, reader/secret reads `carpet-*` subjects.
 */
import { writeFile } from 'node:fs/promises';

export const KARAPACE_TEST_USERS = [
  {
    username: 'admin',
    algorithm: 'scrypt',
    salt: 'adminsalt',
    password_hash: 'AG7+ttm/skHjqEZ90yzEkgjy75yaqoucNnQPIP2S++1rYOPXEtm4+AF7WdDGj+J0sIPFdYC9nXYsvkB1xYDYkw==',
  },
  {
    username: 'aladdin',
    algorithm: 'sha512',
    salt: 'salt',
    password_hash: 'uofa7Uw+IolY0GDeCQApTVAUPlBthFYPFQ+QN+kKtXBzSwddiyLrNnIC2UQcA5X+hCL/mHNNqEMA30oIM4oqxA==',
  },
  {
    username: 'reader',
    algorithm: 'sha1',
    salt: 'third-salt',
    password_hash: 'SeUTCvKCE8rj6lHFkyFkhopktuY=',
  },
];

export const KARAPACE_TEST_PERMISSIONS = [
  { username: 'admin', operation: 'Write', resource: '.*' },
  { username: 'aladdin', operation: 'Write', resource: 'Subject:cave-.*' },
  { username: 'aladdin', operation: 'Read', resource: 'Config:' },
  { username: 'reader', operation: 'Read', resource: 'Subject:carpet-.*' },
];

export const PASSWORDS = { admin: 'admin', aladdin: 'opensesame', reader: 'secret' } as const;

export function writeAuthorizationFile(
  file: string,
  permissions: unknown[] = KARAPACE_TEST_PERMISSIONS,
): Promise<void> {
  return writeFile(file, JSON.stringify({ users: KARAPACE_TEST_USERS, permissions }, null, 2));
}

export const basicAuthHeader = (user: keyof typeof PASSWORDS) =>
  `Basic ${Buffer.from(`${user}:${PASSWORDS[user]}`).toString('base64')}`;
