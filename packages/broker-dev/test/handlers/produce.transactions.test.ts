/**
 * Produce with transactional batches over the wire: KIP-890 verification of a transaction's first batch
 * on a partition (version-dependent codes), the request-level checks, transaction state per producer, and
 * a retry answered with the original offsets.
 */
import { ApiKey, ErrorCode } from '@samsa/protocol';
import { buildBatch, transactionMarker } from '@samsa/test-support/record-batches';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBroker, startBroker } from '../../src/index.js';
import { createTopic } from '../helpers/kafka.js';
import { RawClient } from '../helpers/raw-client.js';
import {
  addPartitions,
  coordinatedBy,
  describeTransaction,
  endTxn,
  initTransactions,
  type Producer,
} from '../helpers/transactions.js';

let broker: RunningBroker;
let clients: RawClient[];

beforeAll(async () => {
  broker = await startBroker({ brokers: 2, replicationFactor: 1 });
  clients = await Promise.all(broker.bootstrap.map((address) => RawClient.connect(address)));
  await createTopic(clients[0], 'ptx', 2);
});
afterAll(async () => {
  for (const client of clients ?? []) client.close();
  await broker?.stop();
});

/** A transactional id coordinated by broker 1 (clients[0]). */
const id = (prefix: string) => coordinatedBy(1, prefix);

/** The client connected to the leader of a partition. */
const leaderOf = (topic: string, partition: number) => clients[broker.control.leaderOf(topic, partition) - 1];

interface Send {
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
  transactional?: boolean;
  transactionalId?: string | null;
  version?: number;
  values?: string[];
}

/** One batch to one partition through its leader; resolves with the partition's response. */
async function send(topic: string, partition: number, s: Send) {
  const response = await leaderOf(topic, partition).request(ApiKey.Produce, s.version ?? 9, {
    transactionalId: s.transactionalId ?? null,
    acks: -1,
    timeoutMs: 5000,
    topicData: [
      {
        name: topic,
        partitionData: [
          {
            index: partition,
            records: buildBatch(
              (s.values ?? ['v']).map((value) => ({ key: 'k', value })),
              {
                producerId: s.producerId,
                producerEpoch: s.producerEpoch,
                baseSequence: s.baseSequence,
                transactional: s.transactional ?? true,
              },
            ),
          },
        ],
      },
    ],
  });
  return response.responses[0].partitionResponses[0];
}

const as = (p: Producer, baseSequence: number, extra: Partial<Send> = {}): Send => ({
  producerId: p.producerId,
  producerEpoch: p.producerEpoch,
  baseSequence,
  transactionalId: p.transactionalId,
  ...extra,
});

describe('transactional produce', () => {
  it('accepts the batches of an added partition and answers a retry with its original offset', async () => {
    const p = await initTransactions(clients[0], id('ptx-ok'));
    expect(await addPartitions(clients[0], p, [{ name: 'ptx', partitions: [0] }])).toEqual([0]);
    const first = await send('ptx', 0, as(p, 0, { values: ['a', 'b'] }));
    expect(first.errorCode).toBe(ErrorCode.NONE);
    expect((await send('ptx', 0, as(p, 2))).errorCode).toBe(ErrorCode.NONE);
    const retry = await send('ptx', 0, as(p, 0, { values: ['a', 'b'] }));
    expect(retry).toMatchObject({ errorCode: ErrorCode.NONE, baseOffset: first.baseOffset });
    expect(await endTxn(clients[0], p, false)).toBe(ErrorCode.NONE);
  });

  it('refuses a partition the transaction did not add: INVALID_TXN_STATE before v11, TRANSACTION_ABORTABLE from v11', async () => {
    const p = await initTransactions(clients[0], id('ptx-unadded'));
    expect(await addPartitions(clients[0], p, [{ name: 'ptx', partitions: [0] }])).toEqual([0]);
    const old = await send('ptx', 1, as(p, 0, { version: 10 }));
    expect(old).toMatchObject({
      errorCode: ErrorCode.INVALID_TXN_STATE,
      errorMessage: 'Partition was not added to the transaction',
    });
    expect((await send('ptx', 1, as(p, 0, { version: 11 }))).errorCode).toBe(ErrorCode.TRANSACTION_ABORTABLE);
    // Nothing reached the partition.
    const described = await leaderOf('ptx', 1).request(ApiKey.DescribeProducers, 0, {
      topics: [{ name: 'ptx', partitionIndexes: [1] }],
    });
    const producers = described.topics[0].partitions[0].activeProducers;
    expect(producers.some((s) => s.producerId === p.producerId)).toBe(false);
    expect(await endTxn(clients[0], p, false)).toBe(ErrorCode.NONE);
  });

  it('refuses a fenced producer with INVALID_PRODUCER_EPOCH, verified or not', async () => {
    const old = await initTransactions(clients[0], id('ptx-fenced'));
    await addPartitions(clients[0], old, [{ name: 'ptx', partitions: [0, 1] }]);
    expect((await send('ptx', 0, as(old, 0))).errorCode).toBe(ErrorCode.NONE);
    // A new instance: its InitProducerId aborts the open transaction (CONCURRENT_TRANSACTIONS), then retries.
    let fresh: Producer | undefined;
    while (!fresh) {
      try {
        fresh = await initTransactions(clients[0], old.transactionalId);
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    // Partition 1 asks the coordinator (PRODUCER_FENCED there); partition 0 knows the newer epoch itself.
    expect((await send('ptx', 1, as(old, 0))).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect((await send('ptx', 0, as(old, 1))).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
  });

  it('refuses a non-transactional batch of a producer whose transaction is open on the partition', async () => {
    const p = await initTransactions(clients[0], id('ptx-plain'));
    await addPartitions(clients[0], p, [{ name: 'ptx', partitions: [0] }]);
    expect((await send('ptx', 0, as(p, 0))).errorCode).toBe(ErrorCode.NONE);
    const plain = await send('ptx', 0, as(p, 1, { transactional: false, transactionalId: null }));
    expect(plain.errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(await endTxn(clients[0], p, true)).toBe(ErrorCode.NONE);
  });

  it('refuses transactional batches without a transactional id, or of two producers, for the whole request', async () => {
    const p = await initTransactions(clients[0], id('ptx-request'));
    const noId = await send('ptx', 0, as(p, 0, { transactionalId: null }));
    expect(noId.errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    const response = await clients[0].request(ApiKey.Produce, 9, {
      transactionalId: p.transactionalId,
      acks: -1,
      timeoutMs: 5000,
      topicData: [
        {
          name: 'ptx',
          partitionData: [0, 1].map((index) => ({
            index,
            records: buildBatch([{ value: 'v' }], {
              producerId: p.producerId + BigInt(index),
              producerEpoch: 0,
              baseSequence: 0,
              transactional: true,
            }),
          })),
        },
      ],
    });
    expect(response.responses[0].partitionResponses.map((r) => r.errorCode)).toEqual([
      ErrorCode.INVALID_PRODUCER_ID_MAPPING,
      ErrorCode.INVALID_PRODUCER_ID_MAPPING,
    ]);
  });

  it('refuses control batches from clients', async () => {
    const response = await leaderOf('ptx', 0).request(ApiKey.Produce, 9, {
      transactionalId: 'ptx-control',
      acks: -1,
      timeoutMs: 5000,
      topicData: [{ name: 'ptx', partitionData: [{ index: 0, records: transactionMarker('COMMIT', 5) }] }],
    });
    expect(response.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.INVALID_RECORD);
  });
});

describe('verification while the coordinator completes the transaction', () => {
  it('answers NOT_ENOUGH_REPLICAS (retriable) while markers are still being written', async () => {
    // 'slow' lives on broker 2 only: stopping it keeps the commit from completing.
    const response = await clients[0].request(ApiKey.CreateTopics, 7, {
      topics: [
        {
          name: 'slow',
          numPartitions: -1,
          replicationFactor: -1,
          assignments: [{ partitionIndex: 0, brokerIds: [2] }],
          configs: [],
        },
        {
          name: 'fast',
          numPartitions: -1,
          replicationFactor: -1,
          assignments: [{ partitionIndex: 0, brokerIds: [1] }],
          configs: [],
        },
      ],
      timeoutMs: 5000,
      validateOnly: false,
    });
    expect(response.topics.map((t) => t.errorCode)).toEqual([0, 0]);
    const p = await initTransactions(clients[0], id('ptx-concurrent'));
    await addPartitions(clients[0], p, [
      { name: 'slow', partitions: [0] },
      { name: 'fast', partitions: [0] },
    ]);
    expect((await send('slow', 0, as(p, 0))).errorCode).toBe(ErrorCode.NONE);
    expect((await send('fast', 0, as(p, 0))).errorCode).toBe(ErrorCode.NONE);
    await broker.control.stopBroker(2);
    try {
      expect(await endTxn(clients[0], p, true)).toBe(ErrorCode.NONE);
      expect((await describeTransaction(clients[0], p.transactionalId)).transactionState).toBe(
        'PrepareCommit',
      );
      // 'fast' has its marker; a batch there now asks the coordinator, which is busy with the commit.
      const busy = await send('fast', 0, as(p, 1));
      expect(busy.errorCode).toBe(ErrorCode.NOT_ENOUGH_REPLICAS);
      expect(busy.errorMessage).toContain('CONCURRENT_TRANSACTIONS');
    } finally {
      await broker.control.startBroker(2);
    }
  });
});
