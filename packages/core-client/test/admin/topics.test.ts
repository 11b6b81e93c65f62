import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KafkaProtocolError } from '../../src/index.js';
import { type AdminFixture, startAdminFixture } from './admin-fixture.js';

let f: AdminFixture;
beforeAll(async () => {
  f = await startAdminFixture();
});
afterAll(() => f?.stop());

describe('admin.describeTopics', () => {
  it('gives placement, the offsets each log spans, and only the configs that differ from defaults', async () => {
    await f.admin.createTopics({
      topics: [
        {
          topic: 'described',
          numPartitions: 3,
          replicationFactor: 2,
          configEntries: [{ name: 'retention.ms', value: '3600000' }],
        },
      ],
    });
    const counts = await f.produce('described', 20);
    const [topic] = await f.admin.describeTopics({ topics: ['described'] });
    expect(topic.name).toBe('described');
    expect(topic.isInternal).toBe(false);
    expect(topic.partitions.map((p) => p.partition)).toEqual([0, 1, 2]);
    for (const p of topic.partitions) {
      expect(p.replicas).toHaveLength(2);
      expect(p.replicas).toContain(p.leader);
      expect(p.isr).toEqual(expect.arrayContaining(p.replicas));
      expect(p.startOffset).toBe('0');
      expect(p.endOffset).toBe(String(counts.get(p.partition) ?? 0));
    }
    expect(topic.configs).toEqual([
      { name: 'retention.ms', value: '3600000', source: 'TOPIC_CONFIG', isSensitive: false, readOnly: false },
    ]);
  });

  it("lists every config with includeDefaults, Kafka's defaults marked DEFAULT_CONFIG", async () => {
    const [topic] = await f.admin.describeTopics({ topics: ['described'], includeDefaults: true });
    const byName = new Map(topic.configs!.map((c) => [c.name, c]));
    expect(byName.get('retention.ms')).toMatchObject({ value: '3600000', source: 'TOPIC_CONFIG' });
    expect(byName.get('cleanup.policy')).toMatchObject({ value: 'delete', source: 'DEFAULT_CONFIG' });
    expect(topic.configs!.map((c) => c.name)).toEqual([...byName.keys()].sort());
  });

  it('fails for a topic that does not exist, naming it', async () => {
    const err = await f.admin.describeTopics({ topics: ['no-such-topic'] }).catch((e) => e);
    expect(err).toBeInstanceOf(KafkaProtocolError);
    expect(err.type).toBe('UNKNOWN_TOPIC_OR_PARTITION');
    expect(err.message).toContain('no-such-topic');
  });
});
