/** DescribeProducers over the wire (A9): the producer state of each partition, and its errors. */
import { ApiKey, ErrorCode } from '@samsa/protocol';
import { buildBatch } from '@samsa/test-support/record-batches';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningBroker, startBroker } from '../../src/index.js';
import { createTopic } from '../helpers/kafka.js';
import { RawClient } from '../helpers/raw-client.js';
import {
  addPartitions,
  coordinatedBy,
  initTransactions,
  produceTransactional,
} from '../helpers/transactions.js';

let broker: RunningBroker;
let clients: RawClient[];

beforeAll(async () => {
  broker = await startBroker({ brokers: 2, replicationFactor: 1 });
  clients = await Promise.all(broker.bootstrap.map((address) => RawClient.connect(address)));
  await createTopic(clients[0], 'dp', 2);
});
afterAll(async () => {
  for (const client of clients ?? []) client.close();
  await broker?.stop();
});

const leader = (partition: number) => clients[broker.control.leaderOf('dp', partition) - 1];

async function describe(client: RawClient, topics: { name: string; partitionIndexes: number[] }[]) {
  const response = await client.request(ApiKey.DescribeProducers, 0, { topics });
  return response.topics.flatMap((t) => t.partitions);
}

it('shows each producer: epoch, last sequence, last timestamp, coordinator epoch, open transaction start', async () => {
  const produce = (producerId: bigint, producerEpoch: number, baseSequence: number, count: number) =>
    leader(0).request(ApiKey.Produce, 9, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 5000,
      topicData: [
        {
          name: 'dp',
          partitionData: [
            {
              index: 0,
              records: buildBatch(
                Array.from({ length: count }, () => ({ value: 'v' })),
                { producerId, producerEpoch, baseSequence, timestamp: 1_700_000_000_000 },
              ),
            },
          ],
        },
      ],
    });
  await produce(900n, 2, 0, 3);
  await produce(900n, 2, 3, 2);
  // A hanging transaction's marker, as `kafka-transactions.sh abort` would write it.
  await leader(0).request(ApiKey.WriteTxnMarkers, 1, {
    markers: [
      {
        producerId: 901n,
        producerEpoch: 7,
        transactionResult: false,
        coordinatorEpoch: 3,
        topics: [{ name: 'dp', partitionIndexes: [0] }],
      },
    ],
  });
  const [partition] = await describe(leader(0), [{ name: 'dp', partitionIndexes: [0] }]);
  expect(partition).toMatchObject({ partitionIndex: 0, errorCode: ErrorCode.NONE });
  expect(partition.activeProducers.sort((x, y) => Number(x.producerId - y.producerId))).toEqual([
    {
      producerId: 900n,
      producerEpoch: 2,
      lastSequence: 4,
      lastTimestamp: 1_700_000_000_000n,
      coordinatorEpoch: -1,
      currentTxnStartOffset: -1n,
    },
    {
      producerId: 901n,
      producerEpoch: 7,
      lastSequence: -1,
      lastTimestamp: expect.any(BigInt),
      coordinatorEpoch: 3,
      currentTxnStartOffset: -1n,
    },
  ]);
});

it('shows where an open transaction started', async () => {
  const p = await initTransactions(clients[0], coordinatedBy(1, 'dp-open'));
  expect(await addPartitions(clients[0], p, [{ name: 'dp', partitions: [1] }])).toEqual([0]);
  expect(await produceTransactional(leader(1), p, 'dp', 1, [{ value: 'a' }])).toBe(0);
  expect(await produceTransactional(leader(1), p, 'dp', 1, [{ value: 'b' }], 1)).toBe(0);
  const [partition] = await describe(leader(1), [{ name: 'dp', partitionIndexes: [1] }]);
  expect(partition.activeProducers).toEqual([
    expect.objectContaining({ producerId: p.producerId, lastSequence: 1, currentTxnStartOffset: 0n }),
  ]);
});

it('answers UNKNOWN_TOPIC_OR_PARTITION, INVALID_TOPIC_EXCEPTION and NOT_LEADER_OR_FOLLOWER', async () => {
  const notReplica = clients[broker.control.leaderOf('dp', 0) === 1 ? 1 : 0];
  const partitions = await describe(notReplica, [
    { name: 'dp', partitionIndexes: [0, 7] },
    { name: 'missing', partitionIndexes: [0] },
    { name: 'bad/name', partitionIndexes: [0] },
  ]);
  expect(partitions.map((p) => p.errorCode)).toEqual([
    ErrorCode.NOT_LEADER_OR_FOLLOWER,
    ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    ErrorCode.INVALID_TOPIC_EXCEPTION,
  ]);
});
