/** `clientConfig.ssl` / `clientConfig.sasl` reach the wire through the module's default client. */
import { type SecurityProbe, startSecurityProbe } from '@samsa/test-support/security-probe';
import { afterEach, describe, expect, it } from 'vitest';
import { validateSamsaOptions } from '../../src/index.js';
import { createKafkaClient } from '../../src/module/kafka-client.js';

let probe: SecurityProbe | null = null;
afterEach(async () => {
  await probe?.stop();
  probe = null;
});

async function connectThroughModule(clientConfig: Record<string, unknown>): Promise<unknown> {
  const options = validateSamsaOptions({
    brokers: probe!.bootstrap,
    clientId: 'secured-app',
    clientConfig: { retry: { retries: 0 }, connectionTimeoutMs: 3000, logLevel: 0, ...clientConfig },
  });
  const kafka = (await createKafkaClient(options)) as unknown as {
    admin(): { connect(): Promise<void>; disconnect(): Promise<void> };
  };
  const admin = kafka.admin();
  try {
    await admin.connect();
    return null;
  } catch (err) {
    return err;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

describe('security settings through SamsaModule clientConfig', () => {
  it('passes sasl through: the client asks the broker for the configured mechanism', async () => {
    probe = await startSecurityProbe();
    const err = await connectThroughModule({
      sasl: { mechanism: 'scram-sha-512', username: 'orders', password: 'secret' },
    });
    expect((err as Error).name).toBe('AuthenticationError');
    expect(probe.connections.map((c) => c.saslMechanism)).toContain('SCRAM-SHA-512');
  });

  it('passes OAUTHBEARER with its token provider through', async () => {
    probe = await startSecurityProbe();
    await connectThroughModule({
      sasl: { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: 'token' }) },
    });
    expect(probe.connections.map((c) => c.saslMechanism)).toContain('OAUTHBEARER');
  });

  it('passes ssl through: the client opens the connection with a TLS handshake', async () => {
    probe = await startSecurityProbe();
    await connectThroughModule({ ssl: { rejectUnauthorized: true } });
    // The first connection starts TLS; the client may follow a failed handshake with a plaintext ApiVersions
    // probe, to tell the user whether the port is a plaintext Kafka listener (peer-identification.ts).
    expect(probe.connections[0]?.tls).toBe(true);
  });
});
