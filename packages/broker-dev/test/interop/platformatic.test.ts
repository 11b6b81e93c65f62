/**
 * @platformatic/kafka 1.35.0 (the newest that runs on Node 20) with `groupProtocol: 'consumer'`
 * against the dev broker: a group of 3 on a 6-partition topic gets every partition exactly once,
 * consumes keyed records with no duplicates and per-key order, and rebalances when a member leaves
 * and when one joins. Each phase waits until the group committed everything before membership
 * changes, so a duplicate would be the broker's fault, not an uncommitted tail.
 *
 * "Settled" also waits for each client to apply what the broker assigned it: on every new
 * assignment @platformatic/kafka re-reads the committed offsets of all its partitions, kept ones
 * included, so records it fetched in the meantime but had not committed yet would come again.
 */
import { ApiKey } from '@samsa/protocol';
import { type AppliedAssignment, requirePeer, waitFor, watchAppliedAssignment } from '@samsa/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningBroker, startBroker } from '../../src/index.js';
import { createTopic } from '../helpers/kafka.js';
import { RawClient } from '../helpers/raw-client.js';

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
  hint: 'npm ci (it is a devDependency of @samsa/broker-dev)',
});

const TOPIC = 'kip848-orders';
const GROUP = 'kip848-platformatic';
const PARTITIONS = 6;
const KEYS = 24;

let broker: RunningBroker;
let raw: RawClient;

beforeAll(async () => {
  broker = await startBroker({
    groupConsumerHeartbeatIntervalMs: 200,
    groupConsumerSessionTimeoutMs: 6000,
  });
  raw = await RawClient.connect(broker.bootstrap[0]);
  await createTopic(raw, TOPIC, PARTITIONS);
});
afterAll(async () => {
  raw?.close();
  await broker?.stop();
});

interface Received {
  partition: number;
  offset: bigint;
  key: string;
  seq: number;
}

peer.describe('@platformatic/kafka consumers (groupProtocol: consumer)', () => {
  it('share 6 partitions exactly once, deliver each record once in key order, and rebalance on leave and join', {
    timeout: 120_000,
  }, async () => {
    const { Consumer, Producer, stringDeserializers, stringSerializers } = platformatic!;
    const producer = new Producer({
      clientId: 'kip848-producer',
      bootstrapBrokers: broker.bootstrap,
      serializers: stringSerializers,
    });
    const received: Received[] = [];
    let sequence = 0;
    const produce = async (count: number) => {
      const messages = Array.from({ length: count }, () => {
        const seq = sequence++;
        return { topic: TOPIC, key: `key-${seq % KEYS}`, value: String(seq) };
      });
      await producer.send({ messages });
    };

    /** Each running member, as the way to stop it (stream first, then the consumer, which leaves with -1). */
    const running: (() => Promise<void>)[] = [];
    /** Per client id: whether it applied what the broker assigned it (see the file's comment). */
    const applied = new Map<string, AppliedAssignment>();
    const start = async (name: string) => {
      const consumer = new Consumer({
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
        received.push({ partition: m.partition, offset: m.offset, key: m.key, seq: Number(m.value) });
      });
      applied.set(name, watchAppliedAssignment(consumer, stream, TOPIC));
      running.push(async () => {
        applied.delete(name);
        await stream.close();
        await consumer.close(true);
      });
    };

    const describeGroup = async () =>
      (
        await raw.request(ApiKey.ConsumerGroupDescribe, 1, {
          groupIds: [GROUP],
          includeAuthorizedOperations: false,
        })
      ).groups[0];
    /** Stable with `n` members that together own every partition exactly once. */
    const settled = (n: number) =>
      waitFor(
        `a stable group of ${n} owning ${PARTITIONS} partitions once`,
        async () => {
          const group = await describeGroup();
          const owned = group.members.flatMap((m) =>
            m.assignment.topicPartitions.flatMap((t) => t.partitions),
          );
          const appliedByClient = group.members.every((m) =>
            applied.get(m.clientId)?.matches(m.assignment.topicPartitions.flatMap((t) => t.partitions)),
          );
          return (
            group.groupState === 'Stable' &&
            group.members.length === n &&
            group.members.every((m) => m.assignment.topicPartitions.length > 0) &&
            owned.length === PARTITIONS &&
            new Set(owned).size === PARTITIONS &&
            appliedByClient
          );
        },
        { timeoutMs: 30_000 },
      );
    const consumedAndCommitted = (count: number) =>
      waitFor(
        `${count} records received and committed`,
        async () => {
          if (received.length < count) return false;
          const offsets = await raw.request(ApiKey.OffsetFetch, 8, {
            groups: [{ groupId: GROUP, topics: [{ name: TOPIC, partitionIndexes: [0, 1, 2, 3, 4, 5] }] }],
            requireStable: false,
          });
          const committed = offsets.groups![0].topics[0].partitions.reduce(
            (sum, p) => sum + Number(p.committedOffset < 0n ? 0n : p.committedOffset),
            0,
          );
          return committed === count;
        },
        { timeoutMs: 30_000 },
      );

    try {
      for (const name of ['p1', 'p2', 'p3']) await start(name);
      await settled(3);
      await produce(300);
      await consumedAndCommitted(300);

      // A member leaves: the other two take its partitions.
      await running.shift()!();
      await settled(2);
      await produce(300);
      await consumedAndCommitted(600);

      // A member joins: partitions move to it.
      await start('p4');
      await settled(3);
      await produce(300);
      await consumedAndCommitted(900);

      expect(received).toHaveLength(900);
      const byPartitionOffset = new Set(received.map((r) => `${r.partition}:${r.offset}`));
      expect(byPartitionOffset.size).toBe(900);
      const bySeq = new Set(received.map((r) => r.seq));
      expect(bySeq.size).toBe(900);
      // Per key, records arrive in the order they were produced.
      const lastSeq = new Map<string, number>();
      for (const r of [...received].sort(
        (a, b) => a.partition - b.partition || Number(a.offset - b.offset),
      )) {
        expect(r.seq).toBeGreaterThan(lastSeq.get(r.key) ?? -1);
        lastSeq.set(r.key, r.seq);
      }
    } finally {
      for (const stop of running) await stop().catch(() => {});
      await producer.close();
    }
  });
});
