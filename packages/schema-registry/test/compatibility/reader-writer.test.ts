import { describe, expect, it } from 'vitest';
import { parseSchema } from '../../src/avro/parse.js';
import type { AvroSchema } from '../../src/avro/schema.js';
import { checkCompatibility, type IncompatibilityType } from '../../src/compatibility/reader-writer.js';
import * as S from './fixtures.js';

// Cases from Apache Avro's TestSchemaCompatibility*.java suites (and their Python port), same fixtures, same expected
// types, messages and locations.

const COMPATIBLE: Array<[string, AvroSchema, string, AvroSchema]> = (
  [
    ['BOOLEAN_SCHEMA', 'BOOLEAN_SCHEMA'],
    ['INT_SCHEMA', 'INT_SCHEMA'],
    ['LONG_SCHEMA', 'INT_SCHEMA'],
    ['LONG_SCHEMA', 'LONG_SCHEMA'],
    ['FLOAT_SCHEMA', 'INT_SCHEMA'],
    ['FLOAT_SCHEMA', 'LONG_SCHEMA'],
    ['DOUBLE_SCHEMA', 'LONG_SCHEMA'],
    ['DOUBLE_SCHEMA', 'INT_SCHEMA'],
    ['DOUBLE_SCHEMA', 'FLOAT_SCHEMA'],
    ['STRING_SCHEMA', 'STRING_SCHEMA'],
    ['BYTES_SCHEMA', 'BYTES_SCHEMA'],
    ['STRING_SCHEMA', 'BYTES_SCHEMA'],
    ['BYTES_SCHEMA', 'STRING_SCHEMA'],
    ['INT_ARRAY_SCHEMA', 'INT_ARRAY_SCHEMA'],
    ['LONG_ARRAY_SCHEMA', 'INT_ARRAY_SCHEMA'],
    ['INT_MAP_SCHEMA', 'INT_MAP_SCHEMA'],
    ['LONG_MAP_SCHEMA', 'INT_MAP_SCHEMA'],
    ['ENUM1_AB_SCHEMA', 'ENUM1_AB_SCHEMA'],
    ['ENUM1_ABC_SCHEMA', 'ENUM1_AB_SCHEMA'],
    ['EMPTY_UNION_SCHEMA', 'EMPTY_UNION_SCHEMA'],
    ['FLOAT_UNION_SCHEMA', 'EMPTY_UNION_SCHEMA'],
    ['FLOAT_UNION_SCHEMA', 'INT_UNION_SCHEMA'],
    ['FLOAT_UNION_SCHEMA', 'LONG_UNION_SCHEMA'],
    ['FLOAT_UNION_SCHEMA', 'INT_LONG_UNION_SCHEMA'],
    ['INT_UNION_SCHEMA', 'INT_UNION_SCHEMA'],
    ['INT_STRING_UNION_SCHEMA', 'STRING_INT_UNION_SCHEMA'],
    ['INT_UNION_SCHEMA', 'EMPTY_UNION_SCHEMA'],
    ['LONG_UNION_SCHEMA', 'EMPTY_UNION_SCHEMA'],
    ['LONG_UNION_SCHEMA', 'INT_UNION_SCHEMA'],
    ['DOUBLE_UNION_SCHEMA', 'INT_UNION_SCHEMA'],
    ['DOUBLE_UNION_SCHEMA', 'LONG_UNION_SCHEMA'],
    ['DOUBLE_UNION_SCHEMA', 'FLOAT_UNION_SCHEMA'],
    ['STRING_UNION_SCHEMA', 'EMPTY_UNION_SCHEMA'],
    ['STRING_UNION_SCHEMA', 'BYTES_UNION_SCHEMA'],
    ['BYTES_UNION_SCHEMA', 'EMPTY_UNION_SCHEMA'],
    ['BYTES_UNION_SCHEMA', 'STRING_UNION_SCHEMA'],
    ['DOUBLE_UNION_SCHEMA', 'INT_FLOAT_UNION_SCHEMA'],
    ['NULL_UNION_SCHEMA', 'NULL_UNION_SCHEMA'],
    ['NULL_INT_ARRAY_UNION_SCHEMA', 'NULL_INT_ARRAY_UNION_SCHEMA'],
    ['NULL_INT_MAP_UNION_SCHEMA', 'NULL_INT_MAP_UNION_SCHEMA'],
    // Readers capable of reading all branches of a union are compatible.
    ['FLOAT_SCHEMA', 'INT_FLOAT_UNION_SCHEMA'],
    ['LONG_SCHEMA', 'INT_LONG_UNION_SCHEMA'],
    ['DOUBLE_SCHEMA', 'INT_FLOAT_UNION_SCHEMA'],
    ['DOUBLE_SCHEMA', 'INT_LONG_FLOAT_DOUBLE_UNION_SCHEMA'],
    // Singleton unions.
    ['FLOAT_SCHEMA', 'FLOAT_UNION_SCHEMA'],
    ['INT_UNION_SCHEMA', 'INT_SCHEMA'],
    ['INT_SCHEMA', 'INT_UNION_SCHEMA'],
    ['FIXED_4_BYTES', 'FIXED_4_BYTES'],
    ['EMPTY_RECORD1', 'EMPTY_RECORD1'],
    ['EMPTY_RECORD1', 'A_INT_RECORD1'],
    ['A_INT_RECORD1', 'A_INT_RECORD1'],
    ['A_DINT_RECORD1', 'A_INT_RECORD1'],
    ['A_DINT_RECORD1', 'A_DINT_RECORD1'],
    ['A_INT_RECORD1', 'A_DINT_RECORD1'],
    ['A_LONG_RECORD1', 'A_INT_RECORD1'],
    ['A_INT_RECORD1', 'A_INT_B_INT_RECORD1'],
    ['A_DINT_RECORD1', 'A_INT_B_INT_RECORD1'],
    ['A_INT_B_DINT_RECORD1', 'A_INT_RECORD1'],
    ['A_DINT_B_DINT_RECORD1', 'EMPTY_RECORD1'],
    ['A_DINT_B_DINT_RECORD1', 'A_INT_RECORD1'],
    ['A_INT_B_INT_RECORD1', 'A_DINT_B_DINT_RECORD1'],
    ['INT_LIST_RECORD', 'INT_LIST_RECORD'],
    ['LONG_LIST_RECORD', 'LONG_LIST_RECORD'],
    ['LONG_LIST_RECORD', 'INT_LIST_RECORD'],
    ['NULL_SCHEMA', 'NULL_SCHEMA'],
    ['ENUM_AB_ENUM_DEFAULT_A_RECORD', 'ENUM_ABC_ENUM_DEFAULT_A_RECORD'],
    ['ENUM_AB_FIELD_DEFAULT_A_ENUM_DEFAULT_B_RECORD', 'ENUM_ABC_FIELD_DEFAULT_B_ENUM_DEFAULT_A_RECORD'],
    ['ENUM_AB_ENUM_DEFAULT_A_SCHEMA', 'ENUM_ABC_ENUM_DEFAULT_A_SCHEMA'],
    ['NS_RECORD1', 'NS_RECORD2'],
    ['WITHOUT_NAMESPACE_RECORD', 'WITH_NAMESPACE_RECORD'],
    ['WITH_NAMESPACE_RECORD', 'WITHOUT_NAMESPACE_RECORD'],
  ] as const
).map(([r, w]) => [r, (S as Record<string, AvroSchema>)[r]!, w, (S as Record<string, AvroSchema>)[w]!]);

describe('Avro TestSchemaCompatibility: compatible reader/writer pairs', () => {
  it.each(COMPATIBLE)('reader %s reads writer %s', (_r, reader, _w, writer) => {
    expect(reader).toBeDefined();
    expect(writer).toBeDefined();
    expect(checkCompatibility(reader, writer)).toEqual({ compatible: true, incompatibilities: [] });
  });
});

type Expected = [AvroSchema, AvroSchema, string, string];

function expectSingle(type: IncompatibilityType, [reader, writer, message, location]: Expected) {
  const result = checkCompatibility(reader, writer);
  expect(result.compatible).toBe(false);
  expect(result.incompatibilities).toContainEqual({ type, message, location });
}

describe('Avro TestSchemaCompatibilityTypeMismatch', () => {
  const cases: Expected[] = [
    [S.NULL_SCHEMA, S.INT_SCHEMA, 'reader type: NULL not compatible with writer type: INT', '/'],
    [S.NULL_SCHEMA, S.LONG_SCHEMA, 'reader type: NULL not compatible with writer type: LONG', '/'],
    [S.BOOLEAN_SCHEMA, S.INT_SCHEMA, 'reader type: BOOLEAN not compatible with writer type: INT', '/'],
    [S.INT_SCHEMA, S.NULL_SCHEMA, 'reader type: INT not compatible with writer type: NULL', '/'],
    [S.INT_SCHEMA, S.BOOLEAN_SCHEMA, 'reader type: INT not compatible with writer type: BOOLEAN', '/'],
    [S.INT_SCHEMA, S.LONG_SCHEMA, 'reader type: INT not compatible with writer type: LONG', '/'],
    [S.INT_SCHEMA, S.FLOAT_SCHEMA, 'reader type: INT not compatible with writer type: FLOAT', '/'],
    [S.INT_SCHEMA, S.DOUBLE_SCHEMA, 'reader type: INT not compatible with writer type: DOUBLE', '/'],
    [S.LONG_SCHEMA, S.FLOAT_SCHEMA, 'reader type: LONG not compatible with writer type: FLOAT', '/'],
    [S.LONG_SCHEMA, S.DOUBLE_SCHEMA, 'reader type: LONG not compatible with writer type: DOUBLE', '/'],
    [S.FLOAT_SCHEMA, S.DOUBLE_SCHEMA, 'reader type: FLOAT not compatible with writer type: DOUBLE', '/'],
    [S.DOUBLE_SCHEMA, S.STRING_SCHEMA, 'reader type: DOUBLE not compatible with writer type: STRING', '/'],
    [S.FIXED_4_BYTES, S.STRING_SCHEMA, 'reader type: FIXED not compatible with writer type: STRING', '/'],
    [S.STRING_SCHEMA, S.BOOLEAN_SCHEMA, 'reader type: STRING not compatible with writer type: BOOLEAN', '/'],
    [S.STRING_SCHEMA, S.INT_SCHEMA, 'reader type: STRING not compatible with writer type: INT', '/'],
    [S.BYTES_SCHEMA, S.NULL_SCHEMA, 'reader type: BYTES not compatible with writer type: NULL', '/'],
    [S.BYTES_SCHEMA, S.INT_SCHEMA, 'reader type: BYTES not compatible with writer type: INT', '/'],
    [S.A_INT_RECORD1, S.INT_SCHEMA, 'reader type: RECORD not compatible with writer type: INT', '/'],
    [
      S.INT_ARRAY_SCHEMA,
      S.LONG_ARRAY_SCHEMA,
      'reader type: INT not compatible with writer type: LONG',
      '/items',
    ],
    [S.INT_MAP_SCHEMA, S.INT_ARRAY_SCHEMA, 'reader type: MAP not compatible with writer type: ARRAY', '/'],
    [S.INT_ARRAY_SCHEMA, S.INT_MAP_SCHEMA, 'reader type: ARRAY not compatible with writer type: MAP', '/'],
    [
      S.INT_MAP_SCHEMA,
      S.LONG_MAP_SCHEMA,
      'reader type: INT not compatible with writer type: LONG',
      '/values',
    ],
    [S.INT_SCHEMA, S.ENUM2_AB_SCHEMA, 'reader type: INT not compatible with writer type: ENUM', '/'],
    [S.ENUM2_AB_SCHEMA, S.INT_SCHEMA, 'reader type: ENUM not compatible with writer type: INT', '/'],
    [
      S.FLOAT_SCHEMA,
      S.INT_LONG_FLOAT_DOUBLE_UNION_SCHEMA,
      'reader type: FLOAT not compatible with writer type: DOUBLE',
      '/3',
    ],
    [
      S.LONG_SCHEMA,
      S.INT_FLOAT_UNION_SCHEMA,
      'reader type: LONG not compatible with writer type: FLOAT',
      '/1',
    ],
    [S.INT_SCHEMA, S.INT_FLOAT_UNION_SCHEMA, 'reader type: INT not compatible with writer type: FLOAT', '/1'],
    [
      S.INT_LIST_RECORD,
      S.LONG_LIST_RECORD,
      'reader type: INT not compatible with writer type: LONG',
      '/fields/0/type',
    ],
    [
      S.INT_SCHEMA,
      S.INT_STRING_UNION_SCHEMA,
      'reader type: INT not compatible with writer type: STRING',
      '/1',
    ],
    [
      S.A_DINT_RECORD1,
      S.A_DINT_OPTIONAL_RECORD1,
      'reader type: INT not compatible with writer type: NULL',
      '/fields/0/type/0',
    ],
  ];
  it.each(cases)('case %#', (...c) => expectSingle('TYPE_MISMATCH', c));
});

describe('Avro TestSchemaCompatibilityMissingUnionBranch', () => {
  const cases: Array<[AvroSchema, AvroSchema, string[], string[]]> = [
    [S.INT_UNION_SCHEMA, S.INT_STRING_UNION_SCHEMA, ['reader union lacking writer type: STRING'], ['/1']],
    [S.STRING_UNION_SCHEMA, S.INT_STRING_UNION_SCHEMA, ['reader union lacking writer type: INT'], ['/0']],
    [S.INT_UNION_SCHEMA, S.UNION_INT_RECORD1, ['reader union lacking writer type: RECORD'], ['/1']],
    [S.INT_UNION_SCHEMA, S.UNION_INT_RECORD2, ['reader union lacking writer type: RECORD'], ['/1']],
    // The nested NAME_MISMATCH is not reported, only the branch.
    [S.UNION_INT_RECORD1, S.UNION_INT_RECORD2, ['reader union lacking writer type: RECORD'], ['/1']],
    [S.INT_UNION_SCHEMA, S.UNION_INT_ENUM1_AB, ['reader union lacking writer type: ENUM'], ['/1']],
    [S.INT_UNION_SCHEMA, S.UNION_INT_FIXED_4_BYTES, ['reader union lacking writer type: FIXED'], ['/1']],
    [S.INT_UNION_SCHEMA, S.UNION_INT_BOOLEAN, ['reader union lacking writer type: BOOLEAN'], ['/1']],
    [S.INT_UNION_SCHEMA, S.LONG_UNION_SCHEMA, ['reader union lacking writer type: LONG'], ['/0']],
    [S.INT_UNION_SCHEMA, S.FLOAT_UNION_SCHEMA, ['reader union lacking writer type: FLOAT'], ['/0']],
    [S.INT_UNION_SCHEMA, S.DOUBLE_UNION_SCHEMA, ['reader union lacking writer type: DOUBLE'], ['/0']],
    [S.INT_UNION_SCHEMA, S.BYTES_UNION_SCHEMA, ['reader union lacking writer type: BYTES'], ['/0']],
    [S.INT_UNION_SCHEMA, S.UNION_INT_ARRAY_INT, ['reader union lacking writer type: ARRAY'], ['/1']],
    [S.INT_UNION_SCHEMA, S.UNION_INT_MAP_INT, ['reader union lacking writer type: MAP'], ['/1']],
    [S.INT_UNION_SCHEMA, S.UNION_INT_NULL, ['reader union lacking writer type: NULL'], ['/1']],
    [
      S.INT_UNION_SCHEMA,
      S.INT_LONG_FLOAT_DOUBLE_UNION_SCHEMA,
      [
        'reader union lacking writer type: LONG',
        'reader union lacking writer type: FLOAT',
        'reader union lacking writer type: DOUBLE',
      ],
      ['/1', '/2', '/3'],
    ],
    [
      S.A_DINT_B_DINT_UNION_RECORD1,
      S.A_DINT_B_DINT_STRING_UNION_RECORD1,
      ['reader union lacking writer type: STRING'],
      ['/fields/1/type/1'],
    ],
  ];
  it.each(cases)('case %#', (reader, writer, messages, locations) => {
    const result = checkCompatibility(reader, writer);
    expect(result.compatible).toBe(false);
    expect(result.incompatibilities).toEqual(
      messages.map((message, i) => ({ type: 'MISSING_UNION_BRANCH', message, location: locations[i] })),
    );
  });
});

describe('Avro TestSchemaCompatibilityNameMismatch', () => {
  const cases: Expected[] = [
    [S.ENUM1_AB_SCHEMA, S.ENUM2_AB_SCHEMA, 'expected: Enum2', '/name'],
    [S.EMPTY_RECORD2, S.EMPTY_RECORD1, 'expected: Record1', '/name'],
    [S.FIXED_4_BYTES, S.FIXED_4_ANOTHER_NAME, 'expected: AnotherName', '/name'],
    [S.A_DINT_B_DENUM_1_RECORD1, S.A_DINT_B_DENUM_2_RECORD1, 'expected: Enum2', '/fields/1/type/name'],
  ];
  it.each(cases)('case %#', (...c) => expectSingle('NAME_MISMATCH', c));
});

describe('Avro TestSchemaCompatibilityFixedSizeMismatch', () => {
  const cases: Expected[] = [
    [S.FIXED_4_BYTES, S.FIXED_8_BYTES, 'expected: 8, found: 4', '/size'],
    [S.FIXED_8_BYTES, S.FIXED_4_BYTES, 'expected: 4, found: 8', '/size'],
    [
      S.A_DINT_B_DFIXED_8_BYTES_RECORD1,
      S.A_DINT_B_DFIXED_4_BYTES_RECORD1,
      'expected: 4, found: 8',
      '/fields/1/type/size',
    ],
    [
      S.A_DINT_B_DFIXED_4_BYTES_RECORD1,
      S.A_DINT_B_DFIXED_8_BYTES_RECORD1,
      'expected: 8, found: 4',
      '/fields/1/type/size',
    ],
  ];
  it.each(cases)('case %#', (...c) => expectSingle('FIXED_SIZE_MISMATCH', c));
});

describe('Avro TestSchemaCompatibilityMissingEnumSymbols', () => {
  const cases: Expected[] = [
    [S.ENUM1_AB_SCHEMA, S.ENUM1_ABC_SCHEMA, '[C]', '/symbols'],
    [S.ENUM1_BC_SCHEMA, S.ENUM1_ABC_SCHEMA, '[A]', '/symbols'],
    [S.RECORD1_WITH_ENUM_AB, S.RECORD1_WITH_ENUM_ABC, '[C]', '/fields/0/type/symbols'],
  ];
  it.each(cases)('case %#', (...c) => expectSingle('MISSING_ENUM_SYMBOLS', c));

  it('a reader enum default that is one of its symbols waives missing symbols', () => {
    expect(
      checkCompatibility(S.ENUM_AB_ENUM_DEFAULT_A_SCHEMA, S.ENUM_ABC_ENUM_DEFAULT_A_SCHEMA).compatible,
    ).toBe(true);
  });
});

describe('Avro TestSchemaCompatibilityReaderFieldMissingDefaultValue', () => {
  const cases: Expected[] = [
    [S.A_INT_RECORD1, S.EMPTY_RECORD1, 'a', '/fields/0'],
    [S.A_INT_B_DINT_RECORD1, S.EMPTY_RECORD1, 'a', '/fields/0'],
  ];
  it.each(cases)('case %#', (reader, writer, message, location) => {
    expect(checkCompatibility(reader, writer).incompatibilities).toEqual([
      { type: 'READER_FIELD_MISSING_DEFAULT_VALUE', message, location },
    ]);
  });

  it('a missing enum field with an enum default is checked against the writer record (TYPE_MISMATCH)', () => {
    const reader = parseSchema({
      type: 'record',
      name: 'R',
      fields: [{ name: 'e', type: { type: 'enum', name: 'E', symbols: ['A'], default: 'A' } }],
    });
    const writer = parseSchema({ type: 'record', name: 'R', fields: [] });
    expect(checkCompatibility(reader, writer).incompatibilities).toEqual([
      {
        type: 'TYPE_MISMATCH',
        message: 'reader type: ENUM not compatible with writer type: RECORD',
        location: '/fields/0/type',
      },
    ]);
  });
});

describe('Avro TestSchemaCompatibilityMultiple', () => {
  it('reports all nine kinds of problems with their locations, in Java order', () => {
    const reader = parseSchema({
      type: 'record',
      name: 'base',
      fields: [
        {
          name: 'check_enum_symbols_field',
          type: { type: 'enum', name: 'check_enum_symbols_type', symbols: ['A', 'C'] },
        },
        {
          name: 'check_enum_name_field',
          type: { type: 'enum', name: 'check_enum_name_type', symbols: ['A', 'B', 'C', 'D'] },
        },
        { name: 'type_mismatch_field', type: 'string' },
        {
          name: 'sub_record',
          type: {
            type: 'record',
            name: 'sub_record_type',
            fields: [
              { name: 'identical_1_field', type: 'long', default: 42 },
              { name: 'extra_no_default_field', type: 'long' },
              {
                name: 'fixed_length_mismatch_field',
                type: { type: 'fixed', name: 'fixed_length_mismatch_type', size: 4 },
              },
              { name: 'union_missing_branches_field', type: ['boolean'] },
              { name: 'reader_union_does_not_support_type_field', type: ['boolean'] },
              {
                name: 'record_fqn_mismatch_field',
                type: {
                  type: 'record',
                  name: 'recordA',
                  namespace: 'not_nsA',
                  fields: [
                    { name: 'A_field_0', type: 'boolean', default: true },
                    { name: 'array_type_mismatch_field', type: { type: 'array', items: 'string' } },
                  ],
                },
              },
            ],
          },
        },
      ],
    });
    const writer = parseSchema({
      type: 'record',
      name: 'base',
      fields: [
        {
          name: 'check_enum_symbols_field',
          type: { type: 'enum', name: 'check_enum_symbols_type', symbols: ['A', 'B', 'C', 'D'] },
        },
        {
          name: 'check_enum_name_field',
          type: { type: 'enum', name: 'check_enum_name_type_ERR', symbols: ['A', 'B', 'C', 'D'] },
        },
        { name: 'type_mismatch_field', type: 'long' },
        {
          name: 'sub_record',
          type: {
            type: 'record',
            name: 'sub_record_type',
            fields: [
              { name: 'identical_1_field', type: 'long', default: 42 },
              {
                name: 'fixed_length_mismatch_field',
                type: { type: 'fixed', name: 'fixed_length_mismatch_type', size: 8 },
              },
              { name: 'union_missing_branches_field', type: ['boolean', 'double', 'string'] },
              { name: 'reader_union_does_not_support_type_field', type: 'long' },
              {
                name: 'record_fqn_mismatch_field',
                type: {
                  type: 'record',
                  name: 'recordA',
                  namespace: 'nsA',
                  fields: [
                    { name: 'A_field_0', type: 'boolean', default: true },
                    { name: 'array_type_mismatch_field', type: { type: 'array', items: 'boolean' } },
                  ],
                },
              },
            ],
          },
        },
      ],
    });
    const result = checkCompatibility(reader, writer);
    // Avro releases that compared full names also reported NAME_MISMATCH "expected: nsA.recordA" here; current Avro
    // compares unqualified names, so not_nsA.recordA reads nsA.recordA.
    expect(result.incompatibilities).toEqual([
      { type: 'MISSING_ENUM_SYMBOLS', message: '[B, D]', location: '/fields/0/type/symbols' },
      {
        type: 'NAME_MISMATCH',
        message: 'expected: check_enum_name_type_ERR',
        location: '/fields/1/type/name',
      },
      {
        type: 'TYPE_MISMATCH',
        message: 'reader type: STRING not compatible with writer type: LONG',
        location: '/fields/2/type',
      },
      {
        type: 'READER_FIELD_MISSING_DEFAULT_VALUE',
        message: 'extra_no_default_field',
        location: '/fields/3/type/fields/1',
      },
      {
        type: 'FIXED_SIZE_MISMATCH',
        message: 'expected: 8, found: 4',
        location: '/fields/3/type/fields/2/type/size',
      },
      {
        type: 'MISSING_UNION_BRANCH',
        message: 'reader union lacking writer type: DOUBLE',
        location: '/fields/3/type/fields/3/type/1',
      },
      {
        type: 'MISSING_UNION_BRANCH',
        message: 'reader union lacking writer type: STRING',
        location: '/fields/3/type/fields/3/type/2',
      },
      {
        type: 'MISSING_UNION_BRANCH',
        message: 'reader union lacking writer type: LONG',
        location: '/fields/3/type/fields/4/type',
      },
      {
        type: 'TYPE_MISMATCH',
        message: 'reader type: STRING not compatible with writer type: BOOLEAN',
        location: '/fields/3/type/fields/5/type/fields/1/type/items',
      },
    ]);
  });
});

describe('names, aliases, promotions and recursion', () => {
  const writer = parseSchema({
    type: 'record',
    name: 'foo',
    fields: [
      { name: 'f1', type: 'int' },
      { name: 'f2', type: 'string' },
    ],
  });

  it('matches a renamed field through the reader field alias', () => {
    const reader = parseSchema({
      type: 'record',
      name: 'foo',
      fields: [{ name: 'bar', type: 'int', aliases: ['f1'] }],
    });
    expect(checkCompatibility(reader, writer).compatible).toBe(true);
  });

  it('matches a renamed record through the reader type alias (fully qualified)', () => {
    const reader = parseSchema({
      type: 'record',
      name: 'other',
      aliases: ['foo'],
      fields: [{ name: 'f1', type: 'int' }],
    });
    expect(checkCompatibility(reader, writer).compatible).toBe(true);
    const nsWriter = parseSchema({ type: 'record', name: 'x.foo', fields: [] });
    const nsReader = parseSchema({ type: 'record', name: 'y.other', aliases: ['x.foo'], fields: [] });
    expect(checkCompatibility(nsReader, nsWriter).compatible).toBe(true);
  });

  it('ignores writer aliases', () => {
    const aliasedWriter = parseSchema({
      type: 'record',
      name: 'foo',
      fields: [{ name: 'f9', type: 'int', aliases: ['bar'] }],
    });
    const reader = parseSchema({ type: 'record', name: 'foo', fields: [{ name: 'bar', type: 'int' }] });
    expect(checkCompatibility(reader, aliasedWriter).incompatibilities).toEqual([
      { type: 'READER_FIELD_MISSING_DEFAULT_VALUE', message: 'bar', location: '/fields/0' },
    ]);
  });

  it('compares unqualified names, so a namespace change alone is compatible (as Java does)', () => {
    const a = parseSchema({ type: 'record', name: 'com.a.Order', fields: [] });
    const b = parseSchema({ type: 'record', name: 'com.b.Order', fields: [] });
    expect(checkCompatibility(a, b).compatible).toBe(true);
  });

  it('rejects an ambiguous alias the way Java does', () => {
    const reader = parseSchema({
      type: 'record',
      name: 'foo',
      fields: [{ name: 'f1', type: 'int', aliases: ['f2'] }],
    });
    expect(() => checkCompatibility(reader, writer)).toThrow(/matches multiple fields/);
  });

  it('terminates on mutually recursive schemas and finds nested problems', () => {
    const tree = (leaf: string) =>
      parseSchema({
        type: 'record',
        name: 'Node',
        fields: [
          { name: 'value', type: leaf },
          { name: 'children', type: { type: 'array', items: 'Node' } },
        ],
      });
    expect(checkCompatibility(tree('long'), tree('int')).compatible).toBe(true);
    expect(checkCompatibility(tree('int'), tree('long')).incompatibilities).toEqual([
      {
        type: 'TYPE_MISMATCH',
        message: 'reader type: INT not compatible with writer type: LONG',
        location: '/fields/0/type',
      },
    ]);
  });

  it('ignores logical types, docs, order and writer defaults', () => {
    const r = parseSchema({
      type: 'record',
      name: 'R',
      doc: 'x',
      fields: [{ name: 't', type: 'long', order: 'descending' }],
    });
    const w = parseSchema({
      type: 'record',
      name: 'R',
      fields: [{ name: 't', type: { type: 'long', logicalType: 'timestamp-millis' }, default: 5 }],
    });
    expect(checkCompatibility(r, w).compatible).toBe(true);
  });

  it('accepts JSON text and JSON values as well as parsed schemas', () => {
    expect(checkCompatibility('"long"', 'int').compatible).toBe(true);
    expect(checkCompatibility({ type: 'int' }, '"long"').incompatibilities[0]?.type).toBe('TYPE_MISMATCH');
  });

  it('escapes JSON pointer tokens', () => {
    // Field names cannot contain '/', but the pointer rendering is RFC 6901 all the same.
    expect(checkCompatibility(S.INT_MAP_SCHEMA, S.LONG_MAP_SCHEMA).incompatibilities[0]?.location).toBe(
      '/values',
    );
  });
});
