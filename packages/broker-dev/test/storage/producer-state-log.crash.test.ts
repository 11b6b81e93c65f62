/**
 * Producer state survives kill -9 of a broker process with --data-dir (snapshot at the last roll plus a
 * replay of the active segment): retries of the last five idempotent batches are still answered with
 * their original offsets and sequences continue, the open transaction still holds the last stable
 * offset back, the aborted-transaction index still answers read_committed fetches, and the
 * transaction can be committed afterwards.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApiKey, ErrorCode } from '@samsa/protocol';
import { waitFor } from '@samsa/test-support';
import { buildBatch } from '@samsa/test-support/record-batches';
import { afterEach, expect, it } from 'vitest';
import { type CliBroker, startCli } from '../helpers/cli.js';
import { fetchRequestBody } from '../helpers/kafka.js';
import { RawClient } from '../helpers/raw-client.js';
import {
  addPartitions,
  describeTransaction,
  endTxn,
  initTransactions,
  type Producer,
  produceTransactional,
} from '../helpers/transactions.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function cli(dataDir: string): Promise<{ broker: CliBroker; client: RawClient }> {
  const broker = await startCli(['--port', '0', '--log-level', 'warn', '--data-dir', dataDir]);
  cleanups.push(() => broker.stop('SIGKILL'));
  const client = await RawClient.connect(broker.bootstrap[0]);
  cleanups.push(() => client.close());
  return { broker, client };
}

async function idempotent(client: RawClient, producerId: bigint, baseSequence: number, value: string) {
  const response = await client.request(ApiKey.Produce, 9, {
    transactionalId: null,
    acks: -1,
    timeoutMs: 5000,
    topicData: [
      {
        name: 'ps',
        partitionData: [
          {
            index: 0,
            records: buildBatch([{ key: 'k', value }], { producerId, producerEpoch: 0, baseSequence }),
          },
        ],
      },
    ],
  });
  return response.responses[0].partitionResponses[0];
}

async function readCommitted(client: RawClient) {
  const response = await client.request(
    ApiKey.Fetch,
    11,
    fetchRequestBody('ps', [{ partition: 0, offset: 0 }], { isolationLevel: 1 }),
  );
  const p = response.responses[0].partitions[0];
  return {
    highWatermark: p.highWatermark,
    lastStableOffset: p.lastStableOffset,
    aborted: p.abortedTransactions,
  };
}

it('keeps duplicate detection, open transactions and the aborted index across kill -9', {
  timeout: 120_000,
}, async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'samsa-producer-crash-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  const first = await cli(dataDir);
  let client = first.client;
  const created = await client.request(ApiKey.CreateTopics, 7, {
    topics: [
      {
        name: 'ps',
        numPartitions: 1,
        replicationFactor: 1,
        assignments: [],
        configs: [{ name: 'segment.bytes', value: '4096' }],
      },
    ],
    timeoutMs: 5000,
    validateOnly: false,
  });
  expect(created.topics[0].errorCode).toBe(ErrorCode.NONE);

  // Transactions with big records, so the log rolls (and snapshots) a few times.
  const padding = 'x'.repeat(1500);
  const t = await initTransactions(client, 'ps-txn');
  let sequence = 0;
  const transaction = async (p: Producer, commit: boolean | undefined, records: number) => {
    expect(await addPartitions(client, p, [{ name: 'ps', partitions: [0] }])).toEqual([0]);
    for (let i = 0; i < records; i++) {
      expect(await produceTransactional(client, p, 'ps', 0, [{ key: 'k', value: padding }], sequence++)).toBe(
        0,
      );
    }
    if (commit !== undefined) {
      expect(await endTxn(client, p, commit)).toBe(0);
      await waitFor('the markers', async () =>
        /^Complete/.test((await describeTransaction(client, p.transactionalId)).transactionState),
      );
    }
  };
  await transaction(t, true, 3);
  await transaction(t, false, 3);
  const openAt = Number((await readCommitted(client)).highWatermark);
  await transaction(t, undefined, 1);

  // An idempotent producer's seven small batches after the last roll.
  const init = await client.request(ApiKey.InitProducerId, 4, {
    transactionalId: null,
    transactionTimeoutMs: 60_000,
    producerId: -1n,
    producerEpoch: -1,
  });
  const pid = init.producerId;
  const sent: bigint[] = [];
  for (let seq = 0; seq < 7; seq++) {
    const result = await idempotent(client, pid, seq, `i${seq}`);
    expect(result.errorCode).toBe(ErrorCode.NONE);
    sent.push(result.baseOffset);
  }
  const before = await readCommitted(client);
  expect(before.lastStableOffset).toBe(BigInt(openAt));
  expect(before.aborted).toHaveLength(1);
  expect(readdirSync(path.join(dataDir, 'ps-0')).some((f) => f.endsWith('.snapshot'))).toBe(true);

  await first.broker.stop('SIGKILL');
  expect(first.broker.child.signalCode).toBe('SIGKILL');

  const second = await cli(dataDir);
  client = second.client;
  expect(await readCommitted(client)).toEqual(before);
  for (let seq = 2; seq < 7; seq++) {
    expect(await idempotent(client, pid, seq, `i${seq}`)).toMatchObject({
      errorCode: ErrorCode.NONE,
      baseOffset: sent[seq],
    });
  }
  expect((await idempotent(client, pid, 9, 'gap')).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  expect((await idempotent(client, pid, 7, 'next')).errorCode).toBe(ErrorCode.NONE);
  // The transaction left open before the kill is still open on the partition, and still commits.
  const described = await client.request(ApiKey.DescribeProducers, 0, {
    topics: [{ name: 'ps', partitionIndexes: [0] }],
  });
  expect(described.topics[0].partitions[0].activeProducers).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ producerId: t.producerId, currentTxnStartOffset: BigInt(openAt) }),
    ]),
  );
  expect(await endTxn(client, t, true)).toBe(ErrorCode.NONE);
  await waitFor('the commit marker', async () => {
    const after = await readCommitted(client);
    return after.lastStableOffset === after.highWatermark;
  });
});
