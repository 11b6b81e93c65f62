/** AddPartitionsToTxn over the wire: v0-3 per partition, v4-5 batched transactions and VerifyOnly. */
import { ApiKey, ErrorCode } from '@samsa/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBroker } from '../../src/index.js';
import { brokerWithClient, createTopic } from '../helpers/kafka.js';
import type { RawClient } from '../helpers/raw-client.js';
import { addPartitions, describeTransaction, initTransactions } from '../helpers/transactions.js';

let broker: RunningBroker;
let client: RawClient;

beforeAll(async () => {
  ({ broker, client } = await brokerWithClient());
  await createTopic(client, 'apt', 3);
});
afterAll(async () => {
  client.close();
  await broker.stop();
});

describe('AddPartitionsToTxn v0-3', () => {
  it('adds partitions with every version, and a re-add answers NONE', async () => {
    for (let version = 0; version <= 3; version++) {
      const p = await initTransactions(client, `apt-v${version}`);
      expect(await addPartitions(client, p, [{ name: 'apt', partitions: [0, 2] }], version)).toEqual([0, 0]);
      expect(await addPartitions(client, p, [{ name: 'apt', partitions: [2] }], version)).toEqual([0]);
      const described = await describeTransaction(client, p.transactionalId);
      expect(described).toMatchObject({
        transactionState: 'Ongoing',
        topics: [{ topic: 'apt', partitions: [0, 2] }],
      });
    }
  });

  it('adds nothing when a topic is unknown: UNKNOWN_TOPIC_OR_PARTITION there, OPERATION_NOT_ATTEMPTED elsewhere', async () => {
    const p = await initTransactions(client, 'apt-unknown');
    const codes = await addPartitions(client, p, [
      { name: 'apt', partitions: [0, 7] },
      { name: 'missing', partitions: [0] },
    ]);
    expect(codes).toEqual([
      ErrorCode.OPERATION_NOT_ATTEMPTED,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
    ]);
    expect((await describeTransaction(client, 'apt-unknown')).transactionState).toBe('Empty');
  });

  it('answers INVALID_PRODUCER_ID_MAPPING for unknown ids and producer ids, and a stale epoch by version', async () => {
    const p = await initTransactions(client, 'apt-fence');
    await initTransactions(client, 'apt-fence'); // another instance: epoch 1
    const topics = [{ name: 'apt', partitions: [0] }];
    expect(await addPartitions(client, p, topics, 1)).toEqual([ErrorCode.INVALID_PRODUCER_EPOCH]);
    expect(await addPartitions(client, p, topics, 2)).toEqual([ErrorCode.PRODUCER_FENCED]);
    expect(
      await addPartitions(client, { ...p, producerId: p.producerId + 1n, producerEpoch: 1 }, topics),
    ).toEqual([ErrorCode.INVALID_PRODUCER_ID_MAPPING]);
    expect(await addPartitions(client, { ...p, transactionalId: 'never-seen' }, topics)).toEqual([
      ErrorCode.INVALID_PRODUCER_ID_MAPPING,
    ]);
  });
});

describe('AddPartitionsToTxn v4-5', () => {
  it('adds for several transactions at once (as @platformatic/kafka sends it) and verifies without adding', async () => {
    const a = await initTransactions(client, 'apt-batch-a');
    const b = await initTransactions(client, 'apt-batch-b');
    for (const version of [4, 5]) {
      const response = await client.request(ApiKey.AddPartitionsToTxn, version, {
        transactions: [
          {
            transactionalId: a.transactionalId,
            producerId: a.producerId,
            producerEpoch: a.producerEpoch,
            verifyOnly: false,
            topics: [{ name: 'apt', partitions: [1] }],
          },
          {
            transactionalId: b.transactionalId,
            producerId: b.producerId,
            producerEpoch: b.producerEpoch + 5,
            verifyOnly: false,
            topics: [{ name: 'apt', partitions: [1] }],
          },
        ],
      });
      expect(response.errorCode).toBe(ErrorCode.NONE);
      expect(
        response.resultsByTransaction?.map((t) => [
          t.transactionalId,
          t.topicResults.map((r) => r.resultsByPartition.map((p) => p.partitionErrorCode)),
        ]),
      ).toEqual([
        [a.transactionalId, [[ErrorCode.NONE]]],
        [b.transactionalId, [[ErrorCode.PRODUCER_FENCED]]],
      ]);
    }
    expect((await describeTransaction(client, a.transactionalId)).topics).toEqual([
      { topic: 'apt', partitions: [1] },
    ]);
  });

  it('VerifyOnly: NONE for partitions in the transaction, TRANSACTION_ABORTABLE (v5) / INVALID_TXN_STATE (v4) otherwise', async () => {
    const p = await initTransactions(client, 'apt-verify');
    await addPartitions(client, p, [{ name: 'apt', partitions: [0] }]);
    const verify = (version: number) =>
      client.request(ApiKey.AddPartitionsToTxn, version, {
        transactions: [
          {
            transactionalId: p.transactionalId,
            producerId: p.producerId,
            producerEpoch: p.producerEpoch,
            verifyOnly: true,
            topics: [{ name: 'apt', partitions: [0, 1] }],
          },
        ],
      });
    const codes = async (version: number) =>
      (await verify(version)).resultsByTransaction?.[0].topicResults[0].resultsByPartition.map(
        (r) => r.partitionErrorCode,
      );
    expect(await codes(5)).toEqual([ErrorCode.NONE, ErrorCode.TRANSACTION_ABORTABLE]);
    expect(await codes(4)).toEqual([ErrorCode.NONE, ErrorCode.INVALID_TXN_STATE]);
    expect((await describeTransaction(client, p.transactionalId)).topics).toEqual([
      { topic: 'apt', partitions: [0] },
    ]);
  });
});
