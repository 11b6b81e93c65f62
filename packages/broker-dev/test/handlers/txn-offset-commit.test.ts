/**
 * TxnOffsetCommit over the wire, with OffsetFetch: offsets wait for the transaction (RequireStable
 * gets UNSTABLE_OFFSET_COMMIT), appear on commit, vanish on abort; verification and group checks.
 */
import { ApiKey, ErrorCode } from '@samsa/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBroker } from '../../src/index.js';
import { brokerWithClient, createTopic } from '../helpers/kafka.js';
import type { RawClient } from '../helpers/raw-client.js';
import { addOffsets, endTxn, initTransactions, type Producer } from '../helpers/transactions.js';

let broker: RunningBroker;
let client: RawClient;

beforeAll(async () => {
  ({ broker, client } = await brokerWithClient());
  await createTopic(client, 'input', 2);
});
afterAll(async () => {
  client.close();
  await broker.stop();
});

async function commitOffsets(
  p: Producer,
  groupId: string,
  offsets: { topic: string; partition: number; offset: number }[],
  version = 3,
  member: { memberId?: string; generationId?: number; groupInstanceId?: string | null } = {},
): Promise<number[]> {
  const topics = [...new Set(offsets.map((o) => o.topic))];
  const response = await client.request(ApiKey.TxnOffsetCommit, version, {
    transactionalId: p.transactionalId,
    groupId,
    producerId: p.producerId,
    producerEpoch: p.producerEpoch,
    generationId: member.generationId ?? -1,
    memberId: member.memberId ?? '',
    groupInstanceId: member.groupInstanceId ?? null,
    topics: topics.map((name) => ({
      name,
      partitions: offsets
        .filter((o) => o.topic === name)
        .map((o) => ({
          partitionIndex: o.partition,
          committedOffset: BigInt(o.offset),
          committedLeaderEpoch: -1,
          committedMetadata: 'meta',
        })),
    })),
  });
  return response.topics.flatMap((t) => t.partitions.map((x) => x.errorCode));
}

async function fetchOffset(groupId: string, partition: number, version: number, requireStable: boolean) {
  const response = await client.request(ApiKey.OffsetFetch, version, {
    groupId,
    topics: [{ name: 'input', partitionIndexes: [partition] }],
    requireStable,
  });
  const p = response.topics![0].partitions[0];
  return { offset: Number(p.committedOffset), errorCode: p.errorCode };
}

describe('TxnOffsetCommit', () => {
  it('holds the offsets until EndTxn: UNSTABLE_OFFSET_COMMIT with RequireStable, then committed', async () => {
    const p = await initTransactions(client, 'toc-commit');
    expect(await addOffsets(client, p, 'g-commit')).toBe(ErrorCode.NONE);
    expect(await commitOffsets(p, 'g-commit', [{ topic: 'input', partition: 0, offset: 42 }])).toEqual([0]);
    expect(await fetchOffset('g-commit', 0, 7, true)).toEqual({
      offset: -1,
      errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT,
    });
    expect(await fetchOffset('g-commit', 0, 6, false)).toEqual({ offset: -1, errorCode: 0 });
    expect(await fetchOffset('g-commit', 1, 7, true)).toEqual({ offset: -1, errorCode: 0 });
    expect(await endTxn(client, p, true)).toBe(ErrorCode.NONE);
    expect(await fetchOffset('g-commit', 0, 7, true)).toEqual({ offset: 42, errorCode: 0 });
  });

  it('drops the offsets when the transaction aborts', async () => {
    const p = await initTransactions(client, 'toc-abort');
    await addOffsets(client, p, 'g-abort');
    expect(await commitOffsets(p, 'g-abort', [{ topic: 'input', partition: 1, offset: 7 }], 1)).toEqual([0]);
    expect(await endTxn(client, p, false)).toBe(ErrorCode.NONE);
    expect(await fetchOffset('g-abort', 1, 7, true)).toEqual({ offset: -1, errorCode: 0 });
  });

  it('requires AddOffsetsToTxn first: INVALID_TXN_STATE below v4, TRANSACTION_ABORTABLE from v4', async () => {
    const p = await initTransactions(client, 'toc-unverified');
    const offsets = [{ topic: 'input', partition: 0, offset: 1 }];
    expect(await commitOffsets(p, 'g-unverified', offsets, 3)).toEqual([ErrorCode.INVALID_TXN_STATE]);
    expect(await commitOffsets(p, 'g-unverified', offsets, 4)).toEqual([ErrorCode.TRANSACTION_ABORTABLE]);
    expect(await commitOffsets({ ...p, transactionalId: 'toc-nobody' }, 'g-unverified', offsets)).toEqual([
      ErrorCode.INVALID_PRODUCER_ID_MAPPING,
    ]);
  });

  it('answers a stale producer epoch with INVALID_PRODUCER_EPOCH', async () => {
    const old = await initTransactions(client, 'toc-stale');
    await initTransactions(client, 'toc-stale');
    expect(await commitOffsets(old, 'g-stale', [{ topic: 'input', partition: 0, offset: 1 }])).toEqual([
      ErrorCode.INVALID_PRODUCER_EPOCH,
    ]);
  });

  it('checks topics and the group: UNKNOWN_TOPIC_OR_PARTITION, ILLEGAL_GENERATION for a missing group with a generation', async () => {
    const p = await initTransactions(client, 'toc-checks');
    await addOffsets(client, p, 'g-checks');
    await addOffsets(client, p, 'g-missing');
    expect(
      await commitOffsets(p, 'g-checks', [
        { topic: 'input', partition: 0, offset: 5 },
        { topic: 'input', partition: 9, offset: 5 },
        { topic: 'nope', partition: 0, offset: 5 },
      ]),
    ).toEqual([0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
    expect(
      await commitOffsets(p, 'g-missing', [{ topic: 'input', partition: 0, offset: 5 }], 3, {
        memberId: 'm-1',
        generationId: 4,
      }),
    ).toEqual([ErrorCode.ILLEGAL_GENERATION]);
  });
});
