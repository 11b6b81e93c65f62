/** samsa-broker's flags: how they read, their checks, and what they mean for the broker. */
import { readFileSync } from 'node:fs';
import {
  type CliCommand,
  createProgram,
  ExitCode,
  InvalidArgumentError,
  integer,
  Option,
  repeatable,
  USAGE_ERROR_CODE,
  UsageError,
} from '@samsa/cli-kit';
import { principalFormatProblem } from '../acl/acl-binding.js';
import type { BrokerOptions } from '../broker.js';
import type { LogLevel } from '../logger.js';
import { parseListenerAddress, parseSecurityProtocolMap } from '../security/listeners.js';
import { parseUserEntry } from '../security/sasl/credentials.js';
import type { BrokerSaslOptions } from '../security/sasl/sasl-options.js';
import { type BrokerTlsOptions, CLIENT_AUTH_MODES, type ClientAuth } from '../security/tls.js';

/** The flags as commander parses them. */
export interface BrokerFlags {
  port: number;
  host: string;
  brokers: number;
  dataDir?: string;
  partitions: number;
  replicationFactor?: number;
  autoCreateTopics?: boolean;
  retentionMs?: number;
  retentionBytes?: number;
  segmentBytes?: number;
  cleanupPolicy?: string;
  config?: Array<[string, string]>;
  syncWrites?: boolean;
  logCleanupIntervalMs?: number;
  logFlushSchedulerIntervalMs?: number;
  maxRequestBytes?: number;
  maxQueuedRequestBytes?: number;
  connectionsMaxIdleMs?: number;
  maxConnections?: number;
  maxIncrementalFetchSessionCacheSlots?: number;
  maxConnectionsPerIp?: number;
  maxDecompressedBatchBytes?: number;
  transactionMaxTimeoutMs?: number;
  transactionTimeoutCheckIntervalMs?: number;
  transactionalIdExpirationMs?: number;
  groupConsumerHeartbeatIntervalMs?: number;
  groupConsumerSessionTimeoutMs?: number;
  authorizer?: boolean;
  superUser?: string[];
  allowEveryoneIfNoAclFound?: boolean;
  listener?: string[];
  advertisedListener?: string[];
  listenerSecurityProtocolMap?: Record<string, string>;
  tls?: 'auto';
  tlsCert?: string;
  tlsKey?: string;
  tlsKeyPassword?: string;
  tlsCa?: string;
  sslClientAuth?: ClientAuth;
  user?: string[];
  usersFile?: string;
  saslEnabledMechanisms?: string[];
  oauthbearerUnsecured?: boolean;
  oauthbearerJwksFile?: string;
  oauthbearerExpectedIssuer?: string;
  oauthbearerExpectedAudience?: string[];
  saslSessionLifetimeMs?: number;
  failedAuthenticationDelayMs?: number;
  logLevel: LogLevel;
}

/** What a command line asks for: the broker's options and how much the CLI logs. */
export interface BrokerCommandLine {
  options: BrokerOptions;
  logLevel: LogLevel;
}

const LOG_LEVELS: LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** A positive integer, or -1 for no limit (Infinity), as Kafka spells "unlimited" in its configs. */
function limit(value: string): number {
  if (value.trim() === '-1') return Number.POSITIVE_INFINITY;
  return integer({ min: 1 })(value);
}

function principal(value: string, previous: string[] = []): string[] {
  const problem = principalFormatProblem(value);
  if (problem) throw new InvalidArgumentError(`${problem}.`);
  return [...previous, value];
}

/** Checks a `NAME://host:port` as it is read, so a typo is a usage error naming the flag. */
function listenerAddress(value: string, previous: readonly string[] | undefined): string[] {
  try {
    parseListenerAddress(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
  return repeatable(value, previous);
}

function protocolMap(value: string): Record<string, string> {
  try {
    return parseSecurityProtocolMap(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

function userEntry(value: string, previous: readonly string[] | undefined): string[] {
  try {
    parseUserEntry(value, '--user');
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
  return repeatable(value, previous);
}

const list = (value: string): string[] =>
  value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');

function keyValue(value: string, previous: Array<[string, string]> = []): Array<[string, string]> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError('Expected KEY=VALUE.');
  return [...previous, [value.slice(0, eq), value.slice(eq + 1)]];
}

/** Adds samsa-broker's flags to `command`. */
export function addBrokerFlags(command: CliCommand): CliCommand {
  command
    .addOption(
      new Option('--port <n>', 'port of the first broker; the others follow (0 = random)')
        .argParser(integer({ min: 0, max: 65535 }))
        .default(9092),
    )
    .addOption(
      new Option('--host <host>', 'interface to listen on and advertise').default('127.0.0.1', '127.0.0.1'),
    )
    .addOption(
      new Option('--brokers <n>', 'number of brokers in the cluster, one process')
        .argParser(integer({ min: 1 }))
        .default(1),
    )
    .option('--data-dir <dir>', 'keep data on disk under DIR (default: in memory)')
    .addOption(
      new Option('--partitions <n>', 'partitions of auto-created topics')
        .argParser(integer({ min: 1 }))
        .default(1),
    )
    .option(
      '--replication-factor <n>',
      'replicas of new topics (default: min(3, brokers))',
      integer({ min: 1 }),
    )
    .option('--auto-create-topics', 'create unknown topics on Metadata requests (default)')
    .option('--no-auto-create-topics', 'do not')
    .option(
      '--retention-ms <ms>',
      'default retention.ms of topics (default: 604800000, 7 days)',
      integer({ min: -1 }),
    )
    .option(
      '--retention-bytes <n>',
      'default retention.bytes per partition (default: -1, unlimited)',
      integer({ min: -1 }),
    )
    .option('--segment-bytes <n>', 'default segment.bytes (default: 1073741824)', integer({ min: 14 }))
    .option('--cleanup-policy <policy>', 'default cleanup.policy: delete, compact or compact,delete')
    .option('--config <key=value>', 'any other default topic config (repeatable)', keyValue)
    .option('--sync-writes', 'fsync every append (default: fsync on segment roll and shutdown)')
    .option(
      '--log-cleanup-interval-ms <ms>',
      'how often retention, compaction and offset expiry run (default: 30000)',
      integer({ min: 1 }),
    )
    .option(
      '--log-flush-scheduler-interval-ms <ms>',
      "how often logs are checked against their topic's flush.ms (default: 1000, with --data-dir)",
      integer({ min: 1 }),
    )
    .option(
      '--max-request-bytes <n>',
      'largest request accepted: socket.request.max.bytes (default: 104857600)',
      integer({ min: 1024 }),
    )
    .option(
      '--max-queued-request-bytes <n>',
      'request bytes held across all connections before reading pauses: queued.max.request.bytes (default: 268435456; -1: no budget)',
      limit,
    )
    .option(
      '--connections-max-idle-ms <ms>',
      'close connections idle this long: connections.max.idle.ms (default: 600000; -1: never)',
      limit,
    )
    .option(
      '--max-connections <n>',
      'connections each broker accepts: max.connections (default: -1, unlimited)',
      limit,
    )
    .option(
      '--max-connections-per-ip <n>',
      'connections each broker accepts from one address: max.connections.per.ip (default: -1, unlimited)',
      limit,
    )
    .option(
      '--max-incremental-fetch-session-cache-slots <n>',
      'fetch sessions each broker keeps: max.incremental.fetch.session.cache.slots (default: 1000)',
      integer({ min: 0 }),
    )
    .option(
      '--max-decompressed-batch-bytes <n>',
      'most bytes a produced compressed batch may inflate to (default: 67108864)',
      limit,
    )
    .option(
      '--transaction-max-timeout-ms <ms>',
      'longest transaction timeout a producer may ask for: transaction.max.timeout.ms (default: 900000)',
      integer({ min: 1 }),
    )
    .option(
      '--transaction-timeout-check-interval-ms <ms>',
      'how often transactions past their timeout are aborted (default: 10000)',
      integer({ min: 1 }),
    )
    .option(
      '--transactional-id-expiration-ms <ms>',
      'idle transactional ids are forgotten after this: transactional.id.expiration.ms (default: 604800000)',
      integer({ min: 1 }),
    )
    .option(
      '--group-consumer-heartbeat-interval-ms <ms>',
      'group.consumer.heartbeat.interval.ms: how often KIP-848 consumers heartbeat (default: 5000)',
      integer({ min: 1 }),
    )
    .option(
      '--group-consumer-session-timeout-ms <ms>',
      'group.consumer.session.timeout.ms: a silent KIP-848 consumer is removed after this (default: 45000)',
      integer({ min: 1 }),
    )
    .option(
      '--authorizer',
      'enforce ACLs (StandardAuthorizer semantics; managed with Create/Describe/DeleteAcls)',
    )
    .option(
      '--super-user <principal>',
      'super.users: a principal allowed everything, e.g. User:admin (repeatable; implies --authorizer)',
      principal,
    )
    .option(
      '--allow-everyone-if-no-acl-found',
      'allow.everyone.if.no.acl.found: resources without ACLs are open to all (implies --authorizer)',
    )
    .option(
      '--listener <NAME://host:port>',
      'a listener every broker opens (repeatable): PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL, or a name mapped by --listener-security-protocol-map; replaces --host/--port',
      listenerAddress,
    )
    .option(
      '--advertised-listener <NAME://host:port>',
      'the address Metadata hands out for a listener (repeatable), e.g. behind a port mapping',
      listenerAddress,
    )
    .option(
      '--listener-security-protocol-map <NAME:PROTOCOL,...>',
      'security protocols of listeners not named after one: listener.security.protocol.map',
      protocolMap,
    )
    .addOption(
      new Option(
        '--tls <mode>',
        'auto: make a throwaway CA and broker certificate at start (written to DATA-DIR/tls or a temporary directory)',
      ).choices(['auto']),
    )
    .option('--tls-cert <file>', 'PEM certificate (chain) of the SSL/SASL_SSL listeners')
    .option('--tls-key <file>', 'PEM private key of --tls-cert')
    .option('--tls-key-password <password>', 'passphrase of --tls-key')
    .option('--tls-ca <file>', 'PEM CAs whose client certificates are trusted (ssl.truststore)')
    .addOption(
      new Option(
        '--ssl-client-auth <mode>',
        'client certificates on SSL listeners: ssl.client.auth (default: none)',
      ).choices(CLIENT_AUTH_MODES),
    )
    .option(
      '--user <name:password>',
      'a SASL user with PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512 credentials (repeatable)',
      userEntry,
    )
    .option('--users-file <file>', 'SASL users, one name:password per line (# comments)')
    .option(
      '--sasl-enabled-mechanisms <list>',
      'sasl.enabled.mechanisms (default: PLAIN,SCRAM-SHA-256,SCRAM-SHA-512, plus OAUTHBEARER with a validator)',
      list,
    )
    .option(
      '--oauthbearer-unsecured',
      "enable OAUTHBEARER with Kafka's unsecured-JWS validator (development only)",
    )
    .option(
      '--oauthbearer-jwks-file <file>',
      'enable OAUTHBEARER, verifying signed tokens with the keys of a JWKS file',
    )
    .option(
      '--oauthbearer-expected-issuer <iss>',
      'sasl.oauthbearer.expected.issuer (with --oauthbearer-jwks-file)',
    )
    .option(
      '--oauthbearer-expected-audience <list>',
      'sasl.oauthbearer.expected.audience (with --oauthbearer-jwks-file)',
      list,
    )
    .option(
      '--sasl-session-lifetime-ms <ms>',
      'connections.max.reauth.ms: SASL clients must re-authenticate this often (KIP-368; default 0: never)',
      integer({ min: 0 }),
    )
    .option(
      '--failed-authentication-delay-ms <ms>',
      'connection.failed.authentication.delay.ms: wait before answering a failed authentication (default 100)',
      integer({ min: 0 }),
    )
    .addOption(new Option('--log-level <level>', 'how much to log').choices(LOG_LEVELS).default('info'));
  // Both halves of the pair given: an error rather than the last one silently winning.
  const given = new Set<string>();
  for (const flag of ['auto-create-topics', 'no-auto-create-topics']) {
    command.on(`option:${flag}`, () => {
      given.add(flag);
      if (given.size === 2) {
        command.error('--auto-create-topics and --no-auto-create-topics contradict each other.', {
          exitCode: ExitCode.Usage,
          code: USAGE_ERROR_CODE,
        });
      }
    });
  }
  return command;
}

function readPemFile(file: string, flag: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(
      `${flag}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}

/** The TLS options the flags ask for, undefined when none. PEM files are read here. */
function tlsOptions(flags: BrokerFlags): BrokerTlsOptions | undefined {
  const pem = flags.tlsCert !== undefined || flags.tlsKey !== undefined;
  if (flags.tls === 'auto' && pem)
    throw new UsageError('--tls auto and --tls-cert/--tls-key contradict each other.');
  if (pem && (flags.tlsCert === undefined || flags.tlsKey === undefined)) {
    throw new UsageError('--tls-cert and --tls-key go together.');
  }
  if (flags.tls !== 'auto' && !pem) {
    if (flags.tlsCa !== undefined || flags.sslClientAuth !== undefined) {
      throw new UsageError('--tls-ca and --ssl-client-auth need --tls auto or --tls-cert and --tls-key.');
    }
    return undefined;
  }
  return {
    auto: flags.tls === 'auto',
    ...(flags.tlsCert !== undefined && { cert: readPemFile(flags.tlsCert, '--tls-cert') }),
    ...(flags.tlsKey !== undefined && { key: readPemFile(flags.tlsKey, '--tls-key') }),
    ...(flags.tlsKeyPassword !== undefined && { passphrase: flags.tlsKeyPassword }),
    ...(flags.tlsCa !== undefined && { ca: readPemFile(flags.tlsCa, '--tls-ca') }),
    ...(flags.sslClientAuth !== undefined && { clientAuth: flags.sslClientAuth }),
  };
}

/** The SASL options the flags ask for, undefined when none. */
function saslOptions(flags: BrokerFlags): BrokerSaslOptions | undefined {
  if (flags.oauthbearerUnsecured && flags.oauthbearerJwksFile !== undefined) {
    throw new UsageError('--oauthbearer-unsecured and --oauthbearer-jwks-file contradict each other.');
  }
  if (
    flags.oauthbearerJwksFile === undefined &&
    (flags.oauthbearerExpectedIssuer !== undefined || flags.oauthbearerExpectedAudience !== undefined)
  ) {
    throw new UsageError(
      '--oauthbearer-expected-issuer and --oauthbearer-expected-audience need --oauthbearer-jwks-file.',
    );
  }
  const users = Object.fromEntries(
    (flags.user ?? []).map((u) => parseUserEntry(u)).map((u) => [u.name, u.password]),
  );
  const options: BrokerSaslOptions = {
    ...((flags.user?.length ?? 0) > 0 && { users }),
    ...(flags.usersFile !== undefined && { usersFile: flags.usersFile }),
    ...(flags.saslEnabledMechanisms !== undefined && { enabledMechanisms: flags.saslEnabledMechanisms }),
    ...(flags.oauthbearerUnsecured && { oauthbearer: { unsecured: true as const } }),
    ...(flags.oauthbearerJwksFile !== undefined && {
      oauthbearer: {
        jwks: {
          jwksFile: flags.oauthbearerJwksFile,
          expectedIssuer: flags.oauthbearerExpectedIssuer,
          expectedAudience: flags.oauthbearerExpectedAudience,
        },
      },
    }),
    ...(flags.saslSessionLifetimeMs !== undefined && { maxReauthMs: flags.saslSessionLifetimeMs }),
    ...(flags.failedAuthenticationDelayMs !== undefined && {
      failedAuthenticationDelayMs: flags.failedAuthenticationDelayMs,
    }),
  };
  return Object.keys(options).length > 0 ? options : undefined;
}

/** What the flags mean for the broker: Kafka's topic config names for the topic defaults. */
export function brokerCommandLine(flags: BrokerFlags): BrokerCommandLine {
  const topicDefaults: Record<string, string> = Object.fromEntries(flags.config ?? []);
  if (flags.retentionMs !== undefined) topicDefaults['retention.ms'] = String(flags.retentionMs);
  if (flags.retentionBytes !== undefined) topicDefaults['retention.bytes'] = String(flags.retentionBytes);
  if (flags.segmentBytes !== undefined) topicDefaults['segment.bytes'] = String(flags.segmentBytes);
  if (flags.cleanupPolicy !== undefined) topicDefaults['cleanup.policy'] = flags.cleanupPolicy;
  return {
    logLevel: flags.logLevel,
    options: {
      port: flags.port,
      host: flags.host,
      brokers: flags.brokers,
      dataDir: flags.dataDir,
      partitions: flags.partitions,
      replicationFactor: flags.replicationFactor,
      autoCreateTopics: flags.autoCreateTopics !== false,
      topicDefaults,
      syncWrites: flags.syncWrites === true,
      logCleanupIntervalMs: flags.logCleanupIntervalMs,
      logFlushSchedulerIntervalMs: flags.logFlushSchedulerIntervalMs,
      maxRequestBytes: flags.maxRequestBytes,
      maxQueuedRequestBytes: flags.maxQueuedRequestBytes,
      connectionsMaxIdleMs: flags.connectionsMaxIdleMs,
      maxConnections: flags.maxConnections,
      maxConnectionsPerIp: flags.maxConnectionsPerIp,
      maxIncrementalFetchSessionCacheSlots: flags.maxIncrementalFetchSessionCacheSlots,
      maxDecompressedBatchBytes: flags.maxDecompressedBatchBytes,
      transactionMaxTimeoutMs: flags.transactionMaxTimeoutMs,
      transactionTimeoutCheckIntervalMs: flags.transactionTimeoutCheckIntervalMs,
      transactionalIdExpirationMs: flags.transactionalIdExpirationMs,
      groupConsumerHeartbeatIntervalMs: flags.groupConsumerHeartbeatIntervalMs,
      groupConsumerSessionTimeoutMs: flags.groupConsumerSessionTimeoutMs,
      ...((flags.authorizer || flags.superUser || flags.allowEveryoneIfNoAclFound) && {
        authorizer: {
          superUsers: flags.superUser ?? [],
          allowEveryoneIfNoAclFound: flags.allowEveryoneIfNoAclFound === true,
        },
      }),
      listeners: flags.listener,
      advertisedListeners: flags.advertisedListener,
      listenerSecurityProtocolMap: flags.listenerSecurityProtocolMap,
      tls: tlsOptions(flags),
      sasl: saslOptions(flags),
    },
  };
}

/** Reads a command line without running anything; throws on a bad one (commander's errors). */
export function parseCli(argv: readonly string[]): BrokerCommandLine {
  const silent = { stdout: () => {}, stderr: () => {} };
  const program = addBrokerFlags(createProgram({ name: 'samsa-broker', description: '', io: silent }));
  program.parse([...argv], { from: 'user' });
  return brokerCommandLine(program.opts<BrokerFlags>());
}
