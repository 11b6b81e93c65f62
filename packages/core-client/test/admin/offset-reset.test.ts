import { waitFor } from '@samsa/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActiveGroupError, ConfigurationError } from '../../src/index.js';
import { type AdminFixture, startAdminFixture } from './admin-fixture.js';

let f: AdminFixture;
let counts: Map<number, number>;
let midway: number;
beforeAll(async () => {
  f = await startAdminFixture();
  await f.admin.createTopics({ topics: [{ topic: 'events', numPartitions: 2 }] });
  counts = await f.produce('events', 10);
  await new Promise((r) => setTimeout(r, 20));
  midway = Date.now();
  await new Promise((r) => setTimeout(r, 20));
  const later = await f.produce('events', 10);
  for (const [p, n] of later) counts.set(p, (counts.get(p) ?? 0) + n);
});
afterAll(() => f?.stop());

const end = (partition: number) => String(counts.get(partition) ?? 0);

async function committed(groupId: string): Promise<string[]> {
  const [topic] = await f.admin.fetchOffsets({ groupId, topics: ['events'] });
  return topic.partitions.map((p) => p.offset);
}

describe('admin.resetConsumerGroupOffsets', () => {
  it('plans without committing on a dry run, then commits the same plan', async () => {
    await f.admin.setOffsets({
      groupId: 'g1',
      topic: 'events',
      partitions: [
        { partition: 0, offset: '2' },
        { partition: 1, offset: '3' },
      ],
    });
    const plan = await f.admin.resetConsumerGroupOffsets({
      groupId: 'g1',
      strategy: { type: 'earliest' },
      dryRun: true,
    });
    expect(plan).toEqual({
      groupId: 'g1',
      state: 'Empty',
      executed: false,
      partitions: [
        { topic: 'events', partition: 0, currentOffset: '2', newOffset: '0', clamped: false },
        { topic: 'events', partition: 1, currentOffset: '3', newOffset: '0', clamped: false },
      ],
    });
    expect(await committed('g1')).toEqual(['2', '3']);
    const done = await f.admin.resetConsumerGroupOffsets({ groupId: 'g1', strategy: { type: 'earliest' } });
    expect(done.executed).toBe(true);
    expect(await committed('g1')).toEqual(['0', '0']);
  });

  it('moves to the latest offset, an offset, a shift, and clamps into the log', async () => {
    await f.admin.resetConsumerGroupOffsets({
      groupId: 'g2',
      topics: [{ topic: 'events' }],
      strategy: { type: 'latest' },
    });
    expect(await committed('g2')).toEqual([end(0), end(1)]);

    const shifted = await f.admin.resetConsumerGroupOffsets({
      groupId: 'g2',
      strategy: { type: 'shift-by', shift: -3 },
    });
    expect(shifted.partitions.map((p) => p.newOffset)).toEqual([
      String(Math.max(0, Number(end(0)) - 3)),
      String(Math.max(0, Number(end(1)) - 3)),
    ]);

    const past = await f.admin.resetConsumerGroupOffsets({
      groupId: 'g2',
      topics: [{ topic: 'events', partitions: [1] }],
      strategy: { type: 'offset', offset: '1000' },
    });
    expect(past.partitions).toEqual([
      expect.objectContaining({ partition: 1, newOffset: end(1), clamped: true }),
    ]);
    const [, p1] = await committed('g2');
    expect(p1).toBe(end(1));
  });

  it('moves to the first offset at or after a time, and to the end when nothing is that new', async () => {
    const reset = await f.admin.resetConsumerGroupOffsets({
      groupId: 'g3',
      topics: [{ topic: 'events' }],
      strategy: { type: 'timestamp', timestamp: midway },
      dryRun: true,
    });
    const firstBatch = await f.admin.fetchTopicOffsetsByTimestamp('events', midway);
    expect(reset.partitions.map((p) => p.newOffset)).toEqual(firstBatch.map((p) => p.offset));
    const future = await f.admin.resetConsumerGroupOffsets({
      groupId: 'g3',
      topics: [{ topic: 'events' }],
      strategy: { type: 'timestamp', timestamp: Date.now() + 3_600_000 },
      dryRun: true,
    });
    expect(future.partitions.map((p) => p.newOffset)).toEqual([end(0), end(1)]);
  });

  it('refuses while the group has active members, in a dry run too', async () => {
    const consumer = f.kafka.consumer({ groupId: 'busy', sessionTimeoutMs: 6000 });
    await consumer.subscribe({ topics: ['events'] });
    await consumer.run({ eachMessage: async () => {} });
    try {
      for (const dryRun of [true, false]) {
        const err = await f.admin
          .resetConsumerGroupOffsets({
            groupId: 'busy',
            topics: [{ topic: 'events' }],
            strategy: { type: 'earliest' },
            dryRun,
          })
          .catch((e) => e);
        expect(err).toBeInstanceOf(ActiveGroupError);
        expect(err.message).toMatch(/group busy .* inactive, but it is \w+ with 1 member/);
      }
    } finally {
      await consumer.disconnect();
    }
  });

  it('refuses while a KIP-848 group has members, which DescribeGroups does not describe', async () => {
    const consumer = f.kafka.consumer({ groupId: 'busy-848', groupProtocol: 'consumer' });
    await consumer.subscribe({ topics: ['events'] });
    await consumer.run({ eachMessage: async () => {} });
    try {
      await waitFor('the member to join', async () => {
        const [group] = (await f.admin.describeConsumerGroups(['busy-848'])).groups;
        return group.members?.length === 1;
      });
      const err = await f.admin
        .resetConsumerGroupOffsets({ groupId: 'busy-848', strategy: { type: 'earliest' }, dryRun: true })
        .catch((e) => e);
      expect(err).toBeInstanceOf(ActiveGroupError);
      expect(err).toMatchObject({ groupId: 'busy-848', members: 1 });
    } finally {
      await consumer.disconnect();
    }
  });

  it('rejects a shift for partitions without a committed offset, and partitions that do not exist', async () => {
    await expect(
      f.admin.resetConsumerGroupOffsets({
        groupId: 'fresh',
        topics: [{ topic: 'events' }],
        strategy: { type: 'shift-by', shift: 1 },
      }),
    ).rejects.toThrow(/has none for events\[0\]/);
    await expect(
      f.admin.resetConsumerGroupOffsets({
        groupId: 'fresh',
        topics: [{ topic: 'events', partitions: [7] }],
        strategy: { type: 'earliest' },
      }),
    ).rejects.toThrow(/events has no partition 7 \(it has 2\)/);
    await expect(
      f.admin.resetConsumerGroupOffsets({ groupId: 'fresh', strategy: { type: 'offset', offset: 'abc' } }),
    ).rejects.toThrow(ConfigurationError);
  });
});
