import { InvalidArgumentError } from 'commander';

/**
 * Option value parsers for commander's `.option(flags, description, parser)` / `.argParser(parser)`. A value they
 * refuse is a usage error: commander prints `option '--port <n>' argument 'abc' is invalid. <our message>`.
 */

/** An integer within `min`..`max` (inclusive; both optional). */
export function integer(range: { min?: number; max?: number } = {}): (value: string) => number {
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = range;
  const expected =
    range.min === undefined
      ? range.max === undefined
        ? 'an integer'
        : `an integer <= ${max}`
      : range.max === undefined
        ? `an integer >= ${min}`
        : `an integer from ${min} to ${max}`;
  return (value) => {
    const number = Number(value);
    if (value.trim() === '' || !Number.isSafeInteger(number) || number < min || number > max) {
      throw new InvalidArgumentError(`Expected ${expected}.`);
    }
    return number;
  };
}

/** For a repeatable option: collects every value given, in order. */
export function repeatable(value: string, previous: readonly string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/**
 * For a repeatable `--config key=value` style option: collects `[key, value]` pairs in order. The value may contain
 * `=`; the key may not be empty.
 */
export function keyValue(
  value: string,
  previous: readonly [string, string][] | undefined,
): [string, string][] {
  const separator = value.indexOf('=');
  if (separator <= 0) throw new InvalidArgumentError(`Expected key=value, got "${value}".`);
  return [...(previous ?? []), [value.slice(0, separator), value.slice(separator + 1)]];
}
