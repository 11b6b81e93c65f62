/**
 * samsa against the librdkafka mock cluster (a broker no one here wrote: Metadata v0-2, no CreateTopics, no
 * DescribeGroups, no DescribeConfigs, an OffsetFetch of all topics answered with a null topic array; topics appear
 * with 4 partitions when first asked for), and against kcat's own behaviour on it: the same partition per key as
 * kcat -K: with murmur2_random (Java's), the same -f output.
 */

import { kcat, type MockCluster, runKcat, startMockCluster } from '@samsa/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { samsaOn } from '../helpers/run.js';

const N = 40;
const M = 13;

kcat.describe('samsa on the librdkafka mock cluster', () => {
  let mock: MockCluster;
  let samsa: ReturnType<typeof samsaOn>;
  let brokers: string;
  beforeAll(async () => {
    mock = await startMockCluster(3);
    brokers = mock.bootstrap.join(',');
    samsa = samsaOn(mock.bootstrap);
  }, 20_000);
  afterAll(() => mock?.stop());

  const keyed = Array.from({ length: N }, (_, i) => `key-${i % 17}:value-${i}`).join('\n');

  it('puts each key in the partition kcat -K: puts it with murmur2_random (the Java partitioner)', async () => {
    const ours = await samsa(['produce', 'ours', '-K', ':'], { stdin: `${keyed}\n` });
    expect(ours.code).toBe(0);
    await runKcat(
      ['-b', brokers, '-P', '-t', 'theirs', '-K', ':', '-X', 'topic.partitioner=murmur2_random'],
      `${keyed}\n`,
    );
    const read = async (topic: string) =>
      new Map(
        (await runKcat(['-b', brokers, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%k %p\\n']))
          .trim()
          .split('\n')
          .map((line) => line.split(' ') as [string, string]),
      );
    const [mine, kcats] = [await read('ours'), await read('theirs')];
    expect(mine.size).toBe(17);
    expect(new Set(mine.values()).size).toBeGreaterThan(1);
    expect(mine).toEqual(kcats);
  });

  it('prints with -f exactly what kcat -f prints for the same format and records', async () => {
    await runKcat(
      ['-b', brokers, '-P', '-t', 'formatted', '-K', ':', '-H', 'trace=abc', '-H', 'empty='],
      `${keyed}\n:no key\n`,
    );
    const format = '%t [%p] @%o: %k %s (%K/%S) %T %h\\n';
    for (const partition of ['0', '1', '2', '3']) {
      const kcat = await runKcat([
        '-b',
        brokers,
        '-C',
        '-t',
        'formatted',
        '-p',
        partition,
        '-o',
        'beginning',
        '-e',
        '-q',
        '-f',
        format,
      ]);
      const ours = await samsa([
        'consume',
        'formatted',
        '-p',
        partition,
        '--from-beginning',
        '--exit',
        '-q',
        '-f',
        format,
      ]);
      expect(ours.code).toBe(0);
      expect(ours.stdout).toBe(kcat);
    }
  });

  it('lists and describes topics (configs: the mock cannot describe them)', async () => {
    const list = JSON.parse((await samsa(['topics', 'list', '-o', 'json'])).stdout);
    expect(list).toContainEqual({ name: 'ours', partitions: 4, replicas: 3, internal: false });
    const [described] = JSON.parse((await samsa(['topics', 'describe', 'ours', '-o', 'json'])).stdout);
    expect(described.configs).toBeNull();
    expect(
      described.partitions.reduce((n: number, p: { endOffset: string }) => n + Number(p.endOffset), 0),
    ).toBe(N);
    expect((await samsa(['topics', 'describe', 'ours'])).stdout).toContain(
      'Configs: (the brokers cannot describe configs)',
    );
  });

  it('consumes in a group and shows the exact lag: N - M in total, per partition end - committed', async () => {
    const consumed = await samsa([
      'consume',
      'ours',
      '-g',
      'mock-group',
      '--from-beginning',
      '-c',
      String(M),
      '-f',
      '%p %o\\n',
      '-q',
    ]);
    expect(consumed.code).toBe(0);
    const committed = new Map<number, number>();
    for (const line of consumed.stdout.trim().split('\n')) {
      const [p, o] = line.split(' ').map(Number);
      committed.set(p, Math.max(committed.get(p) ?? 0, o + 1));
    }
    // The mock answers an OffsetFetch for "all topics" with a null array, which no version allows; the admin then
    // asks for every topic by name.
    const group = JSON.parse((await samsa(['groups', 'describe', 'mock-group', '-o', 'json'])).stdout);
    expect(group.state).toBe('Unknown');
    expect(group.members).toBeNull();
    expect(group.totalLag).toBe(String(N - M));
    for (const p of group.partitions) {
      const at = committed.get(p.partition) ?? 0;
      expect([p.partition, p.committedOffset, p.lag]).toEqual([
        p.partition,
        String(at),
        String(Number(p.endOffset) - at),
      ]);
    }
    expect((await samsa(['groups', 'describe', 'mock-group'])).stdout).toContain(
      'Members: (the coordinator cannot describe members)',
    );
  });
});
