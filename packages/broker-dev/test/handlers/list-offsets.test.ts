import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBroker } from '../../src/index.js';
import { brokerWithClient, createTopic, produce } from '../helpers/kafka.js';
import type { RawClient } from '../helpers/raw-client.js';
import { addPartitions, endTxn, initTransactions, produceTransactional } from '../helpers/transactions.js';

let broker: RunningBroker;
let client: RawClient;

beforeAll(async () => {
  ({ broker, client } = await brokerWithClient());
  await createTopic(client, 'times', 1);
  await produce(client, 'times', 0, [{ key: null, value: 'a', timestamp: 1000 }]);
  await produce(client, 'times', 0, [
    { key: null, value: 'b', timestamp: 5000 },
    { key: null, value: 'c', timestamp: 3000 },
  ]);
  await produce(client, 'times', 0, [{ key: null, value: 'd', timestamp: 2000 }]);
});
afterAll(async () => {
  client.close();
  await broker.stop();
});

async function listOffset(version: number, timestamp: bigint, isolationLevel = 0, topic = 'times') {
  const response = await client.request(2, version, {
    replicaId: -1,
    isolationLevel,
    topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp }] }],
  });
  return response.topics[0].partitions[0];
}

describe('ListOffsets', () => {
  it('answers latest and earliest with every version v1-v8', async () => {
    for (let version = 1; version <= 8; version++) {
      expect((await listOffset(version, -1n)).offset, `v${version}`).toBe(4n);
      expect((await listOffset(version, -2n)).offset, `v${version}`).toBe(0n);
    }
  });

  it('finds the first record at or after a timestamp', async () => {
    expect(await listOffset(4, 2500n)).toMatchObject({
      errorCode: 0,
      offset: 1n,
      timestamp: 5000n,
      leaderEpoch: 0,
    });
    expect(await listOffset(4, 1000n)).toMatchObject({ offset: 0n, timestamp: 1000n });
    expect(await listOffset(4, 9000n)).toMatchObject({ errorCode: 0, offset: -1n, timestamp: -1n });
  });

  it('answers max timestamp (v7+) and earliest local (v8)', async () => {
    expect(await listOffset(7, -3n)).toMatchObject({ offset: 1n, timestamp: 5000n });
    expect((await listOffset(8, -4n)).offset).toBe(0n);
  });

  it('answers read_committed latest with the last stable offset', async () => {
    expect((await listOffset(2, -1n, 1)).offset).toBe(4n);
  });

  it('bounds read_committed answers by the last stable offset and read_uncommitted ones by the high watermark', async () => {
    await createTopic(client, 'times-txn', 1);
    await produce(client, 'times-txn', 0, [{ key: null, value: 'a', timestamp: 1000 }]);
    const p = await initTransactions(client, 'times-txn');
    await addPartitions(client, p, [{ name: 'times-txn', partitions: [0] }]);
    expect(
      await produceTransactional(client, p, 'times-txn', 0, [{ key: 'k', value: 'open', timestamp: 7000 }]),
    ).toBe(0);
    await produce(client, 'times-txn', 0, [{ key: null, value: 'c', timestamp: 8000 }]);
    const at = (timestamp: bigint, isolation: number, version = 7) =>
      listOffset(version, timestamp, isolation, 'times-txn').then((r) => [r.offset, r.timestamp]);
    for (const version of [2, 5, 8]) {
      expect(await at(-1n, 1, version), `v${version}`).toEqual([1n, -1n]);
      expect(await at(-1n, 0, version), `v${version}`).toEqual([3n, -1n]);
    }
    // The open transaction's record (and what follows) is beyond the last stable offset.
    expect(await at(6000n, 1)).toEqual([-1n, -1n]);
    expect(await at(6000n, 0)).toEqual([1n, 7000n]);
    expect(await at(-3n, 1)).toEqual([-1n, -1n]);
    expect(await at(-3n, 0)).toEqual([2n, 8000n]);
    expect(await at(-2n, 1)).toEqual([0n, -1n]);
    expect(await endTxn(client, p, true)).toBe(0);
    expect(await at(-1n, 1)).toEqual([4n, -1n]);
    expect(await at(6000n, 1)).toEqual([1n, 7000n]);
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION for unknown partitions', async () => {
    const response = await client.request(2, 3, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [
        { name: 'times', partitions: [{ partitionIndex: 9, timestamp: -1n }] },
        { name: 'nope', partitions: [{ partitionIndex: 0, timestamp: -1n }] },
      ],
    });
    expect(response.topics.map((t) => t.partitions[0].errorCode)).toEqual([3, 3]);
  });
});
