/** DescribeTransactions over the wire (KIP-664). */
import { ApiKey, ErrorCode } from '@samsa/protocol';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningBroker } from '../../src/index.js';
import { brokerWithClient, createTopic } from '../helpers/kafka.js';
import type { RawClient } from '../helpers/raw-client.js';
import { addPartitions, endTxn, initTransactions } from '../helpers/transactions.js';

let broker: RunningBroker;
let client: RawClient;

beforeAll(async () => {
  ({ broker, client } = await brokerWithClient());
  await createTopic(client, 'dt', 3);
});
afterAll(async () => {
  client.close();
  await broker.stop();
});

it('describes each id: state, timeout, start time, producer and partitions; unknown ids are not found', async () => {
  const open = await initTransactions(client, 'dt-open', { timeoutMs: 45_000 });
  const before = Date.now();
  await addPartitions(client, open, [{ name: 'dt', partitions: [2, 0] }]);
  const done = await initTransactions(client, 'dt-done');
  await addPartitions(client, done, [{ name: 'dt', partitions: [1] }]);
  await endTxn(client, done, true);
  const response = await client.request(ApiKey.DescribeTransactions, 0, {
    transactionalIds: ['dt-open', 'dt-done', 'dt-unknown', ''],
  });
  const [o, d, unknown, empty] = response.transactionStates;
  expect(o).toMatchObject({
    errorCode: 0,
    transactionalId: 'dt-open',
    transactionState: 'Ongoing',
    transactionTimeoutMs: 45_000,
    producerId: open.producerId,
    producerEpoch: 0,
    topics: [{ topic: 'dt', partitions: [0, 2] }],
  });
  expect(Number(o.transactionStartTimeMs)).toBeGreaterThanOrEqual(before);
  expect(d).toMatchObject({ errorCode: 0, transactionState: 'CompleteCommit', topics: [] });
  expect(unknown.errorCode).toBe(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);
  expect(empty.errorCode).toBe(ErrorCode.INVALID_REQUEST);
});
