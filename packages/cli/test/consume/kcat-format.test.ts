import { describe, expect, it } from 'vitest';
import { compileKcatFormat, type FormattedRecord } from '../../src/consume/kcat-format.js';

const record: FormattedRecord = {
  topic: 'orders',
  partition: 2,
  offset: '41',
  timestamp: '1700000000000',
  key: 'k1',
  value: 'hello',
  keyLength: 2,
  valueLength: 5,
  headers: [
    ['trace', 'abc'],
    ['empty', ''],
    ['gone', null],
  ],
};

describe('compileKcatFormat', () => {
  it("prints kcat's tokens", () => {
    expect(compileKcatFormat('%t [%p] @%o: %k %s\\n')(record)).toBe('orders [2] @41: k1 hello\n');
    expect(compileKcatFormat('%K %S %T %h%%')(record)).toBe('2 5 1700000000000 trace=abc,empty=,gone=NULL%');
  });

  it('prints nothing for a null key or value, and -1 for their lengths', () => {
    const tombstone = { ...record, key: null, value: null, keyLength: null, valueLength: null, headers: [] };
    expect(compileKcatFormat('[%k|%s|%K|%S|%h]')(tombstone)).toBe('[||-1|-1|]');
  });

  it("reads kcat's escapes: \\t \\r \\n, hex, octal and decimal codes, and an escaped character as itself", () => {
    expect(compileKcatFormat('a\\tb\\rc\\x41\\0101\\66\\q')(record)).toBe('a\tb\rcAABq');
  });

  it('refuses unknown tokens, %R, and a lone % at the end', () => {
    expect(() => compileKcatFormat('%z')).toThrow('--format: %z is not a format token');
    expect(() => compileKcatFormat('%R')).toThrow('%R, binary lengths, is not supported');
    expect(() => compileKcatFormat('50%')).toThrow('--format ends with a lone %');
  });
});
