/** N in-process brokers: spread leaders, replicas/ISR, failover on stop/start, leader moves. */
import { ErrorCode } from '@samsa/protocol';
import { waitFor } from '@samsa/test-support';
import { buildBatch } from '@samsa/test-support/record-batches';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBroker, startBroker } from '../../src/index.js';
import { createTopic, fetchRecords, fetchRequestBody, values } from '../helpers/kafka.js';
import { RawClient } from '../helpers/raw-client.js';
import { tempDir } from '../storage/helpers.js';

let broker: RunningBroker;
const clients = new Map<number, RawClient>();

async function clientFor(nodeId: number): Promise<RawClient> {
  let client = clients.get(nodeId);
  if (!client?.isOpen) {
    client = await RawClient.connect(broker.bootstrap[nodeId - 1]);
    clients.set(nodeId, client);
  }
  return client;
}

async function metadata(viaNode: number, topic: string) {
  const response = await (await clientFor(viaNode)).request(3, 9, {
    topics: [{ name: topic }],
    allowAutoTopicCreation: false,
    includeTopicAuthorizedOperations: false,
  });
  return { brokers: response.brokers.map((b) => b.nodeId), partitions: response.topics[0].partitions };
}

async function produceTo(nodeId: number, topic: string, partition: number, value: string) {
  const response = await (await clientFor(nodeId)).request(0, 10, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 1000,
    topicData: [
      { name: topic, partitionData: [{ index: partition, records: buildBatch([{ key: null, value }]) }] },
    ],
  });
  return response;
}

beforeAll(async () => {
  broker = await startBroker({ brokers: 3 });
  await createTopic(await clientFor(1), 'spread', 6);
});
afterAll(async () => {
  for (const c of clients.values()) c.close();
  await broker.stop();
});

describe('multi-broker cluster', () => {
  it('spreads leaders and reports three replicas in sync', async () => {
    const { brokers, partitions } = await metadata(1, 'spread');
    expect(brokers).toEqual([1, 2, 3]);
    const leaders = partitions.map((p) => p.leaderId);
    expect(new Set(leaders)).toEqual(new Set([1, 2, 3]));
    for (const p of partitions) {
      expect(p.replicaNodes).toHaveLength(3);
      expect([...p.isrNodes].sort()).toEqual([1, 2, 3]);
      expect(p.replicaNodes[0]).toBe(p.leaderId);
    }
  });

  it('answers NOT_LEADER_OR_FOLLOWER with the current leader when a follower gets a produce', async () => {
    const { partitions } = await metadata(1, 'spread');
    const p = partitions[0];
    const follower = [1, 2, 3].find((n) => n !== p.leaderId)!;
    const response = await produceTo(follower, 'spread', p.partitionIndex, 'x');
    const result = response.responses[0].partitionResponses[0];
    expect(result.errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    expect(result.currentLeader).toEqual({ leaderId: p.leaderId, leaderEpoch: p.leaderEpoch });
    expect(response.nodeEndpoints?.map((n) => n.nodeId)).toEqual([p.leaderId]);
  });

  it('moves leadership off a stopped broker without losing acknowledged records, and back when it returns', async () => {
    const before = await metadata(1, 'spread');
    const victim = 2;
    const led = before.partitions.filter((p) => p.leaderId === victim);
    expect(led.length).toBeGreaterThan(0);
    for (const p of led)
      expect(
        (await produceTo(victim, 'spread', p.partitionIndex, `before-${p.partitionIndex}`)).responses[0]
          .partitionResponses[0].errorCode,
      ).toBe(0);

    await broker.control.stopBroker(victim);
    await expect(RawClient.connect(broker.bootstrap[victim - 1])).rejects.toThrow();
    const during = await metadata(1, 'spread');
    expect(during.brokers).toEqual([1, 3]);
    for (const p of during.partitions) {
      expect(p.leaderId).not.toBe(victim);
      expect(p.isrNodes).not.toContain(victim);
      expect(p.offlineReplicas).toEqual([victim]);
    }
    for (const p of led) {
      const now = during.partitions.find((q) => q.partitionIndex === p.partitionIndex)!;
      expect(now.leaderEpoch).toBeGreaterThan(p.leaderEpoch!);
      // The old leader's acknowledged record is on the new leader, which takes new writes.
      const fetched = await fetchRecords(await clientFor(now.leaderId), 'spread', p.partitionIndex, 0);
      expect(values(fetched.records)).toContain(`before-${p.partitionIndex}`);
      expect(
        (await produceTo(now.leaderId, 'spread', p.partitionIndex, 'during')).responses[0]
          .partitionResponses[0].errorCode,
      ).toBe(0);
    }

    await broker.control.startBroker(victim);
    const after = await metadata(1, 'spread');
    expect(after.brokers).toEqual([1, 2, 3]);
    for (const p of after.partitions) {
      expect([...p.isrNodes].sort()).toEqual([1, 2, 3]);
      expect(p.leaderId).toBe(p.replicaNodes[0]);
    }
    for (const p of led) {
      const fetched = await fetchRecords(await clientFor(victim), 'spread', p.partitionIndex, 0);
      expect(values(fetched.records)).toEqual([`before-${p.partitionIndex}`, 'during']);
    }
  });

  it('moves a partition leader on request', async () => {
    const before = (await metadata(1, 'spread')).partitions[1];
    const target = [1, 2, 3].find((n) => n !== before.leaderId)!;
    broker.control.movePartitionLeader('spread', 1, target);
    expect(broker.control.leaderOf('spread', 1)).toBe(target);
    const after = (await metadata(3, 'spread')).partitions[1];
    expect(after.leaderId).toBe(target);
    expect(after.leaderEpoch).toBe(before.leaderEpoch! + 1);
    const stale = await (await clientFor(before.leaderId)).request(
      1,
      11,
      fetchRequestBody('spread', [{ partition: 1, offset: 0, currentLeaderEpoch: before.leaderEpoch }]),
    );
    expect(stale.responses[0].partitions[0].errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER);
  });

  it('records each leader epoch when leadership moves, even without writes (OffsetForLeaderEpoch, epoch checks)', async () => {
    await createTopic(await clientFor(1), 'epochs', 1);
    const start = (await metadata(1, 'epochs')).partitions[0];
    const first = start.leaderId;
    for (let i = 0; i < 3; i++)
      expect(
        (await produceTo(first, 'epochs', 0, `a${i}`)).responses[0].partitionResponses[0].errorCode,
      ).toBe(0);
    const [second, third] = [1, 2, 3].filter((n) => n !== first);
    broker.control.movePartitionLeader('epochs', 0, second); // epoch e+1: nothing written
    broker.control.movePartitionLeader('epochs', 0, third); // epoch e+2
    for (let i = 0; i < 2; i++) await produceTo(third, 'epochs', 0, `b${i}`);
    const e = start.leaderEpoch!;
    const leader = await clientFor(third);
    const endOffset = async (leaderEpoch: number, currentLeaderEpoch = -1) => {
      const response = await leader.request(23, 4, {
        replicaId: -1,
        topics: [{ topic: 'epochs', partitions: [{ partition: 0, currentLeaderEpoch, leaderEpoch }] }],
      });
      const p = response.topics[0].partitions[0];
      return { errorCode: p.errorCode, leaderEpoch: p.leaderEpoch, endOffset: Number(p.endOffset) };
    };
    expect(await endOffset(e)).toEqual({ errorCode: 0, leaderEpoch: e, endOffset: 3 });
    // The epoch without writes was replaced by the next one, as in Kafka.
    expect(await endOffset(e + 1)).toEqual({ errorCode: 0, leaderEpoch: e, endOffset: 3 });
    expect(await endOffset(e + 2, e + 2)).toEqual({ errorCode: 0, leaderEpoch: e + 2, endOffset: 5 });
    expect(await endOffset(e + 3)).toEqual({ errorCode: 0, leaderEpoch: -1, endOffset: -1 });
    expect((await endOffset(e, e + 1)).errorCode).toBe(ErrorCode.FENCED_LEADER_EPOCH);
    expect((await endOffset(e, e + 3)).errorCode).toBe(ErrorCode.UNKNOWN_LEADER_EPOCH);
    const fetchWith = async (currentLeaderEpoch: number) => {
      const response = await leader.request(
        1,
        12,
        fetchRequestBody('epochs', [{ partition: 0, offset: 0, currentLeaderEpoch }]),
      );
      return response.responses[0].partitions[0].errorCode;
    };
    expect(await fetchWith(e + 1)).toBe(74);
    expect(await fetchWith(e + 3)).toBe(75);
    expect(await fetchWith(e + 2)).toBe(0);
    expect(await fetchWith(-1)).toBe(0);
  });

  it('moves a group coordinator when its broker stops', async () => {
    const group = 'moving-group';
    const coordinator = broker.control.coordinatorOf(group);
    const other = [1, 2, 3].find((n) => n !== coordinator)!;
    const found = await (await clientFor(other)).request(10, 2, { key: group, keyType: 0 });
    expect(found.nodeId).toBe(coordinator);
    await broker.control.stopBroker(coordinator);
    const moved = await (await clientFor(other)).request(10, 2, { key: group, keyType: 0 });
    expect(moved.nodeId).not.toBe(coordinator);
    await broker.control.startBroker(coordinator);
  });

  it('keeps a KafkaJS producer going through a broker stop and start with no acknowledged record lost', {
    timeout: 120_000,
  }, async () => {
    const kafka = new Kafka({
      clientId: 'failover',
      brokers: broker.bootstrap,
      logLevel: logLevel.NOTHING,
      retry: { retries: 20, initialRetryTime: 50, maxRetryTime: 500 },
    });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await createTopic(await clientFor(1), 'failover', 3);
    const acked: string[] = [];
    for (let i = 0; i < 60; i++) {
      if (i === 20) await broker.control.stopBroker(3);
      if (i === 40) await broker.control.startBroker(3);
      const value = `m-${i}`;
      await producer.send({ topic: 'failover', acks: -1, messages: [{ key: `k-${i % 5}`, value }] });
      acked.push(value);
    }
    await producer.disconnect();
    await waitFor(
      'leaders to settle',
      async () => (await metadata(1, 'failover')).partitions.every((p) => p.leaderId > 0),
      { timeoutMs: 60_000 },
    );
    const stored: string[] = [];
    for (const p of (await metadata(1, 'failover')).partitions) {
      stored.push(
        ...values(
          (await fetchRecords(await clientFor(p.leaderId), 'failover', p.partitionIndex, 0)).records,
        ).map(String),
      );
    }
    expect(new Set(stored)).toEqual(new Set(acked));
  });
});

describe('leader epochs across a restart', () => {
  it('never go backwards, even when the last epochs saw no writes', async () => {
    const durable = await startBroker({ brokers: 3, dataDir: tempDir() });
    let client = await RawClient.connect(durable.bootstrap[0]);
    try {
      await createTopic(client, 'kept', 1);
      const leaderEpochOf = async () => {
        const response = await client.request(3, 9, {
          topics: [{ name: 'kept' }],
          allowAutoTopicCreation: false,
          includeTopicAuthorizedOperations: false,
        });
        return response.topics[0].partitions[0].leaderEpoch;
      };
      const first = durable.control.leaderOf('kept', 0);
      const others = [1, 2, 3].filter((n) => n !== first);
      durable.control.movePartitionLeader('kept', 0, others[0]);
      durable.control.movePartitionLeader('kept', 0, others[1]);
      const before = await leaderEpochOf();
      expect(before).toBe(2);
      client.close();
      await durable.restart();
      client = await RawClient.connect(durable.bootstrap[0]);
      expect(await leaderEpochOf()).toBe(before);
    } finally {
      client.close();
      await durable.stop();
    }
  });
});
