/** Topic configs that are Java longs with Long.MAX_VALUE ("never") as default. */
import { describe, expect, test } from 'vitest';
import { DEFAULT_LOG_CONFIG, describeLogConfig, parseLogConfig } from '../../src/storage/log-config.js';

const LONG_MAX = '9223372036854775807';

describe('long topic configs', () => {
  test('flush.* and message.timestamp.*.max.ms default to Long.MAX_VALUE, kept as Infinity', () => {
    const described = describeLogConfig(DEFAULT_LOG_CONFIG);
    for (const name of [
      'flush.messages',
      'flush.ms',
      'message.timestamp.before.max.ms',
      'message.timestamp.after.max.ms',
    ]) {
      expect(described[name], name).toBe(LONG_MAX);
    }
    expect(parseLogConfig({ 'flush.ms': LONG_MAX }).flushMs).toBe(Number.POSITIVE_INFINITY);
  });

  test('parses finite values and describes them back', () => {
    const config = parseLogConfig({
      'flush.messages': '3',
      'flush.ms': '1000',
      'message.timestamp.before.max.ms': '60000',
      'message.timestamp.after.max.ms': '0',
    });
    expect(config).toMatchObject({
      flushMessages: 3,
      flushMs: 1000,
      messageTimestampBeforeMaxMs: 60_000,
      messageTimestampAfterMaxMs: 0,
    });
    expect(describeLogConfig(config)).toMatchObject({ 'flush.messages': '3', 'flush.ms': '1000' });
  });

  test('rejects values outside Kafka’s ranges, naming the config', () => {
    expect(() => parseLogConfig({ 'flush.messages': '0' })).toThrow(/flush\.messages/);
    expect(() => parseLogConfig({ 'flush.ms': '-1' })).toThrow(/flush\.ms/);
    expect(() => parseLogConfig({ 'flush.ms': '9223372036854775808' })).toThrow(/flush\.ms/);
    expect(() => parseLogConfig({ 'message.timestamp.after.max.ms': 'soon' })).toThrow(/after\.max\.ms/);
  });
});
