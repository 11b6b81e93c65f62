/**
 * The broker's SASL configuration: users, enabled mechanisms, the OAUTHBEARER validator and the session and
 * failure settings Kafka names (connections.max.reauth.ms, connection.failed.authentication.delay.ms,
 * sasl.server.max.receive.size), resolved once at start into what each SASL listener's connections use.
 */
import { readFileSync } from 'node:fs';
import type { Logger } from '../../logger.js';
import type { SaslServerSettings } from './authenticator.js';
import { type CredentialStore, parseUsersFile } from './credentials.js';
import type { SaslMechanismServer } from './mechanism.js';
import {
  type OAuthBearerOptions,
  OAuthBearerServer,
  type TokenValidator,
  tokenValidator,
} from './oauthbearer.js';
import { PlainServer } from './plain.js';
import { isScramMechanism, ScramServer } from './scram.js';

export const SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER'] as const;
export type SaslMechanismName = (typeof SASL_MECHANISMS)[number];

export interface BrokerSaslOptions {
  /** Users by name with their passwords: each gets PLAIN and SCRAM-SHA-256/512 credentials. */
  users?: Readonly<Record<string, string>>;
  /** A file of `name:password` lines (# comments), read at start, adding to `users`. */
  usersFile?: string;
  /**
   * sasl.enabled.mechanisms (default: PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512, and OAUTHBEARER when
   * `oauthbearer` is set).
   */
  enabledMechanisms?: readonly string[];
  /** How OAUTHBEARER tokens are validated. */
  oauthbearer?: OAuthBearerOptions;
  /** connections.max.reauth.ms: sessions last this long before clients must re-authenticate (default 0: forever). */
  maxReauthMs?: number;
  /** connection.failed.authentication.delay.ms (default 100). */
  failedAuthenticationDelayMs?: number;
  /** sasl.server.max.receive.size: the largest frame before authentication (default 524288). */
  maxReceiveBytes?: number;
}

const DEFAULT_FAILED_AUTHENTICATION_DELAY_MS = 100;
const DEFAULT_MAX_RECEIVE_BYTES = 512 * 1024;

/** Resolved SASL settings; `forListener` gives a listener's connections what they authenticate with. */
export interface BrokerSasl {
  readonly enabledMechanisms: readonly SaslMechanismName[];
  forListener(nodeId: number, listenerName: string, logger: Logger): SaslServerSettings;
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 0)
    throw new RangeError(`sasl.${name} must be a non-negative integer, got ${value}.`);
  return v;
}

/** Checks the options and adds their users to `credentials`. */
export function prepareSasl(options: BrokerSaslOptions, credentials: CredentialStore): BrokerSasl {
  for (const [name, password] of Object.entries(options.users ?? {})) credentials.addUser(name, password);
  if (options.usersFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(options.usersFile, 'utf8');
    } catch (err) {
      throw new TypeError(`Cannot read the SASL users file ${options.usersFile}: ${(err as Error).message}`);
    }
    for (const user of parseUsersFile(text, options.usersFile)) credentials.addUser(user.name, user.password);
  }
  const validator: TokenValidator | undefined = options.oauthbearer
    ? tokenValidator(options.oauthbearer)
    : undefined;
  const requested = options.enabledMechanisms ?? [
    'PLAIN',
    'SCRAM-SHA-256',
    'SCRAM-SHA-512',
    ...(validator ? ['OAUTHBEARER'] : []),
  ];
  const enabled: SaslMechanismName[] = [];
  for (const raw of requested) {
    const mechanism = raw.toUpperCase();
    if (!(SASL_MECHANISMS as readonly string[]).includes(mechanism)) {
      throw new TypeError(
        `Unknown SASL mechanism '${raw}'; the broker offers ${SASL_MECHANISMS.join(', ')}.`,
      );
    }
    if (mechanism === 'OAUTHBEARER' && !validator) {
      throw new TypeError(
        'OAUTHBEARER needs a token validator: sasl.oauthbearer (unsecured or a JWKS file).',
      );
    }
    if (!enabled.includes(mechanism as SaslMechanismName)) enabled.push(mechanism as SaslMechanismName);
  }
  if (enabled.length === 0)
    throw new TypeError('sasl.enabledMechanisms is empty: SASL listeners need at least one.');
  const maxReauthMs = nonNegative('maxReauthMs', options.maxReauthMs, 0);
  const failedAuthenticationDelayMs = nonNegative(
    'failedAuthenticationDelayMs',
    options.failedAuthenticationDelayMs,
    DEFAULT_FAILED_AUTHENTICATION_DELAY_MS,
  );
  const maxReceiveBytes = nonNegative('maxReceiveBytes', options.maxReceiveBytes, DEFAULT_MAX_RECEIVE_BYTES);
  const createMechanism = (mechanism: string): SaslMechanismServer => {
    if (mechanism === 'PLAIN') return new PlainServer((user) => credentials.password(user));
    if (isScramMechanism(mechanism))
      return new ScramServer(mechanism, (user) => credentials.scramCredential(user, mechanism));
    if (mechanism === 'OAUTHBEARER' && validator) return new OAuthBearerServer(validator);
    throw new TypeError(`SASL mechanism ${mechanism} is not enabled.`);
  };
  return {
    enabledMechanisms: enabled,
    forListener: (nodeId, listenerName, logger) => ({
      enabledMechanisms: enabled,
      createMechanism,
      maxReauthMs,
      failedAuthenticationDelayMs,
      maxReceiveBytes,
      logger,
      nodeId,
      listenerName,
    }),
  };
}
