import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diffJsonSchemas, incompatibleDifferences } from '../../../src/compatibility/json-schema/diff.js';
import { dialectOf } from '../../../src/json-schema/dialects.js';
import { loadSchemaModel } from '../../../src/json-schema/load-model.js';

/**
 * Confluent's JSON Schema compatibility cases (SchemaDiffTest's data files), run as data: every case's changes
 * (type and path) and its verdict under the STRICT and LENIENT policies. Confluent's diff iterates properties in
 * Java HashSet order, so the changes are compared as a multiset.
 */
interface DiffCase {
  description: string;
  original_schema: unknown;
  update_schema: unknown;
  changes: string[];
  compatible: boolean;
  compatible_lenient?: boolean;
}

function fixture(name: string): DiffCase[] {
  const url = new URL(`./fixtures/${name}`, import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { cases: DiffCase[] }).cases;
}

const model = (schema: unknown) => loadSchemaModel(schema, dialectOf(schema));

describe.each([
  'diff-schema-examples.json',
  'diff-schema-examples-2020-12.json',
  'diff-combined-schema-examples.json',
  'diff-combined-schema-examples-2020-12.json',
])('Confluent JSON Schema diff cases: %s', (file) => {
  it.each(fixture(file).map((c) => [c.description, c] as const))('%s', (_description, testCase) => {
    const differences = diffJsonSchemas(model(testCase.original_schema), model(testCase.update_schema));
    const changes = differences.map((d) => `${d.type} ${d.path}`);
    expect([...changes].sort()).toEqual([...testCase.changes].sort());
    expect(incompatibleDifferences(differences, 'STRICT').length === 0).toBe(testCase.compatible);
    const lenient = testCase.compatible_lenient ?? testCase.compatible;
    expect(incompatibleDifferences(differences, 'LENIENT').length === 0).toBe(lenient);
  });
});

/** The one-off cases of Confluent's SchemaDiffTest. */
describe('Confluent SchemaDiffTest one-off cases', () => {
  const compatibleStrict = (original: unknown, update: unknown) =>
    incompatibleDifferences(diffJsonSchemas(model(original), model(update))).length === 0;

  it('a fractional multipleOf that the new one divides is MULTIPLE_OF_EXPANDED', () => {
    const differences = diffJsonSchemas(
      model({ type: 'number', multipleOf: 0.5 }),
      model({ type: 'number', multipleOf: 10 }),
    );
    expect(differences).toEqual([{ type: 'MULTIPLE_OF_EXPANDED', path: '#/multipleOf' }]);
  });

  it('multipleOf 0.5 and 0.50 are the same', () => {
    expect(
      diffJsonSchemas(
        model({ type: 'number', multipleOf: 0.5 }),
        model(JSON.parse('{"type":"number","multipleOf":0.50}')),
      ),
    ).toEqual([]);
  });

  it('a recursive schema compared with itself has no differences', () => {
    const schema = JSON.parse(
      readFileSync(new URL('./fixtures/recursive-schema.json', import.meta.url), 'utf8'),
    );
    expect(diffJsonSchemas(model(schema), model(structuredClone(schema)))).toEqual([]);
  });

  const types = [
    'Asset',
    'Basket',
    'Swap',
    'Bond',
    'Option',
    'Future',
    'Forward',
    'Loan',
    'Repo',
    'Equity',
    'Index',
    'CommodityLeg',
  ];
  const union = () => ({ oneOf: types.map((type) => ({ $ref: `#/definitions/${type}` })) });
  const trade = (idType = 'string') => ({
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Trade',
    type: 'object',
    additionalProperties: true,
    definitions: Object.fromEntries(
      types.map((type) => [
        type,
        {
          type: 'object',
          properties: {
            id: { type: type === 'Asset' ? idType : 'string' },
            underlying: union(),
            referenceProduct: union(),
          },
        },
      ]),
    ),
    properties: { tradeId: { type: 'string' }, product: union() },
  });

  it('a recursive oneOf union compared with itself terminates without differences', () => {
    expect(diffJsonSchemas(model(trade()), model(trade()))).toEqual([]);
  });

  it('memoization does not hide a type change deep in a recursive oneOf', () => {
    expect(diffJsonSchemas(model(trade()), model(trade('number')))).not.toEqual([]);
  });

  it('cross-branch memoization does not mask an incompatibility behind a recursive cycle', () => {
    const recursive = (idType: string, target: string) => ({
      type: 'object',
      additionalProperties: true,
      properties: { id: { type: idType }, ref: { oneOf: [{ $ref: `#/definitions/${target}` }] } },
    });
    const schema = (t0: string, t1: string) => ({
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      additionalProperties: true,
      definitions: { T0: recursive(t0, 'T2'), T1: recursive(t1, 'T2'), T2: recursive('integer', 'T0') },
      properties: { root: { oneOf: [{ $ref: '#/definitions/T0' }, { $ref: '#/definitions/T1' }] } },
    });
    expect(compatibleStrict(schema('integer', 'boolean'), schema('boolean', 'number'))).toBe(false);
  });

  it('changing {} into an object schema is incompatible', () => {
    expect(diffJsonSchemas(model({}), model({ properties: {} }))).not.toEqual([]);
  });

  it('two connect.type bytes fields are equivalent whatever their JSON type', () => {
    const decimal = (type: string) => ({
      type,
      title: 'org.apache.kafka.connect.data.Decimal',
      'connect.version': 1,
      'connect.type': 'bytes',
      'connect.parameters': { scale: '2' },
    });
    expect(diffJsonSchemas(model(decimal('string')), model(decimal('number')))).toEqual([]);
  });
});

describe('hostile schemas', () => {
  it('a chain of references deeper than the diff allows is refused with a typed error, not a stack overflow', () => {
    const definitions: Record<string, unknown> = {};
    const n = 3000;
    for (let i = 0; i < n; i++) {
      definitions[`D${i}`] = {
        type: 'object',
        properties: { next: i + 1 < n ? { $ref: `#/definitions/D${i + 1}` } : { type: 'string' } },
      };
    }
    const schema = { definitions, $ref: '#/definitions/D0' };
    expect(() => diffJsonSchemas(model(schema), model(structuredClone(schema)))).toThrow(
      /nest more than 800 levels deep/,
    );
  });
});
