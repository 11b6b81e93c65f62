/**
 * The `sasl` client option: the built-in mechanisms (PLAIN, SCRAM-SHA-256/512, OAUTHBEARER) and custom
 * ones (`authenticationProvider`), checked and resolved once per client into what a connection runs.
 * `reauthenticationThreshold` (KafkaJS's name and default) is resolved here too.
 */

import { describe, optionalInt } from '../config/validate.js';
import { ConfigurationError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { AuthenticationProvider, CustomSaslOptions } from './mechanism.js';
import { type OauthbearerSaslOptions, oauthbearerProvider } from './mechanisms/oauthbearer.js';
import { type PlainSaslOptions, plainProvider } from './mechanisms/plain.js';
import { type ScramSaslOptions, scramProvider } from './mechanisms/scram.js';
import { OauthbearerTokenSource } from './oauth-token-source.js';

/** The username/password mechanisms. */
export type SaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

/** PLAIN or SCRAM: a username and a password. */
export interface PasswordSaslOptions {
  mechanism: SaslMechanism;
  username: string;
  password: string;
  /** PLAIN only: log in as this identity instead of `username` (the broker must allow it). */
  authorizationIdentity?: string;
}

export type SaslOptions = PasswordSaslOptions | OauthbearerSaslOptions | CustomSaslOptions;

export interface ResolvedSasl {
  /** As SaslHandshake sends it: upper case. */
  mechanism: string;
  authenticationProvider: AuthenticationProvider;
  /** Who authenticates, for error messages: the username, or the mechanism's own words. */
  identity: string;
}

/** KafkaJS's default: re-authenticate 10 s before the session the broker granted ends. */
export const DEFAULT_REAUTHENTICATION_THRESHOLD_MS = 10_000;

export function resolveReauthenticationThreshold(value: unknown): number {
  return optionalInt('reauthenticationThreshold', value, DEFAULT_REAUTHENTICATION_THRESHOLD_MS);
}

const BUILT_IN = ['plain', 'scram-sha-256', 'scram-sha-512', 'oauthbearer'];

export function resolveSaslOptions(
  sasl: unknown,
  reauthenticationThresholdMs: number,
  logger: Logger,
): ResolvedSasl | null {
  if (sasl === undefined || sasl === null) return null;
  if (typeof sasl !== 'object')
    throw new ConfigurationError('sasl', `expected an object, got ${describe(sasl)}`);
  const options = sasl as Record<string, unknown>;
  if (typeof options.mechanism !== 'string' || options.mechanism === '') {
    throw new ConfigurationError(
      'sasl.mechanism',
      "is required: 'plain', 'scram-sha-256', 'scram-sha-512', 'oauthbearer', or a custom mechanism's name " +
        'with an authenticationProvider',
    );
  }
  const mechanism = options.mechanism.toLowerCase();
  const custom = options.authenticationProvider;
  if (custom !== undefined) {
    if (typeof custom !== 'function') {
      throw new ConfigurationError(
        'sasl.authenticationProvider',
        `expected a function ({ host, port, logger, saslAuthenticate }) => ({ authenticate }), got ${describe(custom)}`,
      );
    }
    return {
      mechanism: mechanism.toUpperCase(),
      authenticationProvider: custom as AuthenticationProvider,
      identity:
        typeof options.username === 'string' ? JSON.stringify(options.username) : 'the custom provider',
    };
  }
  if (!BUILT_IN.includes(mechanism)) {
    throw new ConfigurationError(
      'sasl.mechanism',
      `${JSON.stringify(options.mechanism)} is not built in (${BUILT_IN.map((m) => `'${m}'`).join(', ')}); ` +
        'for another mechanism (AWS MSK IAM, ...) pass its authenticationProvider',
    );
  }
  if (mechanism === 'oauthbearer') {
    if (typeof options.oauthBearerProvider !== 'function') {
      throw new ConfigurationError(
        'sasl.oauthBearerProvider',
        `expected an async function returning { value: token }, got ${describe(options.oauthBearerProvider)}`,
      );
    }
    checkOptionalString('sasl.authorizationIdentity', options.authorizationIdentity);
    const resolved = { ...(options as unknown as OauthbearerSaslOptions), mechanism: 'oauthbearer' as const };
    const tokens = new OauthbearerTokenSource(
      resolved.oauthBearerProvider,
      reauthenticationThresholdMs,
      logger.namespace('oauthbearer'),
    );
    return {
      mechanism: 'OAUTHBEARER',
      authenticationProvider: oauthbearerProvider(resolved, tokens),
      identity: 'the OAuth bearer token',
    };
  }
  if (typeof options.username !== 'string') throw new ConfigurationError('sasl.username', 'must be a string');
  if (typeof options.password !== 'string') throw new ConfigurationError('sasl.password', 'must be a string');
  const identity = JSON.stringify(options.username);
  if (mechanism === 'plain') {
    checkOptionalString('sasl.authorizationIdentity', options.authorizationIdentity);
    const resolved = { ...(options as unknown as PlainSaslOptions), mechanism: 'plain' as const };
    return { mechanism: 'PLAIN', authenticationProvider: plainProvider(resolved), identity };
  }
  const resolved = {
    ...(options as unknown as ScramSaslOptions),
    mechanism: mechanism as ScramSaslOptions['mechanism'],
  };
  return { mechanism: mechanism.toUpperCase(), authenticationProvider: scramProvider(resolved), identity };
}

function checkOptionalString(option: string, value: unknown): void {
  if (value !== undefined && value !== null && typeof value !== 'string') {
    throw new ConfigurationError(option, `expected a string, got ${describe(value)}`);
  }
}
