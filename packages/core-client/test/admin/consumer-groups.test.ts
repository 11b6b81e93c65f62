/**
 * admin.describeConsumerGroups: groups of both protocols in one shape, as kafka-consumer-groups --describe shows
 * them: members and their assignments (with epochs for KIP-848 groups), and per partition committed offset, end
 * offset, lag and owner.
 */
import { ApiKey } from '@samsa/protocol';
import { waitFor } from '@samsa/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeMembership } from '../../src/admin/consumer-groups.js';
import { ConfigurationError, UnsupportedApiVersionError } from '../../src/errors.js';
import { type Admin, type Consumer, ErrorCode } from '../../src/index.js';
import { type Fixture, startFixture } from '../helpers/broker-fixture.js';
import { makeConsumer } from '../helpers/consumer.js';

let fx: Fixture;
let admin: Admin;
/** Records produced to `orders`, by partition. */
let counts: Map<number, number>;

beforeAll(async () => {
  fx = await startFixture({ brokers: 1, partitions: 4 });
  await fx.produce('described-topic', 40);
  admin = fx.kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 3 }] });
  counts = await fx.produce('orders', 30, { keys: 7 });
}, 60_000);
afterAll(async () => {
  await admin?.disconnect();
  await fx?.stop();
});

const end = (partition: number) => counts.get(partition) ?? 0;

describe('admin.describeConsumerGroups', () => {
  it('describes a KIP-848 group and a classic group side by side, and a group that does not exist', async () => {
    const modern = makeConsumer(fx.kafka, {
      groupId: 'described-modern',
      groupProtocol: 'consumer',
      autoOffsetReset: 'earliest',
      autoCommitIntervalMs: 50,
    });
    const classic = makeConsumer(fx.kafka, {
      groupId: 'described-classic',
      autoOffsetReset: 'earliest',
      partitionAssignors: ['cooperative-sticky'],
      heartbeatIntervalMs: 100,
      sessionTimeoutMs: 3000,
      autoCommitIntervalMs: 50,
    });
    try {
      for (const c of [modern, classic]) {
        await c.subscribe({ topics: ['described-topic'] });
        await c.run({ eachMessage: async () => {} });
      }
      const described = await waitFor('both groups stable and caught up', async () => {
        const { groups } = await admin.describeConsumerGroups([
          'described-modern',
          'described-classic',
          'nobody',
        ]);
        const ready = groups
          .slice(0, 2)
          .every(
            (g) =>
              g.state === 'Stable' && g.partitions.length === 4 && g.partitions.every((p) => p.lag === '0'),
          );
        return ready ? groups : undefined;
      });
      const [m, c, none] = described;
      expect(m).toMatchObject({
        groupId: 'described-modern',
        type: 'consumer',
        protocolType: 'consumer',
        assignor: 'uniform',
        totalLag: '0',
      });
      expect(m.groupEpoch).toBeGreaterThan(0);
      expect(m.assignmentEpoch).toBe(m.groupEpoch);
      expect(m.members).toHaveLength(1);
      const [member] = m.members!;
      expect(member).toMatchObject({ memberEpoch: m.groupEpoch, subscribedTopics: ['described-topic'] });
      expect(member.assignment).toEqual([{ topic: 'described-topic', partitions: [0, 1, 2, 3] }]);
      expect(member.targetAssignment).toEqual(member.assignment);
      expect(m.partitions.every((p) => p.memberId === member.memberId)).toBe(true);
      expect(c).toMatchObject({
        groupId: 'described-classic',
        type: 'classic',
        assignor: 'cooperative-sticky',
        groupEpoch: -1,
      });
      expect(c.members![0]).toMatchObject({ memberEpoch: -1, subscribedTopics: ['described-topic'] });
      expect(c.members![0].assignment).toEqual([{ topic: 'described-topic', partitions: [0, 1, 2, 3] }]);
      expect(none).toMatchObject({
        groupId: 'nobody',
        type: 'classic',
        state: 'Dead',
        members: [],
        partitions: [],
        totalLag: '0',
      });
    } finally {
      await modern.disconnect();
      await classic.disconnect();
    }
  }, 60_000);

  it('gives committed offset, end offset and lag per partition, and totals per topic', async () => {
    await admin.setOffsets({
      groupId: 'lagging',
      topic: 'orders',
      partitions: [
        { partition: 0, offset: '1' },
        { partition: 1, offset: String(end(1)) },
      ],
    });
    const [group] = (await admin.describeConsumerGroups(['lagging'])).groups;
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

  it('shows members and which partitions each was assigned while a classic group runs', async () => {
    const consumer: Consumer = fx.kafka.consumer({ groupId: 'running', sessionTimeoutMs: 6000 });
    await consumer.subscribe({ topics: ['orders'], fromBeginning: true });
    let seen = 0;
    await consumer.run({ eachMessage: async () => void seen++ });
    try {
      await waitFor('the consumer to read every record', () => seen === 30 || undefined);
      await consumer.commitOffsets(
        [0, 1, 2].map((partition) => ({ topic: 'orders', partition, offset: String(end(partition)) })),
      );
      const [group] = (await admin.describeConsumerGroups(['running'])).groups;
      expect(group).toMatchObject({ type: 'classic', state: 'Stable', protocolType: 'consumer' });
      expect(group.assignor).not.toBe('');
      expect(group.members).toHaveLength(1);
      const [member] = group.members!;
      expect(member.assignment).toEqual([{ topic: 'orders', partitions: [0, 1, 2] }]);
      for (const p of group.partitions) {
        expect(p.memberId).toBe(member.memberId);
        expect(p.clientId).toBe('samsa-consumer-it');
        expect(p.lag).toBe('0');
      }
      expect(group.totalLag).toBe('0');
    } finally {
      await consumer.disconnect();
    }
  });

  it('narrows to the topics asked for, listing their partitions even without commits', async () => {
    await admin.createTopics({ topics: [{ topic: 'other', numPartitions: 2 }] });
    const [group] = (await admin.describeConsumerGroups(['lagging'], { topics: ['other'] })).groups;
    expect(group.partitions.map((p) => [p.topic, p.partition, p.committedOffset])).toEqual([
      ['other', 0, null],
      ['other', 1, null],
    ]);
  });

  it('refuses an empty list of group ids', async () => {
    await expect(admin.describeConsumerGroups([])).rejects.toBeInstanceOf(ConfigurationError);
  });
});

describe('describeMembership', () => {
  /** A coordinator without ConsumerGroupDescribe whose DescribeGroups answers `errorCode`. */
  const answering = (errorCode: number) =>
    ({
      withCoordinator: (_group: string, _signal: unknown, fn: (node: number) => Promise<unknown>) => fn(1),
      cluster: {
        request: async (_node: number, apiKey: number) => {
          if (apiKey !== ApiKey.DescribeGroups) {
            throw new UnsupportedApiVersionError('ConsumerGroupDescribe', apiKey, 'broker 1', 'none', 'v0');
          }
          return {
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
          };
        },
      },
    }) as never;

  it('takes GROUP_ID_NOT_FOUND (newer brokers) as a Dead, empty group, as older brokers describe it', async () => {
    expect(await describeMembership(answering(ErrorCode.GROUP_ID_NOT_FOUND), 'g')).toMatchObject({
      type: 'classic',
      state: 'Dead',
      members: [],
    });
    await expect(describeMembership(answering(ErrorCode.GROUP_AUTHORIZATION_FAILED), 'g')).rejects.toThrow(
      'GROUP_AUTHORIZATION_FAILED',
    );
  });
});
