/** startBroker(): lifecycle, restarts in memory and on disk, retention and compaction through topic configs. */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ErrorCode } from '@samsa/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningBroker, startBroker } from '../src/index.js';
import { createTopic, fetchRecords, fetchRequestBody, produce, values } from './helpers/kafka.js';
import { RawClient } from './helpers/raw-client.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function broker(options: Parameters<typeof startBroker>[0] = {}): Promise<RunningBroker> {
  const b = await startBroker(options);
  cleanup.push(() => b.stop());
  return b;
}

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'samsa-broker-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function connect(address: string): Promise<RawClient> {
  const client = await RawClient.connect(address);
  cleanup.push(() => client.close());
  return client;
}

describe('startBroker', () => {
  it('rejects bad options with clear errors', async () => {
    await expect(startBroker({ brokers: 0 })).rejects.toThrow('brokers must be a positive integer');
    await expect(startBroker({ port: 70000 })).rejects.toThrow('port must be 0 or a TCP port');
    await expect(startBroker({ logger: 'loud' as never })).rejects.toThrow("Unknown log level 'loud'");
    await expect(
      startBroker({ groupConsumerHeartbeatIntervalMs: 5000, groupConsumerSessionTimeoutMs: 5000 }),
    ).rejects.toThrow('must be lower than groupConsumerSessionTimeoutMs');
  });

  it('keeps in-memory state across restart() on the same ports', async () => {
    const b = await broker({ brokers: 2 });
    const before = [...b.bootstrap];
    let client = await connect(b.bootstrap[0]);
    await createTopic(client, 'kept', 1);
    const leader = b.control.leaderOf('kept', 0);
    await produce(await connect(b.bootstrap[leader - 1]), 'kept', 0, [{ key: null, value: 'survives' }]);
    await b.restart();
    expect(b.bootstrap).toEqual(before);
    client = await connect(b.bootstrap[leader - 1]);
    expect(values((await fetchRecords(client, 'kept', 0, 0)).records)).toEqual(['survives']);
  });

  it('reloads topics, records, offsets and leader epochs from the data dir', async () => {
    const dataDir = tempDir();
    const b = await broker({ dataDir, brokers: 2 });
    let client = await connect(b.bootstrap[0]);
    const created = await createTopic(client, 'durable', 2, { 'retention.ms': '86400000' });
    b.control.movePartitionLeader('durable', 0, 2);
    b.control.movePartitionLeader('durable', 0, 1);
    expect(
      (
        await produce(client, 'durable', 0, [
          { key: 'a', value: 'one' },
          { key: 'b', value: 'two' },
        ])
      ).errorCode,
    ).toBe(0);
    const coordinator = await connect(b.bootstrap[b.control.coordinatorOf('durable-group') - 1]);
    await coordinator.request(8, 7, {
      groupId: 'durable-group',
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      topics: [
        {
          name: 'durable',
          partitions: [
            {
              partitionIndex: 0,
              committedOffset: 2n,
              committedLeaderEpoch: 2,
              committedMetadata: 'checkpoint',
            },
          ],
        },
      ],
    });
    const clusterId = b.clusterId;
    const epochBefore = (
      await client.request(3, 9, {
        topics: [{ name: 'durable' }],
        allowAutoTopicCreation: false,
        includeTopicAuthorizedOperations: false,
      })
    ).topics[0].partitions[0].leaderEpoch!;
    expect(epochBefore).toBeGreaterThan(0);
    await b.restart();
    expect(b.clusterId).toBe(clusterId);
    client = await connect(b.bootstrap[0]);
    const metadata = await client.request(3, 12, {
      topics: [{ name: 'durable', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }],
      allowAutoTopicCreation: false,
      includeTopicAuthorizedOperations: false,
    });
    expect(metadata.topics[0].topicId).toBe(created.topicId);
    expect(metadata.topics[0].partitions).toHaveLength(2);
    expect(metadata.topics[0].partitions[0].leaderEpoch).toBe(epochBefore);
    const leaderClient = await connect(b.bootstrap[b.control.leaderOf('durable', 0) - 1]);
    expect(values((await fetchRecords(leaderClient, 'durable', 0, 0)).records)).toEqual(['one', 'two']);
    const coordinatorAfter = await connect(b.bootstrap[b.control.coordinatorOf('durable-group') - 1]);
    const offsets = await coordinatorAfter.request(9, 7, {
      groupId: 'durable-group',
      topics: null,
      requireStable: false,
    });
    expect(offsets.topics![0].partitions[0]).toMatchObject({
      committedOffset: 2n,
      committedLeaderEpoch: 2,
      metadata: 'checkpoint',
    });
    const listed = await coordinatorAfter.request(16, 4, { statesFilter: [] });
    expect(listed.groups.map((g) => g.groupId)).toContain('durable-group');
    const configs = await client.request(32, 1, {
      resources: [{ resourceType: 2, resourceName: 'durable', configurationKeys: ['retention.ms'] }],
      includeSynonyms: false,
    });
    expect(configs.results[0].configs[0]).toMatchObject({ value: '86400000', configSource: 1 });
  });

  it('deletes whole old segments by retention.bytes', async () => {
    const b = await broker();
    const client = await connect(b.bootstrap[0]);
    await createTopic(client, 'retained', 1, { 'segment.bytes': '1000', 'retention.bytes': '2500' });
    for (let i = 0; i < 30; i++)
      await produce(client, 'retained', 0, [{ key: null, value: `record-${i}-${'x'.repeat(100)}` }]);
    b.control.runLogCleanup();
    const fetched = await fetchRecords(client, 'retained', 0, 0);
    expect(fetched.errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    const start = Number(fetched.logStartOffset);
    expect(start).toBeGreaterThan(0);
    const rest = await fetchRecords(client, 'retained', 0, start);
    expect(rest.records.map((r) => r.offset)).toEqual(
      Array.from({ length: 30 - start }, (_, i) => start + i),
    );
  });

  it('compacts to the latest value per key and never touches the active segment', async () => {
    const b = await broker();
    const client = await connect(b.bootstrap[0]);
    await createTopic(client, 'compacted', 1, {
      'cleanup.policy': 'compact',
      'segment.bytes': '300',
      'delete.retention.ms': '0',
    });
    for (let round = 0; round < 5; round++) {
      for (const key of ['a', 'b', 'c'])
        await produce(client, 'compacted', 0, [{ key, value: `${key}-${round}` }]);
    }
    await produce(client, 'compacted', 0, [{ key: 'b', value: null }]);
    await produce(client, 'compacted', 0, [{ key: 'z', value: 'tail' }]);
    b.control.runLogCleanup();
    b.control.runLogCleanup();
    const fetched = await fetchRecords(client, 'compacted', 0, 0);
    const latest = new Map<string, string | null>();
    for (const r of fetched.records) latest.set(r.key!, r.value);
    expect(latest.get('a')).toBe('a-4');
    expect(latest.get('c')).toBe('c-4');
    expect(latest.get('z')).toBe('tail');
    expect(fetched.records.filter((r) => r.key === 'a').length).toBeLessThan(5);
    // Offsets keep their values and order.
    const offsets = fetched.records.map((r) => r.offset);
    expect([...offsets].sort((x, y) => x - y)).toEqual(offsets);
  });

  it('stops without waiting for long polls and parked joins', async () => {
    const b = await startBroker();
    const client = await RawClient.connect(b.bootstrap[0]);
    await createTopic(client, 'waiting', 1);
    const poll = client
      .request(1, 11, fetchRequestBody('waiting', [{ partition: 0, offset: 0 }], { maxWaitMs: 600_000 }))
      .then(
        () => 'answered',
        () => 'closed',
      );
    await b.stop();
    expect(['answered', 'closed']).toContain(await poll);
    client.close();
  });
});
