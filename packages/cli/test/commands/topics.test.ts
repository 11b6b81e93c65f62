import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { samsaOn } from '../helpers/run.js';

let cluster: TestCluster;
let samsa: ReturnType<typeof samsaOn>;
beforeAll(async () => {
  cluster = await startTestCluster();
  samsa = samsaOn(cluster.broker.bootstrap);
});
afterAll(() => cluster?.stop());

describe('samsa topics', () => {
  it('creates a topic with partitions, replication and configs, and refuses to create it twice', async () => {
    const created = await samsa([
      'topics',
      'create',
      'orders',
      '-p',
      '3',
      '-r',
      '2',
      '--config',
      'retention.ms=3600000',
    ]);
    expect(created).toEqual({
      code: 0,
      stdout: 'Created topic orders: 3 partitions, replication factor 2\n',
      stderr: '',
    });
    const again = await samsa(['topics', 'create', 'orders', '-p', '3']);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('samsa: topic orders already exists (use --if-not-exists to accept that)\n');
    expect((await samsa(['topics', 'create', 'orders', '--if-not-exists'])).code).toBe(0);
  });

  it('lists topics as a table and as JSON', async () => {
    await samsa(['topics', 'create', 'audit', '-p', '1', '-r', '3']);
    const table = await samsa(['topics', 'list']);
    expect(table.stdout).toBe(
      'TOPIC   PARTITIONS  REPLICAS\n' + 'audit            1         3\n' + 'orders           3         2\n',
    );
    const json = await samsa(['topics', 'list', '-o', 'json']);
    expect(JSON.parse(json.stdout)).toEqual([
      { name: 'audit', partitions: 1, replicas: 3, internal: false },
      { name: 'orders', partitions: 3, replicas: 2, internal: false },
    ]);
  });

  it('describes partitions, offsets and the configs that differ from defaults', async () => {
    await samsa(['produce', 'orders', '-p', '1', '-q'], { stdin: 'a\nb\n' });
    const { code, stdout } = await samsa(['topics', 'describe', 'orders']);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('Topic: orders  Partitions: 3  Replication: 2');
    expect(lines[1]).toMatch(/^ID: \S{22}$/);
    expect(lines[2]).toBe('Configs:');
    expect(lines[3]).toBe('  retention.ms=3600000  TOPIC_CONFIG');
    expect(lines[5]).toBe('PARTITION  LEADER  REPLICAS  ISR  OFFLINE  START  END  RECORDS');
    expect(lines.slice(6, 9).map((l) => l.split(/\s+/).filter(Boolean).slice(-3))).toEqual([
      ['0', '0', '0'],
      ['0', '2', '2'],
      ['0', '0', '0'],
    ]);
    const [json] = JSON.parse((await samsa(['topics', 'describe', 'orders', '-o', 'json'])).stdout);
    expect(json.partitions[1]).toMatchObject({ partition: 1, startOffset: '0', endOffset: '2' });
    expect(json.configs).toEqual([
      { name: 'retention.ms', value: '3600000', source: 'TOPIC_CONFIG', isSensitive: false, readOnly: false },
    ]);
  });

  it('adds partitions and sets and deletes configs', async () => {
    const altered = await samsa([
      'topics',
      'alter',
      'orders',
      '-p',
      '4',
      '--config',
      'cleanup.policy=compact',
      '--delete-config',
      'retention.ms',
    ]);
    expect(altered.stdout).toBe(
      'Topic orders: 3 -> 4 partitions\nTopic orders: cleanup.policy=compact\nTopic orders: retention.ms back to its default\n',
    );
    const [json] = JSON.parse((await samsa(['topics', 'describe', 'orders', '-o', 'json'])).stdout);
    expect(json.partitions).toHaveLength(4);
    expect(json.configs.map((c: { name: string }) => c.name)).toEqual(['cleanup.policy']);
    const fewer = await samsa(['topics', 'alter', 'orders', '-p', '2']);
    expect(fewer).toMatchObject({
      code: 1,
      stderr: 'samsa: topic orders has 4 partitions; Kafka can only add partitions, not remove them\n',
    });
    expect((await samsa(['topics', 'alter', 'orders'])).code).toBe(2);
  });

  it('deletes topics, and fails clearly for a topic that does not exist', async () => {
    expect(await samsa(['topics', 'delete', 'audit'])).toMatchObject({
      code: 0,
      stdout: 'Deleted topic audit\n',
    });
    const missing = await samsa(['topics', 'delete', 'audit']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^samsa: topic audit does not exist \(brokers 127\.0\.0\.1:\d+,/);
    expect((await samsa(['topics', 'delete', 'audit', '--if-exists'])).code).toBe(0);
    const described = await samsa(['topics', 'describe', 'audit']);
    expect(described.code).toBe(1);
    expect(described.stderr).toMatch(/^samsa: topic audit does not exist/);
  });
});
