import { SchemaTooDeepError } from './errors.js';

/**
 * How deep a schema may nest: 1000 levels, Jackson's default `StreamReadConstraints.maxNestingDepth` (since 2.15),
 * which is the limit Confluent's registry applies when Avro's Java parser reads schema JSON. Real schemas nest a
 * few dozen levels; the limit keeps every recursive walk of a schema (canonical forms, avsc's compiled readers and
 * writers, zod validators, codegen) far from the end of the stack.
 */
export const MAX_NESTING_DEPTH = 1000;

const BACKSLASH = 0x5c;
const DOUBLE_QUOTE = 0x22;
const SINGLE_QUOTE = 0x27;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/**
 * Refuses schema text whose brackets nest deeper than `limit`, before it is parsed: for JSON, the nesting of arrays
 * and objects, as Jackson counts it. Brackets inside quoted strings (double or single quotes) do not count, so the
 * same scan bounds the block nesting of non-JSON schema languages such as Protobuf. It does not check syntax.
 */
export function checkTextNesting(text: string, limit = MAX_NESTING_DEPTH): void {
  let depth = 0;
  let quote = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (quote !== 0) {
      if (code === BACKSLASH) index++;
      else if (code === quote) quote = 0;
    } else if (code === DOUBLE_QUOTE || code === SINGLE_QUOTE) {
      quote = code;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      if (++depth > limit) throw textTooDeep(text, index, limit);
    } else if ((code === CLOSE_BRACE || code === CLOSE_BRACKET) && depth > 0) {
      depth--;
    }
  }
}

function textTooDeep(text: string, index: number, limit: number): SchemaTooDeepError {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  const column = index - before.lastIndexOf('\n');
  return new SchemaTooDeepError(
    `Schema is nested too deeply: more than ${limit} levels of JSON arrays and objects (level ${limit + 1} ` +
      `opens at line ${line}, column ${column}); at most ${limit} levels are allowed`,
    limit,
  );
}

/** The same limit for a schema given as a JSON value (objects and arrays); shared and cyclic values terminate. */
export function checkValueNesting(value: unknown, limit = MAX_NESTING_DEPTH): void {
  // The deepest level each object was seen at: one seen again deeper is walked again, so a cycle soon exceeds the
  // limit, and an object shared by many parents is walked at most `limit` times.
  const deepest = new WeakMap<object, number>();
  const pending: Array<{ value: unknown; depth: number }> = [{ value, depth: 1 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const node = next.value;
    if (typeof node !== 'object' || node === null) continue;
    if ((deepest.get(node) ?? 0) >= next.depth) continue;
    if (next.depth > limit) {
      throw new SchemaTooDeepError(
        `Schema is nested too deeply: more than ${limit} levels of arrays and objects; at most ${limit} levels are allowed`,
        limit,
      );
    }
    deepest.set(node, next.depth);
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      pending.push({ value: child, depth: next.depth + 1 });
    }
  }
}

/** Whether an error is V8's stack overflow (a RangeError), which a walk over a deep value can still meet. */
export function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}
