import { describe, expect, it } from 'vitest';
import type { DisplayedData, RecordView } from '../../../src/api/types.js';
import { ApiError } from '../../../src/server/errors.js';
import { recordFilter } from '../../../src/server/operations/record-filter.js';

const record = (key: string, value: DisplayedData): RecordView => ({
  partition: 0,
  offset: '0',
  timestamp: 0,
  key: { format: 'string', text: key },
  value,
  headers: [],
  size: 0,
});
const json = (value: unknown): DisplayedData => ({ format: 'json', text: JSON.stringify(value) });

describe('recordFilter', () => {
  it('is null without conditions', () => {
    expect(recordFilter({})).toBeNull();
    expect(recordFilter({ key: '', value: '' })).toBeNull();
  });

  it('matches key and value substrings, case-insensitively', () => {
    const filter = recordFilter({ key: 'CUST', value: 'paid' })!;
    expect(filter(record('customer-1', { format: 'string', text: 'order PAID' }))).toBe(true);
    expect(filter(record('customer-1', { format: 'string', text: 'order open' }))).toBe(false);
    expect(filter(record('other', { format: 'string', text: 'paid' }))).toBe(false);
  });

  it('matches a JSON path that selects something, equal to a value when one is given', () => {
    const exists = recordFilter({ jsonPath: '$.customer.id' })!;
    expect(exists(record('k', json({ customer: { id: 'c-1' } })))).toBe(true);
    expect(exists(record('k', json({ customer: {} })))).toBe(false);
    expect(exists(record('k', { format: 'string', text: '{"customer":{"id":1}}' }))).toBe(false);
    const equal = recordFilter({ jsonPath: '$.items[*].sku', jsonValue: 'book' })!;
    expect(equal(record('k', json({ items: [{ sku: 'pen' }, { sku: 'book' }] })))).toBe(true);
    expect(equal(record('k', json({ items: [{ sku: 'pen' }] })))).toBe(false);
    const number = recordFilter({ jsonPath: '$.total', jsonValue: '12.50' })!;
    expect(number(record('k', { format: 'avro', text: '{"total":12.5}' }))).toBe(true);
    const filtered = recordFilter({ jsonPath: '$.items[?@.price > 100]' })!;
    expect(filtered(record('k', json({ items: [{ price: 250 }] })))).toBe(true);
    expect(filtered(record('k', json({ items: [{ price: 5 }] })))).toBe(false);
  });

  it('refuses a path that does not parse, and a value without a path, before reading anything', () => {
    expect(() => recordFilter({ jsonPath: '$[?' })).toThrow(ApiError);
    expect(() => recordFilter({ jsonPath: 'customer' })).toThrow(/not a JSON path/);
    expect(() => recordFilter({ jsonValue: 'x' })).toThrow(/needs a jsonPath/);
  });
});
