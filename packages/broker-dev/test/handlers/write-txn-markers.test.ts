/** WriteTxnMarkers over the wire (what `kafka-transactions.sh abort` sends to a partition leader). */
import { ApiKey, ErrorCode } from '@samsa/protocol';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningBroker, startBroker } from '../../src/index.js';
import { createTopic } from '../helpers/kafka.js';
import { RawClient } from '../helpers/raw-client.js';
import { markersIn } from '../helpers/transactions.js';

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
