import { describe, expect, it } from 'vitest';
import {
  COMPATIBILITY_LEVELS,
  type CompatibilityLevel,
  checkSubjectCompatibility,
  parseCompatibilityLevel,
} from '../../src/compatibility/levels.js';
import { formatVersionMessages } from '../../src/compatibility/messages.js';

// The level scenarios of Confluent's AvroCompatibilityTest, on its schemas 1-8.
const record = (fields: unknown[]) => JSON.stringify({ type: 'record', name: 'myrecord', fields });
const schema1 = record([{ type: 'string', name: 'f1' }]);
const schema2 = record([
  { type: 'string', name: 'f1' },
  { type: 'string', name: 'f2', default: 'foo' },
]);
const schema3 = record([
  { type: 'string', name: 'f1' },
  { type: 'string', name: 'f2' },
]);
const schema4 = record([{ type: 'string', name: 'f1_new', aliases: ['f1'] }]);
const schema6 = record([{ type: ['null', 'string'], name: 'f1', doc: 'doc of f1' }]);
const schema7 = record([{ type: ['null', 'string', 'int'], name: 'f1', doc: 'doc of f1' }]);
const schema8 = record([
  { type: 'string', name: 'f1' },
  { type: 'string', name: 'f2', default: 'foo' },
  { type: 'string', name: 'f3', default: 'bar' },
]);

const ok = (level: CompatibilityLevel, next: string, previous: string[]) =>
  checkSubjectCompatibility(next, previous, level).compatible;

describe('compatibility levels (Confluent AvroCompatibilityTest)', () => {
  it('BACKWARD', () => {
    expect(ok('BACKWARD', schema2, [schema1])).toBe(true); // adding a field with a default
    expect(ok('BACKWARD', schema3, [schema1])).toBe(false); // adding a field without a default
    expect(ok('BACKWARD', schema4, [schema1])).toBe(true); // renaming a field with an alias
    expect(ok('BACKWARD', schema6, [schema1])).toBe(true); // evolving a field type to a union
    expect(ok('BACKWARD', schema1, [schema6])).toBe(false); // removing a type from a union
    expect(ok('BACKWARD', schema7, [schema6])).toBe(true); // adding a type to a union
    expect(ok('BACKWARD', schema6, [schema7])).toBe(false); // removing a type from a union
  });

  it('BACKWARD_TRANSITIVE', () => {
    expect(ok('BACKWARD_TRANSITIVE', schema8, [schema1, schema2])).toBe(true); // iteratively adding fields with defaults
    expect(ok('BACKWARD', schema3, [schema2])).toBe(true); // removing a default is backward compatible...
    expect(ok('BACKWARD_TRANSITIVE', schema3, [schema1, schema2])).toBe(false); // ...but not transitively
  });

  it('FORWARD', () => {
    expect(ok('FORWARD', schema2, [schema1])).toBe(true); // adding a field
    expect(ok('FORWARD', schema3, [schema1])).toBe(true); // adding a field without default
    expect(ok('FORWARD', schema3, [schema2])).toBe(true); // removing a default
    expect(ok('FORWARD', schema2, [schema3])).toBe(true); // adding a default
    expect(ok('FORWARD', schema1, [schema3])).toBe(false); // removing a field the old reader needs
  });

  it('FORWARD_TRANSITIVE', () => {
    expect(ok('FORWARD_TRANSITIVE', schema1, [schema2, schema3])).toBe(false);
    expect(ok('FORWARD', schema1, [schema3, schema2])).toBe(true); // only the latest (schema2) is checked
    expect(ok('FORWARD_TRANSITIVE', schema3, [schema1, schema2])).toBe(true);
  });

  it('FULL and FULL_TRANSITIVE', () => {
    expect(ok('FULL', schema2, [schema1])).toBe(true); // adding a field with a default
    expect(ok('FULL', schema1, [schema2])).toBe(true); // removing a field with a default
    expect(ok('FULL', schema3, [schema1])).toBe(false); // adding a field without a default
    expect(ok('FULL', schema1, [schema3])).toBe(false); // removing a field without a default
    expect(ok('FULL_TRANSITIVE', schema8, [schema1, schema2])).toBe(true);
    expect(ok('FULL', schema1, [schema3, schema2])).toBe(true); // only the latest (schema2) is checked
    expect(ok('FULL_TRANSITIVE', schema1, [schema3, schema2])).toBe(false); // schema3 cannot read f2 from schema1
  });

  it('NONE checks nothing, and there is nothing to check without previous versions', () => {
    expect(ok('NONE', schema3, [schema1])).toBe(true);
    for (const level of COMPATIBILITY_LEVELS) expect(ok(level, schema3, [])).toBe(true);
  });

  it('reports incompatibilities newest version first, with their direction and version index', () => {
    const result = checkSubjectCompatibility(schema1, [schema3, schema3, schema2], 'FULL_TRANSITIVE');
    expect(result.checked.map((c) => [c.previousIndex, c.compatible])).toEqual([
      [2, true],
      [1, false],
      [0, false],
    ]);
    expect(result.incompatibilities[0]).toEqual({
      type: 'READER_FIELD_MISSING_DEFAULT_VALUE',
      message: 'f2',
      location: '/fields/1',
      direction: 'old-reads-new',
      previousIndex: 1,
    });
    const first = checkSubjectCompatibility(schema1, [schema3, schema3, schema2], 'FULL_TRANSITIVE', {
      stopAtFirstIncompatible: true,
    });
    expect(first.checked).toHaveLength(2);
  });

  it('parses levels case-insensitively', () => {
    expect(parseCompatibilityLevel(' full_transitive ')).toBe('FULL_TRANSITIVE');
    expect(parseCompatibilityLevel('sideways')).toBeUndefined();
  });

  it('formats Confluent-style messages for both directions', () => {
    const forward = checkSubjectCompatibility(schema1, [schema3], 'FORWARD').incompatibilities;
    expect(formatVersionMessages(forward, 3, schema3, 'FORWARD')).toEqual([
      "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'f2' at path '/fields/1' in the old schema has no default value and is missing in the new schema', additionalInfo:'f2'}",
      '{oldSchemaVersion: 3}',
      `{oldSchema: '${schema3}'}`,
      "{validateFields: 'false', compatibility: 'FORWARD'}",
    ]);
    const enumReader = JSON.stringify({ type: 'enum', name: 'E', symbols: ['A'] });
    const enumWriter = JSON.stringify({ type: 'enum', name: 'E', symbols: ['A', 'B'] });
    const [missing] = checkSubjectCompatibility(enumReader, [enumWriter], 'BACKWARD').incompatibilities;
    expect(formatVersionMessages([missing!], 1, enumWriter, 'BACKWARD')[0]).toBe(
      "{errorType:'MISSING_ENUM_SYMBOLS', description:'The new schema is missing enum symbols '[B]' at path '/symbols' in the old schema', additionalInfo:'[B]'}",
    );
  });
});
