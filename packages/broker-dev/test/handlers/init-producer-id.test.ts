/** InitProducerId over the wire: idempotent and transactional producers, validation, version-specific codes. */
import { ApiKey, ErrorCode } from '@samsa/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBroker } from '../../src/index.js';
import { brokerWithClient, createTopic } from '../helpers/kafka.js';
import type { RawClient } from '../helpers/raw-client.js';
import { addPartitions, initTransactions } from '../helpers/transactions.js';

let broker: RunningBroker;
let client: RawClient;

beforeAll(async () => {
  ({ broker, client } = await brokerWithClient());
  await createTopic(client, 'ipi', 1);
});
afterAll(async () => {
  client.close();
  await broker.stop();
});

const init = (
  version: number,
  transactionalId: string | null,
  options: { timeoutMs?: number; producerId?: bigint; producerEpoch?: number } = {},
) =>
  client.request(ApiKey.InitProducerId, version, {
    transactionalId,
    transactionTimeoutMs: options.timeoutMs ?? 60_000,
    producerId: options.producerId ?? -1n,
    producerEpoch: options.producerEpoch ?? -1,
  });

describe('InitProducerId', () => {
  it('gives idempotent producers a new producer id at epoch 0, also when they send their current one (v3+)', async () => {
    const first = await init(5, null);
    const again = await init(3, null, { producerId: first.producerId, producerEpoch: 0 });
    expect(first).toMatchObject({ errorCode: 0, producerEpoch: 0 });
    expect(again).toMatchObject({ errorCode: 0, producerEpoch: 0 });
    expect(again.producerId).not.toBe(first.producerId);
  });

  it('refuses a producer id without an epoch (and the reverse) with INVALID_REQUEST', async () => {
    expect((await init(3, null, { producerId: 5n })).errorCode).toBe(ErrorCode.INVALID_REQUEST);
    expect((await init(4, 'tx-half', { producerEpoch: 2 })).errorCode).toBe(ErrorCode.INVALID_REQUEST);
  });

  it('keeps the producer id of a transactional id and bumps the epoch, with every version v0-v5', async () => {
    const epochs: number[] = [];
    const ids = new Set<bigint>();
    for (let version = 0; version <= 5; version++) {
      const response = await init(version, 'tx-versions');
      expect(response.errorCode).toBe(ErrorCode.NONE);
      epochs.push(response.producerEpoch);
      ids.add(response.producerId);
    }
    expect(epochs).toEqual([0, 1, 2, 3, 4, 5]);
    expect(ids.size).toBe(1);
  });

  it('refuses an empty transactional id and a timeout outside 1..900000 ms', async () => {
    expect((await init(1, '')).errorCode).toBe(ErrorCode.INVALID_REQUEST);
    expect((await init(1, 'tx-timeout', { timeoutMs: 0 })).errorCode).toBe(
      ErrorCode.INVALID_TRANSACTION_TIMEOUT,
    );
    expect((await init(1, 'tx-timeout', { timeoutMs: 900_001 })).errorCode).toBe(
      ErrorCode.INVALID_TRANSACTION_TIMEOUT,
    );
    expect((await init(1, 'tx-timeout', { timeoutMs: 900_000 })).errorCode).toBe(ErrorCode.NONE);
  });

  it('answers a fenced KIP-360 re-initialisation with INVALID_PRODUCER_EPOCH below v4, PRODUCER_FENCED from v4', async () => {
    const p = await initTransactions(client, 'tx-kip360');
    const bumped = await init(3, 'tx-kip360', { producerId: p.producerId, producerEpoch: 0 });
    expect(bumped).toMatchObject({ errorCode: 0, producerId: p.producerId, producerEpoch: 1 });
    await init(4, 'tx-kip360'); // another instance: epoch 2
    const stale = { producerId: p.producerId, producerEpoch: 1 };
    expect((await init(3, 'tx-kip360', stale)).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect((await init(4, 'tx-kip360', stale)).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
  });

  it('aborts the open transaction of the previous instance: CONCURRENT_TRANSACTIONS, then epoch + 2', async () => {
    const old = await initTransactions(client, 'tx-fence');
    expect(await addPartitions(client, old, [{ name: 'ipi', partitions: [0] }])).toEqual([ErrorCode.NONE]);
    expect((await init(4, 'tx-fence')).errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS);
    let retried = await init(4, 'tx-fence');
    while (retried.errorCode === ErrorCode.CONCURRENT_TRANSACTIONS) retried = await init(4, 'tx-fence');
    expect(retried).toMatchObject({ errorCode: 0, producerId: old.producerId, producerEpoch: 2 });
  });
});
