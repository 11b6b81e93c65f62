/** Small validators that throw `ConfigurationError` naming the option the caller set. */
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

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  return `a ${typeof value}`;
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

/** Rejects option names that are not known, suggesting the right spelling where it is close. */
export function rejectUnknown(where: string, options: object, known: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const lower = key.toLowerCase().replace(/[._-]/g, '');
    const near = known.find((k) => k.toLowerCase() === lower || k.toLowerCase() === `${lower}ms`);
    throw new ConfigurationError(
      key,
      `${where} has no option ${JSON.stringify(key)}${near ? `; did you mean ${near}?` : ''}`,
    );
  }
}
