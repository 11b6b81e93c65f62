import { ErrorCode } from '@samsa/protocol';
import { buildBatch, readRecords } from '@samsa/test-support/record-batches';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBroker } from '../../src/index.js';
import {
  brokerWithClient,
  createTopic,
  fetchRecords,
  fetchRequestBody,
  produce,
  values,
} from '../helpers/kafka.js';
import { RawClient } from '../helpers/raw-client.js';

let broker: RunningBroker;
let client: RawClient;
let topicId: string;

beforeAll(async () => {
  ({ broker, client } = await brokerWithClient());
  topicId = (await createTopic(client, 'fetch-topic', 2)).topicId!;
  for (let i = 0; i < 5; i++)
    await produce(client, 'fetch-topic', 0, [{ key: `k${i}`, value: `value-${i}` }]);
});
afterAll(async () => {
  client.close();
  await broker.stop();
});

function fetchRequest(
  _version: number,
  partitions: { partition: number; offset: number; maxBytes?: number; epoch?: number }[],
  extra: Record<string, unknown> = {},
) {
  const body = fetchRequestBody(
    'fetch-topic',
    partitions.map((p) => ({
      partition: p.partition,
      offset: p.offset,
      maxBytes: p.maxBytes ?? 1024 * 1024,
      currentLeaderEpoch: p.epoch,
    })),
    { topicId, maxBytes: 1024 * 1024 },
  );
  return { ...body, ...extra };
}

describe('Fetch', () => {
  it('returns the records with every version v4-v16 (topic ids from v13)', async () => {
    for (let version = 4; version <= 16; version++) {
      const response = await client.request(1, version, fetchRequest(version, [{ partition: 0, offset: 1 }]));
      const p = response.responses[0].partitions[0];
      expect(p.errorCode, `v${version}`).toBe(0);
      expect(p.highWatermark).toBe(5n);
      expect(p.lastStableOffset).toBe(5n);
      expect(values(readRecords(p.records))).toEqual(['value-1', 'value-2', 'value-3', 'value-4']);
      if (version >= 7) expect(response.sessionId).toBe(0);
      if (version >= 13) expect(response.responses[0].topicId).toBe(topicId);
    }
  });

  it('long-polls until data arrives, then answers at once', async () => {
    const poller = await RawClient.connect(broker.bootstrap[0]);
    const pending = poller.request(1, 11, {
      ...fetchRequest(11, [{ partition: 1, offset: 0 }]),
      maxWaitMs: 60_000,
    });
    let answered = false;
    void pending.then(() => {
      answered = true;
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(answered).toBe(false);
    await produce(client, 'fetch-topic', 1, [{ key: null, value: 'wake-up' }]);
    const response = await pending;
    expect(values(readRecords(response.responses[0].partitions[0].records))).toEqual(['wake-up']);
    poller.close();
  });

  it('answers an empty fetch when maxWaitMs passes', async () => {
    const response = await client.request(1, 11, {
      ...fetchRequest(11, [{ partition: 0, offset: 5 }]),
      maxWaitMs: 50,
    });
    const p = response.responses[0].partitions[0];
    expect(p.errorCode).toBe(0);
    expect(readRecords(p.records)).toEqual([]);
  });

  it('waits for minBytes', async () => {
    await createTopic(client, 'min-bytes', 1);
    const poller = await RawClient.connect(broker.bootstrap[0]);
    const request = {
      ...fetchRequest(11, [{ partition: 0, offset: 0 }]),
      topics: [
        {
          topic: 'min-bytes',
          partitions: [
            {
              partition: 0,
              currentLeaderEpoch: -1,
              fetchOffset: 0n,
              lastFetchedEpoch: -1,
              logStartOffset: -1n,
              partitionMaxBytes: 1 << 20,
            },
          ],
        },
      ],
      maxWaitMs: 60_000,
      minBytes: 500,
    };
    const pending = poller.request(1, 11, request);
    await produce(client, 'min-bytes', 0, [{ key: null, value: 'small' }]);
    await produce(client, 'min-bytes', 0, [{ key: null, value: 'x'.repeat(600) }]);
    const records = readRecords((await pending).responses[0].partitions[0].records);
    expect(records.length).toBe(2);
    poller.close();
  });

  it('answers OFFSET_OUT_OF_RANGE beyond the high watermark', async () => {
    const fetched = await fetchRecords(client, 'fetch-topic', 0, 99);
    expect(fetched.errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
  });

  it('returns the first batch even when it exceeds the limits (KIP-74), then respects them', async () => {
    const oneBatch = await fetchRecords(client, 'fetch-topic', 0, 0, { partitionMaxBytes: 10 });
    expect(oneBatch.records.length).toBe(1);
    const response = await client.request(1, 11, {
      ...fetchRequest(11, [
        { partition: 0, offset: 0 },
        { partition: 1, offset: 0 },
      ]),
      maxBytes: 10,
    });
    const [p0, p1] = response.responses[0].partitions;
    expect(readRecords(p0.records).length).toBe(1);
    expect(readRecords(p1.records).length).toBe(0);
  });

  it('accepts read_committed (LSO = high watermark, no aborted transactions)', async () => {
    const response = await client.request(1, 11, {
      ...fetchRequest(11, [{ partition: 0, offset: 0 }]),
      isolationLevel: 1,
    });
    const p = response.responses[0].partitions[0];
    expect(p.lastStableOffset).toBe(p.highWatermark);
    expect(p.abortedTransactions).toEqual([]);
    expect(readRecords(p.records).length).toBe(5);
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION / UNKNOWN_TOPIC_ID for unknown topics', async () => {
    const byName = await client.request(1, 12, {
      ...fetchRequest(12, [{ partition: 0, offset: 0 }]),
      topics: [
        { topic: 'nope', partitions: fetchRequest(12, [{ partition: 0, offset: 0 }]).topics[0].partitions },
      ],
    });
    expect(byName.responses[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const byId = await client.request(1, 13, {
      ...fetchRequest(13, [{ partition: 0, offset: 0 }]),
      topics: [
        {
          topicId: 'AAAAAAAAAAAAAAAAAAAAAQ',
          partitions: fetchRequest(13, [{ partition: 0, offset: 0 }]).topics[0].partitions,
        },
      ],
    });
    expect(byId.responses[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_ID);
  });

  it('checks currentLeaderEpoch (v9+)', async () => {
    const fenced = await client.request(1, 11, fetchRequest(11, [{ partition: 0, offset: 0, epoch: 5 }]));
    expect(fenced.responses[0].partitions[0].errorCode).toBe(ErrorCode.UNKNOWN_LEADER_EPOCH);
    const ok = await client.request(1, 11, fetchRequest(11, [{ partition: 0, offset: 0, epoch: 0 }]));
    expect(ok.responses[0].partitions[0].errorCode).toBe(0);
  });

  it('answers an incremental fetch of an unknown session with FETCH_SESSION_ID_NOT_FOUND', async () => {
    const response = await client.request(1, 11, {
      ...fetchRequest(11, [{ partition: 0, offset: 0 }]),
      sessionId: 1234,
      sessionEpoch: 1,
    });
    expect(response.errorCode).toBe(ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
  });

  it('returns large batches back unchanged except for offsets', async () => {
    await createTopic(client, 'big', 1);
    const big = buildBatch([{ key: 'k', value: 'x'.repeat(200_000) }]);
    await client.request(0, 9, {
      transactionalId: null,
      acks: 1,
      timeoutMs: 1000,
      topicData: [{ name: 'big', partitionData: [{ index: 0, records: big }] }],
    });
    const fetched = await fetchRecords(client, 'big', 0, 0);
    expect(fetched.records[0].value).toBe('x'.repeat(200_000));
  });

  it('keeps every response intact while the buffers fetches read into are reused', async () => {
    // Memory segments live in kernel memory (or on disk with a data dir): fetches read them into
    // pooled buffers that return to the pool once their response is written. Many fetches in flight
    // on one connection, each a different range, must each get exactly their own bytes.
    await createTopic(client, 'pooled', 1);
    const batches = 40;
    const perBatch = 25;
    for (let b = 0; b < batches; b++) {
      const records = Array.from({ length: perBatch }, (_, i) => ({
        key: `k${b * perBatch + i}`,
        value: `${b * perBatch + i}:`.padEnd(1000, String.fromCharCode(97 + ((b + i) % 26))),
      }));
      await produce(client, 'pooled', 0, records, { acks: 1 });
    }
    const total = batches * perBatch;
    const rounds = 5;
    const fetches = [];
    // One write of all requests: the broker handles them in one go, before any response is written.
    client.cork();
    for (let round = 0; round < rounds; round++) {
      for (let offset = 0; offset < total; offset += 3 * perBatch) {
        fetches.push(
          fetchRecords(client, 'pooled', 0, offset, { maxBytes: 100_000, partitionMaxBytes: 100_000 }).then(
            (fetched) => ({ offset, fetched }),
          ),
        );
      }
    }
    client.uncork();
    for (const { offset, fetched } of await Promise.all(fetches)) {
      // Whole batches from the one holding `offset`, contiguous, each record where it was produced.
      expect(fetched.records.length).toBeGreaterThan(0);
      expect(Number(fetched.records[0].offset)).toBe(offset);
      for (const [index, record] of fetched.records.entries()) {
        const n = Number(record.offset);
        expect(n).toBe(offset + index);
        expect(record.key).toBe(`k${n}`);
        const b = Math.floor(n / perBatch);
        const i = n % perBatch;
        expect(record.value).toBe(`${n}:`.padEnd(1000, String.fromCharCode(97 + ((b + i) % 26))));
      }
    }
  });
});
