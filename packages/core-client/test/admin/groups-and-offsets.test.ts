import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Consumer } from '../../src/index.js';
import { type AdminFixture, startAdminFixture } from './admin-fixture.js';

let f: AdminFixture;
let counts: Map<number, number>;
beforeAll(async () => {
  f = await startAdminFixture();
  await f.admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 3 }] });
  counts = await f.produce('orders', 30);
});
afterAll(() => f?.stop());

const end = (partition: number) => counts.get(partition) ?? 0;

async function waitFor(condition: () => Promise<boolean> | boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('admin.describeConsumerGroup', () => {
  it('gives committed offset, end offset and lag per partition, and totals per topic', async () => {
    await f.admin.setOffsets({
      groupId: 'lagging',
      topic: 'orders',
      partitions: [
        { partition: 0, offset: '1' },
        { partition: 1, offset: String(end(1)) },
      ],
    });
    const group = await f.admin.describeConsumerGroup('lagging');
    expect(group.state).toBe('Empty');
    expect(group.members).toEqual([]);
    expect(group.coordinator?.port).toBeGreaterThan(0);
    expect(group.partitions).toEqual([
      {
        topic: 'orders',
        partition: 0,
        committedOffset: '1',
        endOffset: String(end(0)),
        startOffset: '0',
        lag: String(end(0) - 1),
        memberId: null,
        clientId: null,
        clientHost: null,
      },
      expect.objectContaining({ partition: 1, committedOffset: String(end(1)), lag: '0' }),
      // Nothing committed: shown, with no lag (kafka-consumer-groups prints "-").
      expect.objectContaining({ partition: 2, committedOffset: null, endOffset: String(end(2)), lag: null }),
    ]);
    expect(group.topics).toEqual([{ topic: 'orders', lag: String(end(0) - 1) }]);
    expect(group.totalLag).toBe(String(end(0) - 1));
  });

  it('shows members and which partitions each was assigned while the group runs', async () => {
    const consumer: Consumer = f.kafka.consumer({ groupId: 'running', sessionTimeoutMs: 6000 });
    await consumer.subscribe({ topics: ['orders'], fromBeginning: true });
    let seen = 0;
    await consumer.run({ eachMessage: async () => void seen++ });
    try {
      await waitFor(() => seen === 30, 'the consumer to read every record');
      await consumer.commitOffsets(
        [0, 1, 2].map((partition) => ({ topic: 'orders', partition, offset: String(end(partition)) })),
      );
      const group = await f.admin.describeConsumerGroup('running');
      expect(group.state).toBe('Stable');
      expect(group.protocolType).toBe('consumer');
      expect(group.assignor).not.toBe('');
      expect(group.members).toHaveLength(1);
      const [member] = group.members!;
      expect(member.assignment).toEqual([{ topic: 'orders', partitions: [0, 1, 2] }]);
      for (const p of group.partitions) {
        expect(p.memberId).toBe(member.memberId);
        expect(p.clientId).toBe('samsa-admin-it');
        expect(p.lag).toBe('0');
      }
      expect(group.totalLag).toBe('0');
    } finally {
      await consumer.disconnect();
    }
  });

  it('describes a group that does not exist as Dead, with nothing in it', async () => {
    const group = await f.admin.describeConsumerGroup('never-existed');
    expect(group.state).toBe('Dead');
    expect(group.members).toEqual([]);
    expect(group.partitions).toEqual([]);
    expect(group.totalLag).toBe('0');
  });

  it('narrows to the topics asked for, listing their partitions even without commits', async () => {
    await f.admin.createTopics({ topics: [{ topic: 'other', numPartitions: 2 }] });
    const group = await f.admin.describeConsumerGroup('lagging', { topics: ['other'] });
    expect(group.partitions.map((p) => [p.topic, p.partition, p.committedOffset])).toEqual([
      ['other', 0, null],
      ['other', 1, null],
    ]);
  });
});

describe('describeMembership', () => {
  it('takes GROUP_ID_NOT_FOUND (newer brokers) as a Dead, empty group, as older brokers describe it', async () => {
    const { describeMembership } = await import('../../src/admin/groups-and-offsets.js');
    const { ErrorCode } = await import('../../src/index.js');
    const answer = (errorCode: number) =>
      ({
        withCoordinator: (_group: string, _signal: unknown, fn: (node: number) => Promise<unknown>) => fn(1),
        cluster: {
          request: async () => ({
            response: {
              groups: [
                {
                  errorCode,
                  groupId: 'g',
                  groupState: 'Dead',
                  protocolType: '',
                  protocolData: '',
                  members: [],
                },
              ],
            },
          }),
        },
      }) as never;
    expect(await describeMembership(answer(ErrorCode.GROUP_ID_NOT_FOUND), 'g')).toEqual({
      state: 'Dead',
      protocolType: '',
      protocol: '',
      members: [],
    });
    await expect(describeMembership(answer(ErrorCode.GROUP_AUTHORIZATION_FAILED), 'g')).rejects.toThrow(
      'GROUP_AUTHORIZATION_FAILED',
    );
  });
});
