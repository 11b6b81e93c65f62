import { ErrorCode } from '@samsa/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBroker } from '../../src/index.js';
import { brokerWithClient, createTopic, fetchRecords, produce } from '../helpers/kafka.js';
import type { RawClient } from '../helpers/raw-client.js';

let broker: RunningBroker;
let client: RawClient;

beforeAll(async () => {
  ({ broker, client } = await brokerWithClient({
    partitions: 2,
    topicDefaults: { 'retention.ms': '3600000' },
  }));
});
afterAll(async () => {
  client.close();
  await broker.stop();
});

const topicSpec = (name: string, numPartitions = 1, configs: { name: string; value: string }[] = []) => ({
  name,
  numPartitions,
  replicationFactor: -1,
  assignments: [],
  configs,
});

describe('CreateTopics', () => {
  it('creates topics with every version v0-v7', async () => {
    for (let version = 0; version <= 7; version++) {
      const numPartitions = version >= 4 ? -1 : 3;
      const response = await client.request(19, version, {
        topics: [
          { ...topicSpec(`created-v${version}`, numPartitions), replicationFactor: version >= 4 ? -1 : 1 },
        ],
        timeoutMs: 1000,
        validateOnly: false,
      });
      expect(response.topics[0].errorCode, `v${version}`).toBe(0);
      if (version >= 5) {
        expect(response.topics[0].numPartitions).toBe(version >= 4 ? 2 : 3);
        expect(response.topics[0].configs?.find((c) => c.name === 'retention.ms')?.value).toBe('3600000');
      }
    }
  });

  it('reports Kafka errors per topic', async () => {
    await createTopic(client, 'exists', 1);
    const response = await client.request(19, 5, {
      topics: [
        topicSpec('exists'),
        topicSpec('bad/name'),
        topicSpec('zero', 0),
        { ...topicSpec('too-many-replicas'), replicationFactor: 3 },
        topicSpec('bad-config', 1, [{ name: 'retention.ms', value: 'soon' }]),
        topicSpec('unknown-config', 1, [{ name: 'no.such.config', value: '1' }]),
        topicSpec('dup'),
        topicSpec('dup'),
      ],
      timeoutMs: 1000,
      validateOnly: false,
    });
    expect(response.topics.map((t) => [t.name, t.errorCode])).toEqual([
      ['exists', 36],
      ['bad/name', 17],
      ['zero', 37],
      ['too-many-replicas', 38],
      ['bad-config', 40],
      ['unknown-config', 40],
      ['dup', 42],
      ['dup', 42],
    ]);
  });

  it('validates without creating when validateOnly is set', async () => {
    const response = await client.request(19, 5, {
      topics: [topicSpec('dry-run', 4)],
      timeoutMs: 1000,
      validateOnly: true,
    });
    expect(response.topics[0]).toMatchObject({ errorCode: 0, numPartitions: 4 });
    const metadata = await client.request(3, 4, {
      topics: [{ name: 'dry-run' }],
      allowAutoTopicCreation: false,
    });
    expect(metadata.topics[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('honours explicit replica assignments', async () => {
    const response = await client.request(19, 5, {
      topics: [
        {
          name: 'assigned',
          numPartitions: -1,
          replicationFactor: -1,
          assignments: [
            { partitionIndex: 0, brokerIds: [1] },
            { partitionIndex: 1, brokerIds: [1] },
          ],
          configs: [],
        },
      ],
      timeoutMs: 1000,
      validateOnly: false,
    });
    expect(response.topics[0]).toMatchObject({ errorCode: 0, numPartitions: 2, replicationFactor: 1 });
    const bad = await client.request(19, 5, {
      topics: [
        {
          name: 'assigned-bad',
          numPartitions: -1,
          replicationFactor: -1,
          assignments: [{ partitionIndex: 0, brokerIds: [7] }],
          configs: [],
        },
      ],
      timeoutMs: 1000,
      validateOnly: false,
    });
    expect(bad.topics[0].errorCode).toBe(ErrorCode.INVALID_REPLICA_ASSIGNMENT);
  });
});

describe('DeleteTopics', () => {
  it('deletes by name (v0-v5) and by id (v6)', async () => {
    for (let version = 0; version <= 6; version++) {
      const created = await createTopic(client, `doomed-${version}`, 1);
      await produce(client, `doomed-${version}`, 0, [{ key: null, value: 'x' }]);
      const response = await client.request(20, version, {
        topicNames: [`doomed-${version}`],
        topics: [{ name: null, topicId: created.topicId! }],
        timeoutMs: 1000,
      });
      expect(response.responses[0].errorCode, `v${version}`).toBe(0);
      const metadata = await client.request(3, 4, {
        topics: [{ name: `doomed-${version}` }],
        allowAutoTopicCreation: false,
      });
      expect(metadata.topics[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    }
    const unknown = await client.request(20, 4, { topicNames: ['never-existed'], timeoutMs: 1000 });
    expect(unknown.responses[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });
});

describe('CreatePartitions', () => {
  it('grows topics and rejects shrinking (v0-v3)', async () => {
    await createTopic(client, 'growing', 1);
    for (let version = 0; version <= 3; version++) {
      const response = await client.request(37, version, {
        topics: [{ name: 'growing', count: version + 2, assignments: null }],
        timeoutMs: 1000,
        validateOnly: false,
      });
      expect(response.results[0].errorCode, `v${version}`).toBe(0);
    }
    const metadata = await client.request(3, 4, {
      topics: [{ name: 'growing' }],
      allowAutoTopicCreation: false,
    });
    expect(metadata.topics[0].partitions).toHaveLength(5);
    const shrink = await client.request(37, 1, {
      topics: [{ name: 'growing', count: 2, assignments: null }],
      timeoutMs: 1000,
      validateOnly: false,
    });
    expect(shrink.results[0].errorCode).toBe(ErrorCode.INVALID_PARTITIONS);
    const unknown = await client.request(37, 1, {
      topics: [{ name: 'nope', count: 2, assignments: null }],
      timeoutMs: 1000,
      validateOnly: false,
    });
    expect(unknown.results[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });
});

describe('DeleteRecords', () => {
  it('moves the log start offset (v0-v2)', async () => {
    await createTopic(client, 'trimmed', 1);
    for (let i = 0; i < 10; i++) await produce(client, 'trimmed', 0, [{ key: null, value: `r${i}` }]);
    for (let version = 0; version <= 2; version++) {
      const response = await client.request(21, version, {
        topics: [{ name: 'trimmed', partitions: [{ partitionIndex: 0, offset: BigInt(3 + version) }] }],
        timeoutMs: 1000,
      });
      expect(response.topics[0].partitions[0]).toMatchObject({
        errorCode: 0,
        lowWatermark: BigInt(3 + version),
      });
    }
    const fetched = await fetchRecords(client, 'trimmed', 0, 0);
    expect(fetched.errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect(fetched.logStartOffset).toBe(5n);
    const beyond = await client.request(21, 1, {
      topics: [{ name: 'trimmed', partitions: [{ partitionIndex: 0, offset: 99n }] }],
      timeoutMs: 1000,
    });
    expect(beyond.topics[0].partitions[0].errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    const all = await client.request(21, 1, {
      topics: [{ name: 'trimmed', partitions: [{ partitionIndex: 0, offset: -1n }] }],
      timeoutMs: 1000,
    });
    expect(all.topics[0].partitions[0].lowWatermark).toBe(10n);
  });
});

describe('DescribeConfigs / AlterConfigs / IncrementalAlterConfigs', () => {
  it('describes topic configs with sources (v0-v4)', async () => {
    await createTopic(client, 'configured', 1, { 'cleanup.policy': 'compact' });
    for (let version = 0; version <= 4; version++) {
      const response = await client.request(32, version, {
        resources: [{ resourceType: 2, resourceName: 'configured', configurationKeys: null }],
        includeSynonyms: true,
        includeDocumentation: false,
      });
      const configs = new Map(response.results[0].configs.map((c) => [c.name, c]));
      expect(configs.get('cleanup.policy')?.value, `v${version}`).toBe('compact');
      expect(configs.get('retention.ms')?.value).toBe('3600000');
      expect(configs.get('segment.bytes')?.value).toBe('1073741824');
      if (version >= 1) {
        expect(configs.get('cleanup.policy')?.configSource).toBe(1);
        expect(configs.get('retention.ms')?.configSource).toBe(4);
        expect(configs.get('segment.bytes')?.configSource).toBe(5);
      } else {
        expect(configs.get('segment.bytes')?.isDefault).toBe(true);
      }
    }
  });

  it('describes broker configs and rejects unknown topics', async () => {
    const response = await client.request(32, 1, {
      resources: [
        { resourceType: 4, resourceName: '1', configurationKeys: ['num.partitions'] },
        { resourceType: 2, resourceName: 'nope', configurationKeys: null },
      ],
      includeSynonyms: false,
    });
    expect(response.results[0].configs).toMatchObject([
      { name: 'num.partitions', value: '2', readOnly: true },
    ]);
    expect(response.results[1].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it('replaces overrides with AlterConfigs (v0-v2)', async () => {
    await createTopic(client, 'altered', 1, { 'retention.bytes': '1000' });
    for (let version = 0; version <= 2; version++) {
      const response = await client.request(33, version, {
        resources: [
          {
            resourceType: 2,
            resourceName: 'altered',
            configs: [{ name: 'retention.ms', value: String(1000 + version) }],
          },
        ],
        validateOnly: false,
      });
      expect(response.responses[0].errorCode, `v${version}`).toBe(0);
    }
    const described = await client.request(32, 1, {
      resources: [
        { resourceType: 2, resourceName: 'altered', configurationKeys: ['retention.ms', 'retention.bytes'] },
      ],
      includeSynonyms: false,
    });
    expect(Object.fromEntries(described.results[0].configs.map((c) => [c.name, c.value]))).toEqual({
      'retention.ms': '1002',
      'retention.bytes': '-1',
    });
    const bad = await client.request(33, 1, {
      resources: [
        { resourceType: 2, resourceName: 'altered', configs: [{ name: 'cleanup.policy', value: 'shred' }] },
      ],
      validateOnly: false,
    });
    expect(bad.responses[0].errorCode).toBe(ErrorCode.INVALID_CONFIG);
  });

  it('applies SET / DELETE / APPEND / SUBTRACT with IncrementalAlterConfigs (v0-v1)', async () => {
    await createTopic(client, 'incremental', 1, { 'retention.ms': '5000' });
    const alter = (
      version: number,
      configs: { name: string; configOperation: number; value: string | null }[],
    ) =>
      client.request(44, version, {
        resources: [{ resourceType: 2, resourceName: 'incremental', configs }],
        validateOnly: false,
      });
    expect(
      (await alter(0, [{ name: 'segment.bytes', configOperation: 0, value: '100000' }])).responses[0]
        .errorCode,
    ).toBe(0);
    expect(
      (await alter(1, [{ name: 'cleanup.policy', configOperation: 2, value: 'compact' }])).responses[0]
        .errorCode,
    ).toBe(0);
    expect(
      (await alter(1, [{ name: 'retention.ms', configOperation: 1, value: null }])).responses[0].errorCode,
    ).toBe(0);
    const described = await client.request(32, 1, {
      resources: [
        {
          resourceType: 2,
          resourceName: 'incremental',
          configurationKeys: ['segment.bytes', 'cleanup.policy', 'retention.ms'],
        },
      ],
      includeSynonyms: false,
    });
    expect(Object.fromEntries(described.results[0].configs.map((c) => [c.name, c.value]))).toEqual({
      'segment.bytes': '100000',
      'cleanup.policy': 'delete,compact',
      'retention.ms': '3600000',
    });
    expect(
      (await alter(1, [{ name: 'cleanup.policy', configOperation: 3, value: 'compact' }])).responses[0]
        .errorCode,
    ).toBe(0);
    const after = await client.request(32, 1, {
      resources: [{ resourceType: 2, resourceName: 'incremental', configurationKeys: ['cleanup.policy'] }],
      includeSynonyms: false,
    });
    expect(after.results[0].configs[0].value).toBe('delete');
  });
});

describe('DescribeCluster', () => {
  it('describes the brokers (v0-v1)', async () => {
    for (let version = 0; version <= 1; version++) {
      const response = await client.request(60, version, {
        includeClusterAuthorizedOperations: false,
        endpointType: 1,
      });
      expect(response.errorCode).toBe(0);
      expect(response.clusterId).toBe(broker.clusterId);
      expect(response.brokers.map((b) => b.brokerId)).toEqual([1]);
    }
  });
});

describe('OffsetForLeaderEpoch', () => {
  it('answers the end offset of the current epoch (v0-v4)', async () => {
    await createTopic(client, 'epochs', 1);
    for (let i = 0; i < 3; i++) await produce(client, 'epochs', 0, [{ key: null, value: 'x' }]);
    for (let version = 0; version <= 4; version++) {
      const response = await client.request(23, version, {
        replicaId: -1,
        topics: [{ topic: 'epochs', partitions: [{ partition: 0, currentLeaderEpoch: -1, leaderEpoch: 0 }] }],
      });
      expect(response.topics[0].partitions[0]).toMatchObject({ errorCode: 0, endOffset: 3n });
    }
  });
});
