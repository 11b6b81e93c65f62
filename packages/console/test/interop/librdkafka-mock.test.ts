/**
 * The console's listing calls against librdkafka's mock cluster (inside a kcat process): a Kafka no one here wrote,
 * with old protocol versions and no admin APIs (no DescribeConfigs, ListGroups, DescribeGroups). Topics, partitions,
 * records and a kcat group's exact lag still show.
 */
import { kcat, type MockCluster, runKcat, startMockCluster } from '@samsa/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type {
  BrowseResult,
  GroupDetails,
  Overview,
  TopicDetails,
  TopicSummary,
} from '../../src/api/types.js';
import { type ConsoleServer, startConsoleServer } from '../../src/index.js';
import { call } from '../helpers/stack.js';

kcat.describe('console against the librdkafka mock cluster', () => {
  let mock: MockCluster;
  let bootstrap: string;
  let server: ConsoleServer;

  beforeAll(async () => {
    mock = await startMockCluster(3);
    bootstrap = mock.bootstrap.join(',');
    // The mock creates topics on first use with 4 partitions, replication factor 3.
    const lines = Array.from({ length: 40 }, (_, i) => `key-${i % 5}:{"n":${i}}`).join('\n');
    await runKcat(['-P', '-b', bootstrap, '-t', 'clicks', '-K:'], `${lines}\n`);
    // A kcat group reads 15 records and commits them.
    await runKcat(
      [
        '-C',
        '-b',
        bootstrap,
        '-G',
        'kcat-readers',
        '-c',
        '15',
        '-o',
        'beginning',
        '-X',
        'enable.auto.commit=true',
        '-X',
        'auto.commit.interval.ms=100',
        '-e',
        'clicks',
      ],
      undefined,
    ).catch(() => '');
    server = await startConsoleServer({ brokers: mock.bootstrap, port: 0 });
  }, 90_000);

  afterAll(async () => {
    await server?.close();
    await mock?.stop();
  });

  it('shows the overview: three brokers, the topic, its partitions', async () => {
    const { status, body } = await call<Overview>(server.url, 'GET', '/api/overview');
    expect(status).toBe(200);
    expect(body.brokers).toHaveLength(3);
    expect(body.topics).toBeGreaterThanOrEqual(1);
    expect(body.offline).toEqual([]);
  });

  it('lists topics with record counts, and a topic’s partitions without configs', async () => {
    const { body } = await call<{ topics: TopicSummary[] }>(server.url, 'GET', '/api/topics');
    expect(body.topics.find((t) => t.name === 'clicks')).toMatchObject({
      partitions: 4,
      replicationFactor: 3,
      records: '40',
    });
    const { status, body: topic } = await call<TopicDetails>(server.url, 'GET', '/api/topics/clicks');
    expect(status).toBe(200);
    expect(topic.partitions.map((p) => p.replicas.length)).toEqual([3, 3, 3, 3]);
    expect(topic.configs).toBeNull();
  });

  it('browses the records kcat produced', async () => {
    const { body } = await call<BrowseResult>(
      server.url,
      'GET',
      '/api/topics/clicks/messages?from=beginning&limit=100',
    );
    expect(body.records).toHaveLength(40);
    expect(body.records.map((r) => JSON.parse(r.value.text).n).sort((a: number, b: number) => a - b)).toEqual(
      Array.from({ length: 40 }, (_, i) => i),
    );
    expect(body.records.every((r) => r.key.format === 'string' && r.value.format === 'json')).toBe(true);
  });

  it('shows a kcat group’s committed offsets and exact lag, with state Unknown (no DescribeGroups)', async () => {
    const { status, body } = await call<GroupDetails>(server.url, 'GET', '/api/groups/kcat-readers');
    expect(status).toBe(200);
    expect(body.state).toBe('Unknown');
    const { body: topic } = await call<TopicDetails>(server.url, 'GET', '/api/topics/clicks');
    for (const p of body.partitions) {
      const end = topic.partitions.find((t) => t.partition === p.partition)!.endOffset;
      expect(p.endOffset).toBe(end);
      if (p.committedOffset !== null) expect(p.lag).toBe(String(Number(end) - Number(p.committedOffset)));
    }
    const committed = body.partitions.reduce((sum, p) => sum + Number(p.committedOffset ?? 0), 0);
    expect(committed).toBeGreaterThan(0);
    expect(body.totalLag).toBe(String(body.partitions.reduce((sum, p) => sum + Number(p.lag ?? 0), 0)));
  });
});
