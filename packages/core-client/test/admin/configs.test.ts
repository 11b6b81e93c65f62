import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigResourceTypes,
  ConfigurationError,
  configSourceName,
  KafkaProtocolError,
} from '../../src/index.js';
import { type AdminFixture, startAdminFixture } from './admin-fixture.js';

let f: AdminFixture;
beforeAll(async () => {
  f = await startAdminFixture();
  await f.admin.createTopics({
    topics: [
      { topic: 'tuned', numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
    ],
  });
});
afterAll(() => f?.stop());

async function topicConfig(name: string): Promise<Map<string, string | null>> {
  const { resources } = await f.admin.describeConfigs({
    resources: [{ type: ConfigResourceTypes.TOPIC, name }],
  });
  return new Map(
    resources[0].configEntries.filter((c) => !c.isDefault).map((c) => [c.configName, c.configValue]),
  );
}

describe('admin.incrementalAlterConfigs', () => {
  it('sets and deletes single configs and leaves the others as they are', async () => {
    await f.admin.incrementalAlterConfigs({
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: 'tuned',
          configEntries: [{ name: 'retention.ms', value: '60000', operation: 'SET' }],
        },
      ],
    });
    expect(await topicConfig('tuned')).toEqual(
      new Map([
        ['cleanup.policy', 'compact'],
        ['retention.ms', '60000'],
      ]),
    );
    await f.admin.incrementalAlterConfigs({
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: 'tuned',
          configEntries: [{ name: 'cleanup.policy', operation: 'DELETE' }],
        },
      ],
    });
    expect(await topicConfig('tuned')).toEqual(new Map([['retention.ms', '60000']]));
  });

  it('validates without changing anything when asked', async () => {
    await f.admin.incrementalAlterConfigs({
      validateOnly: true,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: 'tuned',
          configEntries: [{ name: 'retention.ms', value: '1' }],
        },
      ],
    });
    expect((await topicConfig('tuned')).get('retention.ms')).toBe('60000');
  });

  it('reports the broker refusing a change with the topic and the reason', async () => {
    const err = await f.admin
      .incrementalAlterConfigs({
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: 'tuned',
            configEntries: [{ name: 'no.such.config', value: 'x' }],
          },
        ],
      })
      .catch((e) => e);
    expect(err).toBeInstanceOf(KafkaProtocolError);
    expect(err.message).toContain('tuned');
  });

  it('rejects a SET without a value and an unknown operation before sending anything', async () => {
    await expect(
      f.admin.incrementalAlterConfigs({
        resources: [
          { type: ConfigResourceTypes.TOPIC, name: 'tuned', configEntries: [{ name: 'retention.ms' }] },
        ],
      }),
    ).rejects.toThrow(ConfigurationError);
    await expect(
      f.admin.incrementalAlterConfigs({
        resources: [
          {
            type: ConfigResourceTypes.TOPIC,
            name: 'tuned',
            configEntries: [{ name: 'retention.ms', value: '1', operation: 'REPLACE' as 'SET' }],
          },
        ],
      }),
    ).rejects.toThrow(/not one of SET, DELETE, APPEND, SUBTRACT/);
  });
});

describe('configSourceName', () => {
  it('names Kafka config sources, and UNKNOWN for ids it does not know', () => {
    expect(configSourceName(1)).toBe('TOPIC_CONFIG');
    expect(configSourceName(5)).toBe('DEFAULT_CONFIG');
    expect(configSourceName(42)).toBe('UNKNOWN');
  });
});
