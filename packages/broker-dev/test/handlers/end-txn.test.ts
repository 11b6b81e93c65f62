/** EndTxn over the wire: markers on every partition of the transaction, retries, fencing by version. */
import { ErrorCode } from '@samsa/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBroker } from '../../src/index.js';
import { brokerWithClient, createTopic, fetchRecords, values } from '../helpers/kafka.js';
import type { RawClient } from '../helpers/raw-client.js';
import {
  addPartitions,
  describeTransaction,
  endTxn,
  initTransactions,
  markersIn,
  produceTransactional,
} from '../helpers/transactions.js';

let broker: RunningBroker;
let client: RawClient;

beforeAll(async () => {
  ({ broker, client } = await brokerWithClient());
  await createTopic(client, 'end', 2);
});
afterAll(async () => {
  client.close();
  await broker.stop();
});

describe('EndTxn', () => {
  it('writes a COMMIT marker after the data on every partition of the transaction, with every version v0-v4', async () => {
    for (let version = 0; version <= 4; version++) {
      const p = await initTransactions(client, `end-v${version}`);
      await addPartitions(client, p, [{ name: 'end', partitions: [0, 1] }]);
      expect(await produceTransactional(client, p, 'end', 0, [{ key: 'k', value: `v${version}` }])).toBe(0);
      expect(await endTxn(client, p, true, version)).toBe(ErrorCode.NONE);
      expect(await endTxn(client, p, true, version)).toBe(ErrorCode.NONE); // a retry
      expect((await describeTransaction(client, p.transactionalId)).transactionState).toBe('CompleteCommit');
    }
    for (const partition of [0, 1]) {
      const markers = await markersIn(client, 'end', partition);
      expect(markers.map((m) => m.type)).toEqual(Array(5).fill('COMMIT'));
      expect(markers.every((m) => m.coordinatorEpoch === 0)).toBe(true);
    }
    // The test reader does not skip control records: keep the data ones.
    const data = values((await fetchRecords(client, 'end', 0, 0)).records).filter((v) => v?.startsWith('v'));
    expect(data).toEqual(['v0', 'v1', 'v2', 'v3', 'v4']);
  });

  it('aborts with an ABORT marker; ending again the other way is INVALID_TXN_STATE', async () => {
    const p = await initTransactions(client, 'end-abort');
    await addPartitions(client, p, [{ name: 'end', partitions: [1] }]);
    const before = (await markersIn(client, 'end', 1)).length;
    expect(await endTxn(client, p, false)).toBe(ErrorCode.NONE);
    const markers = await markersIn(client, 'end', 1);
    expect(markers.slice(before).map((m) => m.type)).toEqual(['ABORT']);
    expect(await endTxn(client, p, true)).toBe(ErrorCode.INVALID_TXN_STATE);
  });

  it('answers INVALID_TXN_STATE without a transaction and INVALID_PRODUCER_ID_MAPPING for unknown ids', async () => {
    const p = await initTransactions(client, 'end-empty');
    expect(await endTxn(client, p, true)).toBe(ErrorCode.INVALID_TXN_STATE);
    expect(await endTxn(client, { ...p, transactionalId: 'end-nobody' }, true)).toBe(
      ErrorCode.INVALID_PRODUCER_ID_MAPPING,
    );
  });

  it('fences the previous instance: INVALID_PRODUCER_EPOCH below v2, PRODUCER_FENCED from v2', async () => {
    const old = await initTransactions(client, 'end-fenced');
    await addPartitions(client, old, [{ name: 'end', partitions: [0] }]);
    const next = await initTransactions(client, 'end-fenced').catch(() =>
      initTransactions(client, 'end-fenced'),
    );
    expect(next.producerEpoch).toBe(2);
    expect(await endTxn(client, old, true, 1)).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect(await endTxn(client, old, true, 2)).toBe(ErrorCode.PRODUCER_FENCED);
    const markers = await markersIn(client, 'end', 0);
    expect(markers.at(-1)).toMatchObject({ type: 'ABORT' });
  });
});
