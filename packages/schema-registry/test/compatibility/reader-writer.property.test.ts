import avsc from 'avsc';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toCanonicalString } from '../../src/avro/canonical.js';
import { parseSchema } from '../../src/avro/parse.js';
import { checkCompatibility } from '../../src/compatibility/reader-writer.js';

// Property tests: the checker against avsc's resolver, an independent implementation of Avro schema resolution, on
// random schema pairs (a writer and a mutation of it). Where the checker says "compatible", avsc must be able to
// read every writer value with the reader; where it says "incompatible", avsc must refuse to build a resolver.

type Json = unknown;
const PRIMITIVES = ['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string'] as const;

const schemaArb: fc.Arbitrary<Json> = fc.letrec<{ node: Json }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...PRIMITIVES),
    fc.record({ type: fc.constant('array'), items: tie('node') }),
    fc.record({ type: fc.constant('map'), values: tie('node') }),
    fc.record({
      type: fc.constant('enum'),
      symbols: fc.uniqueArray(fc.constantFrom('A', 'B', 'C', 'D'), { minLength: 1, maxLength: 4 }),
    }),
    fc.record({ type: fc.constant('fixed'), size: fc.integer({ min: 0, max: 4 }) }),
    fc.record({
      type: fc.constant('record'),
      fields: fc.uniqueArray(fc.record({ name: fc.constantFrom('a', 'b', 'c', 'd'), type: tie('node') }), {
        maxLength: 3,
        selector: (f) => f.name,
      }),
    }),
    fc.uniqueArray(fc.constantFrom(...PRIMITIVES), { minLength: 1, maxLength: 3 }),
  ),
})).node;

/** Gives named types unique names in traversal order (so reader and writer mutations keep matching names). */
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

/** Walks the tree and applies one mutation at the chosen node. */
function countNodes(node: Json): number {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return 1;
  const obj = node as Record<string, unknown>;
  if (obj.type === 'array') return 1 + countNodes(obj.items);
  if (obj.type === 'map') return 1 + countNodes(obj.values);
  if (obj.type === 'record') {
    return 1 + (obj.fields as Array<{ type: Json }>).reduce((sum, f) => sum + countNodes(f.type), 0);
  }
  return 1;
}

function mutate(schema: Json, pick: number, kind: number): Json {
  const target = pick % countNodes(schema);
  let index = 0;
  const visit = (node: Json): Json => {
    const here = index++;
    if (here === target) return change(node, kind);
    if (Array.isArray(node)) return node;
    if (typeof node !== 'object' || node === null) return node;
    const copy = { ...(node as Record<string, unknown>) };
    if (copy.type === 'array') copy.items = visit(copy.items);
    if (copy.type === 'map') copy.values = visit(copy.values);
    if (copy.type === 'record') {
      copy.fields = (copy.fields as Array<Record<string, unknown>>).map((f) => ({
        ...f,
        type: visit(f.type),
      }));
    }
    return copy;
  };
  return visit(schema);
}

function change(node: Json, kind: number): Json {
  const primitive = PRIMITIVES[kind % PRIMITIVES.length]!;
  if (typeof node === 'string') {
    return kind % 3 === 0 ? ['null', node === 'null' ? 'int' : node] : primitive;
  }
  if (Array.isArray(node)) {
    if (kind % 2 === 0 && node.length > 1) return node.slice(1);
    return node.includes(primitive) ? node : [...node, primitive];
  }
  const obj = node as Record<string, unknown>;
  switch (obj.type) {
    case 'enum': {
      const symbols = obj.symbols as string[];
      if (kind % 3 === 0) return { ...obj, symbols: [...new Set([...symbols, 'E'])] };
      if (kind % 3 === 1 && symbols.length > 1) return { ...obj, symbols: symbols.slice(1) };
      return {
        ...obj,
        symbols: symbols.length > 1 ? symbols.slice(1) : symbols,
        default: symbols[symbols.length > 1 ? 1 : 0],
      };
    }
    case 'fixed':
      return kind % 2 === 0 ? { ...obj, size: (obj.size as number) + 1 } : { ...obj, name: 'Renamed' };
    case 'record': {
      const fields = obj.fields as Array<Record<string, unknown>>;
      switch (kind % 4) {
        case 0:
          return { ...obj, fields: [...fields.filter((f) => f.name !== 'z'), { name: 'z', type: 'int' }] };
        case 1:
          return {
            ...obj,
            fields: [...fields.filter((f) => f.name !== 'z'), { name: 'z', type: 'int', default: 0 }],
          };
        case 2:
          return { ...obj, fields: fields.slice(1) };
        default:
          return { ...obj, name: 'Renamed', aliases: kind % 8 === 3 ? [obj.name] : undefined };
      }
    }
    default:
      return primitive;
  }
}

export const pairArb = fc
  .tuple(schemaArb, fc.nat(40), fc.nat(1000), fc.boolean())
  .map(([raw, target, kind, readerIsMutant]) => {
    const writer = nameTypes(raw);
    const mutant = mutate(writer, target, kind);
    return readerIsMutant ? { reader: mutant, writer } : { reader: writer, writer: mutant };
  })
  .filter(({ reader, writer }) => {
    try {
      parseSchema(JSON.stringify(reader));
      parseSchema(JSON.stringify(writer));
      avsc.Type.forSchema(reader as avsc.Schema);
      avsc.Type.forSchema(writer as avsc.Schema);
      return true;
    } catch {
      return false;
    }
  });

describe('property: the compatibility checker', () => {
  it('finds every schema compatible with itself and with an independently parsed copy', () => {
    fc.assert(
      fc.property(
        schemaArb.map((s) => nameTypes(s)),
        (json) => {
          const text = JSON.stringify(json);
          const schema = parseSchema(text);
          expect(checkCompatibility(schema, schema).compatible).toBe(true);
          expect(checkCompatibility(parseSchema(text), schema).compatible).toBe(true);
          expect(toCanonicalString(parseSchema(toCanonicalString(schema)))).toBe(toCanonicalString(schema));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('agrees with avsc: compatible pairs decode every writer value, incompatible pairs do not resolve', () => {
    fc.assert(
      fc.property(pairArb, ({ reader, writer }) => {
        const verdict = checkCompatibility(JSON.stringify(reader), JSON.stringify(writer));
        const readerType = avsc.Type.forSchema(reader as avsc.Schema);
        const writerType = avsc.Type.forSchema(writer as avsc.Schema);
        let resolver: ReturnType<typeof readerType.createResolver> | undefined;
        try {
          resolver = readerType.createResolver(writerType, { ignoreNamespaces: true });
        } catch {
          resolver = undefined;
        }
        if (verdict.compatible) {
          expect(
            resolver,
            `avsc refused a pair the checker accepts: ${JSON.stringify({ reader, writer })}`,
          ).toBeDefined();
          for (let i = 0; i < 5; i++) {
            const value = writerType.random();
            const decoded = readerType.fromBuffer(writerType.toBuffer(value), resolver);
            expect(readerType.isValid(decoded)).toBe(true);
          }
        } else {
          expect(
            resolver,
            `avsc resolved a pair the checker rejects (${JSON.stringify(verdict.incompatibilities)}): ${JSON.stringify({ reader, writer })}`,
          ).toBeUndefined();
        }
      }),
      { numRuns: 1000 },
    );
  });
});
