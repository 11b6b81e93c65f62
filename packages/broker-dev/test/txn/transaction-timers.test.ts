/**
 * The coordinator's background checks on a running broker, with short intervals: an abandoned
 * transaction is aborted and its producer fenced; an idle transactional id expires.
 */
import { ErrorCode } from '@samsa/protocol';
import { waitFor } from '@samsa/test-support';
import { afterEach, expect, it } from 'vitest';
import type { RunningBroker } from '../../src/index.js';
import { brokerWithClient, createTopic } from '../helpers/kafka.js';
import type { RawClient } from '../helpers/raw-client.js';
import {
  addPartitions,
  describeTransaction,
  endTxn,
  initTransactions,
  markersIn,
} from '../helpers/transactions.js';

let broker: RunningBroker | undefined;
let client: RawClient | undefined;
afterEach(async () => {
  client?.close();
  await broker?.stop();
});

it('aborts a transaction left open longer than its timeout, fencing the producer', async () => {
  ({ broker, client } = await brokerWithClient({ transactionTimeoutCheckIntervalMs: 20 }));
  await createTopic(client, 'abandoned', 1);
  const p = await initTransactions(client, 'abandoned-txn', { timeoutMs: 100 });
  await addPartitions(client, p, [{ name: 'abandoned', partitions: [0] }]);
  await waitFor('the abandoned transaction to be aborted', async () => {
    return (await describeTransaction(client!, 'abandoned-txn')).transactionState === 'CompleteAbort';
  });
  expect(await markersIn(client, 'abandoned', 0)).toEqual([expect.objectContaining({ type: 'ABORT' })]);
  expect((await describeTransaction(client, 'abandoned-txn')).producerEpoch).toBe(1);
  expect(await endTxn(client, p, true, 1)).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
  expect(await endTxn(client, p, true, 3)).toBe(ErrorCode.PRODUCER_FENCED);
  expect(await addPartitions(client, p, [{ name: 'abandoned', partitions: [0] }], 2)).toEqual([
    ErrorCode.PRODUCER_FENCED,
  ]);
});

it('forgets an idle transactional id after transactional.id.expiration.ms', async () => {
  ({ broker, client } = await brokerWithClient({
    transactionalIdExpirationMs: 100,
    transactionalIdExpirationCheckIntervalMs: 20,
  }));
  const p = await initTransactions(client, 'idle-txn');
  await waitFor('the idle id to expire', async () => {
    return (
      (await describeTransaction(client!, 'idle-txn')).errorCode === ErrorCode.TRANSACTIONAL_ID_NOT_FOUND
    );
  });
  expect(await endTxn(client, p, true)).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
});
