/**
 * A mixed KIP-848 group on @samsa/broker-dev: Samsa consumers (`groupProtocol: 'consumer'`) and
 * @platformatic/kafka 1.35.0 consumers (`groupProtocol: 'consumer'`, a client no one here wrote) in
 * one group on a 6-partition topic. Every partition is owned exactly once, each keyed record is
 * delivered once and in key order, and the group rebalances when members of either kind leave and
 * join. Each phase waits until the group committed everything before membership changes, and
 * produces once the platformatic members applied their assignments (`watchAppliedAssignment`).
 */
import { startBroker } from '@samsa/broker-dev';
import { type AppliedAssignment, requirePeer, waitFor, watchAppliedAssignment } from '@samsa/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Consumer } from '../../src/consumer/consumer.js';
import { Kafka, LogLevel } from '../../src/index.js';
import { makeConsumer } from '../helpers/consumer.js';

type Platformatic = typeof import('@platformatic/kafka');
let platformatic: Platformatic | undefined;
let loadError = '';
try {
  platformatic = await import('@platformatic/kafka');
} catch (err) {
  loadError = (err as Error).message;
}
const peer = requirePeer('@platformatic/kafka', {
  available: platformatic !== undefined,
  reason: loadError || undefined,
  hint: 'npm ci (it is a devDependency of @samsa/core-client)',
});

const TOPIC = 'mixed-848';
const GROUP = 'mixed-848';
const PARTITIONS = 6;
const KEYS = 24;

let broker: Awaited<ReturnType<typeof startBroker>>;
let kafka: Kafka;

beforeAll(async () => {
  broker = await startBroker({ groupConsumerHeartbeatIntervalMs: 200, groupConsumerSessionTimeoutMs: 6000 });
  kafka = new Kafka({ clientId: 'mixed', brokers: broker.bootstrap, logLevel: LogLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }] });
  await admin.disconnect();
});
afterAll(async () => {
  await broker?.stop();
});

interface Received {
  by: string;
  partition: number;
  offset: bigint;
  key: string;
  seq: number;
}

peer.describe('a KIP-848 group of Samsa and @platformatic/kafka consumers', () => {
  it('owns every partition once, delivers every keyed record once in order, and rebalances both ways', {
    timeout: 120_000,
  }, async () => {
    const received: Received[] = [];
    const producer = kafka.producer({ acks: -1 });
    await producer.connect();
    let sequence = 0;
    const produce = async (count: number) => {
      await producer.send({
        topic: TOPIC,
        messages: Array.from({ length: count }, () => {
          const seq = sequence++;
          return { key: `key-${seq % KEYS}`, value: String(seq) };
        }),
      });
    };

    const stops = new Map<string, () => Promise<void>>();
    /** Per @platformatic/kafka client id: whether it applied what the broker assigned it. */
    const applied = new Map<string, AppliedAssignment>();
    const startSamsa = async (name: string) => {
      const consumer: Consumer = makeConsumer(kafka, {
        groupId: GROUP,
        groupProtocol: 'consumer',
        autoOffsetReset: 'earliest',
        autoCommitIntervalMs: 100,
      });
      await consumer.subscribe({ topics: [TOPIC] });
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          received.push({
            by: name,
            partition,
            offset: BigInt(message.offset),
            key: message.key!.toString(),
            seq: Number(message.value!.toString()),
          });
        },
      });
      stops.set(name, () => consumer.disconnect());
    };
    const startPlatformatic = async (name: string) => {
      const { Consumer: PltConsumer, stringDeserializers } = platformatic!;
      const consumer = new PltConsumer({
        clientId: name,
        groupId: GROUP,
        bootstrapBrokers: broker.bootstrap,
        groupProtocol: 'consumer',
        deserializers: stringDeserializers,
        maxWaitTime: 200,
      });
      const stream = await consumer.consume({
        topics: [TOPIC],
        mode: 'committed',
        fallbackMode: 'earliest',
        autocommit: true,
      });
      stream.on('data', (m: { partition: number; offset: bigint; key: string; value: string }) => {
        received.push({
          by: name,
          partition: m.partition,
          offset: m.offset,
          key: m.key,
          seq: Number(m.value),
        });
      });
      applied.set(name, watchAppliedAssignment(consumer, stream, TOPIC));
      stops.set(name, async () => {
        applied.delete(name);
        await stream.close();
        await consumer.close(true);
      });
    };
    const stop = async (name: string) => {
      await stops.get(name)!();
      stops.delete(name);
    };

    const admin = kafka.admin();
    await admin.connect();
    const settled = (members: number) =>
      waitFor(
        `a stable group of ${members} owning each partition once`,
        async () => {
          const [group] = (await admin.describeConsumerGroups([GROUP])).groups;
          const owned = (group.members ?? []).flatMap((m) => m.assignment.flatMap((t) => t.partitions));
          // Samsa members start new partitions at their committed offsets and keep their positions
          // on the others; platformatic members re-read all of them, so those must have done so.
          const appliedByPlatformatic = (group.members ?? []).every(
            (m) =>
              !applied.has(m.clientId) ||
              applied.get(m.clientId)!.matches(m.assignment.flatMap((t) => t.partitions)),
          );
          return (
            appliedByPlatformatic &&
            group.type === 'consumer' &&
            group.state === 'Stable' &&
            group.members?.length === members &&
            owned.length === PARTITIONS &&
            new Set(owned).size === PARTITIONS
          );
        },
        { timeoutMs: 30_000 },
      );
    const committed = (count: number) =>
      waitFor(
        `${count} records received and committed`,
        async () => {
          if (received.length < count) return false;
          const [group] = (await admin.describeConsumerGroups([GROUP])).groups;
          return group.partitions.length === PARTITIONS && group.partitions.every((p) => p.lag === '0');
        },
        { timeoutMs: 30_000 },
      );

    try {
      await startSamsa('samsa-1');
      await startPlatformatic('platformatic-1');
      await startSamsa('samsa-2');
      await settled(3);
      await produce(300);
      await committed(300);

      await stop('platformatic-1');
      await settled(2);
      await produce(300);
      await committed(600);

      await startPlatformatic('platformatic-2');
      await stop('samsa-1');
      await settled(2);
      await produce(300);
      await committed(900);

      expect(new Set(received.map((r) => r.by)).size).toBe(4);
      expect(received).toHaveLength(900);
      expect(new Set(received.map((r) => `${r.partition}:${r.offset}`)).size).toBe(900);
      const lastSeq = new Map<string, number>();
      for (const r of [...received].sort(
        (a, b) => a.partition - b.partition || Number(a.offset - b.offset),
      )) {
        expect(r.seq).toBeGreaterThan(lastSeq.get(r.key) ?? -1);
        lastSeq.set(r.key, r.seq);
      }
    } finally {
      for (const name of [...stops.keys()]) await stop(name).catch(() => {});
      await admin.disconnect();
      await producer.disconnect();
    }
  });
});
