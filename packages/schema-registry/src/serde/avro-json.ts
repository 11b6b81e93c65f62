/**
 * Avro values to and from JSON, for people and scripts (a command line's input lines, a console's display). Bytes
 * and fixed values are strings of one character per byte (U+0000-U+00FF), as in Avro's JSON encoding. A union value
 * may be given bare or wrapped in its branch name (`{"string": "x"}`, Avro's JSON encoding); it comes out the way the
 * serde holds it (bare where the branches can be told apart, wrapped otherwise).
 */
import { InvalidValueError } from '../errors.js';
import type { AvscType } from './avro-types.js';

/** The value `json` (parsed from JSON text) stands for in `type`'s shape, ready to encode. */
export function avroFromJson(type: AvscType, json: unknown): unknown {
  return convert(type, json, []);
}

/** A decoded Avro value as plain JSON data: bytes and fixed as one-character-per-byte strings. */
export function avroToJson(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return value.toString('latin1');
  if (Array.isArray(value)) return value.map(avroToJson);
  if (typeof value === 'bigint')
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = avroToJson(item);
    return out;
  }
  return value;
}

interface AvscIntrospection {
  typeName: string;
  branchName?: string;
  name?: string;
  fields?: { name: string; type: AvscType; defaultValue(): unknown }[];
  itemsType?: AvscType;
  valuesType?: AvscType;
  types?: AvscType[];
  underlyingType?: AvscType;
}

function convert(type: AvscType, json: unknown, path: string[]): unknown {
  const t = type as unknown as AvscIntrospection;
  const kind = t.typeName.startsWith('logical:') ? 'logical' : t.typeName;
  switch (kind) {
    case 'bytes':
    case 'fixed':
      if (typeof json === 'string') return bytesOf(json, path);
      return json;
    case 'record':
    case 'error': {
      if (json === null || typeof json !== 'object' || Array.isArray(json)) return json;
      const object = json as Record<string, unknown>;
      const names = (t.fields ?? []).map((field) => field.name);
      const unknown = Object.keys(object).find((key) => !names.includes(key));
      if (unknown !== undefined) {
        throw new InvalidValueError(
          `Record ${t.name ?? ''} has no field ${JSON.stringify(unknown)} at ${path.join('.') || '<root>'} ` +
            `(its fields: ${names.join(', ')})`,
          [[...path, unknown].join('.')],
        );
      }
      const out: Record<string, unknown> = {};
      for (const field of t.fields ?? []) {
        if (field.name in object)
          out[field.name] = convert(field.type, object[field.name], [...path, field.name]);
      }
      return out;
    }
    case 'array':
      return Array.isArray(json)
        ? json.map((item, i) => convert(t.itemsType!, item, [...path, String(i)]))
        : json;
    case 'map': {
      if (json === null || typeof json !== 'object' || Array.isArray(json)) return json;
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(json)) out[key] = convert(t.valuesType!, item, [...path, key]);
      return out;
    }
    case 'union:unwrapped':
    case 'union:wrapped':
      return convertUnion(t, json, path, kind === 'union:wrapped');
    case 'logical':
      return t.underlyingType ? convert(t.underlyingType, json, path) : json;
    default:
      return json;
  }
}

function convertUnion(t: AvscIntrospection, json: unknown, path: string[], wrapped: boolean): unknown {
  const branches = t.types ?? [];
  // Avro's JSON encoding names the branch: {"string": "x"}, {"com.acme.Order": {...}}.
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    const keys = Object.keys(json);
    const named =
      keys.length === 1
        ? branches.find((b) => (b as unknown as AvscIntrospection).branchName === keys[0])
        : undefined;
    if (named) {
      const value = convert(named, (json as Record<string, unknown>)[keys[0]], path);
      return wrapped ? { [keys[0]]: value } : value;
    }
  }
  if (json === null) return null;
  for (const branch of branches) {
    const b = branch as unknown as AvscIntrospection;
    if (b.typeName === 'null') continue;
    let value: unknown;
    try {
      value = convert(branch, json, path);
    } catch {
      continue;
    }
    if (branch.isValid(value)) return wrapped ? { [b.branchName!]: value } : value;
  }
  return json;
}

function bytesOf(text: string, path: string[]): Buffer {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0xff) {
      throw new InvalidValueError(
        `Bytes at ${path.join('.') || '<root>'} must be a string of characters U+0000-U+00FF (one per byte), ` +
          `as in Avro's JSON encoding; found ${JSON.stringify(text[i])}`,
        [path.join('.')],
      );
    }
  }
  return Buffer.from(text, 'latin1');
}
