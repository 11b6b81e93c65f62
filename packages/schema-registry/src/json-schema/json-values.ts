/**
 * JSON values compared by content: the same JSON with object keys in any order gives the same string. Used for
 * enum values, `const`, defaults and subschema identity. The values come from schema documents whose depth the
 * parser already bounded.
 */
export function stableStringify(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${stableStringify((value as Record<string, unknown>)[key])}`).join(',')}}`;
}

export function jsonEquals(a: unknown, b: unknown): boolean {
  return a === b || stableStringify(a) === stableStringify(b);
}
