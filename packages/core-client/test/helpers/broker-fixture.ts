/** A @samsa/broker-dev cluster, a Kafka client on it, and a helper to fill topics. */
import { startBroker } from '@samsa/broker-dev';
import { Kafka, LogLevel } from '../../src/index.js';

export type RunningBroker = Awaited<ReturnType<typeof startBroker>>;

export interface Fixture {
  broker: RunningBroker;
  kafka: Kafka;
  /** Produces `count` messages (`key-<i % keys>` → `<i>`) and returns how many landed in each partition. */
  produce(
    topic: string,
    count: number,
    options?: { keys?: number; size?: number },
  ): Promise<Map<number, number>>;
  stop(): Promise<void>;
}

export async function startFixture(
  options: { brokers?: number; partitions?: number; consumerSessionTimeoutMs?: number } = {},
): Promise<Fixture> {
  const broker = await startBroker({
    brokers: options.brokers ?? 3,
    port: 0,
    partitions: options.partitions ?? 4,
    groupMinSessionTimeoutMs: 500,
    // KIP-848 groups: heartbeats and sessions short enough for tests.
    groupConsumerHeartbeatIntervalMs: 100,
    groupConsumerSessionTimeoutMs: options.consumerSessionTimeoutMs ?? 3000,
  });
  const kafka = new Kafka({
    clientId: 'samsa-consumer-it',
    brokers: broker.bootstrap,
    logLevel: process.env.SAMSA_TEST_LOG ? LogLevel.DEBUG : LogLevel.NOTHING,
    retry: { initialRetryTimeMs: 20, maxRetryTimeMs: 200, retries: 20 },
  });
  return {
    broker,
    kafka,
    async produce(topic, count, { keys = 101, size } = {}) {
      const producer = kafka.producer({ acks: -1, lingerMs: 1 });
      await producer.connect();
      const counts = new Map<number, number>();
      const pad = size ? 'x'.repeat(size) : '';
      const sends = [];
      for (let start = 0; start < count; start += 1000) {
        const n = Math.min(1000, count - start);
        sends.push(
          producer.send({
            topic,
            messages: Array.from({ length: n }, (_, j) => ({
              key: `key-${(start + j) % keys}`,
              value: `${start + j}${pad}`,
            })),
          }),
        );
      }
      for (const r of await Promise.all(sends)) {
        for (const rec of (r as { records: { partition: number }[] }).records) {
          counts.set(rec.partition, (counts.get(rec.partition) ?? 0) + 1);
        }
      }
      await producer.disconnect();
      return counts;
    },
    async stop() {
      await broker.stop();
    },
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
