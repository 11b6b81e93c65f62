/**
 * Who may do what: authenticates HTTP basic credentials against `--basic-auth` users (who may do everything, as
 * before authorization files existed) and the users of an authorization file (who may do what its permissions
 * say), and answers whether a user may Read or Write a resource (`Subject:<name>` or `Config:`).
 *
 * Successful logins are remembered (an HMAC of the credentials under a key made at start, never the password),
 * so scrypt's deliberate cost is paid once per user and password, not on every request; the memory is bounded
 * and forgotten when the rules are reloaded. Failed attempts are never remembered.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AuthorizationRules, AuthorizedUser, Operation, Permission } from './authorization-file.js';
import { hashPassword } from './password-hash.js';

export interface BasicAuthUser {
  username: string;
  password: string;
}

/** An authenticated user and what it may do. */
export interface Principal {
  username: string;
  may(operation: Operation, resource: string): boolean;
}

/** Why a request carries no usable credentials (the 401's message says which). */
export type AuthenticationFailure = 'missing' | 'wrong-scheme' | 'malformed' | 'bad-credentials';

const REMEMBERED_LOGINS = 1000;
/** Longer credentials are refused before any hashing (Node's header limit is 16 KiB anyway). */
const MAX_CREDENTIALS_BYTES = 4096;

export class AccessControl {
  private readonly plain = new Map<string, Buffer>();
  private hashed = new Map<string, AuthorizedUser>();
  private permissions: Permission[] = [];
  private readonly loginKey = randomBytes(32);
  private remembered = new Map<string, Principal>();

  constructor(basicAuth: readonly BasicAuthUser[], rules?: AuthorizationRules) {
    for (const user of basicAuth) this.plain.set(user.username, Buffer.from(user.password, 'utf8'));
    if (rules) this.replaceRules(rules);
  }

  /** Swaps the authorization file's users and permissions (a reload); `--basic-auth` users stay. */
  replaceRules(rules: AuthorizationRules): void {
    const twice = rules.users.find((user) => this.plain.has(user.username));
    if (twice) {
      throw new TypeError(
        `User "${twice.username}" is both a --basic-auth user and in the authorization file; keep one`,
      );
    }
    this.hashed = new Map(rules.users.map((user) => [user.username, user]));
    this.permissions = rules.permissions;
    this.remembered = new Map();
  }

  /** The user an `Authorization` header proves, or why it proves none. */
  async authenticate(header: string | undefined): Promise<Principal | AuthenticationFailure> {
    if (header === undefined || header.trim() === '') return 'missing';
    const [scheme = '', ...rest] = header.trim().split(' ');
    if (scheme.toLowerCase() !== 'basic') return 'wrong-scheme';
    const token = rest.join(' ').trim();
    if (token.length > MAX_CREDENTIALS_BYTES || !/^[A-Za-z0-9+/]+={0,2}$/.test(token)) return 'malformed';
    const decoded = Buffer.from(token, 'base64').toString('utf8');
    const separator = decoded.indexOf(':');
    if (separator <= 0) return 'malformed';
    const username = decoded.slice(0, separator);
    const password = decoded.slice(separator + 1);

    const fingerprint = createHmac('sha256', this.loginKey).update(decoded).digest('base64');
    const known = this.remembered.get(fingerprint);
    if (known) return known;
    const principal = await this.verify(username, password);
    if (!principal) return 'bad-credentials';
    if (this.remembered.size >= REMEMBERED_LOGINS) this.remembered.clear();
    this.remembered.set(fingerprint, principal);
    return principal;
  }

  private async verify(username: string, password: string): Promise<Principal | undefined> {
    const plain = this.plain.get(username);
    if (plain) {
      const given = Buffer.from(password, 'utf8');
      if (given.length === plain.length && timingSafeEqual(given, plain)) {
        return { username, may: () => true };
      }
      return undefined;
    }
    const user = this.hashed.get(username);
    if (!user) {
      // As slow as a wrong password, so that response times do not tell which users exist.
      if (this.hashed.size > 0) await hashPassword('scrypt', username, password);
      return undefined;
    }
    const computed = Buffer.from(await hashPassword(user.algorithm, user.salt, password), 'base64');
    const expected = Buffer.from(user.passwordHash, 'base64');
    if (computed.length !== expected.length || !timingSafeEqual(computed, expected)) return undefined;
    const permissions = this.permissions.filter((permission) => permission.username === username);
    return { username, may: (operation, resource) => allows(permissions, operation, resource) };
  }
}

/** Karapace's rule: any entry of the user whose pattern matches the resource; a Write entry also grants Read. */
function allows(permissions: readonly Permission[], operation: Operation, resource: string): boolean {
  return permissions.some(
    (permission) =>
      (operation === 'Read' || permission.operation === 'Write') && permission.pattern.test(resource),
  );
}
