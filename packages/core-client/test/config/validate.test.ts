import { describe, expect, it } from 'vitest';
import { KAFKA_OPTION_NAMES } from '../../src/config/client-options.js';
import { PRODUCER_OPTION_NAMES } from '../../src/config/producer-options.js';
import { optionDistance, rejectUnknown, suggestOption } from '../../src/config/validate.js';
import { CONSUMER_OPTION_NAMES } from '../../src/consumer/config.js';
import { RUN_OPTIONS } from '../../src/consumer/run-options.js';
import { ConfigurationError, describeValue, unknownOptions } from '../../src/index.js';
import { MESSAGE_FIELDS, SEND_BATCH_OPTIONS, SEND_OPTIONS } from '../../src/producer/message-checks.js';

/** One-slip misspellings of `name`: each letter dropped, and each pair of neighbours swapped. */
function slipsOf(name: string): string[] {
  const slips = new Set<string>();
  for (let i = 0; i < name.length; i++) slips.add(name.slice(0, i) + name.slice(i + 1));
  for (let i = 0; i + 1 < name.length; i++) {
    slips.add(name.slice(0, i) + name[i + 1] + name[i] + name.slice(i + 2));
  }
  slips.delete(name);
  return [...slips];
}

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

describe('"did you mean" for every option name', () => {
  const lists: Record<string, readonly string[]> = {
    'new Kafka()': KAFKA_OPTION_NAMES,
    'kafka.producer()': PRODUCER_OPTION_NAMES,
    'kafka.consumer()': CONSUMER_OPTION_NAMES,
    'consumer.run()': RUN_OPTIONS,
    'send()': SEND_OPTIONS,
    'sendBatch()': SEND_BATCH_OPTIONS,
    'a message': MESSAGE_FIELDS,
  };

  for (const [where, names] of Object.entries(lists)) {
    it(`${where}: a dropped or swapped letter in any name, short ones included, gets the name it missed`, () => {
      const unanswered: string[] = [];
      for (const name of names) {
        for (const slip of slipsOf(name)) {
          if (names.includes(slip)) continue;
          const suggestion = suggestOption(slip, names);
          // Another name may be as close to the slip (sessionTimeout vs sessionTimeoutMs): either is right.
          if (suggestion === undefined || optionDistance(slip, suggestion) > optionDistance(slip, name)) {
            unanswered.push(`${slip} (for ${name}) -> ${suggestion ?? 'no suggestion'}`);
          }
        }
      }
      expect(unanswered).toEqual([]);
    });
  }

  it('the lists hold the short names people misspell', () => {
    expect(PRODUCER_OPTION_NAMES).toContain('acks');
    expect(SEND_OPTIONS).toContain('acks');
    expect(KAFKA_OPTION_NAMES).toContain('ssl');
    expect(MESSAGE_FIELDS).toContain('key');
    expect(suggestOption('ack', PRODUCER_OPTION_NAMES)).toBe('acks');
    expect(suggestOption('kye', MESSAGE_FIELDS)).toBe('key');
    expect(suggestOption('sl', KAFKA_OPTION_NAMES)).toBe('ssl');
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
