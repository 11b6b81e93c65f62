/**
 * The transaction coordinator's state survives kill -9 of a broker process with --data-dir:
 * an ongoing transaction (with its pending group offsets) can still be committed after the
 * restart, and a transaction killed between PrepareCommit and its markers is completed by the
 * restarted coordinator, offsets included.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiKey, ErrorCode } from '@samsa/protocol';
import { start, waitFor } from '@samsa/test-support';
import { afterEach, expect, it } from 'vitest';
import { coordinatorPartition } from '../../src/cluster/coordinator-partitions.js';
import { type CliBroker, startCli } from '../helpers/cli.js';
import { RawClient } from '../helpers/raw-client.js';
import {
  addOffsets,
  addPartitions,
  describeTransaction,
  endTxn,
  initTransactions,
  markersIn,
  type Producer,
  produceTransactional,
} from '../helpers/transactions.js';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'controlled-broker.ts');
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function dataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'samsa-txn-crash-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function connect(address: string): Promise<RawClient> {
  const client = await RawClient.connect(address);
  cleanups.push(() => client.close());
  return client;
}

async function cli(args: string[]): Promise<CliBroker> {
  const broker = await startCli(['--port', '0', '--log-level', 'warn', ...args]);
  cleanups.push(() => broker.stop('SIGKILL'));
  return broker;
}

/** A transactional id or group id whose coordinator is broker 1 of 2. */
function onFirstBroker(prefix: string): string {
  for (let i = 0; ; i++) if (coordinatorPartition(`${prefix}-${i}`) % 2 === 0) return `${prefix}-${i}`;
}

async function commitOffset(client: RawClient, p: Producer, groupId: string, offset: number) {
  const response = await client.request(ApiKey.TxnOffsetCommit, 3, {
    transactionalId: p.transactionalId,
    groupId,
    producerId: p.producerId,
    producerEpoch: p.producerEpoch,
    generationId: -1,
    memberId: '',
    groupInstanceId: null,
    topics: [
      {
        name: 'source',
        partitions: [
          {
            partitionIndex: 0,
            committedOffset: BigInt(offset),
            committedLeaderEpoch: -1,
            committedMetadata: null,
          },
        ],
      },
    ],
  });
  expect(response.topics[0].partitions[0].errorCode).toBe(ErrorCode.NONE);
}

async function fetchOffset(client: RawClient, groupId: string) {
  const response = await client.request(ApiKey.OffsetFetch, 7, {
    groupId,
    topics: [{ name: 'source', partitionIndexes: [0] }],
    requireStable: true,
  });
  const p = response.topics![0].partitions[0];
  return { errorCode: p.errorCode, offset: Number(p.committedOffset) };
}

async function createTopics(client: RawClient, topics: { name: string; assignments?: number[][] }[]) {
  const response = await client.request(ApiKey.CreateTopics, 7, {
    topics: topics.map((t) => ({
      name: t.name,
      numPartitions: t.assignments ? -1 : 1,
      replicationFactor: t.assignments ? -1 : 1,
      assignments: (t.assignments ?? []).map((brokerIds, partitionIndex) => ({ partitionIndex, brokerIds })),
      configs: [],
    })),
    timeoutMs: 5000,
    validateOnly: false,
  });
  for (const t of response.topics) expect(t.errorCode).toBe(ErrorCode.NONE);
}

it('commits an ongoing transaction and its pending offsets after kill -9 and restart', {
  timeout: 120_000,
}, async () => {
  const dir = dataDir();
  const first = await cli(['--data-dir', dir]);
  let client = await connect(first.bootstrap[0]);
  await createTopics(client, [{ name: 'source' }, { name: 'sink' }]);
  const p = await initTransactions(client, 'crash-ongoing');
  expect(await addPartitions(client, p, [{ name: 'sink', partitions: [0] }])).toEqual([0]);
  expect(await produceTransactional(client, p, 'sink', 0, [{ key: 'k', value: 'v' }])).toBe(0);
  expect(await addOffsets(client, p, 'crash-group')).toBe(0);
  await commitOffset(client, p, 'crash-group', 17);
  await first.stop('SIGKILL');
  expect(first.child.signalCode).toBe('SIGKILL');

  const second = await cli(['--data-dir', dir]);
  client = await connect(second.bootstrap[0]);
  expect(await describeTransaction(client, 'crash-ongoing')).toMatchObject({
    transactionState: 'Ongoing',
    producerId: p.producerId,
    producerEpoch: p.producerEpoch,
    topics: expect.arrayContaining([{ topic: 'sink', partitions: [0] }]),
  });
  expect(await fetchOffset(client, 'crash-group')).toEqual({
    errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT,
    offset: -1,
  });
  expect(await endTxn(client, p, true)).toBe(ErrorCode.NONE);
  await waitFor('the commit to complete', async () => {
    return (await describeTransaction(client, 'crash-ongoing')).transactionState === 'CompleteCommit';
  });
  expect(await fetchOffset(client, 'crash-group')).toEqual({ errorCode: 0, offset: 17 });
  expect(await markersIn(client, 'sink', 0)).toEqual([
    expect.objectContaining({ type: 'COMMIT', coordinatorEpoch: 1 }),
  ]);
});

it('completes a transaction killed between PrepareCommit and its markers', { timeout: 120_000 }, async () => {
  const dir = dataDir();
  const child = start(process.execPath, ['--conditions=@samsa/source', '--import', 'tsx', FIXTURE, dir]);
  cleanups.push(() => child.stop('SIGKILL'));
  await waitFor('the broker to print BROKERS=', () => /^BROKERS=.*\n/m.test(child.stdout()));
  const bootstrap = /^BROKERS=(.*)$/m.exec(child.stdout())![1].split(',');
  const transactionalId = onFirstBroker('crash-prepared');
  const groupId = onFirstBroker('crash-prepared-group');
  const client = await connect(bootstrap[0]);
  const leader = await connect(bootstrap[1]);
  // The sink lives on broker 2 only, so stopping broker 2 leaves it without a leader.
  await createTopics(client, [{ name: 'source' }, { name: 'sink', assignments: [[2]] }]);
  const p = await initTransactions(client, transactionalId);
  await addPartitions(client, p, [{ name: 'sink', partitions: [0] }]);
  expect(await produceTransactional(leader, p, 'sink', 0, [{ key: 'k', value: 'v' }])).toBe(0);
  await addOffsets(client, p, groupId);
  await commitOffset(client, p, groupId, 99);
  child.child.stdin!.write('stop 2\n');
  await waitFor('broker 2 to stop', () => child.stdout().includes('stopped 2'));
  expect(await endTxn(client, p, true)).toBe(ErrorCode.NONE);
  // The markers cannot be written (no leader): the commit is decided but not complete.
  expect((await describeTransaction(client, transactionalId)).transactionState).toBe('PrepareCommit');
  await child.stop('SIGKILL');
  expect(child.child.signalCode).toBe('SIGKILL');

  const restarted = await cli(['--data-dir', dir, '--brokers', '2']);
  const after = await connect(restarted.bootstrap[0]);
  await waitFor('the restarted coordinator to complete the commit', async () => {
    return (await describeTransaction(after, transactionalId)).transactionState === 'CompleteCommit';
  });
  expect(await fetchOffset(after, groupId)).toEqual({ errorCode: 0, offset: 99 });
  const sinkLeader = await connect(
    restarted.bootstrap[
      (await after.request(ApiKey.Metadata, 1, { topics: [{ name: 'sink' }] })).topics[0].partitions[0]
        .leaderId - 1
    ],
  );
  expect(await markersIn(sinkLeader, 'sink', 0)).toEqual([
    expect.objectContaining({ type: 'COMMIT', coordinatorEpoch: 1 }),
  ]);
});
