/** The samsa-broker command line: flags, their checks and the usage text. */
import { parseArgs } from 'node:util';
import type { BrokerOptions } from './broker.js';
import { isLogLevel, type LogLevel } from './logger.js';

export const USAGE = `Usage: samsa-broker [options]

Starts a Kafka-protocol dev broker. Prints BROKERS=host:port[,host:port...] when ready.

Options:
  --port N                 port of the first broker; the others follow (default 9092; 0 = random)
  --host HOST              interface to listen on and advertise (default 127.0.0.1)
  --brokers N              number of brokers in the cluster, one process (default 1)
  --data-dir DIR           keep data on disk under DIR (default: in memory)
  --partitions N           partitions of auto-created topics (default 1)
  --replication-factor N   replicas of new topics (default min(3, brokers))
  --auto-create-topics     create unknown topics on Metadata requests (default)
  --no-auto-create-topics  do not
  --retention-ms MS        default retention.ms of topics (default 604800000, 7 days)
  --retention-bytes N      default retention.bytes per partition (default -1, unlimited)
  --segment-bytes N        default segment.bytes (default 1073741824)
  --cleanup-policy P       default cleanup.policy: delete, compact or compact,delete
  --config KEY=VALUE       any other default topic config (repeatable)
  --sync-writes            fsync every append (default: fsync on segment roll and shutdown)
  --log-cleanup-interval-ms MS
                           how often retention, compaction and offset expiry run (default 30000)
  --log-level LEVEL        debug, info, warn or error (default info)
  -h, --help               show this help
`;

/** A flag problem: the CLI prints it with the usage and exits with code 2. */
export class UsageError extends Error {}

function intFlag(name: string, raw: string | undefined, min: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min)
    throw new UsageError(`--${name} must be an integer >= ${min}, got '${raw}'.`);
  return value;
}

export function parseCli(argv: string[]): { options: BrokerOptions; logLevel: LogLevel; help: boolean } {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(argv);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  return interpret(parsed);
}

function parseOptions(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      brokers: { type: 'string' },
      'data-dir': { type: 'string' },
      partitions: { type: 'string' },
      'replication-factor': { type: 'string' },
      'auto-create-topics': { type: 'boolean' },
      'no-auto-create-topics': { type: 'boolean' },
      'retention-ms': { type: 'string' },
      'retention-bytes': { type: 'string' },
      'segment-bytes': { type: 'string' },
      'cleanup-policy': { type: 'string' },
      config: { type: 'string', multiple: true },
      'sync-writes': { type: 'boolean' },
      'log-cleanup-interval-ms': { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function interpret(parsed: ReturnType<typeof parseOptions>): {
  options: BrokerOptions;
  logLevel: LogLevel;
  help: boolean;
} {
  const v = parsed.values;
  const topicDefaults: Record<string, string> = {};
  for (const entry of v.config ?? []) {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new UsageError(`--config expects KEY=VALUE, got '${entry}'.`);
    topicDefaults[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  const retentionMs = intFlag('retention-ms', v['retention-ms'], -1);
  const retentionBytes = intFlag('retention-bytes', v['retention-bytes'], -1);
  const segmentBytes = intFlag('segment-bytes', v['segment-bytes'], 14);
  if (retentionMs !== undefined) topicDefaults['retention.ms'] = String(retentionMs);
  if (retentionBytes !== undefined) topicDefaults['retention.bytes'] = String(retentionBytes);
  if (segmentBytes !== undefined) topicDefaults['segment.bytes'] = String(segmentBytes);
  if (v['cleanup-policy'] !== undefined) topicDefaults['cleanup.policy'] = v['cleanup-policy'];
  if (v['auto-create-topics'] && v['no-auto-create-topics']) {
    throw new UsageError('--auto-create-topics and --no-auto-create-topics contradict each other.');
  }
  const logLevel = v['log-level'] ?? 'info';
  if (!isLogLevel(logLevel))
    throw new UsageError(`--log-level must be debug, info, warn or error, got '${logLevel}'.`);
  const port = intFlag('port', v.port, 0) ?? 9092;
  if (port > 65535) throw new UsageError(`--port must be at most 65535, got ${port}.`);
  return {
    help: v.help === true,
    logLevel,
    options: {
      port,
      host: v.host ?? '127.0.0.1',
      brokers: intFlag('brokers', v.brokers, 1) ?? 1,
      dataDir: v['data-dir'],
      partitions: intFlag('partitions', v.partitions, 1) ?? 1,
      replicationFactor: intFlag('replication-factor', v['replication-factor'], 1),
      autoCreateTopics: !v['no-auto-create-topics'],
      topicDefaults,
      syncWrites: v['sync-writes'] === true,
      logCleanupIntervalMs: intFlag('log-cleanup-interval-ms', v['log-cleanup-interval-ms'], 1),
    },
  };
}
