import { describe, expect, it } from 'vitest';
import { InvalidValueError } from '../../src/errors.js';
import { avroFromJson, avroToJson } from '../../src/serde/avro-json.js';
import { avscTypeFor } from '../../src/serde/avro-types.js';

const payment = avscTypeFor({
  type: 'record',
  name: 'Payment',
  namespace: 'com.acme',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'note', type: ['null', 'string'], default: null },
    { name: 'amount', type: ['int', 'string'] },
    { name: 'digest', type: 'bytes' },
    { name: 'code', type: { type: 'fixed', name: 'Code', size: 2 } },
    { name: 'lines', type: { type: 'array', items: { type: 'map', values: 'bytes' } } },
    {
      name: 'source',
      type: [
        { type: 'record', name: 'Card', fields: [{ name: 'last4', type: 'string' }] },
        { type: 'record', name: 'Bank', fields: [{ name: 'last4', type: 'string' }] },
      ],
    },
  ],
});

const json = {
  id: 'p-1',
  note: { string: 'first' },
  amount: 12,
  digest: '\u00ff\u0000A',
  code: 'ok',
  lines: [{ a: '\u0001' }],
  source: { 'com.acme.Bank': { last4: '1234' } },
};

describe('avroFromJson / avroToJson', () => {
  it('reads JSON in both bare and Avro JSON encoding forms, and round-trips through the binary encoding', () => {
    const value = avroFromJson(payment, json);
    expect(payment.isValid(value)).toBe(true);
    const decoded = payment.fromBuffer(payment.toBuffer(value));
    expect(avroToJson(decoded)).toEqual({ ...json, note: 'first' });
    const bare = avroFromJson(payment, { ...json, note: 'first', amount: 'twelve' });
    expect(payment.isValid(bare)).toBe(true);
  });

  it('fills fields left out with their defaults when encoding', () => {
    const value = avroFromJson(payment, { ...json, note: undefined });
    delete (value as Record<string, unknown>).note;
    expect((payment.fromBuffer(payment.toBuffer(value)) as { note: unknown }).note).toBeNull();
  });

  it('names an unknown field and where it is', () => {
    expect(() => avroFromJson(payment, { ...json, amout: 1 })).toThrow(InvalidValueError);
    expect(() => avroFromJson(payment, { ...json, amout: 1 })).toThrow(
      /no field "amout" at <root> \(its fields: id, note/,
    );
  });

  it('refuses bytes given as characters above U+00FF', () => {
    expect(() => avroFromJson(payment, { ...json, digest: 'é€' })).toThrow(
      /digest must be a string of characters/,
    );
  });
});
