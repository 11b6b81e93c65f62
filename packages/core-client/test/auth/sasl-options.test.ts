import { describe, expect, it } from 'vitest';
import { resolveClientConfig } from '../../src/config/client-options.js';
import { ConfigurationError, LogLevel } from '../../src/index.js';

const base = { brokers: ['127.0.0.1:9092'], logLevel: LogLevel.NOTHING };

describe('sasl and reauthenticationThreshold options', () => {
  it('resolves the built-in mechanisms, upper-cased for SaslHandshake', () => {
    for (const mechanism of ['plain', 'SCRAM-SHA-256', 'scram-sha-512'] as const) {
      const resolved = resolveClientConfig({
        ...base,
        sasl: { mechanism: mechanism as 'plain', username: 'u', password: 'p' },
      });
      expect(resolved.sasl?.mechanism).toBe(mechanism.toUpperCase());
    }
    const oauth = resolveClientConfig({
      ...base,
      sasl: { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: 't' }) },
    });
    expect(oauth.sasl?.mechanism).toBe('OAUTHBEARER');
  });

  it('takes any mechanism name with an authenticationProvider (KafkaJS custom mechanisms)', () => {
    const resolved = resolveClientConfig({
      ...base,
      sasl: { mechanism: 'aws', authenticationProvider: () => ({ authenticate: async () => {} }) },
    });
    expect(resolved.sasl?.mechanism).toBe('AWS');
  });

  it('says what is missing', () => {
    const bad = (sasl: unknown) => () => resolveClientConfig({ ...base, sasl: sasl as never });
    expect(bad({ username: 'u', password: 'p' })).toThrow(/sasl.mechanism.*is required/);
    expect(bad({ mechanism: 'gssapi' })).toThrow(/not built in.*authenticationProvider/);
    expect(bad({ mechanism: 'plain', username: 'u' })).toThrow(/sasl.password/);
    expect(bad({ mechanism: 'oauthbearer' })).toThrow(/sasl.oauthBearerProvider/);
    expect(bad({ mechanism: 'aws', authenticationProvider: 'x' })).toThrow(/sasl.authenticationProvider/);
    expect(bad('plain')).toThrow(ConfigurationError);
  });

  it('defaults reauthenticationThreshold to 10000 ms as KafkaJS does, and checks it', () => {
    expect(resolveClientConfig(base).reauthenticationThresholdMs).toBe(10_000);
    expect(
      resolveClientConfig({ ...base, reauthenticationThreshold: 2500 }).reauthenticationThresholdMs,
    ).toBe(2500);
    expect(() => resolveClientConfig({ ...base, reauthenticationThreshold: -1 })).toThrow(
      /reauthenticationThreshold/,
    );
  });
});
