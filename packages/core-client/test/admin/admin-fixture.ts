/** A three-broker dev cluster, an admin on it, and a helper that produces keyed records. */
import { startBroker } from '@samsa/broker-dev';
import { type Admin, Kafka, LogLevel } from '../../src/index.js';

export interface AdminFixture {
  kafka: Kafka;
  admin: Admin;
  /** Produces `count` records `key-<i % 7>` -> `<i>` to `topic`; resolves with how many went to each partition. */
  produce(topic: string, count: number): Promise<Map<number, number>>;
  stop(): Promise<void>;
}

export async function startAdminFixture(): Promise<AdminFixture> {
  const broker = await startBroker({ brokers: 3, partitions: 3, groupMinSessionTimeoutMs: 500 });
  const kafka = new Kafka({
    clientId: 'samsa-admin-it',
    brokers: broker.bootstrap,
    logLevel: LogLevel.NOTHING,
    retry: { initialRetryTimeMs: 20, maxRetryTimeMs: 200, retries: 10 },
  });
  const admin = kafka.admin();
  await admin.connect();
  return {
    kafka,
    admin,
    async produce(topic, count) {
      const producer = kafka.producer({ lingerMs: 0 });
      await producer.connect();
      const result = await producer.send({
        topic,
        messages: Array.from({ length: count }, (_, i) => ({ key: `key-${i % 7}`, value: String(i) })),
      });
      await producer.disconnect();
      const counts = new Map<number, number>();
      for (const r of result.records) counts.set(r.partition, (counts.get(r.partition) ?? 0) + 1);
      return counts;
    },
    async stop() {
      await admin.disconnect();
      await broker.stop();
    },
  };
}
