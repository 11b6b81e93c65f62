/** `consumer.run()`'s options (KafkaJS's, with Java's names beside them) and their checks. */
import { describe, rejectUnknown } from '../config/validate.js';
import { ConfigurationError } from '../errors.js';
import type { EachBatchHandler, EachMessageHandler } from './message.js';

export interface RunOptions<K, V> {
  eachMessage?: EachMessageHandler<K, V>;
  eachBatch?: EachBatchHandler<K, V>;
  /** How many partitions' handlers may run at once (each partition stays in order). Default 1. */
  partitionsConsumedConcurrently?: number;
  /** Default: the consumer's `enableAutoCommit`. */
  autoCommit?: boolean;
  /** Default: the consumer's `autoCommitIntervalMs`. KafkaJS: `autoCommitInterval`. */
  autoCommitIntervalMs?: number | null;
  autoCommitInterval?: number | null;
  /** Also commit once this many records finished since the last commit. */
  autoCommitThreshold?: number | null;
  /** eachBatch: treat the whole batch as handled when the handler returns. Default true. */
  eachBatchAutoResolve?: boolean;
  /** Aborting stops the consumer (like `stop()`). */
  signal?: AbortSignal;
}

export const RUN_OPTIONS = [
  'eachMessage',
  'eachBatch',
  'partitionsConsumedConcurrently',
  'autoCommit',
  'autoCommitIntervalMs',
  'autoCommitInterval',
  'autoCommitThreshold',
  'eachBatchAutoResolve',
  'signal',
];

export interface CheckedRunOptions {
  concurrency: number;
  autoCommitIntervalMs: number;
  autoCommitThreshold: number | null;
}

/** Checks `run()`'s options; a bad one is a ConfigurationError naming it. */
export function checkRunOptions<K, V>(
  options: RunOptions<K, V>,
  defaultAutoCommitIntervalMs: number,
): CheckedRunOptions {
  if (options === null || typeof options !== 'object')
    throw new ConfigurationError('run', 'expected an options object');
  rejectUnknown('run()', options, RUN_OPTIONS);
  const { eachMessage, eachBatch } = options;
  if ((eachMessage === undefined) === (eachBatch === undefined)) {
    throw new ConfigurationError('eachMessage', 'run() needs exactly one of eachMessage or eachBatch');
  }
  if ((eachMessage ?? eachBatch) !== undefined && typeof (eachMessage ?? eachBatch) !== 'function') {
    throw new ConfigurationError(eachMessage ? 'eachMessage' : 'eachBatch', 'must be a function');
  }
  const concurrency = options.partitionsConsumedConcurrently ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new ConfigurationError(
      'partitionsConsumedConcurrently',
      `expected an integer >= 1, got ${describe(concurrency)}`,
    );
  }
  const interval = options.autoCommitIntervalMs ?? options.autoCommitInterval ?? defaultAutoCommitIntervalMs;
  if (!Number.isInteger(interval) || interval < 0) {
    throw new ConfigurationError(
      'autoCommitIntervalMs',
      `expected an integer >= 0, got ${describe(interval)}`,
    );
  }
  const threshold = options.autoCommitThreshold ?? null;
  if (threshold !== null && (!Number.isInteger(threshold) || threshold < 1)) {
    throw new ConfigurationError(
      'autoCommitThreshold',
      `expected an integer >= 1, got ${describe(threshold)}`,
    );
  }
  return { concurrency, autoCommitIntervalMs: interval, autoCommitThreshold: threshold };
}
