/**
 * The admin client against @samsa/broker-dev (three brokers): topics, partitions, configs, cluster
 * description, group offsets and lag, offsets by timestamp and record deletion; bad requests as typed errors.
 */
import { startBroker } from '@samsa/broker-dev';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Admin,
  ConfigResourceTypes,
  ConfigurationError,
  ErrorCode,
  InvalidTopicNameError,
  Kafka,
  KafkaProtocolError,
  LogLevel,
  type Producer,
} from '../../src/index.js';

type RunningBroker = Awaited<ReturnType<typeof startBroker>>;

let broker: RunningBroker;
let kafka: Kafka;
let admin: Admin;

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
}, 30_000);

afterAll(async () => {
  await admin?.disconnect();
  await broker?.stop();
});

function producer(config: Parameters<Kafka['producer']>[0] = {}): Producer {
  return kafka.producer({ retryBackoffMs: 20, retryBackoffMaxMs: 200, ...config });
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
