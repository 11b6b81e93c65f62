import { parseSchema } from '../../src/avro/parse.js';

/** The fixtures of Apache Avro's TestSchemas.java, written as JSON and parsed once each (identity matters). */
const p = (json: unknown) => parseSchema(json);
const record = (name: string, fields: unknown[], extra: Record<string, unknown> = {}) =>
  p({ type: 'record', name, fields, ...extra });

export const NULL_SCHEMA = p('null');
export const BOOLEAN_SCHEMA = p('boolean');
export const INT_SCHEMA = p('int');
export const LONG_SCHEMA = p('long');
export const FLOAT_SCHEMA = p('float');
export const DOUBLE_SCHEMA = p('double');
export const STRING_SCHEMA = p('string');
export const BYTES_SCHEMA = p('bytes');

export const INT_ARRAY_SCHEMA = p({ type: 'array', items: 'int' });
export const LONG_ARRAY_SCHEMA = p({ type: 'array', items: 'long' });
export const STRING_ARRAY_SCHEMA = p({ type: 'array', items: 'string' });
export const INT_MAP_SCHEMA = p({ type: 'map', values: 'int' });
export const LONG_MAP_SCHEMA = p({ type: 'map', values: 'long' });
export const STRING_MAP_SCHEMA = p({ type: 'map', values: 'string' });

const enumJson = (name: string, symbols: string[], extra: Record<string, unknown> = {}) => ({
  type: 'enum',
  name,
  symbols,
  ...extra,
});
export const ENUM1_AB_SCHEMA = p(enumJson('Enum1', ['A', 'B']));
export const ENUM1_ABC_SCHEMA = p(enumJson('Enum1', ['A', 'B', 'C']));
export const ENUM1_BC_SCHEMA = p(enumJson('Enum1', ['B', 'C']));
export const ENUM2_AB_SCHEMA = p(enumJson('Enum2', ['A', 'B']));
export const ENUM_ABC_ENUM_DEFAULT_A_SCHEMA = p(enumJson('Enum', ['A', 'B', 'C'], { default: 'A' }));
export const ENUM_AB_ENUM_DEFAULT_A_SCHEMA = p(enumJson('Enum', ['A', 'B'], { default: 'A' }));
export const ENUM_ABC_ENUM_DEFAULT_A_RECORD = record('Record', [
  { name: 'Field', type: enumJson('Enum', ['A', 'B', 'C'], { default: 'A' }) },
]);
export const ENUM_AB_ENUM_DEFAULT_A_RECORD = record('Record', [
  { name: 'Field', type: enumJson('Enum', ['A', 'B'], { default: 'A' }) },
]);
export const ENUM_ABC_FIELD_DEFAULT_B_ENUM_DEFAULT_A_RECORD = record('Record', [
  { name: 'Field', type: enumJson('Enum', ['A', 'B', 'C'], { default: 'A' }), default: 'B' },
]);
export const ENUM_AB_FIELD_DEFAULT_A_ENUM_DEFAULT_B_RECORD = record('Record', [
  { name: 'Field', type: enumJson('Enum', ['A', 'B'], { default: 'B' }), default: 'A' },
]);

export const EMPTY_UNION_SCHEMA = p([]);
export const NULL_UNION_SCHEMA = p(['null']);
export const INT_UNION_SCHEMA = p(['int']);
export const LONG_UNION_SCHEMA = p(['long']);
export const FLOAT_UNION_SCHEMA = p(['float']);
export const DOUBLE_UNION_SCHEMA = p(['double']);
export const STRING_UNION_SCHEMA = p(['string']);
export const BYTES_UNION_SCHEMA = p(['bytes']);
export const INT_STRING_UNION_SCHEMA = p(['int', 'string']);
export const STRING_INT_UNION_SCHEMA = p(['string', 'int']);
export const INT_FLOAT_UNION_SCHEMA = p(['int', 'float']);
export const INT_LONG_UNION_SCHEMA = p(['int', 'long']);
export const INT_LONG_FLOAT_DOUBLE_UNION_SCHEMA = p(['int', 'long', 'float', 'double']);
export const NULL_INT_ARRAY_UNION_SCHEMA = p(['null', { type: 'array', items: 'int' }]);
export const NULL_INT_MAP_UNION_SCHEMA = p(['null', { type: 'map', values: 'int' }]);

export const EMPTY_RECORD1 = record('Record1', []);
export const EMPTY_RECORD2 = record('Record2', []);
export const A_INT_RECORD1 = record('Record1', [{ name: 'a', type: 'int' }]);
export const A_LONG_RECORD1 = record('Record1', [{ name: 'a', type: 'long' }]);
export const A_INT_B_INT_RECORD1 = record('Record1', [
  { name: 'a', type: 'int' },
  { name: 'b', type: 'int' },
]);
export const A_DINT_RECORD1 = record('Record1', [{ name: 'a', type: 'int', default: 0 }]);
export const A_DINT_OPTIONAL_RECORD1 = record('Record1', [
  { name: 'a', type: ['null', 'int'], default: null },
]);
export const A_INT_B_DINT_RECORD1 = record('Record1', [
  { name: 'a', type: 'int' },
  { name: 'b', type: 'int', default: 0 },
]);
export const A_DINT_B_DINT_RECORD1 = record('Record1', [
  { name: 'a', type: 'int', default: 0 },
  { name: 'b', type: 'int', default: 0 },
]);
export const A_DINT_B_DFIXED_4_BYTES_RECORD1 = record('Record1', [
  { name: 'a', type: 'int', default: 0 },
  { name: 'b', type: { type: 'fixed', name: 'Fixed', size: 4 } },
]);
export const A_DINT_B_DFIXED_8_BYTES_RECORD1 = record('Record1', [
  { name: 'a', type: 'int', default: 0 },
  { name: 'b', type: { type: 'fixed', name: 'Fixed', size: 8 } },
]);
export const A_DINT_B_DINT_STRING_UNION_RECORD1 = record('Record1', [
  { name: 'a', type: 'int', default: 0 },
  { name: 'b', type: ['int', 'string'], default: 0 },
]);
export const A_DINT_B_DINT_UNION_RECORD1 = record('Record1', [
  { name: 'a', type: 'int', default: 0 },
  { name: 'b', type: ['int'], default: 0 },
]);
export const A_DINT_B_DENUM_1_RECORD1 = record('Record1', [
  { name: 'a', type: 'int', default: 0 },
  { name: 'b', type: enumJson('Enum1', ['A', 'B']) },
]);
export const A_DINT_B_DENUM_2_RECORD1 = record('Record1', [
  { name: 'a', type: 'int', default: 0 },
  { name: 'b', type: enumJson('Enum2', ['A', 'B']) },
]);

export const FIXED_4_BYTES = p({ type: 'fixed', name: 'Fixed', size: 4 });
export const FIXED_8_BYTES = p({ type: 'fixed', name: 'Fixed', size: 8 });
export const FIXED_4_ANOTHER_NAME = p({ type: 'fixed', name: 'AnotherName', size: 4 });

const innerArrayRecord = (namespace: string) =>
  record('Record1', [
    {
      name: 'f1',
      type: [
        'null',
        {
          type: 'array',
          items: { type: 'record', name: 'InnerRecord1', namespace, fields: [{ name: 'a', type: 'int' }] },
        },
      ],
    },
  ]);
export const NS_RECORD1 = innerArrayRecord('ns1');
export const NS_RECORD2 = innerArrayRecord('ns2');
export const WITHOUT_NAMESPACE_RECORD = record('Record', [{ name: 'f1', type: 'int' }]);
export const WITH_NAMESPACE_RECORD = record('ns.Record', [{ name: 'f1', type: 'int' }]);

// Recursive list records (TestSchemas.INT_LIST_RECORD / LONG_LIST_RECORD).
export const INT_LIST_RECORD = record('List', [
  { name: 'head', type: 'int', default: 0 },
  { name: 'tail', type: ['null', 'List'], default: null },
]);
export const LONG_LIST_RECORD = record('List', [
  { name: 'head', type: 'long', default: 0 },
  { name: 'tail', type: ['null', 'List'], default: null },
]);

export const UNION_INT_RECORD1 = p([
  'int',
  { type: 'record', name: 'Record1', fields: [{ name: 'field1', type: 'int' }] },
]);
export const UNION_INT_RECORD2 = p([
  'int',
  { type: 'record', name: 'Record2', fields: [{ name: 'field1', type: 'int' }] },
]);
export const UNION_INT_ENUM1_AB = p(['int', enumJson('Enum1', ['A', 'B'])]);
export const UNION_INT_FIXED_4_BYTES = p(['int', { type: 'fixed', name: 'Fixed', size: 4 }]);
export const UNION_INT_BOOLEAN = p(['int', 'boolean']);
export const UNION_INT_ARRAY_INT = p(['int', { type: 'array', items: 'int' }]);
export const UNION_INT_MAP_INT = p(['int', { type: 'map', values: 'int' }]);
export const UNION_INT_NULL = p(['int', 'null']);
export const RECORD1_WITH_ENUM_AB = record('Record1', [
  { name: 'field1', type: enumJson('Enum1', ['A', 'B']) },
]);
export const RECORD1_WITH_ENUM_ABC = record('Record1', [
  { name: 'field1', type: enumJson('Enum1', ['A', 'B', 'C']) },
]);
