/** `samsa-registry serve`: a Confluent-compatible registry until asked to stop. */

import { hostname } from 'node:os';
import {
  type CliCommand,
  CliError,
  type CliIo,
  ExitCode,
  InvalidArgumentError,
  integer,
  Option,
  repeatable,
  UsageError,
} from '@samsa/cli-kit';
import { SamsaError } from '@samsa/protocol';
import type { CompatibilityLevel } from '../../compatibility/levels.js';
import { type RegistryServer, startRegistryServer } from '../../server/http.js';
import type { KafkaStorageOptions } from '../../server/kafka/storage.js';
import { basicAuthUsers, compatibilityLevel } from './flags.js';
import {
  addKafkaSecurityOptions,
  anyKafkaSecurityFlag,
  type KafkaSecurityFlags,
  kafkaSecurityOptions,
} from './kafka-security.js';
import { addServeTlsOptions, type ServeTlsFlags, serveTls } from './serve-tls.js';

interface ServeFlags extends KafkaSecurityFlags, ServeTlsFlags {
  port: number;
  host: string;
  kafka?: string;
  topic?: string;
  groupId?: string;
  transactionalId?: string;
  advertisedUrl?: string;
  hostName?: string;
  leaderEligibility?: boolean;
  replicationFactor?: number;
  basicAuth?: string[];
  authorizationFile?: string;
  maxBodyBytes: number;
  compatibility?: CompatibilityLevel;
  incompatibleErrorCode?: 409 | 40901;
}

export function addServeCommand(program: CliCommand, io: CliIo): void {
  const command = program
    .command('serve')
    .description('Run a Confluent-compatible schema registry')
    .addOption(new Option('--port <n>', 'port to listen on').argParser(integer({ min: 0 })).default(8081))
    .addOption(new Option('--host <address>', 'address to bind').default('127.0.0.1', '127.0.0.1'))
    .option(
      '--kafka <host:port[,...]>',
      'store schemas in Kafka (a compacted _schemas topic) and elect the leader through a Kafka group; ' +
        'without it, schemas live in memory (not durable)',
    )
    .option(
      '--topic <name>',
      'the schemas topic with --kafka (default: _schemas; created with 1 partition, compact)',
    )
    .option('--group-id <id>', 'leader election group with --kafka (default: schema-registry)')
    .option(
      '--transactional-id <id>',
      'transactional id the leader writes the topic with, fencing a stale leader; the same for every instance ' +
        '(default: <topic>-writer); none: no transactions',
    )
    .option(
      '--advertised-url <url>',
      'URL other instances forward writes to (default: http(s)://<host-name>:<port>)',
    )
    .option(
      '--host-name <name>',
      "host name in the default advertised URL (default: --host, or this machine's host name when --host is " +
        '0.0.0.0 or ::)',
    )
    .option(
      '--leader-eligibility <bool>',
      'whether this instance may become the leader: true (default) or false',
      trueOrFalse,
    )
    .option(
      '--replication-factor <n>',
      'replication factor of a schemas topic the registry creates (default: 3, capped at the number of brokers)',
      integer({ min: 1 }),
    )
    .option(
      '--basic-auth <user:password>',
      'require HTTP basic auth (or SAMSA_REGISTRY_BASIC_AUTH); repeatable; these users may do everything',
      repeatable,
    )
    .option(
      '--authorization-file <file>',
      "require HTTP basic auth from this file's users, each limited to its permissions (Karapace's format; " +
        'SIGHUP reloads it)',
    )
    .addOption(
      new Option('--max-body-bytes <n>', 'largest request body')
        .argParser(integer({ min: 0 }))
        .default(16777216),
    )
    .option('--compatibility <level>', 'default compatibility level (default: BACKWARD)', compatibilityLevel)
    .option(
      '--incompatible-error-code <code>',
      '40901 (default, Confluent 8) or 409 (Confluent 7, Karapace)',
      incompatibleErrorCode,
    );
  addServeTlsOptions(command);
  addKafkaSecurityOptions(command);
  command.action((flags: ServeFlags) => serve(flags, io));
}

function trueOrFalse(value: string): boolean {
  if (value !== 'true' && value !== 'false') throw new InvalidArgumentError('Expected true or false.');
  return value === 'true';
}

function incompatibleErrorCode(value: string): 409 | 40901 {
  if (value !== '409' && value !== '40901') throw new InvalidArgumentError('Expected 409 or 40901.');
  return Number(value) as 409 | 40901;
}

async function kafkaOptions(
  flags: ServeFlags,
  env: NodeJS.ProcessEnv,
): Promise<KafkaStorageOptions | undefined> {
  if (flags.kafka === undefined) {
    const security = anyKafkaSecurityFlag(flags);
    if (security !== undefined) throw new UsageError(`--${security} only applies with --kafka`);
    for (const [flag, value] of [
      ['topic', flags.topic],
      ['group-id', flags.groupId],
      ['transactional-id', flags.transactionalId],
      ['leader-eligibility', flags.leaderEligibility],
      ['replication-factor', flags.replicationFactor],
    ] as const) {
      if (value !== undefined) throw new UsageError(`--${flag} only applies with --kafka`);
    }
    return undefined;
  }
  const brokers = flags.kafka
    .split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
  if (brokers.length === 0) throw new UsageError('--kafka needs host:port[,host:port...]');
  for (const broker of brokers) {
    if (!/^(\[[^\]]+\]|[^:\s]+):\d+$/.test(broker)) {
      throw new UsageError(`--kafka takes host:port[,host:port...]; "${broker}" is not host:port`);
    }
  }
  if (flags.topic !== undefined && !/^[a-zA-Z0-9._-]{1,249}$/.test(flags.topic)) {
    throw new UsageError(`--topic "${flags.topic}" is not a valid Kafka topic name`);
  }
  if (flags.groupId === '') throw new UsageError('--group-id is empty');
  if (flags.transactionalId === '')
    throw new UsageError('--transactional-id is empty (none: no transactions)');
  const client = await kafkaSecurityOptions(flags, env);
  return {
    brokers,
    ...(Object.keys(client).length > 0 && { client }),
    topic: flags.topic,
    groupId: flags.groupId,
    ...(flags.transactionalId !== undefined && {
      transactionalId: flags.transactionalId === 'none' ? false : flags.transactionalId,
    }),
    leaderEligibility: flags.leaderEligibility,
    replicationFactor: flags.replicationFactor,
  };
}

function checkAdvertisedUrl(flags: ServeFlags): void {
  if (flags.advertisedUrl === undefined) return;
  if (flags.hostName !== undefined) throw new UsageError('Use either --advertised-url or --host-name');
  if (!/^https?:\/\/[^/]+/.test(flags.advertisedUrl)) {
    throw new UsageError(`--advertised-url needs an http:// or https:// URL, not "${flags.advertisedUrl}"`);
  }
}

/** Names and addresses a `--tls auto` certificate is made for: the loopback ones, and where this one listens. */
function certificateHosts(flags: ServeFlags): string[] {
  const hosts = ['localhost', '127.0.0.1', '::1'];
  const everywhere = flags.host === '0.0.0.0' || flags.host === '::' || flags.host === '';
  for (const host of [everywhere ? hostname() : flags.host, flags.hostName]) {
    if (host && !hosts.includes(host)) hosts.push(host);
  }
  return hosts;
}

async function serve(flags: ServeFlags, io: CliIo): Promise<number> {
  const kafka = await kafkaOptions(flags, io.env);
  checkAdvertisedUrl(flags);
  const basicAuth = basicAuthUsers(flags.basicAuth, io.env);
  const https = await serveTls(flags, certificateHosts(flags));
  if (https) io.stdout(https.notice);
  if (kafka) {
    io.stdout(
      `Storage: Kafka topic ${kafka.topic ?? '_schemas'} at ${kafka.brokers} (durable); ` +
        `leader election in group ${kafka.groupId ?? 'schema-registry'}. Reading the topic...\n`,
    );
  }
  let server: RegistryServer;
  try {
    server = await startRegistryServer({
      kafka,
      advertisedUrl: flags.advertisedUrl,
      hostName: flags.hostName,
      port: flags.port,
      host: flags.host,
      tls: https?.tls,
      basicAuth,
      authorizationFile: flags.authorizationFile,
      maxBodyBytes: flags.maxBodyBytes,
      defaultCompatibility: flags.compatibility,
      incompatibleErrorCode: flags.incompatibleErrorCode,
      logger: (line) => io.stderr(`${line}\n`),
    });
  } catch (error) {
    // Kafka unreachable or misconfigured, the port taken: the flags point at nothing usable. Exit code 2 (as
    // documented since the first release), with the reason and no stack trace.
    // A bad authorization file, too (AuthorizationFileError is a SamsaError).
    if (error instanceof SamsaError || (error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new CliError(`could not start: ${(error as Error).message}`, { exitCode: ExitCode.Usage });
    }
    throw error;
  }
  io.stdout(
    kafka
      ? `Samsa schema registry listening on ${server.url}, advertised as ${server.advertisedUrl}\n`
      : `Samsa schema registry listening on ${server.url}\n` +
          'Storage: in memory. NOT durable: every schema is lost when this process exits (use --kafka for durable storage).\n',
  );
  const stopReloading = reloadOnHangup(server, flags.authorizationFile, io);
  await (io.waitForStop?.() ?? new Promise<never>(() => {}));
  stopReloading();
  io.stdout('Shutting down: finishing in-flight requests...\n');
  await server.close();
  io.stdout('Stopped.\n');
  return ExitCode.Ok;
}

/** SIGHUP reads the authorization file again; a file that does not load is reported and the old rules stay. */
function reloadOnHangup(server: RegistryServer, file: string | undefined, io: CliIo): () => void {
  if (file === undefined) return () => {};
  const reload = () => {
    server.reloadAuthorization().then(
      () => io.stderr(`Reloaded the authorization file ${file}.\n`),
      (error: Error) => io.stderr(`Kept the previous authorization rules: ${error.message}\n`),
    );
  };
  process.on('SIGHUP', reload);
  return () => process.off('SIGHUP', reload);
}
