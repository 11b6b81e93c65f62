import fc from 'fast-check';
import type { AvscType } from '../../src/serde/avro-types.js';

/** Random values of avsc types, shared by the compiled codec's and resolver's tests. */

/** Strings with every width of UTF-8 (and lengths around the codec's one-byte length and short-string limits). */
const stringArb = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.string({ unit: fc.constantFrom('a', 'é', '€', '😀'), minLength: 0, maxLength: 70 }),
);

/** Values of an avsc type in its representation (unwrapped or wrapped unions). */
export function valueArb(type: AvscType): fc.Arbitrary<unknown> {
  const t = type as AvscType & {
    fields: { name: string; type: AvscType }[];
    symbols: string[];
    size: number;
    itemsType: AvscType;
    valuesType: AvscType;
    types: AvscType[];
    branchName: string;
  };
  switch (type.typeName) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'int':
      return fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    case 'long':
      return fc.oneof(fc.integer(), fc.integer({ min: -9007199254740990, max: 9007199254740990 }));
    case 'float':
    case 'double':
      return fc.double();
    case 'string':
      return stringArb;
    case 'bytes':
      return fc.uint8Array({ maxLength: 80 }).map((bytes) => Buffer.from(bytes));
    case 'fixed':
      return fc.uint8Array({ minLength: t.size, maxLength: t.size }).map((bytes) => Buffer.from(bytes));
    case 'enum':
      return fc.constantFrom(...t.symbols);
    case 'array':
      return fc.array(valueArb(t.itemsType), { maxLength: 4 });
    case 'map':
      return fc.dictionary(stringArb, valueArb(t.valuesType), { maxKeys: 4 });
    case 'record':
      return fc.record(Object.fromEntries(t.fields.map((field) => [field.name, valueArb(field.type)])));
    case 'union:unwrapped':
      return fc.oneof(...t.types.map(valueArb));
    case 'union:wrapped':
      return fc.oneof(
        ...t.types.map((branch) =>
          branch.typeName === 'null'
            ? fc.constant(null)
            : valueArb(branch).map((value) => ({ [(branch as typeof t).branchName]: value })),
        ),
      );
    default:
      throw new Error(`no values for ${type.typeName}`);
  }
}
