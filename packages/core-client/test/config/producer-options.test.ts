import { describe, expect, it } from 'vitest';
import { resolveProducerConfig } from '../../src/config/producer-options.js';
import { ConfigurationError } from '../../src/errors.js';
import type { ProducerConfig } from '../../src/producer/types.js';

function optionOf(config: ProducerConfig<unknown, unknown>): string {
  try {
    resolveProducerConfig(config);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigurationError);
    return (err as ConfigurationError).option;
  }
  throw new Error('expected a ConfigurationError');
}

function messageOf(config: ProducerConfig<unknown, unknown>): string {
  try {
    resolveProducerConfig(config);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a ConfigurationError');
}

describe('idempotence defaults (Java since 3.0, KIP-679)', () => {
  it('is on by default', () => {
    expect(resolveProducerConfig({}).enableIdempotence).toBe(true);
    expect(
      resolveProducerConfig({ acks: 'all', maxInFlightRequestsPerConnection: 5 }).enableIdempotence,
    ).toBe(true);
  });

  it('is quietly off when acks, in-flight requests or retries rule it out and it was not set', () => {
    expect(resolveProducerConfig({ acks: 1 }).enableIdempotence).toBe(false);
    expect(resolveProducerConfig({ acks: 0 }).enableIdempotence).toBe(false);
    expect(resolveProducerConfig({ maxInFlightRequestsPerConnection: 6 }).enableIdempotence).toBe(false);
    expect(resolveProducerConfig({ maxInFlightRequests: 10 }).enableIdempotence).toBe(false);
    expect(resolveProducerConfig({ retries: 0 }).enableIdempotence).toBe(false);
  });

  it('is off when set false, whatever else is set', () => {
    expect(resolveProducerConfig({ enableIdempotence: false }).enableIdempotence).toBe(false);
    expect(resolveProducerConfig({ idempotent: false, acks: -1 }).enableIdempotence).toBe(false);
  });

  it('set true explicitly, a conflicting option is a ConfigurationError naming both', () => {
    expect(optionOf({ enableIdempotence: true, acks: 1 })).toBe('acks');
    expect(optionOf({ idempotent: true, acks: 0 })).toBe('acks');
    expect(optionOf({ enableIdempotence: true, maxInFlightRequestsPerConnection: 6 })).toBe(
      'maxInFlightRequestsPerConnection',
    );
    expect(optionOf({ enableIdempotence: true, retries: 0 })).toBe('retries');
    expect(messageOf({ enableIdempotence: true, acks: 1 })).toMatch(
      /enableIdempotence: true conflicts with acks=1/,
    );
  });
});

describe('transactional options', () => {
  it('takes transactionalId and transactionTimeoutMs (KafkaJS alias transactionTimeout), default 60000', () => {
    const c = resolveProducerConfig({ transactionalId: 'orders-1' });
    expect([c.transactionalId, c.transactionTimeoutMs, c.enableIdempotence]).toEqual([
      'orders-1',
      60000,
      true,
    ]);
    expect(
      resolveProducerConfig({ transactionalId: 'x', transactionTimeout: 30000 }).transactionTimeoutMs,
    ).toBe(30000);
    expect(resolveProducerConfig({}).transactionalId).toBeNull();
  });

  it('refuses transactionalId with idempotence off, or with an option that rules idempotence out', () => {
    expect(optionOf({ transactionalId: 'x', enableIdempotence: false })).toBe('enableIdempotence');
    expect(messageOf({ transactionalId: 'x', enableIdempotence: false })).toMatch(
      /a transactional producer is idempotent/,
    );
    expect(optionOf({ transactionalId: 'x', acks: 1 })).toBe('acks');
    expect(messageOf({ transactionalId: 'x', acks: 1 })).toMatch(/transactionalId needs idempotence/);
    expect(optionOf({ transactionalId: 'x', retries: 0 })).toBe('retries');
  });

  it('refuses bad values with the option named', () => {
    expect(optionOf({ transactionalId: '' })).toBe('transactionalId');
    expect(optionOf({ transactionalId: 42 as never })).toBe('transactionalId');
    expect(optionOf({ transactionalId: 'x', transactionTimeoutMs: 0 })).toBe('transactionTimeoutMs');
    expect(optionOf({ transactionalId: 'x', transactionTimeoutMs: 1.5 })).toBe('transactionTimeoutMs');
    expect(optionOf({ transactionTimeoutMs: 1000, transactionTimeout: 2000 })).toBe('transactionTimeoutMs');
  });
});
