/** admin.describeConsumerGroups: groups of both protocols in one shape, with epochs, assignments and lag. */
import { waitFor } from '@samsa/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/errors.js';
import { type Fixture, startFixture } from '../helpers/broker-fixture.js';
import { makeConsumer } from '../helpers/consumer.js';

let fx: Fixture;

beforeAll(async () => {
  fx = await startFixture({ brokers: 1, partitions: 4 });
  await fx.produce('described-topic', 40);
}, 60_000);
afterAll(async () => {
  await fx?.stop();
});

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
    const admin = fx.kafka.admin();
    await admin.connect();
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
          .every((g) => g.state === 'Stable' && g.lag.length === 4 && g.lag.every((l) => l.lag === '0'));
        return ready ? groups : undefined;
      });
      const [m, c, none] = described;
      expect(m).toMatchObject({ groupId: 'described-modern', type: 'consumer', assignor: 'uniform' });
      expect(m.groupEpoch).toBeGreaterThan(0);
      expect(m.assignmentEpoch).toBe(m.groupEpoch);
      expect(m.members).toHaveLength(1);
      expect(m.members[0]).toMatchObject({
        memberEpoch: m.groupEpoch,
        subscribedTopics: ['described-topic'],
      });
      expect(m.members[0].assignment).toEqual([{ topic: 'described-topic', partitions: [0, 1, 2, 3] }]);
      expect(m.members[0].targetAssignment).toEqual(m.members[0].assignment);
      expect(c).toMatchObject({
        groupId: 'described-classic',
        type: 'classic',
        assignor: 'cooperative-sticky',
        groupEpoch: -1,
      });
      expect(c.members[0]).toMatchObject({ memberEpoch: -1, subscribedTopics: ['described-topic'] });
      expect(c.members[0].assignment).toEqual([{ topic: 'described-topic', partitions: [0, 1, 2, 3] }]);
      expect(none).toMatchObject({ groupId: 'nobody', type: 'classic', state: 'Dead', members: [], lag: [] });
    } finally {
      await modern.disconnect();
      await classic.disconnect();
      await admin.disconnect();
    }
  }, 60_000);

  it('refuses an empty list of group ids', async () => {
    const admin = fx.kafka.admin();
    await expect(admin.describeConsumerGroups([])).rejects.toBeInstanceOf(ConfigurationError);
  });
});
