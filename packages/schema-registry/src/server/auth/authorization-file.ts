/**
 * The authorization file, in Karapace's format (its `registry_authfile`), so one file serves either registry:
 *
 * ```json
 * { "users": [{ "username": "ci", "algorithm": "scrypt", "salt": "...", "password_hash": "..." }],
 *   "permissions": [{ "username": "ci", "operation": "Write", "resource": "Subject:orders-.*" },
 *                   { "username": "ci", "operation": "Read", "resource": "Config:" }] }
 * ```
 *
 * `resource` is a regular expression matched, as Karapace's Python `re.match` does, from the start of
 * `Subject:<subject>` or `Config:` but not necessarily to its end: `Subject:orders` also grants `Subject:orders-v2`
 * (end it with `$` for one subject). Write implies Read.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { AuthorizationFileError } from '../../errors.js';
import { HASH_ALGORITHMS, type HashAlgorithm } from './password-hash.js';

export type Operation = 'Read' | 'Write';

export interface AuthorizedUser {
  username: string;
  algorithm: HashAlgorithm;
  salt: string;
  /** Base64, as the algorithm computes it (see password-hash.ts). */
  passwordHash: string;
}

export interface Permission {
  username: string;
  operation: Operation;
  /** The resource pattern as written in the file. */
  resource: string;
  /** `resource` anchored at the start, as Karapace matches it. */
  pattern: RegExp;
}

export interface AuthorizationRules {
  users: AuthorizedUser[];
  permissions: Permission[];
  /** Entries that load but probably do not mean what their author meant (logged at start). */
  warnings: string[];
}

/** Bytes of each algorithm's hash: a hash of another length was pasted wrongly and could never match. */
const HASH_BYTES: Record<HashAlgorithm, number> = { scrypt: 64, sha512: 64, sha256: 32, sha1: 20 };
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const fileShape = z.object({
  users: z.array(
    z.object({
      username: z.string().min(1, 'is empty'),
      algorithm: z.enum(HASH_ALGORITHMS, { error: `must be one of ${HASH_ALGORITHMS.join(', ')}` }),
      salt: z.string(),
      password_hash: z.string().min(1, 'is empty'),
    }),
  ),
  permissions: z.array(
    z.object({
      username: z.string().min(1, 'is empty'),
      operation: z.enum(['Read', 'Write'], { error: 'must be Read or Write (Write implies Read)' }),
      resource: z.string(),
    }),
  ),
});

/** Reads and checks the file; every problem is an AuthorizationFileError naming where it is. */
export async function loadAuthorizationFile(file: string): Promise<AuthorizationRules> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new AuthorizationFileError(file, '', reason, { cause: error });
  }
  return parseAuthorizationFile(text, file);
}

/** Checks the file's text; `file` names it in errors. */
export function parseAuthorizationFile(text: string, file: string): AuthorizationRules {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new AuthorizationFileError(file, '', `not valid JSON (${(error as Error).message})`);
  }
  const parsed = fileShape.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const missing = issue.code === 'invalid_type' && valueAt(json, issue.path) === undefined;
    throw new AuthorizationFileError(file, locationOf(issue.path), missing ? 'is missing' : issue.message);
  }
  const users: AuthorizedUser[] = [];
  const seen = new Set<string>();
  parsed.data.users.forEach((user, index) => {
    const at = `users[${index}]`;
    if (seen.has(user.username)) {
      throw new AuthorizationFileError(file, `${at}.username`, `user "${user.username}" is listed twice`);
    }
    seen.add(user.username);
    const bytes = BASE64.test(user.password_hash) ? Buffer.from(user.password_hash, 'base64').length : -1;
    if (bytes !== HASH_BYTES[user.algorithm]) {
      throw new AuthorizationFileError(
        file,
        `${at}.password_hash`,
        `is not a base64 ${user.algorithm} hash (${HASH_BYTES[user.algorithm]} bytes); ` +
          'make one with `samsa-registry hash-password` (or karapace_mkpasswd)',
      );
    }
    users.push({
      username: user.username,
      algorithm: user.algorithm,
      salt: user.salt,
      passwordHash: user.password_hash,
    });
  });
  const warnings: string[] = [];
  const permissions = parsed.data.permissions.map((entry, index): Permission => {
    const at = `permissions[${index}]`;
    let pattern: RegExp;
    try {
      pattern = new RegExp(`^(?:${entry.resource})`);
    } catch (error) {
      throw new AuthorizationFileError(
        file,
        `${at}.resource`,
        `is not a valid regular expression (${(error as Error).message})`,
      );
    }
    if (!seen.has(entry.username)) {
      warnings.push(`${at} gives ${entry.operation} to "${entry.username}", who is not in users`);
    }
    if (/^Subject:[\w.-]+$/.test(entry.resource)) {
      warnings.push(
        `${at} resource "${entry.resource}" matches every subject that starts with ` +
          `"${entry.resource.slice('Subject:'.length)}" (patterns match from the start, as Karapace's do); ` +
          'end it with $ to mean that subject only',
      );
    }
    return { username: entry.username, operation: entry.operation, resource: entry.resource, pattern };
  });
  return { users, permissions, warnings };
}

function valueAt(json: unknown, path: readonly PropertyKey[]): unknown {
  let value = json;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function locationOf(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`))
    .join('');
}
