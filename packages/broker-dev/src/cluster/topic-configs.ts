/**
 * Topic-level config names the broker accepts in CreateTopics/AlterConfigs and reports in
 * DescribeConfigs, with Kafka's defaults. Storage interprets the log ones (retention, segments,
 * cleanup policy, ...); the rest are accepted and described so admin tools behave as with Kafka.
 */
import {
  describeLogConfig,
  LOG_CONFIG_NAMES,
  type LogConfig,
  parseLogConfig,
} from '../storage/log-config.js';

/** Configs outside storage's LogConfig, with Kafka's default values. */
const OTHER_TOPIC_DEFAULTS: Record<string, string> = {
  'compression.type': 'producer',
  'min.insync.replicas': '1',
  'unclean.leader.election.enable': 'false',
  'message.timestamp.difference.max.ms': '9223372036854775807',
  'min.cleanable.dirty.ratio': '0.5',
  'max.compaction.lag.ms': '9223372036854775807',
  'segment.index.bytes': '10485760',
  'segment.jitter.ms': '0',
  'file.delete.delay.ms': '60000',
  preallocate: 'false',
  'message.downconversion.enable': 'true',
  'follower.replication.throttled.replicas': '',
  'leader.replication.throttled.replicas': '',
  'local.retention.ms': '-2',
  'local.retention.bytes': '-2',
  'remote.storage.enable': 'false',
};

const COMPRESSION_TYPES = new Set(['producer', 'uncompressed', 'gzip', 'snappy', 'lz4', 'zstd']);

export const TOPIC_CONFIG_NAMES: ReadonlySet<string> = new Set([
  ...LOG_CONFIG_NAMES,
  ...Object.keys(OTHER_TOPIC_DEFAULTS),
]);

export class TopicConfigError extends Error {}

/** Checks names and values; throws TopicConfigError with a message for the client. */
export function validateTopicConfigs(
  configs: Readonly<Record<string, string | null>>,
  base: Readonly<LogConfig>,
): void {
  for (const [name, value] of Object.entries(configs)) {
    if (!TOPIC_CONFIG_NAMES.has(name)) throw new TopicConfigError(`Unknown topic config name: ${name}`);
    if (value === null) continue;
    if (name === 'compression.type' && !COMPRESSION_TYPES.has(value)) {
      throw new TopicConfigError(`Invalid value ${value} for configuration compression.type`);
    }
    if (name === 'min.insync.replicas' && !(Number.isInteger(Number(value)) && Number(value) >= 1)) {
      throw new TopicConfigError(
        `Invalid value ${value} for configuration min.insync.replicas: must be at least 1`,
      );
    }
  }
  try {
    parseLogConfig(configs, base);
  } catch (err) {
    throw new TopicConfigError((err as Error).message);
  }
}

/** The effective value of every topic config, and whether it is an override. */
export function describeTopicConfigs(
  overrides: Readonly<Record<string, string>>,
  brokerDefaults: Readonly<Record<string, string>>,
  logConfig: Readonly<LogConfig>,
): { name: string; value: string; source: 'topic' | 'broker-default' | 'default' }[] {
  const effective = { ...OTHER_TOPIC_DEFAULTS, ...describeLogConfig(logConfig) };
  return Object.keys(effective)
    .sort()
    .map((name) => {
      if (name in overrides) return { name, value: overrides[name], source: 'topic' as const };
      const value = brokerDefaults[name] ?? effective[name];
      return {
        name,
        value,
        source: name in brokerDefaults ? ('broker-default' as const) : ('default' as const),
      };
    });
}

export function minInsyncReplicas(
  overrides: Readonly<Record<string, string>>,
  brokerDefaults: Readonly<Record<string, string>>,
): number {
  return Number(overrides['min.insync.replicas'] ?? brokerDefaults['min.insync.replicas'] ?? 1);
}
