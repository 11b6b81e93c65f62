/** WriteTxnMarkers over the wire (what `kafka-transactions.sh abort` sends to a partition leader). */
import { ApiKey, ErrorCode } from '@samsa/protocol';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningBroker, startBroker } from '../../src/index.js';
import { createTopic, fetchRequestBody } from '../helpers/kafka.js';
import { RawClient } from '../helpers/raw-client.js';
import {
  addPartitions,
  coordinatedBy,
  initTransactions,
  markersIn,
  produceTransactional,
} from '../helpers/transactions.js';

let broker: RunningBroker;
const clients: RawClient[] = [];

beforeAll(async () => {
  broker = await startBroker({ brokers: 2, replicationFactor: 1 });
  for (const address of broker.bootstrap) clients.push(await RawClient.connect(address));
  await createTopic(clients[0], 'wtm', 2);
});
afterAll(async () => {
  for (const c of clients) c.close();
  await broker.stop();
});

it('writes the markers on the partitions this broker leads (v0 and v1)', async () => {
  const leader = broker.control.leaderOf('wtm', 0);
  const client = clients[leader - 1];
  for (const [version, commit] of [
    [0, false],
    [1, true],
  ] as const) {
    const response = await client.request(ApiKey.WriteTxnMarkers, version, {
      markers: [
        {
          producerId: 4242n,
          producerEpoch: 3,
          transactionResult: commit,
          coordinatorEpoch: 11,
          topics: [
            { name: 'wtm', partitionIndexes: [0] },
            { name: 'missing', partitionIndexes: [0] },
          ],
        },
      ],
    });
    expect(response.markers[0].producerId).toBe(4242n);
    expect(response.markers[0].topics.map((t) => t.partitions.map((p) => p.errorCode))).toEqual([
      [ErrorCode.NONE],
      [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
    ]);
  }
  expect((await markersIn(client, 'wtm', 0)).map((m) => [m.type, m.coordinatorEpoch])).toEqual([
    ['ABORT', 11],
    ['COMMIT', 11],
  ]);
});

it('answers NOT_LEADER_OR_FOLLOWER on a broker that does not lead the partition', async () => {
  const leader = broker.control.leaderOf('wtm', 1);
  const follower = clients[leader === 1 ? 1 : 0];
  const response = await follower.request(ApiKey.WriteTxnMarkers, 1, {
    markers: [
      {
        producerId: 1n,
        producerEpoch: 0,
        transactionResult: false,
        coordinatorEpoch: 0,
        topics: [{ name: 'wtm', partitionIndexes: [1] }],
      },
    ],
  });
  expect(response.markers[0].topics[0].partitions[0].errorCode).toBe(ErrorCode.NOT_LEADER_OR_FOLLOWER);
});

it('an ABORT from an admin clears a hanging transaction: the last stable offset reaches the high watermark', async () => {
  await createTopic(clients[0], 'hanging', 1);
  const client = clients[broker.control.leaderOf('hanging', 0) - 1];
  const p = await initTransactions(clients[0], coordinatedBy(1, 'hanging'));
  await addPartitions(clients[0], p, [{ name: 'hanging', partitions: [0] }]);
  expect(await produceTransactional(client, p, 'hanging', 0, [{ value: 'stuck' }])).toBe(0);
  const fetchCommitted = async () =>
    (
      await client.request(
        ApiKey.Fetch,
        11,
        fetchRequestBody('hanging', [{ partition: 0, offset: 0 }], { isolationLevel: 1 }),
      )
    ).responses[0].partitions[0];
  expect((await fetchCommitted()).lastStableOffset).toBe(0n);
  // What `kafka-transactions.sh abort` does: the producer's epoch from DescribeProducers, then the marker.
  const described = await client.request(ApiKey.DescribeProducers, 0, {
    topics: [{ name: 'hanging', partitionIndexes: [0] }],
  });
  const [state] = described.topics[0].partitions[0].activeProducers;
  expect(state).toMatchObject({ producerId: p.producerId, currentTxnStartOffset: 0n });
  const response = await client.request(ApiKey.WriteTxnMarkers, 1, {
    markers: [
      {
        producerId: state.producerId,
        producerEpoch: state.producerEpoch,
        transactionResult: false,
        coordinatorEpoch: Math.max(state.coordinatorEpoch, 0),
        topics: [{ name: 'hanging', partitionIndexes: [0] }],
      },
    ],
  });
  expect(response.markers[0].topics[0].partitions[0].errorCode).toBe(ErrorCode.NONE);
  const after = await fetchCommitted();
  expect(after).toMatchObject({ lastStableOffset: 2n, highWatermark: 2n });
  expect(after.abortedTransactions).toEqual([{ producerId: p.producerId, firstOffset: 0n }]);
});
