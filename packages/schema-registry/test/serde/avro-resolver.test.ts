import avsc from 'avsc';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FALL_BACK } from '../../src/serde/avro-codec.js';
import { compileAvroResolver } from '../../src/serde/avro-resolver.js';
import { AVSC_OPTIONS, type AvscType } from '../../src/serde/avro-types.js';
import { valueArb } from './avro-arbitraries.js';

// The compiled resolver against avsc's: for every writer/reader pair avsc accepts and the resolver compiles, both
// read every writer value into the same reader value.

type Json = unknown;
type Node = Record<string, unknown>;
const OPTIONS = { ignoreNamespaces: true };

function typeOf(schema: Json): AvscType {
  return avsc.Type.forSchema(schema as avsc.Schema, { ...AVSC_OPTIONS });
}

/** avsc's reading of `value`, written as `writer`, into `reader`. */
function viaAvsc(reader: AvscType, writer: AvscType, value: unknown): unknown {
  return reader.fromBuffer(writer.toBuffer(value), reader.createResolver(writer, { ...OPTIONS }));
}

function viaCompiled(reader: AvscType, writer: AvscType, value: unknown): unknown {
  const resolver = compileAvroResolver(reader, writer, OPTIONS);
  if (!resolver) throw new Error('not compiled');
  const body = writer.toBuffer(value);
  const result = resolver.decode(body, 0);
  expect(resolver.end).toBe(body.length);
  return result;
}

const WRITER_SCHEMA = {
  type: 'record',
  name: 'Order',
  namespace: 'com.acme',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'qty', type: 'int' },
    { name: 'price', type: 'float' },
    { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['NEW', 'PAID', 'LOST'] } },
    { name: 'dropped', type: { type: 'map', values: { type: 'array', items: 'string' } } },
    {
      name: 'lines',
      type: {
        type: 'array',
        items: {
          type: 'record',
          name: 'Line',
          fields: [
            { name: 'sku', type: 'string' },
            { name: 'n', type: 'int' },
          ],
        },
      },
    },
    { name: 'note', type: ['null', 'string'] },
    { name: 'raw', type: 'string' },
  ],
};
const WRITER_VALUE = {
  id: 'o-1',
  qty: 3,
  price: 1.5,
  status: 'LOST',
  dropped: { a: ['x', 'y'], b: [] },
  lines: [
    { sku: 'k1', n: 1 },
    { sku: 'k2', n: 2 },
  ],
  note: 'hi',
  raw: 'bytes now',
};
const READER_SCHEMA = {
  type: 'record',
  name: 'Order',
  namespace: 'com.other',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'quantity', type: 'long', aliases: ['qty'] },
    { name: 'price', type: 'double' },
    {
      name: 'status',
      type: { type: 'enum', name: 'Status', symbols: ['NEW', 'PAID', 'UNKNOWN'], default: 'UNKNOWN' },
    },
    {
      name: 'lines',
      type: {
        type: 'array',
        items: {
          type: 'record',
          name: 'Line',
          fields: [
            { name: 'sku', type: 'string' },
            { name: 'n', type: 'long' },
            { name: 'gift', type: 'boolean', default: false },
          ],
        },
      },
    },
    { name: 'note', type: ['null', 'string', 'int'] },
    { name: 'raw', type: 'bytes' },
    { name: 'currency', type: 'string', default: 'EUR' },
    { name: 'labels', type: { type: 'array', items: 'string' }, default: ['new'] },
  ],
};

describe('compileAvroResolver', () => {
  it('reads old data into a newer reader as avsc does: renames, promotions, dropped and added fields', () => {
    const reader = typeOf(READER_SCHEMA);
    const writer = typeOf(WRITER_SCHEMA);
    const read = viaCompiled(reader, writer, WRITER_VALUE);
    expect(read).toEqual(viaAvsc(reader, writer, WRITER_VALUE));
    expect(read).toEqual({
      id: 'o-1',
      quantity: 3,
      price: 1.5,
      status: 'UNKNOWN',
      lines: [
        { sku: 'k1', n: 1, gift: false },
        { sku: 'k2', n: 2, gift: false },
      ],
      note: 'hi',
      raw: Buffer.from('bytes now'),
      currency: 'EUR',
      labels: ['new'],
    });
    // Defaults are copied per record, so changing one read value leaves the next alone.
    (read as { labels: string[] }).labels.push('mutated');
    expect((viaCompiled(reader, writer, WRITER_VALUE) as { labels: string[] }).labels).toEqual(['new']);
  });

  it('reads a plain writer type into the first reader union branch avsc picks, and writer unions branch by branch', () => {
    const intoUnion = viaCompiled(typeOf(['null', 'long', 'string']), typeOf('int'), 7);
    expect(intoUnion).toBe(7);
    const reader = typeOf(['null', 'double', 'bytes']);
    const writer = typeOf(['null', 'int', 'string']);
    for (const value of [null, 5, 'text']) {
      expect(viaCompiled(reader, writer, value)).toEqual(viaAvsc(reader, writer, value));
    }
  });

  it('reads recursive schemas that evolved', () => {
    const node = (extra: Node[]) => ({
      type: 'record',
      name: 'Node',
      fields: [
        { name: 'value', type: 'int' },
        { name: 'next', type: ['null', 'Node'], default: null },
        ...extra,
      ],
    });
    const writer = typeOf(node([]));
    const reader = typeOf(node([{ name: 'label', type: 'string', default: '-' }]));
    const value = { value: 1, next: { value: 2, next: null } };
    expect(viaCompiled(reader, writer, value)).toEqual({
      value: 1,
      next: { value: 2, next: null, label: '-' },
      label: '-',
    });
  });

  it('leaves to avsc the pairs it does not compile', () => {
    // A wrapped reader union fed by a plain writer type.
    expect(compileAvroResolver(typeOf(['int', 'long']), typeOf('int'), OPTIONS)).toBeUndefined();
    // One writer field read into two reader fields.
    const writer = typeOf({ type: 'record', name: 'R', fields: [{ name: 'a', type: 'int' }] });
    const twice = typeOf({
      type: 'record',
      name: 'R',
      fields: [
        { name: 'a', type: 'int' },
        { name: 'b', type: 'int', aliases: ['a'] },
      ],
    });
    expect(compileAvroResolver(twice, writer, OPTIONS)).toBeUndefined();
    // Types nested deeper than 64 levels, here 2 per union of an array (branch choice costs the square of the depth).
    const deep = (levels: number, leaf: string): Json =>
      levels === 0 ? leaf : ['null', { type: 'array', items: deep(levels - 1, leaf) }];
    expect(compileAvroResolver(typeOf(deep(20, 'long')), typeOf(deep(20, 'int')), OPTIONS)).toBeDefined();
    expect(compileAvroResolver(typeOf(deep(40, 'long')), typeOf(deep(40, 'int')), OPTIONS)).toBeUndefined();
  });

  it('hands avsc the messages it is unsure of', () => {
    const reader = typeOf(READER_SCHEMA);
    const writer = typeOf(WRITER_SCHEMA);
    const resolver = compileAvroResolver(reader, writer, OPTIONS)!;
    const body = writer.toBuffer(WRITER_VALUE);
    let error: unknown;
    try {
      resolver.decode(body.subarray(0, body.length - 4), 0);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBe(FALL_BACK);
  });

  it('agrees with avsc on random schemas and evolutions of them', () => {
    fc.assert(
      fc.property(
        writerArb.chain((writer) => fc.tuple(fc.constant(writer), evolved(writer), valueArbFor(writer))),
        ([writerSchema, readerSchema, value]) => {
          const writer = typeOf(writerSchema);
          let reader: AvscType;
          try {
            reader = typeOf(readerSchema);
            reader.createResolver(writer, { ...OPTIONS });
          } catch {
            return; // Not a schema, or avsc refuses the pair: nothing to compare.
          }
          const resolver = compileAvroResolver(reader, writer, OPTIONS);
          if (!resolver) return;
          const body = writer.toBuffer(value);
          expect(resolver.decode(body, 0)).toEqual(
            reader.fromBuffer(body, reader.createResolver(writer, { ...OPTIONS })),
          );
          expect(resolver.end).toBe(body.length);
        },
      ),
      { seed: 22, numRuns: 300 },
    );
  });
});

// Random writers: records of primitives, enums, arrays, maps, nested records and nullable unions.
const PRIMITIVES = ['boolean', 'int', 'long', 'float', 'double', 'bytes', 'string'] as const;
let names = 0;
const fieldTypeArb: fc.Arbitrary<Json> = fc.letrec<{ type: Json }>((tie) => ({
  type: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...PRIMITIVES),
    fc.constant(null).map(() => ({ type: 'enum', name: `E${names++}`, symbols: ['A', 'B', 'C'] })),
    fc.record({ type: fc.constant('array'), items: tie('type') }),
    fc.record({ type: fc.constant('map'), values: tie('type') }),
    fc.constantFrom(...PRIMITIVES).map((p) => ['null', p]),
    fc
      .uniqueArray(fc.record({ name: fc.constantFrom('a', 'b', 'c', 'd'), type: tie('type') }), {
        maxLength: 4,
        selector: (f) => f.name,
      })
      .map((fields) => ({ type: 'record', name: `R${names++}`, fields })),
  ),
})).type;
const writerArb = fc
  .uniqueArray(fc.record({ name: fc.constantFrom('a', 'b', 'c', 'd', 'e'), type: fieldTypeArb }), {
    minLength: 1,
    maxLength: 5,
    selector: (f) => f.name,
  })
  .map((fields) => ({ type: 'record', name: 'Root', fields }));

const PROMOTE: Record<string, string[]> = {
  int: ['long', 'float', 'double'],
  long: ['float', 'double'],
  float: ['double'],
  string: ['bytes'],
  bytes: ['string'],
};

/** A reader: the writer with random evolutions applied (some of which avsc refuses, which the test skips). */
function evolved(writer: Json): fc.Arbitrary<Json> {
  return fc.array(fc.nat(99), { minLength: 64, maxLength: 64 }).map((choices) => {
    let next = 0;
    const pick = () => choices[next++ % choices.length]!;
    const walk = (schema: Json): Json => {
      if (typeof schema === 'string') {
        const promotions = PROMOTE[schema];
        if (promotions && pick() < 30) return promotions[pick() % promotions.length];
        if (pick() < 10) return ['null', schema];
        return schema;
      }
      if (Array.isArray(schema))
        return schema
          .map((branch) => (typeof branch === 'string' ? walk(branch) : branch))
          .filter((b) => !Array.isArray(b));
      const node = { ...(schema as Node) };
      if (node.type === 'array') node.items = walk(node.items);
      if (node.type === 'map') node.values = walk(node.values);
      if (node.type === 'enum' && pick() < 40) node.symbols = ['A', 'B', 'Z'];
      if (node.type === 'enum' && pick() < 50) node.default = 'A';
      if (node.type === 'record') {
        let fields: Node[] = (node.fields as Node[]).map((field) => ({ ...field, type: walk(field.type) }));
        if (fields.length > 0 && pick() < 30) fields = fields.filter((_, i) => i !== pick() % fields.length);
        if (fields.length > 0 && pick() < 30) {
          const i = pick() % fields.length;
          fields[i] = { ...fields[i]!, name: `${fields[i]!.name}2`, aliases: [fields[i]!.name] };
        }
        if (pick() < 30) fields.push({ name: 'added', type: 'string', default: 'x' });
        if (pick() < 20) fields.reverse();
        node.fields = fields;
      }
      return node;
    };
    return walk(writer);
  });
}

function valueArbFor(schema: Json): fc.Arbitrary<unknown> {
  return valueArb(typeOf(schema));
}
