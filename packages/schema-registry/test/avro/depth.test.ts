import { describe, expect, it } from 'vitest';
import { typeNestingDepth } from '../../src/avro/depth.js';
import { parseSchema } from '../../src/avro/parse.js';
import { arrays, namedChain, records, unions } from '../fixtures/deep-schemas.js';

const depthOf = (schema: unknown) =>
  typeNestingDepth(
    parseSchema(typeof schema === 'string' ? schema : JSON.stringify(schema), {
      maxNestingDepth: Number.POSITIVE_INFINITY,
    }),
  );

describe('typeNestingDepth', () => {
  it('counts arrays, maps, unions and records; primitives, enums and fixed add nothing', () => {
    expect(depthOf('"int"')).toBe(0);
    expect(depthOf({ type: 'enum', name: 'E', symbols: ['A'] })).toBe(0);
    expect(depthOf({ type: 'fixed', name: 'F', size: 4 })).toBe(0);
    expect(depthOf({ type: 'array', items: 'int' })).toBe(1);
    expect(depthOf({ type: 'map', values: { type: 'array', items: 'int' } })).toBe(2);
    expect(depthOf(['null', { type: 'array', items: 'int' }])).toBe(2);
    expect(depthOf({ type: 'record', name: 'R', fields: [] })).toBe(1);
    expect(
      depthOf({
        type: 'record',
        name: 'R',
        fields: [
          { name: 'a', type: 'int' },
          { name: 'b', type: { type: 'map', values: ['null', 'string'] } },
        ],
      }),
    ).toBe(3);
  });

  it('follows a named type to where it is used', () => {
    expect(depthOf(namedChain.schema(10))).toBe(12);
    const reused = {
      type: 'record',
      name: 'Outer',
      fields: [
        { name: 'inner', type: { type: 'record', name: 'Inner', fields: [{ name: 'x', type: 'int' }] } },
        { name: 'deeper', type: { type: 'array', items: { type: 'array', items: 'Inner' } } },
      ],
    };
    expect(depthOf(reused)).toBe(4);
  });

  it('ends a path at a type used inside itself', () => {
    const list = {
      type: 'record',
      name: 'Node',
      fields: [{ name: 'next', type: ['null', 'Node'] }],
    };
    expect(depthOf(list)).toBe(2);
  });

  it('measures schemas of any depth without recursing on the stack', () => {
    expect(depthOf(arrays.schema(50_000))).toBe(50_000);
    expect(depthOf(unions.schema(20_000))).toBe(40_000);
    expect(depthOf(records.schema(20_000))).toBe(20_000);
  });
});
