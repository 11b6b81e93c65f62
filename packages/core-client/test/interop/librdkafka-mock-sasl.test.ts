/**
 * SASL against the librdkafka mock cluster. The mock (librdkafka 2.0.2) has no SASL: it ignores
 * security.protocol ("original bootstrap.servers and security.protocol ignored") and serves plaintext
 * without SaslHandshake/SaslAuthenticate. So what a broker no one here wrote can check is the failure:
 * a client configured for SASL against a plaintext listener stops at once with an AuthenticationError
 * that says so, instead of retrying. Authenticating against a real SASL listener is tested against the
 * dev broker's secured listeners.
 */
import { kcat, type MockCluster, startMockCluster } from '@samsa/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AuthenticationError, Kafka, LogLevel } from '../../src/index.js';

kcat.describe('SASL against the librdkafka mock cluster', () => {
  let mock: MockCluster;

  beforeAll(async () => {
    mock = await startMockCluster(1);
  });

  afterAll(async () => {
    await mock?.stop();
  });

  it('serves no SASL: the client says this is not a SASL listener, without retrying', async () => {
    const kafka = new Kafka({
      brokers: mock.bootstrap,
      sasl: { mechanism: 'scram-sha-512', username: 'alice', password: 'secret' },
      logLevel: LogLevel.NOTHING,
    });
    const admin = kafka.admin();
    const err = await admin.connect().catch((e: unknown) => e);
    await admin.disconnect();
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as Error).message).toMatch(/SaslHandshake.*is this a SASL listener/);
  });

  it('answers without SASL when the client does not ask for it', async () => {
    const admin = new Kafka({ brokers: mock.bootstrap, logLevel: LogLevel.NOTHING }).admin();
    await admin.connect();
    try {
      expect(Array.isArray(await admin.listTopics())).toBe(true);
    } finally {
      await admin.disconnect();
    }
  });
});
