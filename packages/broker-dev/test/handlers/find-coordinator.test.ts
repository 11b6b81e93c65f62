/**
 * FindCoordinator for transactional ids, and the coordinator routing every transaction API
 * relies on: in a 3-broker cluster, requests for an id sent to another broker get NOT_COORDINATOR.
 */
import { ApiKey, ErrorCode } from '@samsa/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coordinatorPartition } from '../../src/cluster/coordinator-partitions.js';
import { type RunningBroker, startBroker } from '../../src/index.js';
import { createTopic } from '../helpers/kafka.js';
import { RawClient } from '../helpers/raw-client.js';

let broker: RunningBroker;
const clients: RawClient[] = [];

beforeAll(async () => {
  broker = await startBroker({ brokers: 3 });
  for (const address of broker.bootstrap) clients.push(await RawClient.connect(address));
  await createTopic(clients[0], 'routed', 3);
});
afterAll(async () => {
  for (const c of clients) c.close();
  await broker.stop();
});

const TXN = 'routed-txn';

describe('FindCoordinator with key type 1 (transaction)', () => {
  it("names the broker of the id's __transaction_state partition, v2 and batched v4", async () => {
    const expected = broker.control.coordinatorOf(TXN);
    expect(expected).toBe((coordinatorPartition(TXN) % 3) + 1);
    const single = await clients[0].request(ApiKey.FindCoordinator, 2, { key: TXN, keyType: 1 });
    expect(single).toMatchObject({ errorCode: 0, nodeId: expected });
    const batched = await clients[1].request(ApiKey.FindCoordinator, 4, {
      keyType: 1,
      coordinatorKeys: [TXN, 'another-id'],
    });
    expect(batched.coordinators?.map((c) => [c.key, c.errorCode, c.nodeId])).toEqual([
      [TXN, 0, expected],
      ['another-id', 0, broker.control.coordinatorOf('another-id')],
    ]);
  });

  it('answers NOT_COORDINATOR for every transaction API sent to another broker', async () => {
    const coordinator = broker.control.coordinatorOf(TXN);
    const elsewhere = clients[coordinator === 1 ? 1 : 0];
    const home = clients[coordinator - 1];
    const { producerId } = await home.request(ApiKey.InitProducerId, 4, {
      transactionalId: TXN,
      transactionTimeoutMs: 60_000,
      producerId: -1n,
      producerEpoch: -1,
    });
    const ids = { transactionalId: TXN, producerId, producerEpoch: 0 };
    const init = await elsewhere.request(ApiKey.InitProducerId, 4, {
      transactionalId: TXN,
      transactionTimeoutMs: 60_000,
      producerId: -1n,
      producerEpoch: -1,
    });
    const add = await elsewhere.request(ApiKey.AddPartitionsToTxn, 3, {
      v3AndBelowTransactionalId: TXN,
      v3AndBelowProducerId: producerId,
      v3AndBelowProducerEpoch: 0,
      v3AndBelowTopics: [{ name: 'routed', partitions: [0] }],
    });
    const offsets = await elsewhere.request(ApiKey.AddOffsetsToTxn, 3, { ...ids, groupId: 'g' });
    const end = await elsewhere.request(ApiKey.EndTxn, 3, { ...ids, committed: true });
    const described = await elsewhere.request(ApiKey.DescribeTransactions, 0, { transactionalIds: [TXN] });
    expect([
      init.errorCode,
      add.resultsByTopicV3AndBelow?.[0].resultsByPartition[0].partitionErrorCode,
      offsets.errorCode,
      end.errorCode,
      described.transactionStates[0].errorCode,
    ]).toEqual(Array(5).fill(ErrorCode.NOT_COORDINATOR));
  });

  it('moves the coordinator of a transactional id when its broker stops', async () => {
    const id = 'moving-txn';
    const coordinator = broker.control.coordinatorOf(id);
    const asker = clients[coordinator === 1 ? 1 : 0];
    await broker.control.stopBroker(coordinator);
    try {
      const moved = await asker.request(ApiKey.FindCoordinator, 2, { key: id, keyType: 1 });
      expect(moved.errorCode).toBe(0);
      expect(moved.nodeId).not.toBe(coordinator);
    } finally {
      await broker.control.startBroker(coordinator);
    }
  });
});
