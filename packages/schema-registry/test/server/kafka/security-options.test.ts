/** The registry's Kafka storage passes `client.ssl` / `client.sasl` through to its Kafka connection. */
import { type SecurityProbe, startSecurityProbe } from '@samsa/test-support/security-probe';
import { afterEach, describe, expect, it } from 'vitest';
import { createKafkaStorage } from '../../../src/server/kafka/storage.js';

let probe: SecurityProbe | null = null;
afterEach(async () => {
  await probe?.stop();
  probe = null;
});

async function connectStorage(client: Record<string, unknown>): Promise<unknown> {
  const { kafka } = createKafkaStorage(
    {
      brokers: probe!.bootstrap.join(','),
      client: { retry: { retries: 0 }, connectionTimeoutMs: 3000, logLevel: 0, ...client },
    },
    () => {},
  );
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

describe("Kafka storage's security settings", () => {
  it('authenticates with the configured SASL mechanism', async () => {
    probe = await startSecurityProbe();
    const err = await connectStorage({
      sasl: { mechanism: 'scram-sha-256', username: 'registry', password: 's' },
    });
    expect((err as Error).name).toBe('AuthenticationError');
    expect(probe.connections.map((c) => c.saslMechanism)).toContain('SCRAM-SHA-256');
  });

  it('connects over TLS when ssl is set', async () => {
    probe = await startSecurityProbe();
    await connectStorage({ ssl: true });
    // The first connection starts TLS; the client may follow a failed handshake with a plaintext ApiVersions
    // probe, to tell the user whether the port is a plaintext Kafka listener (peer-identification.ts).
    expect(probe.connections[0]?.tls).toBe(true);
  });
});
