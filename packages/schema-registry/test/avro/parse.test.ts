import { describe, expect, it } from 'vitest';
import { toCanonicalString, toNormalizedString, toParsingCanonicalForm } from '../../src/avro/canonical.js';
import { parseAvro, parseSchema } from '../../src/avro/parse.js';
import { SchemaParseError } from '../../src/errors.js';

function parseError(schema: unknown): SchemaParseError {
  try {
    parseSchema(typeof schema === 'string' ? schema : JSON.stringify(schema));
  } catch (error) {
    expect(error).toBeInstanceOf(SchemaParseError);
    return error as SchemaParseError;
  }
  throw new Error('expected a parse error');
}

const rec = (fields: unknown[], extra: object = {}) => ({ type: 'record', name: 'R', fields, ...extra });

describe('parsing rejects invalid schemas and points at the problem', () => {
  it.each([
    ['unknown type', rec([{ name: 'a', type: 'nope' }]), '/fields/0/type', /Undefined name: "nope"/],
    ['unknown top-level type', { type: 'object' }, '/type', /Undefined name: "object"/],
    ['no type', { name: 'x' }, '/', /No type/],
    [
      'bad default',
      rec([{ name: 'a', type: 'int', default: 'x' }]),
      '/fields/0/default',
      /Invalid default for field a/,
    ],
    [
      'int default out of range',
      rec([{ name: 'a', type: 'int', default: 2 ** 31 }]),
      '/fields/0/default',
      /Invalid default/,
    ],
    [
      'null default for non-null',
      rec([{ name: 'a', type: 'string', default: null }]),
      '/fields/0/default',
      /Invalid default/,
    ],
    [
      'union default matching no branch',
      rec([{ name: 'a', type: ['null', 'int'], default: 'x' }]),
      '/fields/0/default',
      /Invalid default/,
    ],
    [
      'record default missing a field',
      rec([{ name: 'a', type: rec([{ name: 'b', type: 'int' }], { name: 'In' }), default: {} }]),
      '/fields/0/default',
      /Invalid default/,
    ],
    [
      'duplicate field',
      rec([
        { name: 'a', type: 'int' },
        { name: 'a', type: 'long' },
      ]),
      '/fields/1',
      /Duplicate field a/,
    ],
    [
      'duplicate named type',
      rec([
        { name: 'a', type: { type: 'fixed', name: 'F', size: 1 } },
        { name: 'b', type: { type: 'fixed', name: 'F', size: 2 } },
      ]),
      '/fields/1/type/name',
      /Can't redefine: F/,
    ],
    [
      'duplicate symbol',
      { type: 'enum', name: 'E', symbols: ['A', 'B', 'A'] },
      '/symbols/2',
      /Duplicate enum symbol: A/,
    ],
    [
      'bad symbol',
      { type: 'enum', name: 'E', symbols: ['A', '1B'] },
      '/symbols/1',
      /Illegal initial character in enum symbol: 1B/,
    ],
    [
      'bad enum default',
      { type: 'enum', name: 'E', symbols: ['A'], default: 'B' },
      '/default',
      /not in the enum symbol set: \[A\]/,
    ],
    [
      'bad name',
      { type: 'record', name: 'my-record', fields: [] },
      '/name',
      /Illegal character in name: my-record/,
    ],
    [
      'bad namespace',
      { type: 'record', name: 'R', namespace: 'a..b', fields: [] },
      '/namespace',
      /Empty name/,
    ],
    ['bad field name', rec([{ name: '9lives', type: 'int' }]), '/fields/0/name', /Illegal initial character/],
    ['no fields', { type: 'record', name: 'R' }, '/fields', /Record has no fields/],
    ['no name', { type: 'record', fields: [] }, '/', /No name/],
    ['bad size', { type: 'fixed', name: 'F', size: -1 }, '/size', /Invalid "size"/],
    ['nested union', ['null', ['int', 'string']], '/1', /Nested union/],
    ['duplicate union branch', ['int', 'string', 'int'], '/2', /Duplicate in union: int/],
    ['array without items', { type: 'array' }, '/', /Array has no "items"/],
    ['map without values', { type: 'map' }, '/', /Map has no "values"/],
    ['bad order', rec([{ name: 'a', type: 'int', order: 'up' }]), '/fields/0/order', /Invalid order/],
    ['primitive as name', { type: 'fixed', name: 'int', size: 1 }, '/name', /named after primitives/],
  ])('%s', (_name, schema, path, message) => {
    const error = parseError(schema);
    expect(error.path).toBe(path);
    expect(error.message).toMatch(message);
  });

  it('rejects text that is not JSON', () => {
    expect(parseError('{"type": ').message).toMatch(/not valid JSON/);
  });

  it('accepts what Java accepts: bare primitive names, nested type objects, null-namespace fallback, recursion', () => {
    expect(parseSchema('int').type).toBe('int');
    expect(parseSchema('"null"').type).toBe('null');
    expect(parseSchema({ type: { type: 'array', items: 'int' } }).type).toBe('array');
    const fallback = parseSchema({
      type: 'record',
      name: 'Outer',
      fields: [
        { name: 'a', type: { type: 'record', name: 'Shared', fields: [] } },
        {
          name: 'b',
          type: { type: 'record', name: 'Inner', namespace: 'ns', fields: [{ name: 'c', type: 'Shared' }] },
        },
      ],
    });
    expect(fallback.type).toBe('record');
    const list = parseSchema(rec([{ name: 'next', type: ['null', 'R'], default: null }]));
    if (list.type !== 'record' || list.fields[0]!.type.type !== 'union') throw new Error('shape');
    expect(list.fields[0]!.type.types[1]).toBe(list);
    // Validation can be turned off for stored schemas, as Confluent parses them leniently.
    expect(
      parseSchema(rec([{ name: 'a-b', type: 'int', default: 'x' }]), {
        validateNames: false,
        validateDefaults: false,
      }).type,
    ).toBe('record');
  });

  it('resolves names and aliases against namespaces', () => {
    const parsed = parseAvro({
      type: 'record',
      name: 'a.b.R',
      aliases: ['Old', 'x.Older'],
      fields: [{ name: 'e', type: { type: 'enum', name: 'E', symbols: ['X'] } }],
    });
    expect([...parsed.namedTypes.keys()]).toEqual(['a.b.R', 'a.b.E']);
    const root = parsed.schema;
    if (root.type !== 'record') throw new Error('shape');
    expect(root.aliases).toEqual(['a.b.Old', 'x.Older']);
    expect(root.namespace).toBe('a.b');
  });
});

describe('canonical forms', () => {
  const source = {
    namespace: 'com.acme',
    name: 'Order',
    type: 'record',
    doc: 'An order',
    fields: [
      { type: 'int', name: 'qty', default: 1, order: 'ascending' },
      { name: 'tags', type: { type: 'array', items: 'string' }, aliases: ['labels'] },
      { name: 'self', type: ['null', 'Order'], default: null },
      { name: 'at', type: { type: 'long', logicalType: 'timestamp-millis' }, 'x-custom': true },
    ],
  };

  it('renders like Java Schema.toString(): fixed attribute order, named types once, ascending order dropped', () => {
    expect(toCanonicalString(parseSchema(source))).toBe(
      '{"type":"record","name":"Order","namespace":"com.acme","doc":"An order","fields":[' +
        '{"name":"qty","type":"int","default":1},' +
        '{"name":"tags","type":{"type":"array","items":"string"},"aliases":["labels"]},' +
        '{"name":"self","type":["null","Order"],"default":null},' +
        '{"name":"at","type":{"type":"long","logicalType":"timestamp-millis"},"x-custom":true}]}',
    );
  });

  it('is stable: parsing the canonical string gives the same canonical string', () => {
    const once = toCanonicalString(parseSchema(source));
    expect(toCanonicalString(parseSchema(once))).toBe(once);
  });

  it('gives Avro parsing canonical form', () => {
    expect(toParsingCanonicalForm(parseSchema(source))).toBe(
      '{"name":"com.acme.Order","type":"record","fields":[{"name":"qty","type":"int"},' +
        '{"name":"tags","type":{"type":"array","items":"string"}},{"name":"self","type":["null","com.acme.Order"]},' +
        '{"name":"at","type":"long"}]}',
    );
  });

  it('normalizes attribute order, alias order and namespace spelling', () => {
    const a = parseSchema({ type: 'record', name: 'com.acme.X', aliases: ['b', 'a'], fields: [] });
    const b = parseSchema({
      fields: [],
      aliases: ['a', 'b'],
      namespace: 'com.acme',
      name: 'X',
      type: 'record',
    });
    expect(toNormalizedString(a)).toBe(toNormalizedString(b));
    expect(toCanonicalString(a)).not.toBe(toCanonicalString(b));
  });
});
