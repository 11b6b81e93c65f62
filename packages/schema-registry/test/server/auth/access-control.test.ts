import { describe, expect, it } from 'vitest';
import { AccessControl, type Principal } from '../../../src/server/auth/access-control.js';
import { parseAuthorizationFile } from '../../../src/server/auth/authorization-file.js';

const basic = (credentials: string) => `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;

// Karapace's test users (see password-hash.test.ts): reader/secret (sha1), aladdin/opensesame (sha512).
const rules = (readerHash = 'SeUTCvKCE8rj6lHFkyFkhopktuY=') =>
  parseAuthorizationFile(
    JSON.stringify({
      users: [
        { username: 'reader', algorithm: 'sha1', salt: 'third-salt', password_hash: readerHash },
        {
          username: 'aladdin',
          algorithm: 'sha512',
          salt: 'salt',
          password_hash:
            'uofa7Uw+IolY0GDeCQApTVAUPlBthFYPFQ+QN+kKtXBzSwddiyLrNnIC2UQcA5X+hCL/mHNNqEMA30oIM4oqxA==',
        },
      ],
      permissions: [
        { username: 'reader', operation: 'Read', resource: 'Subject:carpet-.*' },
        { username: 'aladdin', operation: 'Write', resource: 'Subject:cave-.*' },
        { username: 'aladdin', operation: 'Read', resource: 'Config:' },
      ],
    }),
    'auth.json',
  );

async function login(access: AccessControl, credentials: string): Promise<Principal> {
  const principal = await access.authenticate(basic(credentials));
  if (typeof principal === 'string') throw new Error(`not authenticated: ${principal}`);
  return principal;
}

describe('AccessControl', () => {
  it('lets --basic-auth users do everything', async () => {
    const access = new AccessControl([{ username: 'ci', password: 's3cret:with colon' }]);
    const ci = await login(access, 'ci:s3cret:with colon');
    expect(ci.username).toBe('ci');
    expect(ci.may('Write', 'Config:')).toBe(true);
    expect(ci.may('Write', 'Subject:anything')).toBe(true);
    expect(await access.authenticate(basic('ci:wrong'))).toBe('bad-credentials');
  });

  it("gives the file's users what their permissions say; Write implies Read", async () => {
    const access = new AccessControl([], rules());
    const reader = await login(access, 'reader:secret');
    expect(reader.may('Read', 'Subject:carpet-1')).toBe(true);
    expect(reader.may('Write', 'Subject:carpet-1')).toBe(false);
    expect(reader.may('Read', 'Subject:cave-1')).toBe(false);
    expect(reader.may('Read', 'Config:')).toBe(false);

    const aladdin = await login(access, 'aladdin:opensesame');
    expect(aladdin.may('Write', 'Subject:cave-1')).toBe(true);
    expect(aladdin.may('Read', 'Subject:cave-1')).toBe(true);
    expect(aladdin.may('Read', 'Config:')).toBe(true);
    expect(aladdin.may('Write', 'Config:')).toBe(false);
  });

  it('refuses wrong passwords and unknown users alike', async () => {
    const access = new AccessControl([], rules());
    expect(await access.authenticate(basic('reader:Secret'))).toBe('bad-credentials');
    expect(await access.authenticate(basic('reader:'))).toBe('bad-credentials');
    expect(await access.authenticate(basic('nobody:secret'))).toBe('bad-credentials');
  });

  it.each([
    ['no header', undefined, 'missing'],
    ['an empty header', '  ', 'missing'],
    ['a bearer token', 'Bearer abc.def.ghi', 'wrong-scheme'],
    ['digest', 'Digest username="reader"', 'wrong-scheme'],
    ['a scheme alone', 'Basic', 'malformed'],
    ['a token that is not base64', 'Basic !!!not-base64!!!', 'malformed'],
    ['credentials without a colon', basic('reader'), 'malformed'],
    ['credentials without a user', basic(':secret'), 'malformed'],
    ['an oversized token', `Basic ${'QUFB'.repeat(2000)}`, 'malformed'],
    [
      'binary garbage',
      `Basic ${Buffer.from([0xff, 0xfe, 0x00, 0x3a, 0x80]).toString('base64')}`,
      'bad-credentials',
    ],
  ])('answers %s with why it authenticates no one', async (_case, header, why) => {
    expect(await new AccessControl([], rules()).authenticate(header)).toBe(why);
  });

  it('takes the scheme in any case', async () => {
    const access = new AccessControl([], rules());
    const header = basic('reader:secret').replace('Basic', 'bAsIc');
    expect(await access.authenticate(header)).toMatchObject({ username: 'reader' });
  });

  it('applies reloaded rules, forgetting logins remembered under the old ones', async () => {
    const access = new AccessControl([], rules());
    await login(access, 'reader:secret');
    // reader's password changes to "admin" (Karapace's sha1 of it with this salt, via Python's hashlib).
    access.replaceRules(rules('S3DUI7LZqyUrmQf5BBYJOYGwRSo='));
    expect(await access.authenticate(basic('reader:secret'))).toBe('bad-credentials');
    expect(await access.authenticate(basic('reader:admin'))).toMatchObject({ username: 'reader' });
  });

  it('refuses a user who is both a --basic-auth user and in the file', () => {
    expect(() => new AccessControl([{ username: 'reader', password: 'x' }], rules())).toThrow(
      /both a --basic-auth user and in the authorization file/,
    );
  });
});
