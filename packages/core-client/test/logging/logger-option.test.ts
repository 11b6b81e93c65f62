import { describe, expect, it } from 'vitest';
import { ConfigurationError, createLogger, Kafka, LogLevel } from '../../src/index.js';

describe('the logger option', () => {
  it('takes a Samsa logger as it is', () => {
    const logger = createLogger(LogLevel.ERROR, () => () => {});
    expect(new Kafka({ brokers: ['127.0.0.1:9'], logger }).logger()).toBe(logger);
  });

  it('refuses anything else with a clear error', () => {
    expect(() => new Kafka({ brokers: ['127.0.0.1:9'], logger: console as never })).toThrow(
      ConfigurationError,
    );
    expect(() => new Kafka({ brokers: ['127.0.0.1:9'], logger: {} as never })).toThrow(
      /logger: expected a Samsa logger \(createLogger\(\)\), a pino logger or a winston logger/,
    );
  });
});
