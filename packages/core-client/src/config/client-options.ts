/**
 * Options of `new Kafka({...})`: KafkaJS's shape, Java's names and defaults (camelCased, with
 * an `Ms` suffix on durations). KafkaJS spellings (`connectionTimeout`, `requestTimeout`,
 * `retry.initialRetryTime`, ...) are accepted as aliases so KafkaJS code moves over unchanged.
 */
import type { Socket } from 'node:net';
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import {
  type ResolvedSasl,
  resolveReauthenticationThreshold,
  resolveSaslOptions,
  type SaslOptions,
} from '../auth/sasl-options.js';
import { ConfigurationError } from '../errors.js';
import { createLogger, type LogCreator, type Logger, LogLevel } from '../logger.js';
import { type LoggerOption, toLogger } from '../logging/logger-option.js';
import {
  alias,
  describe,
  oneOf,
  optionalBool,
  optionalInt,
  optionalString,
  rejectUnknown,
} from './validate.js';

export type { SaslMechanism, SaslOptions } from '../auth/sasl-options.js';

/**
 * KafkaJS's `retry.restartOnFailure`, used by consumers: asked once a handler failed `retries + 1` times in a
 * row for one record. Resolve true to keep retrying it, false to stop the consumer.
 */
export type RestartOnFailure = (error: Error) => Promise<boolean>;

/**
 * KafkaJS's `socketFactory`: opens the socket of every broker connection (a proxy, a custom TLS setup, a
 * tunnel). Call `onConnect` once the socket is connected (after the TLS handshake, for TLS); Samsa then talks
 * Kafka over it. The default is `net.connect`, or `tls.connect` with `ssl`.
 */
export type SocketFactory = (args: {
  host: string;
  port: number;
  /** The client's `ssl` options (`{}` for `ssl: true`), undefined without TLS. */
  ssl: TlsConnectionOptions | undefined;
  onConnect: () => void;
}) => Socket;

export interface RetryOptions {
  /** First back-off (Java `retry.backoff.ms`). Default 100. KafkaJS alias: `initialRetryTime`. */
  initialRetryTimeMs?: number;
  /** Back-off ceiling (Java `retry.backoff.max.ms`). Default 1000. KafkaJS alias: `maxRetryTime`. */
  maxRetryTimeMs?: number;
  /** Attempts after the first. Default 5. */
  retries?: number;
  /** Jitter as a fraction of the back-off (KafkaJS `factor`). Default 0.2. */
  factor?: number;
  /** Back-off growth per attempt (KafkaJS `multiplier`). Default 2. */
  multiplier?: number;
  initialRetryTime?: number;
  maxRetryTime?: number;
  /** Consumers only (KafkaJS puts it in the client's `retry` too): see `RestartOnFailure`. */
  restartOnFailure?: RestartOnFailure;
}

export interface KafkaConfig {
  /** `host:port` seeds, or a function returning them (KafkaJS allows both). */
  brokers: string[] | (() => string[] | Promise<string[]>);
  /** Default `samsa`. */
  clientId?: string;
  /** TLS: `true`, or `tls.connect` options (`ca`, and `cert` + `key` for mutual TLS). */
  ssl?: boolean | TlsConnectionOptions;
  /** SASL: PLAIN, SCRAM-SHA-256/512, OAUTHBEARER, or a custom mechanism (README: Security). */
  sasl?: SaslOptions;
  /**
   * Re-authenticate (KIP-368) this many ms before the SASL session the broker granted ends
   * (`connections.max.reauth.ms`, or an OAuth token's expiry). KafkaJS's name. Default 10000.
   */
  reauthenticationThreshold?: number;
  /** TCP + TLS + SASL setup limit (Java `socket.connection.setup.timeout.ms`). Default 10000. */
  connectionTimeoutMs?: number;
  /** How long to wait for a response (Java `request.timeout.ms`). Default 30000. */
  requestTimeoutMs?: number;
  /** Reconnect back-off start and ceiling (Java `reconnect.backoff.ms` / `.max.ms`). Defaults 50 / 1000. */
  reconnectBackoffMs?: number;
  reconnectBackoffMaxMs?: number;
  /** Periodic metadata refresh (Java `metadata.max.age.ms`). Default 300000. */
  metadataMaxAgeMs?: number;
  retry?: RetryOptions;
  /** Refuse frames above this size from brokers. Default 100 MiB. */
  maxResponseBytes?: number;
  /**
   * Raise glibc's malloc thresholds for the process on the first response of 128 KiB or more, so the
   * memory of freed response frames is reused (README: "What Samsa does to your process"). Default true.
   */
  tuneMalloc?: boolean;
  logLevel?: LogLevel;
  logCreator?: LogCreator;
  /**
   * Use this logger instead of `logLevel`/`logCreator`: Samsa's (`createLogger()`), or a pino or winston
   * logger as it is (recognized by its shape; its level decides what is logged).
   */
  logger?: LoggerOption;
  /** Opens broker sockets instead of `net.connect` / `tls.connect` (KafkaJS's option, same contract). */
  socketFactory?: SocketFactory;
  /** Limit of the SASL exchange after connecting (KafkaJS `authenticationTimeout`). Default 10000. */
  authenticationTimeoutMs?: number;
  /** KafkaJS aliases. */
  connectionTimeout?: number;
  requestTimeout?: number;
  authenticationTimeout?: number;
  /**
   * KafkaJS's switch for request timeouts. Samsa always enforces `requestTimeoutMs` (a request that is never
   * answered would hold up every request behind it on the connection); `false` gets a warning saying so.
   */
  enforceRequestTimeout?: boolean;
}

export interface ResolvedRetry {
  initialRetryTimeMs: number;
  maxRetryTimeMs: number;
  retries: number;
  factor: number;
  multiplier: number;
}

export interface ResolvedClientConfig {
  /** Marks an already-validated config. */
  resolved: true;
  brokers: () => Promise<string[]>;
  clientId: string;
  ssl: TlsConnectionOptions | null;
  sasl: ResolvedSasl | null;
  reauthenticationThresholdMs: number;
  connectionTimeoutMs: number;
  requestTimeoutMs: number;
  reconnectBackoffMs: number;
  reconnectBackoffMaxMs: number;
  metadataMaxAgeMs: number;
  retry: ResolvedRetry;
  maxResponseBytes: number;
  tuneMalloc: boolean;
  logger: Logger;
  socketFactory: SocketFactory | null;
  authenticationTimeoutMs: number;
  /** From `retry.restartOnFailure`: consumers without a `retry` of their own use it. */
  restartOnFailure: RestartOnFailure | null;
}

/** Every option name `new Kafka()` takes (KafkaJS spellings included). */
export const KAFKA_OPTION_NAMES = [
  'brokers',
  'clientId',
  'ssl',
  'sasl',
  'reauthenticationThreshold',
  'connectionTimeoutMs',
  'requestTimeoutMs',
  'reconnectBackoffMs',
  'reconnectBackoffMaxMs',
  'metadataMaxAgeMs',
  'retry',
  'maxResponseBytes',
  'tuneMalloc',
  'logLevel',
  'logCreator',
  'logger',
  'socketFactory',
  'authenticationTimeoutMs',
  'connectionTimeout',
  'requestTimeout',
  'authenticationTimeout',
  'enforceRequestTimeout',
] as const;

export function parseBrokerAddress(option: string, address: string): { host: string; port: number } {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address.trim());
  if (!m) throw new ConfigurationError(option, `${JSON.stringify(address)} is not host:port`);
  const port = Number(m[2]);
  if (port < 1 || port > 65535)
    throw new ConfigurationError(option, `port ${port} in ${address} is out of range`);
  return { host: m[1], port };
}

export function resolveRetry(option: string, retry: unknown, defaults: ResolvedRetry): ResolvedRetry {
  if (retry === undefined || retry === null) return { ...defaults };
  if (typeof retry !== 'object')
    throw new ConfigurationError(option, `expected an object, got ${describe(retry)}`);
  const r = retry as Record<string, unknown>;
  rejectUnknown(option, r, [
    'initialRetryTimeMs',
    'maxRetryTimeMs',
    'retries',
    'factor',
    'multiplier',
    'initialRetryTime',
    'maxRetryTime',
    'restartOnFailure',
  ]);
  const initialRetryTimeMs = optionalInt(
    `${option}.initialRetryTimeMs`,
    alias(r, 'initialRetryTimeMs', 'initialRetryTime'),
    defaults.initialRetryTimeMs,
  );
  const maxRetryTimeMs = optionalInt(
    `${option}.maxRetryTimeMs`,
    alias(r, 'maxRetryTimeMs', 'maxRetryTime'),
    Math.max(defaults.maxRetryTimeMs, initialRetryTimeMs),
  );
  if (maxRetryTimeMs < initialRetryTimeMs) {
    throw new ConfigurationError(
      `${option}.maxRetryTimeMs`,
      `must be >= initialRetryTimeMs (${initialRetryTimeMs})`,
    );
  }
  const factor = r.factor ?? defaults.factor;
  if (typeof factor !== 'number' || factor < 0 || factor > 1) {
    throw new ConfigurationError(`${option}.factor`, `expected a number in 0..1, got ${describe(factor)}`);
  }
  const multiplier = r.multiplier ?? defaults.multiplier;
  if (typeof multiplier !== 'number' || multiplier < 1) {
    throw new ConfigurationError(
      `${option}.multiplier`,
      `expected a number >= 1, got ${describe(multiplier)}`,
    );
  }
  return {
    initialRetryTimeMs,
    maxRetryTimeMs,
    retries: optionalInt(`${option}.retries`, r.retries, defaults.retries),
    factor,
    multiplier,
  };
}

export const DEFAULT_RETRY: ResolvedRetry = {
  initialRetryTimeMs: 100,
  maxRetryTimeMs: 1000,
  retries: 5,
  factor: 0.2,
  multiplier: 2,
};

export function resolveClientConfig(config: KafkaConfig): ResolvedClientConfig {
  if (config === null || typeof config !== 'object') {
    throw new ConfigurationError('config', 'new Kafka() needs an options object with at least `brokers`');
  }
  rejectUnknown('new Kafka()', config, KAFKA_OPTION_NAMES);
  const { brokers } = config;
  let brokerSource: () => Promise<string[]>;
  if (typeof brokers === 'function') {
    brokerSource = async () => {
      const list = await brokers();
      validateBrokerList(list);
      return list;
    };
  } else {
    validateBrokerList(brokers);
    const list = [...brokers];
    brokerSource = async () => list;
  }
  const ssl = config.ssl;
  if (ssl !== undefined && typeof ssl !== 'boolean' && (ssl === null || typeof ssl !== 'object')) {
    throw new ConfigurationError(
      'ssl',
      `expected true, false or tls.ConnectionOptions, got ${describe(ssl)}`,
    );
  }
  const logger =
    config.logger !== undefined && config.logger !== null
      ? toLogger(config.logger)
      : createLogger(
          oneOf('logLevel', config.logLevel, [0, 1, 2, 4, 5] as const, LogLevel.INFO) as LogLevel,
          config.logCreator,
        );
  const reauthenticationThresholdMs = resolveReauthenticationThreshold(config.reauthenticationThreshold);
  const sasl = resolveSaslOptions(config.sasl, reauthenticationThresholdMs, logger);
  const connectionTimeoutMs = optionalInt(
    'connectionTimeoutMs',
    alias(config as unknown as Record<string, unknown>, 'connectionTimeoutMs', 'connectionTimeout'),
    10_000,
    { min: 1 },
  );
  const reconnectBackoffMs = optionalInt('reconnectBackoffMs', config.reconnectBackoffMs, 50);
  const raw = config as unknown as Record<string, unknown>;
  if (
    config.socketFactory !== undefined &&
    config.socketFactory !== null &&
    typeof config.socketFactory !== 'function'
  ) {
    throw new ConfigurationError(
      'socketFactory',
      `expected a function ({ host, port, ssl, onConnect }) => net.Socket, got ${describe(config.socketFactory)}`,
    );
  }
  if (optionalBool('enforceRequestTimeout', config.enforceRequestTimeout, true) === false) {
    logger.warn(
      'enforceRequestTimeout: false has no effect: Samsa always enforces requestTimeoutMs, because an unanswered ' +
        'request would hold up every request behind it on the connection. Raise requestTimeoutMs instead ' +
        `(now ${optionalInt('requestTimeoutMs', alias(raw, 'requestTimeoutMs', 'requestTimeout'), 30_000)})`,
    );
  }
  const retryOption = config.retry as RetryOptions | undefined;
  const restartOnFailure = retryOption?.restartOnFailure;
  if (restartOnFailure !== undefined && restartOnFailure !== null && typeof restartOnFailure !== 'function') {
    throw new ConfigurationError(
      'retry.restartOnFailure',
      `expected a function (error) => Promise<boolean>, got ${describe(restartOnFailure)}`,
    );
  }
  return {
    resolved: true,
    brokers: brokerSource,
    clientId: optionalString('clientId', config.clientId, 'samsa'),
    ssl: ssl === true ? {} : ssl ? ssl : null,
    sasl,
    reauthenticationThresholdMs,
    connectionTimeoutMs,
    requestTimeoutMs: optionalInt(
      'requestTimeoutMs',
      alias(config as unknown as Record<string, unknown>, 'requestTimeoutMs', 'requestTimeout'),
      30_000,
      { min: 1 },
    ),
    reconnectBackoffMs,
    reconnectBackoffMaxMs: optionalInt(
      'reconnectBackoffMaxMs',
      config.reconnectBackoffMaxMs,
      Math.max(1000, reconnectBackoffMs),
      { min: reconnectBackoffMs },
    ),
    metadataMaxAgeMs: optionalInt('metadataMaxAgeMs', config.metadataMaxAgeMs, 300_000, { min: 1 }),
    retry: resolveRetry('retry', config.retry, DEFAULT_RETRY),
    maxResponseBytes: optionalInt('maxResponseBytes', config.maxResponseBytes, 100 * 1024 * 1024, {
      min: 1024,
    }),
    tuneMalloc: optionalBool('tuneMalloc', config.tuneMalloc, true),
    logger,
    socketFactory: config.socketFactory ?? null,
    authenticationTimeoutMs: optionalInt(
      'authenticationTimeoutMs',
      alias(raw, 'authenticationTimeoutMs', 'authenticationTimeout'),
      10_000,
      { min: 1 },
    ),
    restartOnFailure: restartOnFailure ?? null,
  };
}

function validateBrokerList(list: unknown): asserts list is string[] {
  if (!Array.isArray(list) || list.length === 0) {
    throw new ConfigurationError('brokers', 'expected a non-empty array of "host:port" strings');
  }
  for (const b of list) {
    if (typeof b !== 'string')
      throw new ConfigurationError('brokers', `expected "host:port" strings, got ${describe(b)}`);
    parseBrokerAddress('brokers', b);
  }
}

export { optionalBool };
