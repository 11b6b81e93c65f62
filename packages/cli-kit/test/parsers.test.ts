import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { integer, repeatable } from '../src/parsers.js';

describe('integer', () => {
  it('accepts integers within the range, bounds included', () => {
    const port = integer({ min: 0, max: 65535 });
    expect(port('0')).toBe(0);
    expect(port('65535')).toBe(65535);
    expect(integer({ min: -1 })('-1')).toBe(-1);
    expect(integer()('-42')).toBe(-42);
  });

  it.each([
    [{ min: 0, max: 65535 }, '65536', 'Expected an integer from 0 to 65535.'],
    [{ min: 1 }, '0', 'Expected an integer >= 1.'],
    [{ max: 10 }, '11', 'Expected an integer <= 10.'],
    [{}, '1.5', 'Expected an integer.'],
    [{}, 'abc', 'Expected an integer.'],
    [{}, '', 'Expected an integer.'],
    [{}, '9007199254740993', 'Expected an integer.'],
  ])('with %j refuses %j as a usage error', (range, value, message) => {
    const parse = integer(range);
    expect(() => parse(value)).toThrow(InvalidArgumentError);
    expect(() => parse(value)).toThrow(message);
  });
});

describe('repeatable', () => {
  it('collects every value in order', () => {
    expect(repeatable('b=2', repeatable('a=1', undefined))).toEqual(['a=1', 'b=2']);
  });
});

describe('keyValue', () => {
  it('collects key=value pairs in order, values may hold "="', async () => {
    const { keyValue } = await import('../src/parsers.js');
    expect(keyValue('a=1', undefined)).toEqual([['a', '1']]);
    expect(keyValue('b=x=y', [['a', '1']])).toEqual([
      ['a', '1'],
      ['b', 'x=y'],
    ]);
    expect(keyValue('c=', undefined)).toEqual([['c', '']]);
    expect(() => keyValue('=1', undefined)).toThrow('Expected key=value, got "=1".');
    expect(() => keyValue('novalue', undefined)).toThrow('Expected key=value');
  });
});
