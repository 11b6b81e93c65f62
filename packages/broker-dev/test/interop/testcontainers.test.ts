/**
 * The testcontainers helper against real Apache Kafka (apache/kafka, KRaft). Needs a container
 * runtime; where none exists (the dev machine type has no Docker engine) the test skips with a
 * message, unless SAMSA_REQUIRE_CONTAINER_RUNTIME=1 makes a missing runtime a failure.
 */

import { requirePeer } from '@samsa/test-support';
import { Kafka, logLevel } from 'kafkajs';
import { expect, it } from 'vitest';
import { startKafkaContainer } from '../../src/testcontainers.js';

async function runtimeAvailable(): Promise<{ ok: boolean; reason?: string }> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
}

const runtime = await runtimeAvailable();
// Not SAMSA_REQUIRE_PEERS: CI machines have no container engine, so only a variable of its own makes this fail.
const containerRuntime = requirePeer('a container runtime', {
  available: runtime.ok,
  reason: runtime.reason,
  hint: 'start Docker or Podman',
  requiredBy: 'SAMSA_REQUIRE_CONTAINER_RUNTIME',
});

containerRuntime.describe('startKafkaContainer (real Apache Kafka via testcontainers)', () => {
  it('starts apache/kafka in KRaft mode with the startBroker() shape', { timeout: 300_000 }, async () => {
    const kafka = await startKafkaContainer();
    try {
      expect(kafka.bootstrap[0]).toMatch(/^127\.0\.0\.1:\d+$/);
      const client = new Kafka({
        clientId: 'container-test',
        brokers: kafka.bootstrap,
        logLevel: logLevel.NOTHING,
      });
      const producer = client.producer();
      await producer.connect();
      await producer.send({ topic: 'container-topic', messages: [{ value: 'hello real kafka' }] });
      await producer.disconnect();
      expect(() => kafka.control.failNextRequests('Produce', 1, 6)).toThrow('needs the Samsa dev broker');
    } finally {
      await kafka.stop();
    }
  });
});
