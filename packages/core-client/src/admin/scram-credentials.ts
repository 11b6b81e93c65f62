/**
 * Admin calls for SCRAM credentials (KIP-554): which mechanisms and iteration counts each user has,
 * and creating, replacing or deleting them. As the Java admin does, the client salts and hashes the
 * password itself (random salt, PBKDF2), so the password never goes over the wire.
 */
import { randomBytes } from 'node:crypto';
import { ApiKey, ScramMechanism } from '@samsa/protocol/on-demand';
import { scramSaltedPassword } from '../auth/scram.js';
import { ConfigurationError, createKafkaError, ErrorCode, KafkaProtocolError } from '../errors.js';
import type { AdminContext } from './admin-context.js';

export type ScramMechanismName = 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

export interface ScramCredentialInfo {
  mechanism: ScramMechanismName;
  iterations: number;
}

export interface UserScramCredentialsDescription {
  user: string;
  /** Empty for a user without SCRAM credentials. */
  credentials: ScramCredentialInfo[];
}

export interface UserScramCredentialUpsertion {
  user: string;
  /** `SCRAM-SHA-256` or `SCRAM-SHA-512` (any case). */
  mechanism: string;
  password: string;
  /** PBKDF2 iterations, 4096..16384 as Kafka accepts. Default 4096 (Kafka's). */
  iterations?: number;
  /** Default: 32 random bytes. */
  salt?: Buffer;
}

export interface UserScramCredentialDeletion {
  user: string;
  mechanism: string;
}

export interface AlterUserScramCredentialsOptions {
  upsertions?: UserScramCredentialUpsertion[];
  deletions?: UserScramCredentialDeletion[];
}

/** Kafka's bounds for SCRAM iterations (ScramMechanism.minIterations / maxIterations). */
const MIN_ITERATIONS = 4096;
const MAX_ITERATIONS = 16384;

const MECHANISMS: Record<ScramMechanismName, { code: ScramMechanism; hash: 'sha256' | 'sha512' }> = {
  'SCRAM-SHA-256': { code: ScramMechanism.SCRAM_SHA_256, hash: 'sha256' },
  'SCRAM-SHA-512': { code: ScramMechanism.SCRAM_SHA_512, hash: 'sha512' },
};

function mechanismNamed(option: string, value: unknown): ScramMechanismName {
  const name = typeof value === 'string' ? value.toUpperCase() : '';
  if (name in MECHANISMS) return name as ScramMechanismName;
  throw new ConfigurationError(
    option,
    `expected 'SCRAM-SHA-256' or 'SCRAM-SHA-512', got ${JSON.stringify(value)}`,
  );
}

function mechanismName(code: number): ScramMechanismName | null {
  for (const [name, m] of Object.entries(MECHANISMS)) if (m.code === code) return name as ScramMechanismName;
  return null;
}

function checkUser(option: string, user: unknown): string {
  if (typeof user !== 'string' || user.length === 0)
    throw new ConfigurationError(option, 'expected a user name');
  return user;
}

/** Each user's SCRAM mechanisms and iterations; all users with credentials when `users` is empty. */
export async function describeUserScramCredentials(
  ctx: AdminContext,
  users: string[] | undefined,
  options: { signal?: AbortSignal },
): Promise<UserScramCredentialsDescription[]> {
  if (users !== undefined && !Array.isArray(users)) {
    throw new ConfigurationError('users', 'expected an array of user names, or nothing for every user');
  }
  const names = (users ?? []).map((u, i) => checkUser(`users[${i}]`, u));
  return ctx.withRetry(
    'describeUserScramCredentials',
    async () => {
      const { response } = await ctx.cluster.request(
        'any',
        ApiKey.DescribeUserScramCredentials,
        () => ({ users: names.length > 0 ? names.map((name) => ({ name })) : null }),
        { signal: options.signal },
      );
      if (response.errorCode !== ErrorCode.NONE) {
        throw createKafkaError(response.errorCode, {
          apiName: 'DescribeUserScramCredentials',
          serverMessage: response.errorMessage,
        });
      }
      return response.results.map((r) => {
        // A user asked for by name without credentials: Kafka says RESOURCE_NOT_FOUND; that is an answer.
        if (r.errorCode !== ErrorCode.NONE && r.errorCode !== ErrorCode.RESOURCE_NOT_FOUND) {
          throw createKafkaError(r.errorCode, {
            apiName: 'DescribeUserScramCredentials',
            serverMessage: `user ${r.user}: ${r.errorMessage ?? ''}`,
          });
        }
        const credentials: ScramCredentialInfo[] = [];
        for (const c of r.credentialInfos) {
          const mechanism = mechanismName(c.mechanism);
          if (mechanism) credentials.push({ mechanism, iterations: c.iterations });
        }
        return { user: r.user, credentials };
      });
    },
    options.signal,
  );
}

/** Creates or replaces (upsertions) and deletes SCRAM credentials; throws naming every user that failed. */
export async function alterUserScramCredentials(
  ctx: AdminContext,
  alterations: AlterUserScramCredentialsOptions,
  options: { signal?: AbortSignal },
): Promise<void> {
  if (alterations === null || typeof alterations !== 'object') {
    throw new ConfigurationError('alterUserScramCredentials', 'expected { upsertions?, deletions? }');
  }
  const upsertions = (alterations.upsertions ?? []).map((u, i) => {
    const at = `upsertions[${i}]`;
    const name = checkUser(`${at}.user`, u?.user);
    const mechanism = MECHANISMS[mechanismNamed(`${at}.mechanism`, u.mechanism)];
    if (typeof u.password !== 'string' || u.password.length === 0) {
      throw new ConfigurationError(`${at}.password`, 'expected a non-empty string');
    }
    const iterations = u.iterations ?? MIN_ITERATIONS;
    if (!Number.isInteger(iterations) || iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
      throw new ConfigurationError(
        `${at}.iterations`,
        `${iterations} is out of the range Kafka accepts (${MIN_ITERATIONS}..${MAX_ITERATIONS})`,
      );
    }
    if (u.salt !== undefined && (!Buffer.isBuffer(u.salt) || u.salt.length === 0)) {
      throw new ConfigurationError(`${at}.salt`, 'expected a non-empty Buffer');
    }
    const salt = u.salt ?? randomBytes(32);
    return {
      name,
      mechanism: mechanism.code,
      iterations,
      salt,
      saltedPassword: scramSaltedPassword(mechanism.hash, u.password, salt, iterations),
    };
  });
  const deletions = (alterations.deletions ?? []).map((d, i) => ({
    name: checkUser(`deletions[${i}].user`, d?.user),
    mechanism: MECHANISMS[mechanismNamed(`deletions[${i}].mechanism`, d.mechanism)].code,
  }));
  if (upsertions.length === 0 && deletions.length === 0) {
    throw new ConfigurationError('alterUserScramCredentials', 'needs at least one upsertion or deletion');
  }
  await ctx.withController(
    'alterUserScramCredentials',
    async (controller) => {
      const { response } = await ctx.cluster.request(
        controller,
        ApiKey.AlterUserScramCredentials,
        () => ({ upsertions, deletions }),
        { signal: options.signal },
      );
      const failed = response.results.filter((r) => r.errorCode !== ErrorCode.NONE);
      if (failed.length === 0) return;
      const retriable = failed.find((r) => createKafkaError(r.errorCode).retriable);
      const first = retriable ?? failed[0];
      throw createKafkaError(first.errorCode, {
        apiName: 'AlterUserScramCredentials',
        serverMessage: failed
          .map((r) => `user ${r.user}: ${r.errorMessage ?? `error ${r.errorCode}`}`)
          .join('; '),
      });
    },
    options.signal,
    (err) => err instanceof KafkaProtocolError && err.retriable,
  );
}
