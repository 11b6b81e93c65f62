/** Fetch sessions (KIP-227) through the Fetch handler, with raw requests, by name (v7-12) and by topic id (v13+). */
import { ErrorCode } from '@samsa/protocol';
import { readRecords } from '@samsa/test-support/record-batches';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBroker } from '../../src/index.js';
import { brokerWithClient, createTopic, fetchRequestBody, produce, values } from '../helpers/kafka.js';
import { RawClient } from '../helpers/raw-client.js';

let broker: RunningBroker;
let client: RawClient;
let topicId: string;
const TOPIC = 'session-topic';

beforeAll(async () => {
  ({ broker, client } = await brokerWithClient({ brokers: 2, replicationFactor: 1 }));
  topicId = (await createTopic(client, TOPIC, 4)).topicId!;
});
afterAll(async () => {
  client.close();
  await broker.stop();
});

/** The partitions broker 1 leads (the raw client talks to broker 1). */
async function ledPartitions(): Promise<number[]> {
  const metadata = await client.request(3, 4, { topics: [{ name: TOPIC }], allowAutoTopicCreation: false });
  return metadata.topics[0].partitions
    .filter((p: { leaderId: number }) => p.leaderId === broker.brokers[0].nodeId)
    .map((p: { partitionIndex: number }) => p.partitionIndex);
}

function body(
  sessionId: number,
  sessionEpoch: number,
  partitions: { partition: number; offset: number }[],
  forgotten: number[] = [],
) {
  return {
    ...fetchRequestBody(TOPIC, partitions, { topicId }),
    topics: partitions.length > 0 ? fetchRequestBody(TOPIC, partitions, { topicId }).topics : [],
    sessionId,
    sessionEpoch,
    forgottenTopicsData: forgotten.length > 0 ? [{ topic: TOPIC, topicId, partitions: forgotten }] : [],
  };
}

const answered = (response: { responses: { partitions: { partitionIndex: number }[] }[] }) =>
  response.responses.flatMap((t) => t.partitions.map((p) => p.partitionIndex)).sort();

describe('Fetch sessions', () => {
  for (const version of [7, 12, 13, 16]) {
    it(`v${version}: full fetch, then incremental fetches answered with what changed`, async () => {
      const [a, b] = await ledPartitions();
      const start = async (p: number) =>
        Number((await client.request(2, 5, listOffsets(p))).topics[0].partitions[0].offset);
      const offsetA = await start(a);
      const offsetB = await start(b);
      const full = await client.request(
        1,
        version,
        body(0, 0, [
          { partition: a, offset: offsetA },
          { partition: b, offset: offsetB },
        ]),
      );
      expect(full.errorCode).toBe(0);
      expect(full.sessionId).toBeGreaterThan(0);
      expect(answered(full)).toEqual([a, b].sort());
      const id = full.sessionId ?? 0;

      // Nothing new: the incremental fetch names no partition and gets none back.
      const quiet = await client.request(1, version, body(id, 1, []));
      expect(quiet).toMatchObject({ errorCode: 0, sessionId: id });
      expect(answered(quiet)).toEqual([]);

      // Records on one partition: only it comes back, read from the offset the session holds.
      await produce(client, TOPIC, b, [{ key: null, value: `v${version}` }]);
      const news = await client.request(1, version, body(id, 2, []));
      expect(answered(news)).toEqual([b]);
      const data = news.responses[0].partitions[0];
      expect(values(readRecords(data.records))).toEqual([`v${version}`]);
      if (version >= 13) expect(news.responses[0].topicId).toBe(topicId);

      // The client moves b's offset on and forgets a.
      const moved = await client.request(
        1,
        version,
        body(id, 3, [{ partition: b, offset: offsetB + 1 }], [a]),
      );
      expect(answered(moved)).toEqual([]);
      await produce(client, TOPIC, a, [{ key: null, value: 'unseen' }]);
      expect(answered(await client.request(1, version, body(id, 4, [])))).toEqual([]);

      // A stale epoch and an unknown session are refused; epoch -1 closes the session.
      const stale = await client.request(1, version, body(id, 4, []));
      expect(stale).toMatchObject({ errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH, responses: [] });
      const unknown = await client.request(1, version, body(id + 1, 1, []));
      expect(unknown.errorCode).toBe(ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
      const close = await client.request(1, version, body(id, -1, [{ partition: b, offset: offsetB + 1 }]));
      expect(close).toMatchObject({ errorCode: 0, sessionId: 0 });
      const gone = await client.request(1, version, body(id, 5, []));
      expect(gone.errorCode).toBe(ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
    });
  }

  it('long-polls an incremental fetch until a partition of the session gets records', async () => {
    const [a] = await ledPartitions();
    const end = Number((await client.request(2, 5, listOffsets(a))).topics[0].partitions[0].offset);
    // Its own connection: the broker answers a connection's requests in order.
    const poller = await RawClient.connect(broker.bootstrap[0]);
    try {
      const full = await poller.request(1, 12, body(0, 0, [{ partition: a, offset: end }]));
      const pending = poller.request(1, 12, { ...body(full.sessionId ?? 0, 1, []), maxWaitMs: 60_000 });
      await produce(client, TOPIC, a, [{ key: null, value: 'wake' }]);
      const response = await pending;
      expect(values(readRecords(response.responses[0].partitions[0].records))).toEqual(['wake']);
    } finally {
      poller.close();
    }
  });

  it('puts an injected fault on every partition of the session, and the session goes on', async () => {
    const [a, b] = await ledPartitions();
    const full = await client.request(
      1,
      12,
      body(0, 0, [
        { partition: a, offset: 0 },
        { partition: b, offset: 0 },
      ]),
    );
    const id = full.sessionId ?? 0;
    broker.control.failNextRequests('Fetch', 1, ErrorCode.OFFSET_OUT_OF_RANGE, { brokerId: 1 });
    const failed = await client.request(1, 12, body(id, 1, []));
    expect(failed.sessionId).toBe(id);
    expect(answered(failed)).toEqual([a, b].sort());
    expect(
      failed.responses[0].partitions.every(
        (p: { errorCode: number }) => p.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE,
      ),
    ).toBe(true);
    const next = await client.request(1, 12, body(id, 2, []));
    expect(next).toMatchObject({ errorCode: 0, sessionId: id });
    // The error cleared: both partitions are news again.
    expect(answered(next)).toEqual([a, b].sort());
  });

  it('keeps sessions per broker, and a stopped broker forgets its own', async () => {
    const onFirst = await client.request(1, 12, body(0, 0, [{ partition: 0, offset: 0 }]));
    let second = await RawClient.connect(broker.bootstrap[1]);
    try {
      // Broker 2 knows nothing of broker 1's session.
      const foreign = await second.request(1, 12, body(onFirst.sessionId ?? 0, 1, []));
      expect(foreign.errorCode).toBe(ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
      const onSecond = await second.request(1, 12, body(0, 0, [{ partition: 0, offset: 0 }]));
      expect(onSecond.sessionId).toBeGreaterThan(0);
      second.close();
      await broker.control.stopBroker(2);
      await broker.control.startBroker(2);
      second = await RawClient.connect(broker.bootstrap[1]);
      const lost = await second.request(1, 12, body(onSecond.sessionId ?? 0, 1, []));
      expect(lost.errorCode).toBe(ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
      // Broker 1's session lives on.
      expect((await client.request(1, 12, body(onFirst.sessionId ?? 0, 1, []))).errorCode).toBe(0);
    } finally {
      second.close();
    }
  });
});

function listOffsets(partition: number) {
  return {
    replicaId: -1,
    isolationLevel: 0,
    topics: [
      { name: TOPIC, partitions: [{ partitionIndex: partition, currentLeaderEpoch: -1, timestamp: -1n }] },
    ],
  };
}
