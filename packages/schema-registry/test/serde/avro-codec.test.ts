import avsc from 'avsc';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileAvroCodec, FALL_BACK } from '../../src/serde/avro-codec.js';
import { AVSC_OPTIONS, type AvscType } from '../../src/serde/avro-types.js';
import { valueArb } from './avro-arbitraries.js';

// The compiled codec against avsc, the reference it stands in for: for every value it accepts it must write avsc's
// bytes, and for every message it reads it must return avsc's value; what it is unsure of it hands to avsc.

type Json = unknown;
const PRIMITIVES = ['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string'] as const;

/** Union branches must differ in kind (named types are told apart by their names, given later). */
function branchKind(schema: Json): string {
  const type = typeof schema === 'string' ? schema : (schema as { type: string }).type;
  return type === 'array' || type === 'map' || PRIMITIVES.includes(type as never)
    ? type
    : JSON.stringify(schema);
}

/** Random schemas over every type the codec compiles, unions included (some of them wrapped by avsc). */
const schemaArb: fc.Arbitrary<Json> = fc.letrec<{ node: Json; notUnion: Json }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('notUnion'),
    fc.uniqueArray(tie('notUnion'), { minLength: 1, maxLength: 3, selector: branchKind }),
  ),
  notUnion: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...PRIMITIVES),
    fc.record({ type: fc.constant('array'), items: tie('node') }),
    fc.record({ type: fc.constant('map'), values: tie('node') }),
    fc.record({
      type: fc.constant('enum'),
      // Up to 8 symbols are written with a switch, more with a Map.
      symbols: fc.uniqueArray(fc.constantFrom(...'ABCDEFGHIJKL'), { minLength: 1, maxLength: 12 }),
    }),
    fc.record({ type: fc.constant('fixed'), size: fc.integer({ min: 0, max: 4 }) }),
    fc.record({
      type: fc.constant('record'),
      fields: fc.uniqueArray(fc.record({ name: fc.constantFrom('a', 'b', 'c', 'd'), type: tie('node') }), {
        maxLength: 4,
        selector: (f) => f.name,
      }),
    }),
  ),
})).node;

/** Gives named types unique names, so no two definitions clash. */
function nameTypes(schema: Json, counter = { n: 0 }): Json {
  if (Array.isArray(schema)) return schema.map((branch) => nameTypes(branch, counter));
  if (typeof schema !== 'object' || schema === null) return schema;
  const node = { ...(schema as Record<string, unknown>) };
  if (node.type === 'enum' || node.type === 'fixed' || node.type === 'record') node.name = `N${counter.n++}`;
  if (node.type === 'array') node.items = nameTypes(node.items, counter);
  if (node.type === 'map') node.values = nameTypes(node.values, counter);
  if (node.type === 'record') {
    node.fields = (node.fields as Array<Record<string, unknown>>).map((f) => ({
      ...f,
      type: nameTypes(f.type, counter),
    }));
  }
  return node;
}

function typeOf(schema: Json): AvscType {
  return avsc.Type.forSchema(schema as avsc.Schema, { ...AVSC_OPTIONS });
}

function compiled(type: AvscType) {
  const codec = compileAvroCodec(type);
  if (!codec) throw new Error('not compiled');
  return codec;
}

/** Encodes with the codec after a header-sized gap, as the serializer does; returns the body. */
function encode(type: AvscType, value: unknown, size = 4096): Buffer {
  const buffer = Buffer.alloc(size);
  const end = compiled(type).encode(value, buffer, 5);
  if (end < 0) throw new Error(`${-end} bytes short`);
  return buffer.subarray(5, end);
}

function decode(type: AvscType, body: Buffer): unknown {
  const codec = compiled(type);
  const framed = Buffer.concat([Buffer.alloc(5), body]);
  const value = codec.decode(framed, 5);
  expect(codec.end).toBe(framed.length);
  return value;
}

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

const ORDER = typeOf({
  type: 'record',
  name: 'Order',
  namespace: 'com.acme',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'qty', type: 'int' },
    { name: 'total', type: 'long' },
    { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['NEW', 'PAID'] } },
    { name: 'note', type: ['null', 'string'], default: null },
    { name: 'tags', type: { type: 'array', items: 'string' }, default: [] },
    { name: 'attributes', type: { type: 'map', values: 'long' } },
  ],
});
const ORDER_VALUE = {
  id: 'o-1',
  qty: 3,
  total: 2 ** 40,
  status: 'PAID',
  note: 'ring twice',
  tags: ['a', 'b'],
  attributes: { x: -1 },
};

describe('compileAvroCodec', () => {
  it('writes the bytes avsc writes and reads back what avsc reads, for random schemas and values', () => {
    fc.assert(
      fc.property(
        schemaArb
          .map((schema) => typeOf(nameTypes(schema)))
          .chain((type) => fc.tuple(fc.constant(type), valueArb(type))),
        ([type, value]) => {
          const expected = type.toBuffer(value);
          const body = encode(type, value, expected.length + 5);
          expect(Buffer.compare(body, expected)).toBe(0);
          expect(decode(type, expected)).toEqual(type.fromBuffer(expected));
        },
      ),
      { seed: 22, numRuns: 400 },
    );
  });

  it('reads records as plain objects and a recursive schema to any depth the data has', () => {
    const list = typeOf({
      type: 'record',
      name: 'Node',
      fields: [
        { name: 'value', type: 'int' },
        { name: 'next', type: ['null', 'Node'], default: null },
      ],
    });
    const value = { value: 1, next: { value: 2, next: { value: 3, next: null } } };
    const body = encode(list, value);
    expect(Buffer.compare(body, list.toBuffer(value))).toBe(0);
    const read = decode(list, body);
    expect(read).toEqual(value);
    expect(Object.getPrototypeOf(read)).toBe(Object.prototype);
  });

  it('writes a field left undefined with its default, as avsc does', () => {
    const { note: _note, tags: _tags, ...withoutDefaults } = ORDER_VALUE;
    const body = encode(ORDER, withoutDefaults);
    expect(Buffer.compare(body, ORDER.toBuffer(withoutDefaults))).toBe(0);
    expect(decode(ORDER, body)).toEqual({ ...withoutDefaults, note: null, tags: [] });
  });

  it('writes strings at the edges of its one-byte length and short-string paths as avsc does', () => {
    const type = typeOf('string');
    for (const unit of ['a', 'é', '€', '😀']) {
      for (let length = 0; length <= 70; length++) {
        const value = unit.repeat(length);
        expect(Buffer.compare(encode(type, value), type.toBuffer(value))).toBe(0);
        expect(decode(type, type.toBuffer(value))).toBe(value);
      }
    }
    // A message over the size decoded once as latin1 reads its strings one by one.
    const big = typeOf({ type: 'array', items: 'string' });
    const many = Array.from({ length: 1000 }, (_, i) => `value-${i}-é`.slice(0, 8 + (i % 4)));
    expect(decode(big, big.toBuffer(many))).toEqual(many);
  });

  it('writes strings whose first non-ASCII character comes late, and hands lone surrogates anywhere to avsc', () => {
    const type = typeOf('string');
    const codec = compiled(type);
    for (const tail of ['é', '€', '😀', 'é'.repeat(40)]) {
      for (const head of [0, 1, 20, 62, 63, 64]) {
        const value = `${'a'.repeat(head)}${tail}`;
        expect(Buffer.compare(encode(type, value), type.toBuffer(value))).toBe(0);
      }
    }
    for (const lone of ['\ud800', 'abc\ud83d', '\ude00abc', `${'a'.repeat(40)}\udbff`]) {
      expect(thrown(() => codec.encode(lone, Buffer.alloc(256), 0))).toBe(FALL_BACK);
    }
  });

  it('writes longs up to 2^53 as avsc does and hands it fractions, NaN and infinities', () => {
    const type = typeOf('long');
    const codec = compiled(type);
    for (const value of [0, -0, 1, -1, 2 ** 31, 1_763_900_000_000, -(2 ** 52) - 1, 9007199254740990]) {
      expect(Buffer.compare(encode(type, value), type.toBuffer(value))).toBe(0);
    }
    for (const bad of [0.5, 1_763_900_000_000.5, Number.NaN, Infinity, -Infinity, 2 ** 60, '1', 1n]) {
      expect(thrown(() => codec.encode(bad, Buffer.alloc(16), 0))).toBe(FALL_BACK);
    }
  });

  it('writes enums by index through a switch (few symbols) or a Map (many), rejecting anything else', () => {
    for (const count of [2, 8, 9, 20]) {
      const symbols = Array.from({ length: count }, (_, i) => `S${i}`);
      const type = typeOf({ type: 'enum', name: `E${count}`, symbols });
      const codec = compiled(type);
      for (const symbol of symbols) {
        expect(Buffer.compare(encode(type, symbol), type.toBuffer(symbol))).toBe(0);
      }
      for (const bad of ['S99', 'toString', 'constructor', '', 0, null, new String('S0'), ['S0']]) {
        expect(thrown(() => codec.encode(bad, Buffer.alloc(16), 0))).toBe(FALL_BACK);
      }
    }
  });

  it('returns minus the missing bytes when the buffer is too small, as avsc does', () => {
    const codec = compiled(ORDER);
    const expected = ORDER.toBuffer(ORDER_VALUE);
    const small = Buffer.alloc(12);
    const missing = codec.encode(ORDER_VALUE, small, 5);
    expect(missing).toBe(12 - (5 + expected.length));
    const long = typeOf({ type: 'array', items: 'string' });
    const text = ['x'.repeat(200), 'y'.repeat(300)];
    expect(compiled(long).encode(text, Buffer.alloc(100), 5)).toBe(100 - (5 + long.toBuffer(text).length));
  });

  it('reads arrays and maps written in several blocks, with and without block sizes', () => {
    const numbers = typeOf({ type: 'array', items: 'int' });
    // Two blocks: 2 items, then -1 item with its byte size (as Java's block encoders write), then the end.
    const blocks = Buffer.from([4, 2, 4, 1, 2, 6, 0]);
    expect(decode(numbers, blocks)).toEqual(numbers.fromBuffer(blocks));
    expect(decode(numbers, blocks)).toEqual([1, 2, 3]);
    const strings = typeOf({ type: 'map', values: 'int' });
    const mapBlocks = Buffer.from([2, 2, 0x61, 2, 1, 4, 2, 0x62, 4, 0]);
    expect(decode(strings, mapBlocks)).toEqual({ a: 1, b: 2 });
  });

  it('hands avsc what it does not vouch for: values that do not match, lone surrogates', () => {
    const codec = compiled(ORDER);
    const buffer = Buffer.alloc(256);
    for (const bad of [
      null,
      'order',
      { ...ORDER_VALUE, qty: 1.5 },
      { ...ORDER_VALUE, total: 2 ** 60 },
      { ...ORDER_VALUE, status: 'LOST' },
      { ...ORDER_VALUE, note: 42 },
      { ...ORDER_VALUE, tags: 'a' },
      { ...ORDER_VALUE, attributes: [] },
      { ...ORDER_VALUE, id: 'x\ud800y' },
    ]) {
      expect(thrown(() => codec.encode(bad, buffer, 5))).toBe(FALL_BACK);
    }
    const wrapped = compiled(typeOf(['int', 'long']));
    expect(thrown(() => wrapped.encode({ int: 1, long: 2 }, buffer, 0))).toBe(FALL_BACK);
    expect(thrown(() => wrapped.encode({ double: 1 }, buffer, 0))).toBe(FALL_BACK);
  });

  it('hands avsc the messages it cannot read plainly: bad indexes, negative lengths, big longs, truncation', () => {
    const codec = compiled(ORDER);
    const good = Buffer.concat([Buffer.alloc(5), ORDER.toBuffer(ORDER_VALUE)]);
    expect(thrown(() => codec.decode(good.subarray(0, good.length - 3), 5))).toBe(FALL_BACK);
    const badEnum = Buffer.from(good);
    const statusAt = 5 + 1 + 3 + 1 + 6; // after id ("o-1"), qty (3) and total (2^40, six bytes)
    expect(badEnum[statusAt]).toBe(2); // PAID
    badEnum[statusAt] = 8;
    expect(thrown(() => codec.decode(badEnum, 5))).toBe(FALL_BACK);
    const badUnion = Buffer.from(good);
    badUnion[statusAt + 1] = 6;
    expect(thrown(() => codec.decode(badUnion, 5))).toBe(FALL_BACK);
    const strings = compiled(typeOf('string'));
    expect(thrown(() => strings.decode(Buffer.from([1, 0x61]), 0))).toBe(FALL_BACK);
    expect(thrown(() => strings.decode(Buffer.from([0x7e, 0x61]), 0))).toBe(FALL_BACK);
    const longs = compiled(typeOf('long'));
    const huge = Buffer.from([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);
    expect(thrown(() => longs.decode(huge, 0))).toBe(FALL_BACK);
    const numbers = compiled(typeOf({ type: 'array', items: 'int' }));
    expect(thrown(() => numbers.decode(Buffer.from([0x80, 0x80, 0x80, 0x40, 1]), 0))).toBe(FALL_BACK);
  });

  it('leaves to avsc the schemas it does not compile', () => {
    const proto = typeOf({ type: 'record', name: 'P', fields: [{ name: '__proto__', type: 'int' }] });
    expect(compileAvroCodec(proto)).toBeUndefined();
    const withLogical = avsc.Type.forSchema(
      { type: 'long', logicalType: 'timestamp-millis' } as avsc.Schema,
      {
        logicalTypes: {
          'timestamp-millis': class extends avsc.types.LogicalType {
            override _fromValue(value: number) {
              return new Date(value);
            }
            override _toValue(date: Date) {
              return date.getTime();
            }
          },
        },
      },
    );
    expect(compileAvroCodec(withLogical)).toBeUndefined();
    // Without an implementation, avsc reads a logical type as its underlying type, and so does the codec.
    const plain = typeOf({ type: 'long', logicalType: 'timestamp-millis' });
    expect(decode(plain, encode(plain, 1_763_900_000_000))).toBe(1_763_900_000_000);
  });
});
