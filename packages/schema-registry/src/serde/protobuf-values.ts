import type * as Protobuf from 'protobufjs';
import { InvalidValueError } from '../errors.js';
import { protobuf } from '../protobuf/protobufjs.js';

/** Deepest message nesting a value may have (protoc's default recursion limit). */
const MAX_MESSAGE_DEPTH = 100;

const INT32 = new Set(['int32', 'sint32', 'sfixed32']);
const UINT32 = new Set(['uint32', 'fixed32']);
const INT64 = new Set(['int64', 'sint64', 'sfixed64', 'uint64', 'fixed64']);

/**
 * Every way a plain object does not fit a message, with the path of each (protobufjs's `fromObject` coerces
 * silently: an unknown enum name becomes the default, a string in an int32 field 0). Empty when it fits. Keys
 * that name no field are ignored.
 */
export function protobufValueProblems(
  type: Protobuf.Type,
  value: unknown,
): Array<{ path: string; problem: string }> {
  const problems: Array<{ path: string; problem: string }> = [];
  checkMessage(type, value, '', 0, problems);
  return problems;
}

/** Throws InvalidValueError listing every problem. */
export function assertProtobufValue(type: Protobuf.Type, value: unknown): void {
  const problems = protobufValueProblems(type, value);
  if (problems.length === 0) return;
  throw new InvalidValueError(
    `Value does not fit message ${type.fullName.slice(1)}: ${problems.map((p) => `${p.path || '<root>'}: ${p.problem}`).join('; ')}`,
    problems.map((p) => p.path || '<root>'),
  );
}

function checkMessage(
  type: Protobuf.Type,
  value: unknown,
  path: string,
  depth: number,
  problems: Array<{ path: string; problem: string }>,
): void {
  if (depth > MAX_MESSAGE_DEPTH) {
    problems.push({ path, problem: `nests more than ${MAX_MESSAGE_DEPTH} messages deep` });
    return;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) {
    problems.push({ path, problem: 'expected an object' });
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    const field = type.fields[key] ?? type.fieldsArray.find((f) => f.options?.json_name === key);
    const at = path ? `${path}.${key}` : key;
    // Keys naming no field are left out, as protobufjs's fromObject leaves them.
    if (!field) continue;
    if (item === null || item === undefined) continue;
    field.resolve();
    if (field.map) {
      if (typeof item !== 'object' || Array.isArray(item))
        problems.push({ path: at, problem: 'expected an object (a map)' });
      else for (const [k, v] of Object.entries(item)) checkValue(field, v, `${at}.${k}`, depth, problems);
    } else if (field.repeated) {
      if (!Array.isArray(item)) problems.push({ path: at, problem: 'expected an array' });
      else for (const [i, v] of item.entries()) checkValue(field, v, `${at}[${i}]`, depth, problems);
    } else checkValue(field, item, at, depth, problems);
  }
}

function checkValue(
  field: Protobuf.Field,
  value: unknown,
  path: string,
  depth: number,
  problems: Array<{ path: string; problem: string }>,
): void {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) {
    checkMessage(resolved, value, path, depth + 1, problems);
    return;
  }
  if (resolved instanceof protobuf.Enum) {
    const known = typeof value === 'string' ? value in resolved.values : Number.isInteger(value);
    if (!known)
      problems.push({ path, problem: `expected one of ${Object.keys(resolved.values).join(', ')}` });
    return;
  }
  const type = field.type;
  const integer = (v: unknown) => typeof v === 'number' && Number.isInteger(v);
  let ok: boolean;
  if (type === 'string') ok = typeof value === 'string';
  else if (type === 'bool') ok = typeof value === 'boolean';
  else if (type === 'bytes') ok = value instanceof Uint8Array || typeof value === 'string';
  else if (type === 'double' || type === 'float') ok = typeof value === 'number';
  else if (INT32.has(type))
    ok = integer(value) && (value as number) >= -(2 ** 31) && (value as number) < 2 ** 31;
  else if (UINT32.has(type)) ok = integer(value) && (value as number) >= 0 && (value as number) < 2 ** 32;
  else if (INT64.has(type)) {
    ok =
      integer(value) ||
      typeof value === 'bigint' ||
      (typeof value === 'string' && /^-?\d+$/.test(value)) ||
      (typeof value === 'object' && value !== null && 'low' in value && 'high' in value);
  } else ok = true;
  if (!ok) problems.push({ path, problem: `expected ${type}` });
}
