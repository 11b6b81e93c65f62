/**
 * Small validators that throw `ConfigurationError` naming the option the caller set, and the "did you
 * mean" for option names that are not known.
 */
import { ConfigurationError } from '../errors.js';

export function optionalInt(
  option: string,
  value: unknown,
  fallback: number,
  { min = 0, max = Number.MAX_SAFE_INTEGER }: { min?: number; max?: number } = {},
): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new ConfigurationError(option, `expected an integer, got ${describe(value)}`);
  }
  if (value < min || value > max) {
    throw new ConfigurationError(
      option,
      `${value} is out of range (${min}..${max === Number.MAX_SAFE_INTEGER ? 'max' : max})`,
    );
  }
  return value;
}

export function optionalBool(option: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean')
    throw new ConfigurationError(option, `expected true or false, got ${describe(value)}`);
  return value;
}

export function optionalString(option: string, value: unknown, fallback: string): string;
export function optionalString(option: string, value: unknown, fallback: undefined): string | undefined;
export function optionalString(
  option: string,
  value: unknown,
  fallback: string | undefined,
): string | undefined {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string')
    throw new ConfigurationError(option, `expected a string, got ${describe(value)}`);
  return value;
}

export function oneOf<T extends string | number>(
  option: string,
  value: unknown,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined || value === null) return fallback;
  if (!allowed.includes(value as T)) {
    throw new ConfigurationError(
      option,
      `${describe(value)} is not one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`,
    );
  }
  return value as T;
}

/** A value as an error message quotes it: `"text"`, `5`, `null`, `an array`, `an object`, `nothing`. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Accepts a Java-style name or its KafkaJS alias; setting both to different values is an error. */
export function alias(options: Record<string, unknown>, name: string, kafkajsName: string): unknown {
  const a = options[name];
  const b = options[kafkajsName];
  if (a !== undefined && b !== undefined && a !== b) {
    throw new ConfigurationError(name, `both ${name} and its KafkaJS alias ${kafkajsName} are set; keep one`);
  }
  return a !== undefined ? a : b;
}

/** An option name the caller set that the function does not take, worded for an error message. */
export interface UnknownOption {
  option: string;
  /** The known option it most likely meant, when one is close. */
  suggestion: string | undefined;
  /** `unknown option 'brokerz' (did you mean 'brokers'?)` */
  problem: string;
}

/**
 * The names in `options` that are not in `known`, each with the known name it most likely meant. The
 * one "did you mean" of every Samsa package (client options here, `SamsaModule` and `@Subscribe` in
 * @samsa/nest), so a typo gets the same hint everywhere.
 */
export function unknownOptions(options: object, known: readonly string[]): UnknownOption[] {
  const unknown: UnknownOption[] = [];
  for (const option of Object.keys(options)) {
    if (known.includes(option)) continue;
    const suggestion = suggestOption(option, known);
    unknown.push({
      option,
      suggestion,
      problem: `unknown option '${option}'${suggestion === undefined ? '' : ` (did you mean '${suggestion}'?)`}`,
    });
  }
  return unknown;
}

/** Throws `ConfigurationError` for the first option name that is not known, with its "did you mean". */
export function rejectUnknown(where: string, options: object, known: readonly string[]): void {
  const [first] = unknownOptions(options, known);
  if (first) throw new ConfigurationError(first.option, `${where}: ${first.problem}`);
}

const MAX_EDITS = 2;

/**
 * The known name closest to `name` in edits, when at most two edits away (and fewer than the name is
 * long), ignoring case, '.', '_', '-' and a trailing unit `ms`: so `request_timeout` and
 * `requestTimeoutMS` find `requestTimeoutMs`, and `brokerz` finds `brokers`. Ties go to the name
 * listed first, which is the Java-style name where a KafkaJS alias is also known.
 */
export function suggestOption(name: string, known: readonly string[]): string | undefined {
  const wanted = comparable(name);
  let best: string | undefined;
  let bestEdits = Math.min(MAX_EDITS, wanted.length - 1) + 1;
  for (const candidate of known) {
    const edits = optionDistance(name, candidate);
    if (edits < bestEdits) {
      best = candidate;
      bestEdits = edits;
    }
  }
  return best;
}

/** Edits between two option names as `suggestOption` counts them (case, separators and `ms` ignored). */
export function optionDistance(a: string, b: string): number {
  return editDistance(comparable(a), comparable(b));
}

function comparable(name: string): string {
  return name.toLowerCase().replace(/[._-]/g, '').replace(/ms$/, '');
}

/** Levenshtein distance, one row at a time. */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}
