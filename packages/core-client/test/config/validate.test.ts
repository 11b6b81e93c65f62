import { describe, expect, it } from 'vitest';
import { rejectUnknown, suggestOption } from '../../src/config/validate.js';
import { ConfigurationError, describeValue, unknownOptions } from '../../src/index.js';

describe('unknown option names', () => {
  const known = ['requestTimeoutMs', 'requestTimeout', 'brokers', 'ssl', 'sasl', 'retry'];

  it('suggests the known name a typo most likely meant', () => {
    expect(suggestOption('request_timeout', known)).toBe('requestTimeoutMs');
    expect(suggestOption('requestTimeoutMS', known)).toBe('requestTimeoutMs');
    expect(suggestOption('REQUEST-TIMEOUT-MS', known)).toBe('requestTimeoutMs');
    expect(suggestOption('brokerz', known)).toBe('brokers');
    expect(suggestOption('retyr', known)).toBe('retry');
    expect(suggestOption('sasll', known)).toBe('sasl');
  });

  it('suggests for short names too: one edit away from a name of three or more letters', () => {
    expect(suggestOption('ack', ['acks', 'lingerMs'])).toBe('acks');
    expect(suggestOption('sls', ['ssl', 'sasl'])).toBe('ssl');
    expect(suggestOption('topc', ['topic', 'topics'])).toBe('topic');
  });

  it('suggests nothing when no known name is close', () => {
    expect(suggestOption('compression', known)).toBeUndefined();
    expect(suggestOption('x', known)).toBeUndefined();
    // two edits would turn any two-letter name into any other: short names need to be closer
    expect(suggestOption('ab', ['cd'])).toBeUndefined();
    expect(suggestOption('ab', ['ac'])).toBe('ac');
  });

  it('lists every unknown name with one wording', () => {
    expect(unknownOptions({ brokers: [], brokerz: 1, compression: 'gzip' }, known)).toEqual([
      {
        option: 'brokerz',
        suggestion: 'brokers',
        problem: `unknown option 'brokerz' (did you mean 'brokers'?)`,
      },
      { option: 'compression', suggestion: undefined, problem: `unknown option 'compression'` },
    ]);
    expect(unknownOptions({ brokers: [], ssl: true }, known)).toEqual([]);
  });

  it('rejectUnknown throws a ConfigurationError naming the first unknown option', () => {
    let error: unknown;
    try {
      rejectUnknown('new Kafka()', { brokers: [], retyr: {} }, known);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).option).toBe('retyr');
    expect((error as Error).message).toBe(
      `Invalid option retyr: new Kafka(): unknown option 'retyr' (did you mean 'retry'?)`,
    );
    expect(() => rejectUnknown('new Kafka()', { brokers: [] }, known)).not.toThrow();
  });
});

describe('describeValue', () => {
  it('quotes a value the way every option error shows it', () => {
    expect(describeValue(undefined)).toBe('nothing');
    expect(describeValue(null)).toBe('null');
    expect(describeValue('a "b"')).toBe('"a \\"b\\""');
    expect(describeValue(5)).toBe('5');
    expect(describeValue(false)).toBe('false');
    expect(describeValue(5n)).toBe('5n');
    expect(describeValue([1])).toBe('an array');
    expect(describeValue({})).toBe('an object');
    expect(describeValue(() => 1)).toBe('a function');
    expect(describeValue(Symbol('s'))).toBe('a symbol');
  });
});
