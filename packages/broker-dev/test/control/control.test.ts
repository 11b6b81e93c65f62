/** Fault injection: injected error codes, latency, dropped connections, request recording. */
import { ApiKey } from '@samsa/protocol';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, type RunningBroker, startBroker } from '../../src/index.js';
import { createTopic, produce } from '../helpers/kafka.js';
import { closesWithin, RawClient } from '../helpers/raw-client.js';

let broker: RunningBroker;
let client: RawClient;

beforeAll(async () => {
  broker = await startBroker();
  client = await RawClient.connect(broker.bootstrap[0]);
  await createTopic(client, 'faulty', 1);
});
afterAll(async () => {
  client.close();
  await broker.stop();
});

describe('fault injection', () => {
  it('fails the next N requests of an API with the chosen error code', async () => {
    broker.control.failNextRequests('Produce', 2, ErrorCode.NOT_LEADER_OR_FOLLOWER);
    expect((await produce(client, 'faulty', 0, [{ key: null, value: 'a' }])).errorCode).toBe(
      ErrorCode.NOT_LEADER_OR_FOLLOWER,
    );
    expect((await produce(client, 'faulty', 0, [{ key: null, value: 'b' }])).errorCode).toBe(
      ErrorCode.NOT_LEADER_OR_FOLLOWER,
    );
    const third = await produce(client, 'faulty', 0, [{ key: null, value: 'c' }]);
    expect(third).toMatchObject({ errorCode: 0, baseOffset: 0n });
  });

  it('lets client retries ride over injected retriable errors (KafkaJS)', async () => {
    const kafka = new Kafka({
      clientId: 'retrier',
      brokers: broker.bootstrap,
      logLevel: logLevel.NOTHING,
      retry: { retries: 5, initialRetryTime: 20 },
    });
    const producer = kafka.producer();
    await producer.connect();
    broker.control.failNextRequests(0, 3, ErrorCode.REQUEST_TIMED_OUT);
    const [result] = await producer.send({ topic: 'faulty', messages: [{ value: 'retried' }] });
    expect(result.errorCode).toBe(0);
    await producer.disconnect();
  });

  it('swallows the next requests of an API (a lost heartbeat): no answer, the next one is answered', async () => {
    const body = {
      groupId: 'swallowed',
      memberId: 'member-1',
      memberEpoch: 0,
      instanceId: null,
      rackId: null,
      rebalanceTimeoutMs: 30_000,
      subscribedTopicNames: ['faulty'],
      subscribedTopicRegex: null,
      serverAssignor: null,
      topicPartitions: [],
    };
    broker.control.dropNextRequests('ConsumerGroupHeartbeat');
    const lost = client.request(ApiKey.ConsumerGroupHeartbeat, 1, body);
    lost.catch(() => {}); // rejected when the connection closes after the tests
    const outcome = await Promise.race([
      lost.then(() => 'answered'),
      new Promise((resolve) => setTimeout(() => resolve('no answer'), 300)),
    ]);
    expect(outcome).toBe('no answer');
    // The coordinator never saw it: the group does not exist yet.
    const fresh = await RawClient.connect(broker.bootstrap[0]);
    try {
      const described = await fresh.request(ApiKey.ConsumerGroupDescribe, 0, {
        groupIds: ['swallowed'],
        includeAuthorizedOperations: false,
      });
      expect(described.groups[0].errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
      expect((await fresh.request(ApiKey.ConsumerGroupHeartbeat, 1, body)).errorCode).toBe(0);
    } finally {
      fresh.close();
    }
  });

  it('injects errors into group APIs too', async () => {
    broker.control.failNextRequests('FindCoordinator', 1, ErrorCode.COORDINATOR_NOT_AVAILABLE);
    const response = await client.request(10, 2, { key: 'g', keyType: 0 });
    expect(response.errorCode).toBe(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    expect((await client.request(10, 2, { key: 'g', keyType: 0 })).errorCode).toBe(0);
  });

  it('limits faults to one broker when asked', async () => {
    broker.control.failNextRequests('Metadata', 1, ErrorCode.UNKNOWN_SERVER_ERROR, { brokerId: 7 });
    const response = await client.request(3, 4, {
      topics: [{ name: 'faulty' }],
      allowAutoTopicCreation: false,
    });
    expect(response.topics[0].errorCode).toBe(0);
    broker.control.clearFaults();
  });

  it('adds latency while keeping responses in request order', async () => {
    broker.control.addLatency(200, { api: 'Metadata', count: 1 });
    const order: string[] = [];
    const slow = client
      .request(3, 4, { topics: [], allowAutoTopicCreation: false })
      .then(() => order.push('slow metadata'));
    const fast = client.request(18, 2, {}).then(() => order.push('api versions'));
    await Promise.all([slow, fast]);
    expect(order).toEqual(['slow metadata', 'api versions']);
  });

  it('drops the connection that sends the next request of an API', async () => {
    const victim = await RawClient.connect(broker.bootstrap[0]);
    broker.control.dropConnectionOnNext('Heartbeat');
    const pending = victim.request(12, 1, { groupId: 'g', generationId: 1, memberId: 'm' });
    await expect(pending).rejects.toThrow('connection closed');
    expect(await closesWithin(victim, 5000)).toBe(true);
    const fresh = await RawClient.connect(broker.bootstrap[0]);
    expect((await fresh.request(12, 1, { groupId: 'g', generationId: 1, memberId: 'm' })).errorCode).toBe(
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
    fresh.close();
  });

  it('handles the next request of an API, then loses its response by closing the connection', async () => {
    const before = await produce(client, 'faulty', 0, [{ key: null, value: 'before' }]);
    const victim = await RawClient.connect(broker.bootstrap[0]);
    broker.control.dropResponseOnNext('Produce');
    const lost = produce(victim, 'faulty', 0, [{ key: null, value: 'lost' }]);
    await expect(lost).rejects.toThrow('connection closed');
    expect(await closesWithin(victim, 5000)).toBe(true);
    // The request took effect although its producer never heard so.
    const after = await produce(client, 'faulty', 0, [{ key: null, value: 'after' }]);
    expect(after).toMatchObject({ errorCode: 0, baseOffset: before.baseOffset + 2n });
  });

  it('drops every open connection on demand', async () => {
    const a = await RawClient.connect(broker.bootstrap[0]);
    await a.request(18, 0, {});
    expect(broker.control.dropConnections()).toBeGreaterThanOrEqual(1);
    expect(await closesWithin(a, 5000)).toBe(true);
    client = await RawClient.connect(broker.bootstrap[0]);
  });

  it('records the requests clients send', async () => {
    broker.control.recordRequests();
    await client.request(
      3,
      7,
      { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false },
      'recorder',
    );
    expect(broker.control.requests()).toEqual([
      {
        nodeId: 1,
        apiKey: ApiKey.Metadata,
        api: 'Metadata',
        apiVersion: 7,
        clientId: 'recorder',
        correlationId: expect.any(Number),
      },
    ]);
    broker.control.recordRequests(false);
  });
});
