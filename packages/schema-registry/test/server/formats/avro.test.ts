import { describe, expect, it } from 'vitest';
import { SchemaParseError } from '../../../src/errors.js';
import { avroFormat, type ParsedAvroVersion } from '../../../src/server/formats/avro.js';
import { SCHEMA_TYPES, schemaFormat, storedFormat } from '../../../src/server/formats/formats.js';
import type { StoredVersion } from '../../../src/server/formats/schema-format.js';
import { recordSchema } from '../helpers.js';

const money = JSON.stringify({
  type: 'record',
  name: 'Money',
  namespace: 'com.acme',
  fields: [{ name: 'u', type: 'long' }],
});
const moneyReference = {
  name: 'com.acme.Money',
  subject: 'money',
  version: 1,
  schema: money,
  references: [],
};

function stored(version: number, schema: string): StoredVersion<ParsedAvroVersion> {
  return { version, schema, parsed: avroFormat.parse(schema, [], { strict: false }) };
}

describe('schema formats', () => {
  it('serve JSON, PROTOBUF and AVRO, in any case; other types are not served', () => {
    expect(SCHEMA_TYPES).toEqual(['JSON', 'PROTOBUF', 'AVRO']);
    expect(schemaFormat('avro')).toBe(avroFormat);
    expect(schemaFormat('json')?.type).toBe('JSON');
    expect(schemaFormat('XML')).toBeUndefined();
    expect(storedFormat(undefined)).toBe(avroFormat);
    expect(() => storedFormat('XML')).toThrow(/cannot read/);
  });
});

describe('avroFormat', () => {
  it('parses with referenced types, which the stored forms name instead of inlining', () => {
    const invoice = recordSchema('Invoice', [{ name: 'total', type: 'com.acme.Money' }]);
    const parsed = avroFormat.parse(invoice, [moneyReference], { strict: true });
    expect(parsed.referencedNames).toEqual(['com.acme.Money']);
    expect(JSON.parse(avroFormat.canonicalForm(parsed)).fields[0].type).toBe('Money');
    expect(() => avroFormat.parse(invoice, [], { strict: true })).toThrow(SchemaParseError);
  });

  it('checks defaults only when strict', () => {
    const badDefault = '{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":"zero"}]}';
    expect(() => avroFormat.parse(badDefault, [], { strict: true })).toThrow(/Invalid default for field a/);
    expect(avroFormat.parse(badDefault, [], { strict: false }).schema).toMatchObject({ type: 'record' });
  });

  it('normalizes property order; the canonical form keeps it', () => {
    const a = avroFormat.parse('{"type":"record","name":"R","fields":[{"type":"int","name":"a"}]}', [], {
      strict: true,
    });
    const b = avroFormat.parse('{"name":"R","fields":[{"name":"a","type":"int"}],"type":"record"}', [], {
      strict: true,
    });
    expect(avroFormat.normalizedForm(a)).toBe(avroFormat.normalizedForm(b));
  });

  it('reports the newest incompatible version first, in Confluent wording, old readers before the new one', () => {
    const v1 = stored(1, recordSchema('User', [{ name: 'a', type: 'int' }]));
    const v2 = stored(
      2,
      recordSchema('User', [
        { name: 'a', type: 'int' },
        { name: 'b', type: 'string', default: '' },
      ]),
    );
    const candidate = avroFormat.parse(recordSchema('User', [{ name: 'a', type: 'string' }]), [], {
      strict: true,
    });
    const verdict = avroFormat.checkCompatibility(candidate, [v1, v2], 'FULL');
    expect(verdict.compatible).toBe(false);
    expect(verdict.messages.slice(-3)).toEqual([
      '{oldSchemaVersion: 2}',
      `{oldSchema: '${v2.schema}'}`,
      "{validateFields: 'false', compatibility: 'FULL'}",
    ]);
    const differences = verdict.messages.slice(0, -3);
    expect(differences.length).toBeGreaterThanOrEqual(2);
    // old-reads-new ("the old schema") before new-reads-old ("the new schema").
    expect(differences[0]).toContain('in the old schema');
    expect(differences.at(-1)).toContain('in the new schema');
    expect(avroFormat.checkCompatibility(candidate, [], 'FULL')).toEqual({ compatible: true, messages: [] });
  });
});
