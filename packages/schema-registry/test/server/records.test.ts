import { describe, expect, it } from 'vitest';
import { decodeRecord, encodeKey, encodeValue, schemaKey } from '../../src/server/records.js';
import { RegistryState } from '../../src/server/state.js';

// Records exactly as Confluent Schema Registry writes them to _schemas (keys and values are JSON).
const confluentTopic: Array<[string, string | null]> = [
  [
    '{"keytype":"SCHEMA","subject":"orders-value","version":1,"magic":1}',
    '{"subject":"orders-value","version":1,"id":1,"schema":"{\\"type\\":\\"record\\",\\"name\\":\\"Order\\",\\"fields\\":[{\\"name\\":\\"id\\",\\"type\\":\\"string\\"}]}","deleted":false}',
  ],
  ['{"keytype":"CONFIG","subject":"orders-value","magic":0}', '{"compatibilityLevel":"FULL"}'],
  ['{"keytype":"CONFIG","subject":null,"magic":0}', '{"compatibilityLevel":"FORWARD"}'],
  ['{"keytype":"MODE","subject":null,"magic":0}', '{"mode":"READONLY"}'],
  ['{"keytype":"NOOP","magic":0}', null],
  [
    '{"keytype":"SCHEMA","subject":"orders-value","version":2,"magic":1}',
    '{"subject":"orders-value","version":2,"id":2,"schemaType":"AVRO","references":[],"schema":"\\"string\\"","deleted":false,"md5":"AAAA"}',
  ],
  [
    '{"keytype":"DELETE_SUBJECT","subject":"orders-value","magic":0}',
    '{"subject":"orders-value","version":2}',
  ],
  ['{"keytype":"SCHEMA","subject":"orders-value","version":2,"magic":1}', null],
  ['{"keytype":"CONTEXT","tenant":"default","context":".","magic":0}', '{}'],
  ['not json', 'x'],
];

describe('_schemas records', () => {
  it('reads a Confluent _schemas topic into the same state', () => {
    const state = new RegistryState();
    for (const [key, value] of confluentTopic) {
      const record = decodeRecord(Buffer.from(key), value === null ? null : Buffer.from(value));
      if (record) state.apply(record);
    }
    expect(state.versions('orders-value', true)).toEqual([
      expect.objectContaining({ version: 1, id: 1, deleted: true }),
    ]);
    expect(state.compatibilityOf('orders-value')).toBe('FULL');
    expect(state.compatibilityOf(null)).toBe('FORWARD');
    expect(state.modes.get(null)).toBe('READONLY');
    expect(state.schemaById(2)).toBeUndefined();
    expect(state.maxId).toBe(2);
  });

  it('writes keys in Confluent property order and tombstones as null', () => {
    expect(encodeKey(schemaKey('s', 3))).toBe('{"keytype":"SCHEMA","subject":"s","version":3,"magic":1}');
    expect(encodeKey({ keytype: 'CONFIG', subject: null, magic: 0 })).toBe(
      '{"keytype":"CONFIG","subject":null,"magic":0}',
    );
    expect(encodeKey({ keytype: 'NOOP', magic: 0 })).toBe('{"keytype":"NOOP","magic":0}');
    expect(encodeValue({ key: schemaKey('s', 3), value: null })).toBeNull();
    const round = decodeRecord(
      encodeKey(schemaKey('s', 1)),
      JSON.stringify({ subject: 's', version: 1, id: 9, schema: '"int"', deleted: false }),
    );
    expect(round).toEqual({
      key: schemaKey('s', 1),
      value: { subject: 's', version: 1, id: 9, schema: '"int"', deleted: false },
    });
  });
});
