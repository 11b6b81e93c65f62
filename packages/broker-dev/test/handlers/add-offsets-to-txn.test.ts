/** AddOffsetsToTxn over the wire: the group's __consumer_offsets partition joins the transaction. */
import { ErrorCode } from '@samsa/protocol';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { coordinatorPartition } from '../../src/cluster/coordinator-partitions.js';
import type { RunningBroker } from '../../src/index.js';
import { brokerWithClient } from '../helpers/kafka.js';
import type { RawClient } from '../helpers/raw-client.js';
import { addOffsets, describeTransaction, initTransactions } from '../helpers/transactions.js';

let broker: RunningBroker;
let client: RawClient;

beforeAll(async () => {
  ({ broker, client } = await brokerWithClient());
});
afterAll(async () => {
  client.close();
  await broker.stop();
});

it('adds __consumer_offsets-<partition of the group>, with every version v0-v4', async () => {
  for (let version = 0; version <= 4; version++) {
    const p = await initTransactions(client, `aot-v${version}`);
    expect(await addOffsets(client, p, 'orders-group', version)).toBe(ErrorCode.NONE);
    expect(await describeTransaction(client, p.transactionalId)).toMatchObject({
      transactionState: 'Ongoing',
      topics: [{ topic: '__consumer_offsets', partitions: [coordinatorPartition('orders-group')] }],
    });
  }
});

it('fences a stale producer with INVALID_PRODUCER_EPOCH below v2 and PRODUCER_FENCED from v2', async () => {
  const old = await initTransactions(client, 'aot-fence');
  await initTransactions(client, 'aot-fence');
  expect(await addOffsets(client, old, 'g', 1)).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
  expect(await addOffsets(client, old, 'g', 2)).toBe(ErrorCode.PRODUCER_FENCED);
  expect(await addOffsets(client, { ...old, transactionalId: 'aot-unknown' }, 'g')).toBe(
    ErrorCode.INVALID_PRODUCER_ID_MAPPING,
  );
});
