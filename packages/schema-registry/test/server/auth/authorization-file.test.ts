import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthorizationFileError } from '../../../src/errors.js';
import {
  loadAuthorizationFile,
  parseAuthorizationFile,
} from '../../../src/server/auth/authorization-file.js';

const SHA1_HASH = 'SeUTCvKCE8rj6lHFkyFkhopktuY=';
const user = (extra: Record<string, unknown> = {}) => ({
  username: 'reader',
  algorithm: 'sha1',
  salt: 'third-salt',
  password_hash: SHA1_HASH,
  ...extra,
});
const permission = (extra: Record<string, unknown> = {}) => ({
  username: 'reader',
  operation: 'Read',
  resource: 'Subject:carpet-.*',
  ...extra,
});
const parse = (file: unknown) =>
  parseAuthorizationFile(typeof file === 'string' ? file : JSON.stringify(file), 'auth.json');

function refusal(file: unknown): AuthorizationFileError {
  try {
    parse(file);
  } catch (error) {
    expect(error).toBeInstanceOf(AuthorizationFileError);
    return error as AuthorizationFileError;
  }
  throw new Error('the file was accepted');
}

describe('parseAuthorizationFile', () => {
  it("reads Karapace's format: users with hashes, permissions whose patterns match from the start", () => {
    const rules = parse({
      users: [user(), user({ username: 'admin' })],
      permissions: [permission(), permission({ username: 'admin', operation: 'Write', resource: '.*' })],
    });
    expect(rules.users).toEqual([
      { username: 'reader', algorithm: 'sha1', salt: 'third-salt', passwordHash: SHA1_HASH },
      { username: 'admin', algorithm: 'sha1', salt: 'third-salt', passwordHash: SHA1_HASH },
    ]);
    const [carpet] = rules.permissions;
    expect(carpet).toMatchObject({ username: 'reader', operation: 'Read', resource: 'Subject:carpet-.*' });
    expect(carpet!.pattern.test('Subject:carpet-1')).toBe(true);
    // Anchored at the start, as Python's re.match: no match in the middle of the resource.
    expect(carpet!.pattern.test('Subject:x-carpet-1')).toBe(false);
    expect(carpet!.pattern.test('Config:')).toBe(false);
    expect(rules.warnings).toEqual([]);
  });

  it('warns about permissions for unknown users and literal subjects that also match longer names', () => {
    const rules = parse({
      users: [user()],
      permissions: [permission({ username: 'nobody' }), permission({ resource: 'Subject:orders' })],
    });
    expect(rules.warnings).toEqual([
      'permissions[0] gives Read to "nobody", who is not in users',
      expect.stringContaining('"Subject:orders" matches every subject that starts with "orders"'),
    ]);
    expect(rules.permissions[1]!.pattern.test('Subject:orders-secret')).toBe(true);
    expect(
      parse({ users: [user()], permissions: [permission({ resource: 'Subject:orders$' })] }).warnings,
    ).toEqual([]);
  });

  it.each([
    ['not JSON', '{"users": [', '', /not valid JSON/],
    ['users missing', { permissions: [] }, 'users', /is missing/],
    ['permissions missing', { users: [] }, 'permissions', /is missing/],
    [
      'a user without a name',
      { users: [user({ username: '' })], permissions: [] },
      'users[0].username',
      /empty/,
    ],
    [
      'an unknown algorithm',
      { users: [user({ algorithm: 'md5' })], permissions: [] },
      'users[0].algorithm',
      /must be one of scrypt, sha512, sha256, sha1/,
    ],
    [
      'a salt that is not a string',
      { users: [user({ salt: 7 })], permissions: [] },
      'users[0].salt',
      /string/,
    ],
    [
      'a hash of the wrong length',
      { users: [user({ algorithm: 'sha512' })], permissions: [] },
      'users[0].password_hash',
      /not a base64 sha512 hash \(64 bytes\).*hash-password/,
    ],
    [
      'a hash that is not base64',
      { users: [user({ password_hash: 'not base64!' })], permissions: [] },
      'users[0].password_hash',
      /not a base64 sha1 hash/,
    ],
    [
      'a user listed twice',
      { users: [user(), user()], permissions: [] },
      'users[1].username',
      /listed twice/,
    ],
    [
      'an unknown operation',
      { users: [user()], permissions: [permission({ operation: 'Delete' })] },
      'permissions[0].operation',
      /must be Read or Write/,
    ],
    [
      'lower-case operations (Karapace wants them exact)',
      { users: [user()], permissions: [permission({ operation: 'read' })] },
      'permissions[0].operation',
      /must be Read or Write/,
    ],
    [
      'a pattern that is not a regular expression',
      { users: [user()], permissions: [permission(), permission({ resource: 'Subject:(' })] },
      'permissions[1].resource',
      /not a valid regular expression/,
    ],
    ['not an object', [], '', /expected object/i],
  ])('refuses %s, saying where', (_case, file, location, reason) => {
    const error = refusal(file);
    expect(error.location).toBe(location);
    expect(error.file).toBe('auth.json');
    expect(error.reason).toMatch(reason);
    expect(error.message).toContain('Authorization file auth.json');
  });
});

describe('loadAuthorizationFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'samsa-authfile-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a file', async () => {
    const file = join(dir, 'auth.json');
    await writeFile(file, JSON.stringify({ users: [user()], permissions: [permission()] }));
    expect((await loadAuthorizationFile(file)).users).toHaveLength(1);
  });

  it('names a missing file', async () => {
    const file = join(dir, 'absent.json');
    await expect(loadAuthorizationFile(file)).rejects.toThrow(
      new AuthorizationFileError(file, '', 'no such file'),
    );
  });
});
