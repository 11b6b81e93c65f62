/**
 * Fetch with isolation levels over a log written by transactions (A7): read_committed stops at the last
 * stable offset and lists exactly the aborted transactions overlapping the batches it returns;
 * read_uncommitted reads to the high watermark with a null list; LastStableOffset is always set.
 */
import { ApiKey } from '@samsa/protocol';
import { readBatchHeaders, readRecords } from '@samsa/test-support/record-batches';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBroker } from '../../src/index.js';
import { brokerWithClient, createTopic, fetchRequestBody, produce } from '../helpers/kafka.js';
import { RawClient } from '../helpers/raw-client.js';
import {
  addPartitions,
  endTxn,
  initTransactions,
  type Producer,
  produceTransactional,
} from '../helpers/transactions.js';

let broker: RunningBroker;
let client: RawClient;

beforeAll(async () => {
  ({ broker, client } = await brokerWithClient());
});
afterAll(async () => {
  client.close();
  await broker.stop();
});

async function fetch(
  topic: string,
  offset: number,
  options: { isolationLevel: number; version?: number; partitionMaxBytes?: number; maxWaitMs?: number },
  via: RawClient = client,
) {
  const response = await via.request(
    ApiKey.Fetch,
    options.version ?? 11,
    fetchRequestBody(topic, [{ partition: 0, offset, maxBytes: options.partitionMaxBytes }], {
      isolationLevel: options.isolationLevel,
      maxWaitMs: options.maxWaitMs,
    }),
  );
  const p = response.responses[0].partitions[0];
  return {
    ...p,
    values: readRecords(p.records).map((r) => r.value),
    batchOffsets: readBatchHeaders(p.records).map((b) => Number(b.baseOffset)),
    aborted: p.abortedTransactions?.map((t) => [t.producerId, Number(t.firstOffset)]) ?? null,
  };
}

/** A transactional producer on partition 0 of `topic`, counting its sequence. */
async function transactional(topic: string, transactionalId: string) {
  const p = await initTransactions(client, transactionalId);
  let sequence = 0;
  return {
    p,
    async begin() {
      expect(await addPartitions(client, p, [{ name: topic, partitions: [0] }])).toEqual([0]);
    },
    async write(value: string) {
      expect(await produceTransactional(client, p, topic, 0, [{ key: 'k', value }], sequence++)).toBe(0);
    },
    async end(commit: boolean) {
      expect(await endTxn(client, p, commit)).toBe(0);
    },
  };
}

describe('read_committed fetch', () => {
  let a: Awaited<ReturnType<typeof transactional>>;
  let b: Awaited<ReturnType<typeof transactional>>;
  const pid = (x: { p: Producer }) => x.p.producerId;

  beforeAll(async () => {
    await createTopic(client, 'rc', 1);
    a = await transactional('rc', 'rc-a');
    b = await transactional('rc', 'rc-b');
  });

  it('stops at the first open transaction; read_uncommitted reads on with a null aborted list', async () => {
    await produce(client, 'rc', 0, [{ value: 'plain-0' }]); // 0
    await a.begin();
    await a.write('a-aborted'); // 1
    await produce(client, 'rc', 0, [{ value: 'plain-2' }]); // 2
    await b.begin();
    await b.write('b-committed'); // 3
    for (const version of [4, 11, 12]) {
      const committed = await fetch('rc', 0, { isolationLevel: 1, version });
      expect(committed).toMatchObject({ highWatermark: 4n, lastStableOffset: 1n, values: ['plain-0'] });
      expect(committed.aborted).toEqual([]);
      const uncommitted = await fetch('rc', 0, { isolationLevel: 0, version });
      expect(uncommitted).toMatchObject({ highWatermark: 4n, lastStableOffset: 1n, aborted: null });
      expect(uncommitted.values).toEqual(['plain-0', 'a-aborted', 'plain-2', 'b-committed']);
    }
    // Parked at the last stable offset: nothing until the transaction ends.
    expect((await fetch('rc', 1, { isolationLevel: 1 })).values).toEqual([]);
  });

  it('lists the aborted transactions overlapping what it returns, several of one producer included', async () => {
    await a.end(false); // marker at 4; B still open at 3
    let committed = await fetch('rc', 0, { isolationLevel: 1 });
    expect(committed).toMatchObject({ lastStableOffset: 3n, batchOffsets: [0, 1, 2] });
    expect(committed.aborted).toEqual([[pid(a), 1]]);
    await b.end(true); // 5
    for (let i = 0; i < 2; i++) {
      await a.begin();
      await a.write(`a-aborted-again-${i}`); // 6, 8
      await a.end(false); // 7, 9
    }
    committed = await fetch('rc', 0, { isolationLevel: 1 });
    expect(committed).toMatchObject({ highWatermark: 10n, lastStableOffset: 10n });
    expect(committed.batchOffsets).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(committed.aborted).toEqual([
      [pid(a), 1],
      [pid(a), 6],
      [pid(a), 8],
    ]);
    // From 5 on the first aborted transaction (1..4) is behind the fetch.
    expect((await fetch('rc', 5, { isolationLevel: 1 })).aborted).toEqual([
      [pid(a), 6],
      [pid(a), 8],
    ]);
    // One batch only (offset 0): no aborted transaction overlaps it.
    const oneBatch = await fetch('rc', 0, { isolationLevel: 1, partitionMaxBytes: 1 });
    expect(oneBatch.batchOffsets).toEqual([0]);
    expect(oneBatch.aborted).toEqual([]);
  });

  it('answers a fetch parked at the last stable offset once the transaction commits', async () => {
    await createTopic(client, 'rc-wait', 1);
    const c = await transactional('rc-wait', 'rc-wait');
    await c.begin();
    await c.write('waited-for');
    expect((await fetch('rc-wait', 0, { isolationLevel: 1 })).values).toEqual([]);
    // A connection of its own: a broker answers one connection's requests in order.
    const consumer = await RawClient.connect(broker.bootstrap[0]);
    const parked = fetch('rc-wait', 0, { isolationLevel: 1, maxWaitMs: 10_000 }, consumer);
    await c.end(true);
    const answer = await parked;
    consumer.close();
    // The data and its COMMIT marker.
    expect(answer.batchOffsets).toEqual([0, 1]);
    expect(answer.values[0]).toBe('waited-for');
    expect(answer.lastStableOffset).toBe(2n);
  });
});
