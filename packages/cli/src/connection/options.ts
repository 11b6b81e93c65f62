/**
 * The connection options every samsa command takes, and what they resolve to. Precedence: flags, then the
 * properties file (`--config` / `--command-config`, as Kafka's tools take it), then the environment
 * (SAMSA_BROKERS, KAFKA_BROKERS, SCHEMA_REGISTRY_URL, SAMSA_REGISTRY_BASIC_AUTH, SAMSA_SASL_PASSWORD), then defaults.
 */
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import {
  addSecurityOptions,
  type CliCommand,
  type CliIo,
  integer,
  Option,
  readPropertiesFile,
  type SecurityFlags,
  saslFromFlags,
  tlsFromFlags,
  UsageError,
} from '@samsa/cli-kit';
import type { SaslMechanism } from '@samsa/core-client';
import { type PropertySettings, settingsFromProperties } from './properties.js';

export const DEFAULT_BROKERS = 'localhost:9092';
export const DEFAULT_TIMEOUT_MS = 10_000;

/** The flags as commander parses them (TLS and SASL ones are cli-kit's). */
export interface ConnectionFlags extends SecurityFlags {
  brokers?: string;
  registry?: string;
  registryAuth?: string;
  config?: string | [string, string][];
  commandConfig?: string;
  clientId?: string;
  timeout?: number;
}

/** Where and how to connect, resolved. */
export interface ConnectionSettings {
  brokers: string[];
  clientId: string;
  /** Set for TLS; undefined for plaintext. */
  ssl: TlsOptions | undefined;
  sasl: { mechanism: SaslMechanism; username: string; password: string } | undefined;
  /** Bounds connecting and each admin call. */
  timeoutMs: number;
  registry: { url: string; auth?: { username: string; password: string } } | undefined;
}

/**
 * Adds the connection options to `command`. Commands whose own `--config` takes `key=value` (topic configs) get
 * the properties file as `--command-config` only.
 */
export function addConnectionOptions(command: CliCommand, { ownConfig = false } = {}): CliCommand {
  command.optionsGroup('Connection options:');
  command.option(
    '-b, --brokers <host:port,...>',
    `bootstrap brokers (default: SAMSA_BROKERS, KAFKA_BROKERS, else ${DEFAULT_BROKERS})`,
  );
  command.option('--registry <url>', 'schema registry URL (default: SCHEMA_REGISTRY_URL)');
  command.option(
    '--registry-auth <user:password>',
    'registry basic auth (default: SAMSA_REGISTRY_BASIC_AUTH)',
  );
  if (!ownConfig) {
    command.option('--config <file>', "client properties file, as Kafka's tools take (--command-config)");
  }
  command.option('--command-config <file>', ownConfig ? 'client properties file' : 'the same as --config');
  command.addOption(
    new Option(
      '--timeout <ms>',
      `how long to wait for the cluster (default: ${DEFAULT_TIMEOUT_MS})`,
    ).argParser(integer({ min: 1 })),
  );
  command.option('--client-id <id>', 'client id the brokers see (default: samsa-cli)');
  addSecurityOptions(command, { passwordEnv: 'SAMSA_SASL_PASSWORD' });
  command.optionsGroup('Options:');
  return command;
}

/** Resolves flags, properties file and environment into settings; a wrong combination is a UsageError. */
export async function resolveConnection(
  flags: ConnectionFlags,
  io: Pick<CliIo, 'env'>,
): Promise<ConnectionSettings> {
  const { env } = io;
  const file = flags.commandConfig ?? (typeof flags.config === 'string' ? flags.config : undefined);
  const props: PropertySettings = file
    ? await settingsFromProperties(
        await readPropertiesFile(file, flags.commandConfig ? '--command-config' : '--config'),
        file,
      )
    : {};

  const brokersText =
    flags.brokers ?? props.brokers ?? env.SAMSA_BROKERS ?? env.KAFKA_BROKERS ?? DEFAULT_BROKERS;
  const brokers = parseBrokers(brokersText, flags.brokers !== undefined ? '--brokers' : 'the broker list');

  const ssl = await tlsFromFlags(flags, props.ssl);
  const sasl = saslFromFlags(flags, {
    base: props.sasl,
    password: env.SAMSA_SASL_PASSWORD,
    passwordEnv: 'SAMSA_SASL_PASSWORD',
  });

  const registryUrl = flags.registry ?? props.registry?.url ?? env.SCHEMA_REGISTRY_URL;
  let registry: ConnectionSettings['registry'];
  if (registryUrl !== undefined && registryUrl !== '') {
    if (!/^https?:\/\/[^/]+/.test(registryUrl)) {
      throw new UsageError(`--registry needs an http:// or https:// URL, not "${registryUrl}"`);
    }
    const authText = flags.registryAuth ?? props.registry?.auth ?? env.SAMSA_REGISTRY_BASIC_AUTH;
    registry = { url: registryUrl, ...(authText ? { auth: userPassword(authText, '--registry-auth') } : {}) };
  }

  return {
    brokers,
    clientId: flags.clientId ?? props.clientId ?? 'samsa-cli',
    ssl,
    sasl,
    timeoutMs: flags.timeout ?? props.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    registry,
  };
}

function parseBrokers(text: string, what: string): string[] {
  const brokers = text
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  if (brokers.length === 0) throw new UsageError(`${what} is empty; give host:port[,host:port...]`);
  for (const broker of brokers) {
    const match = /^(\[[^\]]+\]|[^:\s[\]]+):(\d+)$/.exec(broker);
    if (!match || Number(match[2]) < 1 || Number(match[2]) > 65535) {
      throw new UsageError(`${what}: "${broker}" is not host:port`);
    }
  }
  return brokers;
}

function userPassword(text: string, option: string): { username: string; password: string } {
  const separator = text.indexOf(':');
  if (separator <= 0) throw new UsageError(`${option} needs user:password`);
  return { username: text.slice(0, separator), password: text.slice(separator + 1) };
}
