/**
 * KafkaJS 2.2.4 against the dev broker: admin creates a 6-partition topic, 20,000 keyed
 * messages are produced, a group of 3 consumers receives each exactly once in per-partition
 * order, and a restart with a data dir keeps every record and the committed offsets.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { waitFor } from '@samsa/test-support';
import { type Consumer, Kafka, logLevel, Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBroker, startBroker } from '../../src/index.js';

const TOPIC = 'orders';
const PARTITIONS = 6;
const MESSAGES = 20_000;
const GROUP = 'order-processors';

let broker: RunningBroker;
let dataDir: string;

function kafka(clientId: string) {
  return new Kafka({
    clientId,
    brokers: broker.bootstrap,
    logLevel: logLevel.NOTHING,
    retry: { retries: 10 },
  });
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'samsa-kafkajs-'));
  broker = await startBroker({ dataDir });
});

afterAll(async () => {
  await broker?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('KafkaJS 2.2.4', () => {
  it('admin, 20,000 keyed messages, a 3-consumer group with exactly-once delivery, and a durable restart', {
    timeout: 120_000,
  }, async () => {
    broker.control.recordRequests();
    const admin = kafka('admin').admin();
    await admin.connect();
    expect(
      await admin.createTopics({
        topics: [{ topic: TOPIC, numPartitions: PARTITIONS }],
        waitForLeaders: true,
      }),
    ).toBe(true);
    const metadata = await admin.fetchTopicMetadata({ topics: [TOPIC] });
    expect(metadata.topics[0].partitions).toHaveLength(PARTITIONS);

    // Consumers first: once the group is stable no rebalance interrupts delivery.
    const received = new Map<number, { offset: number; key: string; seq: number }[]>();
    const consumers: Consumer[] = [];
    const assignedPartitions = new Map<Consumer, number>();
    const startConsumer = async (i: number) => {
      const consumer = kafka(`consumer-${i}`).consumer({
        groupId: GROUP,
        sessionTimeout: 10_000,
        heartbeatInterval: 500,
        maxWaitTimeInMs: 500,
      });
      consumer.on(consumer.events.GROUP_JOIN, (event) => {
        const assigned = Object.values(event.payload.memberAssignment).reduce((n, p) => n + p.length, 0);
        assignedPartitions.set(consumer, assigned);
      });
      await consumer.connect();
      await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          const key = message.key!.toString();
          const seq = Number(message.value!.toString());
          const list = received.get(partition) ?? [];
          if (list.length === 0) received.set(partition, list);
          list.push({ offset: Number(message.offset), key, seq });
        },
      });
      consumers.push(consumer);
    };
    await Promise.all([0, 1, 2].map(startConsumer));
    await waitFor(
      'the group to be stable with 3 members owning all partitions',
      async () => {
        const description = await admin.describeGroups([GROUP]);
        const group = description.groups[0];
        if (group.state !== 'Stable' || group.members.length !== 3) return false;
        const owned = [...assignedPartitions.values()].reduce((n, count) => n + count, 0);
        return assignedPartitions.size === 3 && owned === PARTITIONS;
      },
      { timeoutMs: 60_000 },
    );

    const producer = kafka('producer').producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const keys = 50;
    for (let start = 0; start < MESSAGES; start += 1000) {
      const messages = Array.from({ length: 1000 }, (_, j) => {
        const seq = start + j;
        return { key: `customer-${seq % keys}`, value: String(seq) };
      });
      await producer.send({ topic: TOPIC, messages, acks: -1 });
    }
    await producer.disconnect();

    await waitFor(
      `all ${MESSAGES} messages to be consumed`,
      () => {
        let total = 0;
        for (const list of received.values()) total += list.length;
        return total >= MESSAGES;
      },
      { timeoutMs: 60_000 },
    );
    await new Promise((r) => setTimeout(r, 500));

    // Exactly once, per-partition order, and per-key order.
    let total = 0;
    const seen = new Set<number>();
    for (const [, list] of received) {
      list.forEach((m, i) => {
        expect(m.offset).toBe(i);
      });
      const lastByKey = new Map<string, number>();
      for (const m of list) {
        expect(seen.has(m.seq)).toBe(false);
        seen.add(m.seq);
        expect(m.seq).toBeGreaterThan(lastByKey.get(m.key) ?? -1);
        lastByKey.set(m.key, m.seq);
      }
      total += list.length;
    }
    expect(total).toBe(MESSAGES);
    expect(received.size).toBe(PARTITIONS);

    await Promise.all(consumers.map((c) => c.disconnect()));
    const committed = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
    const committedTotal = committed[0].partitions.reduce((n, p) => n + Number(p.offset), 0);
    expect(committedTotal).toBe(MESSAGES);
    await admin.disconnect();

    // The exact versions KafkaJS 2.2.4 negotiates (reference §3.1), all served.
    const used = new Map(broker.control.requests().map((r) => [r.api, r.apiVersion]));
    expect(Object.fromEntries(used)).toMatchObject({
      ApiVersions: 2,
      Metadata: 6,
      Produce: 7,
      Fetch: 11,
      ListOffsets: 3,
      FindCoordinator: 2,
      JoinGroup: 5,
      SyncGroup: 3,
      Heartbeat: 3,
      OffsetCommit: 5,
      OffsetFetch: 4,
      CreateTopics: 3,
      DescribeGroups: 2,
    });

    // Restart: data and committed offsets come back from the data dir.
    await broker.restart();
    const admin2 = kafka('admin-after-restart').admin();
    await admin2.connect();
    const ends = await admin2.fetchTopicOffsets(TOPIC);
    expect(ends.reduce((n, p) => n + Number(p.high), 0)).toBe(MESSAGES);
    const committedAfter = await admin2.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
    expect(committedAfter[0].partitions.reduce((n, p) => n + Number(p.offset), 0)).toBe(MESSAGES);
    await admin2.disconnect();

    const rereader = kafka('rereader').consumer({
      groupId: 'rereader',
      sessionTimeout: 10_000,
      maxWaitTimeInMs: 500,
    });
    let reread = 0;
    await rereader.connect();
    await rereader.subscribe({ topic: TOPIC, fromBeginning: true });
    await rereader.run({
      eachMessage: async () => {
        reread++;
      },
    });
    await waitFor('the restarted broker to serve every message again', () => reread >= MESSAGES, {
      timeoutMs: 60_000,
    });
    await rereader.disconnect();
    expect(reread).toBe(MESSAGES);
  });
});
