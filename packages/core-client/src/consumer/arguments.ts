/**
 * Checks of what callers hand the consumer's methods (offsets, partition selectors): bad input is a
 * ConfigurationError naming the argument, thrown before anything changes.
 */
import { describe } from '../config/validate.js';
import { ConfigurationError } from '../errors.js';
import type { TopicPartitionSelector } from './message.js';

/** An offset as a bigint; with `allowSpecial`, -2 (earliest) and -1 (latest) pass too. */
export function toOffset(option: string, value: unknown, allowSpecial = false): bigint {
  let n: bigint;
  try {
    if (typeof value === 'bigint') n = value;
    else if (typeof value === 'number' && Number.isSafeInteger(value)) n = BigInt(value);
    else if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) n = BigInt(value.trim());
    else throw new Error();
  } catch {
    throw new ConfigurationError(
      option,
      `expected an offset (integer string, number or bigint), got ${describe(value)}`,
    );
  }
  if (n < 0n && !(allowSpecial && (n === -1n || n === -2n))) {
    throw new ConfigurationError(
      option,
      `offsets are >= 0${allowSpecial ? ' (or -2 for earliest, -1 for latest)' : ''}; got ${n}`,
    );
  }
  return n;
}

export function checkSelectors(what: string, selectors: TopicPartitionSelector[]): TopicPartitionSelector[] {
  if (!Array.isArray(selectors))
    throw new ConfigurationError(what, 'expected an array of { topic, partitions? }');
  for (const s of selectors) {
    if (s === null || typeof s !== 'object' || typeof s.topic !== 'string') {
      throw new ConfigurationError(what, 'expected an array of { topic, partitions? }');
    }
    if (
      s.partitions !== undefined &&
      (!Array.isArray(s.partitions) || !s.partitions.every(Number.isInteger))
    ) {
      throw new ConfigurationError(`${what}.partitions`, 'expected an array of partition numbers');
    }
  }
  return selectors;
}
