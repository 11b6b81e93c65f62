/** samsa-broker's flags: how they read, their checks, and what they mean for the broker. */
import {
  type CliCommand,
  createProgram,
  ExitCode,
  InvalidArgumentError,
  integer,
  Option,
  USAGE_ERROR_CODE,
} from '@samsa/cli-kit';
import type { BrokerOptions } from '../broker.js';
import type { LogLevel } from '../logger.js';

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
