/**
 * The testcontainers helper against real Apache Kafka (apache/kafka, KRaft). Needs a container
 * runtime; where none exists (the dev machine type has no Docker engine) the test skips with a
 * message, unless SAMSA_REQUIRE_CONTAINER_RUNTIME=1 makes a missing runtime a failure.
 */
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
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
const required = process.env.SAMSA_REQUIRE_CONTAINER_RUNTIME === '1';
if (!runtime.ok && !required) {
  console.warn(
    `[samsa] skipping the Apache Kafka container test: no container runtime (${runtime.reason}). Start Docker or Podman to run it.`,
  );
}

describe.skipIf(!runtime.ok && !required)(
  'startKafkaContainer (real Apache Kafka via testcontainers)',
  () => {
    it('starts apache/kafka in KRaft mode with the startBroker() shape', { timeout: 300_000 }, async () => {
      if (!runtime.ok)
        throw new Error(`No container runtime and SAMSA_REQUIRE_CONTAINER_RUNTIME=1: ${runtime.reason}`);
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
  },
);
