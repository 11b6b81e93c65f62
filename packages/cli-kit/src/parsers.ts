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
