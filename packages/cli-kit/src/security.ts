/**
 * TLS and SASL options for command lines that connect to Kafka-protocol servers (samsa, the registry's Kafka
 * storage): the flags, and what they resolve to. The names match the client's `ssl` and `sasl` options; values
 * may also come from elsewhere (a properties file, the environment) as `base`, which flags override.
 */
import { readFile } from 'node:fs/promises';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { type Command, Option } from 'commander';
import { UsageError } from './errors.js';

export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type SaslMechanismName = (typeof SASL_MECHANISMS)[number];

export interface SecurityFlags {
  ssl?: boolean;
  sslCa?: string;
  sslCert?: string;
  sslKey?: string;
  sslKeyPassword?: string;
  sslInsecure?: boolean;
  saslMechanism?: SaslMechanismName;
  saslUsername?: string;
  saslPassword?: string;
}

export interface SaslCredentials {
  mechanism: SaslMechanismName;
  username: string;
  password: string;
}

/** Adds `--ssl`, `--ssl-ca`, `--ssl-cert`, `--ssl-key`, `--ssl-key-password`, `--ssl-insecure` and the SASL flags. */
export function addSecurityOptions(
  command: Command,
  { passwordEnv }: { passwordEnv?: string } = {},
): Command {
  return command
    .option('--ssl', 'connect with TLS')
    .option('--ssl-ca <file>', 'PEM file of the CAs to trust (implies --ssl)')
    .option('--ssl-cert <file>', 'PEM client certificate (implies --ssl)')
    .option('--ssl-key <file>', 'PEM client key')
    .option('--ssl-key-password <password>', 'passphrase of --ssl-key')
    .option('--ssl-insecure', "don't verify the servers' certificates (tests only)")
    .addOption(new Option('--sasl-mechanism <mechanism>', 'SASL authentication').choices(SASL_MECHANISMS))
    .option('--sasl-username <name>', 'SASL user')
    .option('--sasl-password <password>', `SASL password${passwordEnv ? ` (default: ${passwordEnv})` : ''}`);
}

/** TLS options from the flags over `base`; undefined when neither asks for TLS. PEM files are read here. */
export async function tlsFromFlags(flags: SecurityFlags, base?: TlsOptions): Promise<TlsOptions | undefined> {
  const wanted =
    flags.ssl === true ||
    flags.sslCa !== undefined ||
    flags.sslCert !== undefined ||
    flags.sslInsecure === true ||
    base !== undefined;
  if (flags.sslKey !== undefined && flags.sslCert === undefined)
    throw new UsageError('--ssl-key needs --ssl-cert');
  if (!wanted) return undefined;
  const options: TlsOptions = { ...base };
  if (flags.sslCa !== undefined) options.ca = await readPem(flags.sslCa, '--ssl-ca');
  if (flags.sslCert !== undefined) {
    if (flags.sslKey === undefined) throw new UsageError('--ssl-cert needs --ssl-key');
    options.cert = await readPem(flags.sslCert, '--ssl-cert');
    options.key = await readPem(flags.sslKey, '--ssl-key');
  }
  if (flags.sslKeyPassword !== undefined) options.passphrase = flags.sslKeyPassword;
  if (flags.sslInsecure) options.rejectUnauthorized = false;
  return options;
}

/**
 * SASL credentials from the flags over `base`; the password may also come from `password` (read from the
 * environment variable `passwordEnv`, named in the error when it is missing). Undefined when none is asked for.
 */
export function saslFromFlags(
  flags: SecurityFlags,
  options: { base?: Partial<SaslCredentials>; password?: string; passwordEnv?: string } = {},
): SaslCredentials | undefined {
  const base = options.base ?? {};
  const mechanism = flags.saslMechanism ?? base.mechanism;
  const username = flags.saslUsername ?? base.username;
  const secret = flags.saslPassword ?? base.password ?? options.password;
  if (mechanism === undefined && username === undefined) return undefined;
  if (mechanism === undefined) throw new UsageError('--sasl-username needs --sasl-mechanism');
  if (username === undefined) throw new UsageError(`SASL ${mechanism} needs --sasl-username`);
  if (secret === undefined) {
    const env = options.passwordEnv ? ` (or ${options.passwordEnv})` : '';
    throw new UsageError(`SASL ${mechanism} needs --sasl-password${env}`);
  }
  return { mechanism, username, password: secret };
}

/** A PEM file's contents; an unreadable one is a usage error naming the option. */
export async function readPem(path: string, option: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      `${option} ${path}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    );
  }
}
