/**
 * Per-topic log configuration: the Kafka topic config keys storage understands, their defaults
 * (Kafka's LogConfig defaults), and parsing from the string map CreateTopics/AlterConfigs carry.
 */
import { InvalidConfigError } from './errors.js';

export interface CleanupPolicy {
  delete: boolean;
  compact: boolean;
}

export type TimestampType = 'CreateTime' | 'LogAppendTime';

export interface LogConfig {
  /** segment.bytes: roll the active segment before it would exceed this size. */
  segmentBytes: number;
  /** segment.ms: roll the active segment once it is this old (wall clock since its first append). */
  segmentMs: number;
  /** index.interval.bytes: bytes of log between two sparse index entries. */
  indexIntervalBytes: number;
  /** retention.ms: delete segments whose newest record is older than this; -1 keeps forever. */
  retentionMs: number;
  /** retention.bytes: delete oldest segments while the partition is larger than this; -1 is unlimited. */
  retentionBytes: number;
  /** cleanup.policy: delete, compact, or both. */
  cleanupPolicy: CleanupPolicy;
  /** delete.retention.ms: how long compaction keeps a tombstone after first cleaning it. */
  deleteRetentionMs: number;
  /** min.compaction.lag.ms: records younger than this are never compacted. */
  minCompactionLagMs: number;
  /** max.message.bytes: largest batch (including its 12-byte log overhead) a producer may append. */
  maxMessageBytes: number;
  /** message.timestamp.type: LogAppendTime makes the broker stamp every batch. */
  messageTimestampType: TimestampType;
  /** message.timestamp.before.max.ms: CreateTime records may be at most this much older than the broker clock. */
  messageTimestampBeforeMaxMs: number;
  /** message.timestamp.after.max.ms: CreateTime records may be at most this much ahead of the broker clock. */
  messageTimestampAfterMaxMs: number;
  /** flush.messages: fsync once this many records were appended since the last fsync (Infinity: never). */
  flushMessages: number;
  /** flush.ms: fsync once the oldest unsynced append is this old (Infinity: never). */
  flushMs: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export const DEFAULT_LOG_CONFIG: Readonly<LogConfig> = Object.freeze({
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * DAY_MS,
  indexIntervalBytes: 4096,
  retentionMs: 7 * DAY_MS,
  retentionBytes: -1,
  cleanupPolicy: Object.freeze({ delete: true, compact: false }),
  deleteRetentionMs: DAY_MS,
  minCompactionLagMs: 0,
  maxMessageBytes: 1024 * 1024 + 12,
  messageTimestampType: 'CreateTime',
  messageTimestampBeforeMaxMs: Number.POSITIVE_INFINITY,
  messageTimestampAfterMaxMs: Number.POSITIVE_INFINITY,
  flushMessages: Number.POSITIVE_INFINITY,
  flushMs: Number.POSITIVE_INFINITY,
});

type NumericKey = Exclude<keyof LogConfig, 'cleanupPolicy' | 'messageTimestampType'>;

/**
 * Kafka config name → field, with the smallest accepted value. `long`: a Java long whose default is
 * Long.MAX_VALUE; values past 2^53 mean "never" and are kept as Infinity.
 */
const NUMERIC_KEYS: Record<string, { field: NumericKey; min: number; long?: true }> = {
  'segment.bytes': { field: 'segmentBytes', min: 14 },
  'segment.ms': { field: 'segmentMs', min: 1 },
  'index.interval.bytes': { field: 'indexIntervalBytes', min: 0 },
  'retention.ms': { field: 'retentionMs', min: -1 },
  'retention.bytes': { field: 'retentionBytes', min: -1 },
  'delete.retention.ms': { field: 'deleteRetentionMs', min: 0 },
  'min.compaction.lag.ms': { field: 'minCompactionLagMs', min: 0 },
  'max.message.bytes': { field: 'maxMessageBytes', min: 0 },
  'message.timestamp.before.max.ms': { field: 'messageTimestampBeforeMaxMs', min: 0, long: true },
  'message.timestamp.after.max.ms': { field: 'messageTimestampAfterMaxMs', min: 0, long: true },
  'flush.messages': { field: 'flushMessages', min: 1, long: true },
  'flush.ms': { field: 'flushMs', min: 0, long: true },
};

/** Java's Long.MAX_VALUE, how Kafka writes "never" for long configs. */
const LONG_MAX = '9223372036854775807';
const LONG_MAX_VALUE = BigInt(LONG_MAX);

/** Config names this module interprets; others (e.g. compression.type) are the broker's business. */
export const LOG_CONFIG_NAMES: readonly string[] = [
  ...Object.keys(NUMERIC_KEYS),
  'cleanup.policy',
  'message.timestamp.type',
];

const INT32_MAX = 2147483647;

/** A Java long config value; anything past 2^53 (Long.MAX_VALUE included) is Infinity. */
function parseLong(name: string, raw: string, min: number): number {
  const text = raw.trim();
  if (!/^-?\d+$/.test(text) || BigInt(text) < BigInt(min) || BigInt(text) > LONG_MAX_VALUE) {
    throw new InvalidConfigError(
      `Invalid value '${raw}' for ${name}: expected an integer from ${min} to ${LONG_MAX}.`,
    );
  }
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : Number.POSITIVE_INFINITY;
}

function parseNumber(name: string, raw: string, min: number): number {
  const value = Number(raw.trim());
  if (raw.trim() === '' || !Number.isSafeInteger(value) || value < min) {
    throw new InvalidConfigError(`Invalid value '${raw}' for ${name}: expected an integer >= ${min}.`);
  }
  if (name === 'segment.bytes' && value > INT32_MAX) {
    throw new InvalidConfigError(`Invalid value '${raw}' for segment.bytes: at most ${INT32_MAX}.`);
  }
  return value;
}

export function parseCleanupPolicy(raw: string): CleanupPolicy {
  const parts = raw.split(',').map((part) => part.trim().toLowerCase());
  const policy = { delete: false, compact: false };
  for (const part of parts) {
    if (part === 'delete' || part === 'compact') policy[part] = true;
    else
      throw new InvalidConfigError(`Invalid cleanup.policy '${raw}': use delete, compact or compact,delete.`);
  }
  return policy;
}

/**
 * Applies Kafka topic configs (string values, null/undefined = keep the base value) on top of `base`.
 * Unknown names are ignored; invalid values throw InvalidConfigError naming the config.
 */
export function parseLogConfig(
  entries: Readonly<Record<string, string | null | undefined>>,
  base: Readonly<LogConfig> = DEFAULT_LOG_CONFIG,
): LogConfig {
  const config: LogConfig = { ...base, cleanupPolicy: { ...base.cleanupPolicy } };
  for (const [name, raw] of Object.entries(entries)) {
    if (raw === null || raw === undefined) continue;
    const numeric = NUMERIC_KEYS[name];
    if (numeric) {
      config[numeric.field] = numeric.long
        ? parseLong(name, raw, numeric.min)
        : parseNumber(name, raw, numeric.min);
    } else if (name === 'cleanup.policy') config.cleanupPolicy = parseCleanupPolicy(raw);
    else if (name === 'message.timestamp.type') {
      if (raw !== 'CreateTime' && raw !== 'LogAppendTime') {
        throw new InvalidConfigError(
          `Invalid message.timestamp.type '${raw}': use CreateTime or LogAppendTime.`,
        );
      }
      config.messageTimestampType = raw;
    }
  }
  return config;
}

/** The config as Kafka names and string values, for DescribeConfigs. */
export function describeLogConfig(config: Readonly<LogConfig>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, { field }] of Object.entries(NUMERIC_KEYS)) {
    const value = config[field];
    out[name] = value === Number.POSITIVE_INFINITY ? LONG_MAX : String(value);
  }
  const policy = [config.cleanupPolicy.compact && 'compact', config.cleanupPolicy.delete && 'delete'];
  out['cleanup.policy'] = policy.filter(Boolean).join(',');
  out['message.timestamp.type'] = config.messageTimestampType;
  return out;
}
