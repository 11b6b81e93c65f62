/**
 * Producer and admin against @samsa/broker-dev (multi-broker), with its fault injection: retriable
 * errors are retried, dropped connections re-established, leader moves and stopped brokers
 * followed, and nothing acknowledged is lost or reordered; non-retriable errors reach the caller typed.
 */
import { startBroker } from '@samsa/broker-dev';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from '../../src/cluster/cluster.js';
import {
  type Admin,
  ConfigResourceTypes,
  ConfigurationError,
  ErrorCode,
  InvalidTopicNameError,
  javaPartitionForKey,
  Kafka,
  KafkaProtocolError,
  LogLevel,
  type Producer,
} from '../../src/index.js';
import { readTopic } from '../helpers/read-back.js';

type RunningBroker = Awaited<ReturnType<typeof startBroker>>;

let broker: RunningBroker;
let kafka: Kafka;
let admin: Admin;
let reader: Cluster;

beforeAll(async () => {
  broker = await startBroker({ brokers: 3, port: 0, partitions: 3 });
  kafka = new Kafka({
    clientId: 'samsa-it',
    brokers: broker.bootstrap,
    logLevel: LogLevel.NOTHING,
    retry: { initialRetryTimeMs: 20, maxRetryTimeMs: 200, retries: 10 },
  });
  admin = kafka.admin();
  await admin.connect();
  reader = kafka.createCluster({ namespace: 'reader', allowAutoTopicCreation: false });
  await reader.connect();
}, 30_000);

afterAll(async () => {
  await reader?.disconnect();
  await admin?.disconnect();
  await broker?.stop();
});

function producer(config: Parameters<Kafka['producer']>[0] = {}): Producer {
  return kafka.producer({ retryBackoffMs: 20, retryBackoffMaxMs: 200, ...config });
}

async function expectExactlyInOrder(topic: string, expected: Map<number, string[]>): Promise<void> {
  const got = await readTopic(reader, topic);
  for (const [partition, values] of expected) {
    const records = got.get(partition) ?? [];
    expect(
      records.map((r) => r.value),
      `${topic}[${partition}]`,
    ).toEqual(values);
    expect(records.map((r) => Number(r.offset))).toEqual(values.map((_, i) => i));
  }
}

describe('admin against broker-dev', () => {
  it('creates, lists, describes, grows and deletes topics', async () => {
    expect(
      await admin.createTopics({ topics: [{ topic: 'adm-1', numPartitions: 5, replicationFactor: 2 }] }),
    ).toBe(true);
    expect(await admin.createTopics({ topics: [{ topic: 'adm-1', numPartitions: 5 }] })).toBe(false);
    expect(await admin.listTopics()).toContain('adm-1');
    const meta = await admin.fetchTopicMetadata({ topics: ['adm-1'] });
    expect(meta.topics[0].partitions).toHaveLength(5);
    expect(meta.topics[0].partitions.every((p) => p.replicas.length === 2 && p.leader > 0)).toBe(true);
    await admin.createPartitions({ topicPartitions: [{ topic: 'adm-1', count: 7 }] });
    expect((await admin.fetchTopicMetadata({ topics: ['adm-1'] })).topics[0].partitions).toHaveLength(7);
    await admin.deleteTopics({ topics: ['adm-1'] });
    expect(await admin.listTopics()).not.toContain('adm-1');
  });

  it('reports bad requests as typed errors', async () => {
    // A name Kafka would refuse never reaches the broker.
    await expect(
      admin.createTopics({ topics: [{ topic: 'bad/name', numPartitions: 1 }], waitForLeaders: false }),
    ).rejects.toBeInstanceOf(InvalidTopicNameError);
    const err = await admin
      .createTopics({
        topics: [{ topic: 'adm-too-many-replicas', numPartitions: 1, replicationFactor: 10 }],
        waitForLeaders: false,
      })
      .catch((e) => e);
    expect(err).toBeInstanceOf(KafkaProtocolError);
    expect(err.errorCode).toBe(ErrorCode.INVALID_REPLICATION_FACTOR);
    expect(err.retriable).toBe(false);
    await expect(admin.createTopics({ topics: [] })).rejects.toBeInstanceOf(ConfigurationError);
    await expect(admin.deleteTopics({ topics: ['does-not-exist'] })).rejects.toBeInstanceOf(
      KafkaProtocolError,
    );
  });

  it('describes the cluster and describes/alters configs', async () => {
    const c = await admin.describeCluster();
    expect(c.brokers.map((b) => b.nodeId).sort()).toEqual([1, 2, 3]);
    expect(c.clusterId).toBeTruthy();
    await admin.createTopics({ topics: [{ topic: 'adm-cfg', numPartitions: 1 }] });
    await admin.alterConfigs({
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: 'adm-cfg',
          configEntries: [{ name: 'retention.ms', value: '12345' }],
        },
      ],
    });
    const d = await admin.describeConfigs({
      resources: [{ type: ConfigResourceTypes.TOPIC, name: 'adm-cfg', configNames: ['retention.ms'] }],
    });
    expect(d.resources[0].configEntries.find((e) => e.configName === 'retention.ms')?.configValue).toBe(
      '12345',
    );
    const b = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.BROKER, name: '2' }] });
    expect(b.resources[0].resourceName).toBe('2');
  });

  it('sets, fetches, resets and deletes group offsets; reports lag per partition', async () => {
    await admin.createTopics({ topics: [{ topic: 'adm-lag', numPartitions: 3 }] });
    const p = producer({ lingerMs: 0 });
    await p.connect();
    for (let partition = 0; partition < 3; partition++) {
      await p.send({
        topic: 'adm-lag',
        messages: Array.from({ length: 10 * (partition + 1) }, (_, i) => ({ value: `${i}`, partition })),
      });
    }
    await p.disconnect();
    await admin.setOffsets({
      groupId: 'g-lag',
      topic: 'adm-lag',
      partitions: [
        { partition: 0, offset: '4' },
        { partition: 1, offset: '20' },
      ],
    });
    const offsets = await admin.fetchOffsets({ groupId: 'g-lag', topics: ['adm-lag'] });
    expect(offsets[0].partitions.map((x) => x.offset)).toEqual(['4', '20', '-1']);
    const lag = await admin.fetchConsumerLag({ groupId: 'g-lag' });
    expect(lag.map((l) => [l.partition, l.committedOffset, l.endOffset, l.lag])).toEqual([
      [0, '4', '10', '6'],
      [1, '20', '20', '0'],
      [2, '-1', '30', '30'],
    ]);
    await admin.resetOffsets({ groupId: 'g-lag', topic: 'adm-lag', earliest: false });
    const reset = await admin.fetchConsumerLag({ groupId: 'g-lag', topics: ['adm-lag'] });
    expect(reset.map((l) => l.lag)).toEqual(['0', '0', '0']);
    const groups = await admin.listGroups();
    expect(groups.groups.map((g) => g.groupId)).toContain('g-lag');
    const desc = await admin.describeGroups(['g-lag']);
    expect(desc.groups[0]).toMatchObject({ groupId: 'g-lag', members: [] });
    await admin.deleteGroupOffsets({ groupId: 'g-lag', topics: [{ topic: 'adm-lag', partitions: [0] }] });
    expect(
      (await admin.fetchOffsets({ groupId: 'g-lag', topics: ['adm-lag'] }))[0].partitions[0].offset,
    ).toBe('-1');
    await admin.deleteGroups(['g-lag']);
    expect((await admin.listGroups()).groups.map((g) => g.groupId)).not.toContain('g-lag');
  });

  it('fetches topic offsets by timestamp and deletes records', async () => {
    await admin.createTopics({ topics: [{ topic: 'adm-ts', numPartitions: 1 }] });
    const p = producer({ lingerMs: 0 });
    await p.connect();
    await p.send({
      topic: 'adm-ts',
      messages: [1000, 2000, 3000].map((timestamp) => ({ value: `${timestamp}`, timestamp })),
    });
    await p.disconnect();
    expect(await admin.fetchTopicOffsetsByTimestamp('adm-ts', 1500)).toEqual([{ partition: 0, offset: '1' }]);
    await admin.deleteTopicRecords({ topic: 'adm-ts', partitions: [{ partition: 0, offset: '2' }] });
    expect(await admin.fetchTopicOffsets('adm-ts')).toEqual([
      { partition: 0, offset: '3', high: '3', low: '2' },
    ]);
  });
});

describe('producer against broker-dev', () => {
  it('produces keyed messages to a 3-broker cluster: Java partitions, offsets as reported', async () => {
    await admin.createTopics({ topics: [{ topic: 'p-keyed', numPartitions: 6, replicationFactor: 3 }] });
    const p = producer();
    await p.connect();
    const messages = Array.from({ length: 3000 }, (_, i) => ({ key: `k${i % 101}`, value: `${i}` }));
    const r = await p.send({ topic: 'p-keyed', messages });
    await p.disconnect();
    const expected = new Map<number, string[]>();
    r.records.forEach((rec, i) => {
      expect(rec.partition).toBe(javaPartitionForKey(Buffer.from(`k${i % 101}`), 6));
      const list = expected.get(rec.partition) ?? [];
      expect(Number(rec.offset)).toBe(list.length);
      list.push(`${i}`);
      expected.set(rec.partition, list);
    });
    await expectExactlyInOrder('p-keyed', expected);
  });

  it('retries retriable errors without losing or reordering anything', async () => {
    await admin.createTopics({ topics: [{ topic: 'p-retry', numPartitions: 2 }] });
    const p = producer({ batchSize: 512, lingerMs: 1 });
    await p.connect();
    broker.control.failNextRequests('Produce', 4, 19); // NOT_ENOUGH_REPLICAS
    const expected = new Map<number, string[]>([
      [0, []],
      [1, []],
    ]);
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < 400; i++) {
      const partition = i % 2;
      expected.get(partition)!.push(`${i}`);
      sends.push(p.send({ topic: 'p-retry', messages: [{ value: `${i}`, partition }] }));
    }
    await Promise.all(sends);
    await p.disconnect();
    broker.control.clearFaults();
    await expectExactlyInOrder('p-retry', expected);
  });

  it('re-establishes dropped connections', async () => {
    await admin.createTopics({ topics: [{ topic: 'p-drop', numPartitions: 1 }] });
    const p = producer({ lingerMs: 0 });
    await p.connect();
    await p.send({ topic: 'p-drop', messages: [{ value: 'before' }] });
    broker.control.dropConnections();
    await p.send({ topic: 'p-drop', messages: [{ value: 'after-drop' }] });
    await p.disconnect();
    await expectExactlyInOrder('p-drop', new Map([[0, ['before', 'after-drop']]]));
  });

  it('follows partition leader moves mid-stream', async () => {
    await admin.createTopics({ topics: [{ topic: 'p-move', numPartitions: 1, replicationFactor: 3 }] });
    const p = producer({ batchSize: 1024, lingerMs: 0 });
    await p.connect();
    const values: string[] = [];
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < 300; i++) {
      values.push(`${i}`);
      sends.push(p.send({ topic: 'p-move', messages: [{ value: `${i}` }] }));
      if (i === 100 || i === 200) {
        const current = broker.control.leaderOf('p-move', 0);
        broker.control.movePartitionLeader('p-move', 0, (current % 3) + 1);
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    await Promise.all(sends);
    await p.disconnect();
    await expectExactlyInOrder('p-move', new Map([[0, values]]));
  });

  it('survives a broker stopping: leaders move, acknowledged records stay', async () => {
    await admin.createTopics({ topics: [{ topic: 'p-stop', numPartitions: 3, replicationFactor: 3 }] });
    const p = producer({ lingerMs: 2, requestTimeoutMs: 3000, deliveryTimeoutMs: 20_000 });
    await p.connect();
    const expected = new Map<number, string[]>([
      [0, []],
      [1, []],
      [2, []],
    ]);
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < 300; i++) {
      const partition = i % 3;
      expected.get(partition)!.push(`${i}`);
      sends.push(p.send({ topic: 'p-stop', messages: [{ value: `${i}`, partition }] }));
      if (i === 150) await broker.control.stopBroker(broker.control.leaderOf('p-stop', 1));
    }
    await Promise.all(sends);
    await p.disconnect();
    await expectExactlyInOrder('p-stop', expected);
    for (const id of [1, 2, 3]) await broker.control.startBroker(id).catch(() => {});
  }, 30_000);

  it('passes non-retriable errors to the caller as typed errors', async () => {
    await admin.createTopics({ topics: [{ topic: 'p-fatal', numPartitions: 1 }] });
    const p = producer({ lingerMs: 0 });
    await p.connect();
    broker.control.failNextRequests('Produce', 1, 29); // TOPIC_AUTHORIZATION_FAILED
    const err = await p.send({ topic: 'p-fatal', messages: [{ value: 'x' }] }).catch((e) => e);
    expect(err).toBeInstanceOf(KafkaProtocolError);
    expect(err.type).toBe('TOPIC_AUTHORIZATION_FAILED');
    await p.send({ topic: 'p-fatal', messages: [{ value: 'y' }] });
    await p.disconnect();
    await expectExactlyInOrder('p-fatal', new Map([[0, ['y']]]));
  });

  it('splits batches larger than the topic takes (MESSAGE_TOO_LARGE), compressed or not, idempotent or not', async () => {
    await admin.createTopics({
      topics: [
        {
          topic: 'p-too-large',
          numPartitions: 2,
          configEntries: [{ name: 'max.message.bytes', value: '16000' }],
        },
      ],
    });
    const expected = new Map<number, string[]>([
      [0, []],
      [1, []],
    ]);
    let n = 0;
    for (const config of [{}, { enableIdempotence: true }, { compressionType: 'gzip' as const }]) {
      const p = producer({ batchSize: 200_000, lingerMs: 0, ...config });
      await p.connect();
      const sends = Array.from({ length: 4 }, () => {
        const messages = Array.from({ length: 100 }, () => {
          const i = n++;
          const partition = i % 2;
          // Random-ish bytes, so gzip cannot shrink a batch under the limit.
          const value = `${i}:${Buffer.from(Array.from({ length: 300 }, (_, j) => (i * 31 + j * 17) % 251)).toString('base64')}`;
          expected.get(partition)!.push(value);
          return { value, partition };
        });
        return p.send({ topic: 'p-too-large', messages });
      });
      await Promise.all(sends);
      await p.disconnect();
    }
    await expectExactlyInOrder('p-too-large', expected);
  });

  it('reuses the buffers of acknowledged batches without touching a byte of what was sent', async () => {
    await admin.createTopics({ topics: [{ topic: 'p-recycle', numPartitions: 1 }] });
    const p = producer({ lingerMs: 0, batchSize: 16 * 1024 });
    await p.connect();
    const values: string[] = [];
    // Rounds of distinct 1 KB values, each round acknowledged before the next starts, so later
    // batches are written into the buffers of earlier ones; several sends in flight within a round.
    for (let round = 0; round < 20; round++) {
      const sends: Promise<unknown>[] = [];
      for (let s = 0; s < 4; s++) {
        const batch = Array.from({ length: 40 }, (_, i) => {
          const id = `${round}-${s}-${i}-`;
          return id + String.fromCharCode(97 + ((round + s + i) % 26)).repeat(1024 - id.length);
        });
        values.push(...batch);
        sends.push(p.send({ topic: 'p-recycle', messages: batch.map((value) => ({ value })) }));
      }
      await Promise.all(sends);
    }
    await p.disconnect();
    await expectExactlyInOrder('p-recycle', new Map([[0, values]]));
  });

  it('compresses with every codec', async () => {
    await admin.createTopics({ topics: [{ topic: 'p-codecs', numPartitions: 1 }] });
    const p = producer({ lingerMs: 0 });
    await p.connect();
    const values: string[] = [];
    for (const compression of [0, 1, 2, 3, 4] as const) {
      const batch = Array.from({ length: 50 }, (_, i) => `${compression}-${i}-${'z'.repeat(100)}`);
      values.push(...batch);
      await p.send({ topic: 'p-codecs', compression, messages: batch.map((value) => ({ value })) });
    }
    await p.disconnect();
    await expectExactlyInOrder('p-codecs', new Map([[0, values]]));
  });
});
