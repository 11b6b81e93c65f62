import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  InputLineError,
  parseHeaders,
  readLines,
  splitKey,
  unescapeSeparator,
} from '../../src/produce/input.js';

describe('produce input', () => {
  it('numbers lines from stdin, CRLF or LF', async () => {
    const lines = [];
    for await (const line of readLines(undefined, Readable.from(['a\r\nb\n', '\nc']))) lines.push(line);
    expect(lines).toEqual([
      { number: 1, text: 'a' },
      { number: 2, text: 'b' },
      { number: 3, text: '' },
      { number: 4, text: 'c' },
    ]);
  });

  it('splits the key at the first separator and names a line without one', () => {
    expect(splitKey({ number: 1, text: 'k:v:w' }, ':')).toEqual({ key: 'k', value: 'v:w' });
    expect(splitKey({ number: 1, text: ':v' }, ':')).toEqual({ key: '', value: 'v' });
    expect(splitKey({ number: 1, text: 'v' }, undefined)).toEqual({ key: null, value: 'v' });
    expect(() => splitKey({ number: 7, text: 'no key' }, '::')).toThrow(
      new InputLineError(7, 'no key separator "::" in the line'),
    );
  });

  it('reads --headers lists, a repeated key keeping every value', () => {
    expect(parseHeaders(['a=1,b=x=y', 'a=2'])).toEqual({ a: ['1', '2'], b: 'x=y' });
    expect(() => parseHeaders(['a'])).toThrow('"a" is not key=value');
  });

  it('takes \\t in a separator as a tab', () => {
    expect(unescapeSeparator('\\t')).toBe('\t');
  });
});
