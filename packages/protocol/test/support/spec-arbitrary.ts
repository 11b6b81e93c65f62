/**
 * fast-check arbitraries derived from `protocolSpec`: a random, valid message for any API,
 * direction and version, plus the value a decoder must return for it (absent fields at their
 * defaults). Written independently of the code generator so the two check each other.
 */
import fc from 'fast-check';
import { ZERO_UUID } from '../../src/io/uuid.js';
import type { FieldSpec, MessageSpec, VersionRange } from '../../src/spec/index.js';

const inRange = (r: VersionRange | undefined, v: number) =>
  r !== undefined && v >= r[0] && (r[1] === null || v <= r[1]);
const camel = (n: string) => n[0].toLowerCase() + n.slice(1);

const int = (bits: number) => fc.integer({ min: -(2 ** (bits - 1)), max: 2 ** (bits - 1) - 1 });
const uuid = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Buffer.from(b).toString('base64url'));
const bytes = fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b));

function primitive(type: string): fc.Arbitrary<unknown> {
  switch (type) {
    case 'bool':
      return fc.boolean();
    case 'int8':
      return int(8);
    case 'int16':
      return int(16);
    case 'uint16':
      return fc.integer({ min: 0, max: 0xffff });
    case 'int32':
      return int(32);
    case 'uint32':
      return fc.integer({ min: 0, max: 0xffffffff });
    case 'int64':
      return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    case 'float64':
      return fc.double({ noNaN: true });
    case 'string':
      return fc.string({ maxLength: 20, unit: 'binary' });
    case 'uuid':
      return uuid;
    case 'bytes':
    case 'records':
      return bytes;
    default:
      throw new Error(`unknown primitive ${type}`);
  }
}

export function defaultValue(f: FieldSpec): unknown {
  if (f.type.startsWith('[]')) return f.default === null ? null : [];
  if (f.default !== undefined) {
    if (f.default === null) return null;
    if (f.type === 'int64') return BigInt(f.default as number);
    return f.default;
  }
  if (f.fields) return Object.fromEntries(f.fields.map((s) => [camel(s.name), defaultValue(s)]));
  switch (f.type) {
    case 'bool':
      return false;
    case 'int64':
      return 0n;
    case 'string':
      return '';
    case 'uuid':
      return ZERO_UUID;
    case 'bytes':
      return Buffer.alloc(0);
    case 'records':
      return null;
    default:
      return 0;
  }
}

const depthLimit = 3;

function fieldArbitrary(f: FieldSpec, v: number, depth: number): fc.Arbitrary<unknown> {
  const nullable = inRange(f.nullableVersions, v);
  const elementType = f.type.startsWith('[]') ? f.type.slice(2) : f.type;
  let arb: fc.Arbitrary<unknown>;
  const element = f.fields ? structArbitrary(f.fields, v, depth + 1) : primitive(elementType);
  if (f.type.startsWith('[]')) {
    arb = fc.array(element, { maxLength: depth >= depthLimit ? 0 : 3 });
  } else {
    arb = element;
  }
  return nullable ? fc.option(arb, { nil: null, freq: 4 }) : arb;
}

export function structArbitrary(
  fields: readonly FieldSpec[],
  v: number,
  depth = 0,
): fc.Arbitrary<Record<string, unknown>> {
  const entries: Record<string, fc.Arbitrary<unknown>> = {};
  for (const f of fields) {
    entries[camel(f.name)] = inRange(f.versions, v)
      ? fieldArbitrary(f, v, depth)
      : fc.constant(defaultValue(f));
  }
  return fc.record(entries) as fc.Arbitrary<Record<string, unknown>>;
}

export function messageArbitrary(spec: MessageSpec, v: number): fc.Arbitrary<Record<string, unknown>> {
  return structArbitrary(spec.fields, v);
}
