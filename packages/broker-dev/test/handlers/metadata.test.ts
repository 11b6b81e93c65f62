import { ErrorCode } from '@samsa/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBroker, startBroker } from '../../src/index.js';
import { createTopic } from '../helpers/kafka.js';
import { RawClient } from '../helpers/raw-client.js';

let broker: RunningBroker;
let client: RawClient;

beforeAll(async () => {
  broker = await startBroker({ partitions: 3 });
  client = await RawClient.connect(broker.bootstrap[0]);
  await createTopic(client, 'known', 2);
});
afterAll(async () => {
  client.close();
  await broker.stop();
});

describe('Metadata', () => {
  it('answers every version v0-v12 with brokers, cluster id and partitions', async () => {
    for (let version = 0; version <= 12; version++) {
      const response = await client.request(3, version, {
        topics: [{ name: 'known', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }],
        allowAutoTopicCreation: false,
        includeTopicAuthorizedOperations: false,
        includeClusterAuthorizedOperations: false,
      });
      const [host, port] = broker.bootstrap[0].split(':');
      expect(
        response.brokers.map((b) => [b.nodeId, b.host, b.port]),
        `v${version}`,
      ).toEqual([[1, host, Number(port)]]);
      const topic = response.topics[0];
      expect(topic.errorCode, `v${version}`).toBe(0);
      expect(topic.partitions.map((p) => [p.partitionIndex, p.leaderId, p.replicaNodes, p.isrNodes])).toEqual(
        [
          [0, 1, [1], [1]],
          [1, 1, [1], [1]],
        ],
      );
      if (version >= 2) expect(response.clusterId).toBe(broker.clusterId);
      if (version >= 10) expect(topic.topicId).not.toBe('AAAAAAAAAAAAAAAAAAAAAA');
    }
  });

  it('auto-creates unknown topics with --partitions partitions, unless the request forbids it', async () => {
    const forbidden = await client.request(3, 9, {
      topics: [{ name: 'not-yet' }],
      allowAutoTopicCreation: false,
      includeTopicAuthorizedOperations: false,
    });
    expect(forbidden.topics[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const created = await client.request(3, 9, {
      topics: [{ name: 'not-yet' }],
      allowAutoTopicCreation: true,
      includeTopicAuthorizedOperations: false,
    });
    expect(created.topics[0].errorCode).toBe(0);
    expect(created.topics[0].partitions).toHaveLength(3);
    // v0-3 always auto-create.
    const old = await client.request(3, 1, { topics: [{ name: 'old-client-topic' }] });
    expect(old.topics[0].partitions).toHaveLength(3);
  });

  it('lists every topic for a null topic list (v1+) and an empty one (v0)', async () => {
    const all = await client.request(3, 4, { topics: null, allowAutoTopicCreation: false });
    expect(all.topics.map((t) => t.name)).toContain('known');
    const v0 = await client.request(3, 0, { topics: [] });
    expect(v0.topics.map((t) => t.name)).toContain('known');
    const none = await client.request(3, 4, { topics: [], allowAutoTopicCreation: false });
    expect(none.topics).toEqual([]);
  });

  it('answers INVALID_TOPIC_EXCEPTION for illegal names', async () => {
    const response = await client.request(3, 9, {
      topics: [{ name: 'bad name!' }],
      allowAutoTopicCreation: true,
      includeTopicAuthorizedOperations: false,
    });
    expect(response.topics[0].errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
  });

  it('looks topics up by id (v12) and reports unknown ids', async () => {
    const byName = await client.request(3, 12, {
      topics: [{ name: 'known', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }],
      allowAutoTopicCreation: false,
      includeTopicAuthorizedOperations: true,
    });
    const id = byName.topics[0].topicId!;
    expect(byName.topics[0].topicAuthorizedOperations).toBeGreaterThan(0);
    const byId = await client.request(3, 12, {
      topics: [{ name: null, topicId: id }],
      allowAutoTopicCreation: false,
      includeTopicAuthorizedOperations: false,
    });
    expect(byId.topics[0].name).toBe('known');
    const unknown = await client.request(3, 12, {
      topics: [{ name: null, topicId: 'AAAAAAAAAAAAAAAAAAAAAQ' }],
      allowAutoTopicCreation: false,
      includeTopicAuthorizedOperations: false,
    });
    expect(unknown.topics[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_ID);
  });
});

describe('Metadata without auto-creation', () => {
  it('never creates topics when the broker forbids it', async () => {
    const strict = await startBroker({ autoCreateTopics: false });
    const c = await RawClient.connect(strict.bootstrap[0]);
    const response = await c.request(3, 1, { topics: [{ name: 'nope' }] });
    expect(response.topics[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    c.close();
    await strict.stop();
  });
});
