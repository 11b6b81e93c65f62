import { SchemaParseError } from '../errors.js';

/**
 * JSON text as Confluent's registry reads and writes it (Jackson with exact BigDecimals): the registry stores a JSON
 * Schema compacted, with its keys in their written order (or sorted, for `normalize=true`), and number literals
 * kept as written rather than rounded through a double (`1.50` stays `1.50`, `1e2` becomes `1E+2`). JSON.parse
 * loses that, so this module tokenizes the text itself.
 */

/** Deepest nesting of objects and arrays accepted in a schema document; deeper documents are refused unparsed. */
export const MAX_JSON_SCHEMA_DEPTH = 128;

export type JsonTextNode =
  | { kind: 'object'; entries: Array<[string, JsonTextNode]> }
  | { kind: 'array'; items: JsonTextNode[] }
  | { kind: 'string'; value: string }
  | { kind: 'number'; raw: string }
  | { kind: 'literal'; raw: 'true' | 'false' | 'null' };

/** A JSON document: its value, and the tree that keeps its number literals and key order. */
export interface JsonDocument {
  value: unknown;
  node: JsonTextNode;
}

/**
 * Parses JSON text. Throws SchemaParseError for text that is not JSON or nests deeper than `maxDepth` (checked
 * before any recursion, so hostile input cannot exhaust the stack).
 */
export function parseJsonDocument(text: string, maxDepth = MAX_JSON_SCHEMA_DEPTH): JsonDocument {
  assertNestingDepth(text, maxDepth);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SchemaParseError(`Invalid JSON: ${(error as Error).message}`, '');
  }
  const reader = new TextReader(text);
  const node = reader.value();
  reader.end();
  return { value, node };
}

/** Refuses text whose objects and arrays nest deeper than `maxDepth`, scanning without recursion. */
export function assertNestingDepth(text: string, maxDepth: number): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) {
        throw new SchemaParseError(
          `The schema nests objects and arrays more than ${maxDepth} levels deep; flatten it with definitions and $ref`,
          '',
        );
      }
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
}

/** The compact text of a tree: Jackson's output for the same document (sorted keys with `sortKeys`). */
export function writeJsonText(node: JsonTextNode, options: { sortKeys?: boolean } = {}): string {
  switch (node.kind) {
    case 'object': {
      const entries = options.sortKeys
        ? [...node.entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        : node.entries;
      return `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${writeJsonText(value, options)}`).join(',')}}`;
    }
    case 'array':
      return `[${node.items.map((item) => writeJsonText(item, options)).join(',')}]`;
    case 'string':
      return JSON.stringify(node.value);
    case 'number':
      return canonicalNumber(node.raw);
    case 'literal':
      return node.raw;
  }
}

/**
 * A number literal as Jackson writes it back: integers as integers (`-0` is `0`), anything with a fraction or an
 * exponent as Java's `BigDecimal.toString()` (scale kept, scientific notation below 1e-6 or with a positive exponent).
 */
export function canonicalNumber(raw: string): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(raw);
  if (!match) return raw;
  const [, sign, intPart, fraction, exponentText] = match;
  if (fraction === undefined && exponentText === undefined) {
    const digits = intPart!.replace(/^0+(?=\d)/, '');
    return digits === '0' ? '0' : `${sign}${digits}`;
  }
  const unscaledDigits = `${intPart}${fraction ?? ''}`.replace(/^0+(?=\d)/, '');
  const scale = (fraction?.length ?? 0) - Number(exponentText ?? 0);
  const negative = sign === '-' && /[1-9]/.test(unscaledDigits);
  const prefix = negative ? '-' : '';
  const adjusted = -scale + (unscaledDigits.length - 1);
  if (scale === 0) return `${prefix}${unscaledDigits}`;
  if (scale > 0 && adjusted >= -6) {
    if (unscaledDigits.length > scale) {
      const point = unscaledDigits.length - scale;
      return `${prefix}${unscaledDigits.slice(0, point)}.${unscaledDigits.slice(point)}`;
    }
    return `${prefix}0.${'0'.repeat(scale - unscaledDigits.length)}${unscaledDigits}`;
  }
  const mantissa =
    unscaledDigits.length > 1 ? `${unscaledDigits[0]}.${unscaledDigits.slice(1)}` : unscaledDigits;
  return `${prefix}${mantissa}E${adjusted >= 0 ? '+' : ''}${adjusted}`;
}

/** A recursive-descent reader; its depth is bounded by `assertNestingDepth` having run first. */
class TextReader {
  private pos = 0;

  constructor(private readonly text: string) {}

  value(): JsonTextNode {
    this.skipWhitespace();
    const c = this.text[this.pos];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return { kind: 'string', value: this.string() };
    for (const raw of ['true', 'false', 'null'] as const) {
      if (this.text.startsWith(raw, this.pos)) {
        this.pos += raw.length;
        return { kind: 'literal', raw };
      }
    }
    const number = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    number.lastIndex = this.pos;
    const match = number.exec(this.text);
    if (!match) throw new SchemaParseError(`Invalid JSON at character ${this.pos}`, '');
    this.pos += match[0].length;
    return { kind: 'number', raw: match[0] };
  }

  end(): void {
    this.skipWhitespace();
    if (this.pos !== this.text.length)
      throw new SchemaParseError(`Invalid JSON at character ${this.pos}`, '');
  }

  private object(): JsonTextNode {
    this.pos++;
    const entries: Array<[string, JsonTextNode]> = [];
    const indexOf = new Map<string, number>();
    this.skipWhitespace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return { kind: 'object', entries };
    }
    for (;;) {
      this.skipWhitespace();
      const key = this.string();
      this.skipWhitespace();
      this.pos++; // ':'
      const value = this.value();
      // A repeated key keeps its first position and takes the last value, as Jackson's ObjectNode does.
      const existing = indexOf.get(key);
      if (existing === undefined) {
        indexOf.set(key, entries.length);
        entries.push([key, value]);
      } else entries[existing] = [key, value];
      this.skipWhitespace();
      if (this.text[this.pos++] === '}') return { kind: 'object', entries };
    }
  }

  private array(): JsonTextNode {
    this.pos++;
    const items: JsonTextNode[] = [];
    this.skipWhitespace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return { kind: 'array', items };
    }
    for (;;) {
      items.push(this.value());
      this.skipWhitespace();
      if (this.text[this.pos++] === ']') return { kind: 'array', items };
    }
  }

  private string(): string {
    const start = this.pos;
    this.pos++;
    while (this.text[this.pos] !== '"') this.pos += this.text[this.pos] === '\\' ? 2 : 1;
    this.pos++;
    return JSON.parse(this.text.slice(start, this.pos)) as string;
  }

  private skipWhitespace(): void {
    while (this.pos < this.text.length && ' \t\n\r'.includes(this.text[this.pos]!)) this.pos++;
  }
}
