import fc from 'fast-check';
import type { z } from 'zod';
import { decimalOf } from '../../src/typed/zod-decimal.js';

/**
 * A fast-check arbitrary of values a zod schema accepts, for the kinds the derived-schema mappings support. Test
 * support for the round-trip properties; recursion (z.lazy) is cut off after a few levels.
 */
export function arbitraryOf(schema: z.ZodType, depth = 0): fc.Arbitrary<unknown> {
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  const formats = [
    def.format,
    ...((def.checks as Array<{ _zod: { def: { format?: unknown } } }> | undefined) ?? []).map(
      (c) => c._zod.def.format,
    ),
  ];
  switch (def.type) {
    case 'string': {
      const decimal = decimalOf(schema);
      if (decimal) {
        const limit = 10n ** BigInt(decimal.precision) - 1n;
        return fc.bigInt({ min: -limit, max: limit }).map((unscaled) => {
          const negative = unscaled < 0n;
          const digits = (negative ? -unscaled : unscaled).toString().padStart(decimal.scale + 1, '0');
          const text =
            decimal.scale > 0 ? `${digits.slice(0, -decimal.scale)}.${digits.slice(-decimal.scale)}` : digits;
          return negative ? `-${text}` : text;
        });
      }
      if (formats.includes('uuid')) return fc.uuid({ version: 4 });
      if (formats.includes('datetime'))
        return fc
          .date({ min: new Date(0), max: new Date(4102444800000), noInvalidDate: true })
          .map((d) => d.toISOString());
      return fc.string({ unit: 'grapheme' });
    }
    case 'number':
      if (formats.includes('int32')) return fc.integer();
      // avsc writes an Avro long held as a JavaScript number exactly up to 2^52 (its zig-zag step doubles the value),
      // so z.int() values beyond that lose precision through the Avro serde: a documented limit.
      if (formats.includes('safeint')) return fc.integer({ min: -(2 ** 52), max: 2 ** 52 });
      if (formats.includes('float32'))
        return fc.float({ noNaN: true, noDefaultInfinity: true }).map((f) => Math.fround(f));
      return fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0));
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'date':
      return fc.date({ min: new Date(-8.64e14), max: new Date(8.64e14), noInvalidDate: true });
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries as Record<string, string>));
    case 'literal':
      return fc.constantFrom(...(def.values as unknown[]));
    case 'optional':
      return fc.option(arbitraryOf(def.innerType as z.ZodType, depth), { nil: undefined });
    case 'nullable':
      return fc.option(arbitraryOf(def.innerType as z.ZodType, depth), { nil: null });
    case 'default':
      return fc.option(arbitraryOf(def.innerType as z.ZodType, depth), { nil: undefined });
    case 'readonly':
      return arbitraryOf(def.innerType as z.ZodType, depth);
    case 'lazy':
      return arbitraryOf((def.getter as () => z.ZodType)(), depth + 1);
    case 'object': {
      const shape = def.shape as Record<string, z.ZodType>;
      const entries = Object.entries(shape).map(([key, field]) => [key, arbitraryOf(field, depth)] as const);
      return fc
        .record(Object.fromEntries(entries))
        .map((value) => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)));
    }
    case 'array':
      return fc.array(arbitraryOf(def.element as z.ZodType, depth + 1), { maxLength: depth > 2 ? 0 : 3 });
    case 'record':
      return fc.dictionary(
        fc.string({ unit: 'grapheme', maxLength: 5 }),
        arbitraryOf(def.valueType as z.ZodType, depth + 1),
        { maxKeys: depth > 2 ? 0 : 3 },
      );
    case 'union':
      return fc.oneof(...(def.options as z.ZodType[]).map((option) => arbitraryOf(option, depth)));
    default:
      throw new Error(`no arbitrary for z.${def.type}()`);
  }
}
