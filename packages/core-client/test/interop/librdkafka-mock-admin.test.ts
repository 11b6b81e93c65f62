/**
 * The admin against the librdkafka mock cluster (a broker no one here wrote: Metadata 0-2, no DescribeGroups, and an
 * OffsetFetch for "every topic" answered with a null topic array, which Kafka's definition does not allow).
 */
import { kcat, type MockCluster, runKcat, startMockCluster } from '@samsa/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Admin, Kafka, LogLevel } from '../../src/index.js';

kcat.describe('admin against the librdkafka mock cluster', () => {
  let mock: MockCluster;
  let kafka: Kafka;
  let admin: Admin;
  /** Offsets the kcat group committed, by partition of `clicks`. */
  const committed = new Map<number, number>();

  beforeAll(async () => {
    mock = await startMockCluster(3);
    const brokers = mock.bootstrap.join(',');
    // The mock creates topics on first use with 4 partitions.
    const lines = Array.from({ length: 40 }, (_, i) => `key-${i % 9}:${i}`).join('\n');
    await runKcat(['-b', brokers, '-P', '-t', 'clicks', '-K:'], `${lines}\n`);
    await runKcat(['-b', brokers, '-P', '-t', 'views'], 'a\nb\n');
    const read = await runKcat([
      '-b',
      brokers,
      '-C',
      '-G',
      'kcat-readers',
      '-c',
      '15',
      '-o',
      'beginning',
      '-X',
      'auto.offset.reset=earliest',
      '-f',
      '%p %o\\n',
      'clicks',
    ]);
    for (const line of read.trim().split('\n')) {
      const [p, o] = line.split(' ').map(Number);
      committed.set(p, Math.max(committed.get(p) ?? 0, o + 1));
    }
    kafka = new Kafka({ clientId: 'samsa-admin-mock', brokers: mock.bootstrap, logLevel: LogLevel.NOTHING });
  }, 60_000);

  afterAll(async () => {
    await admin?.disconnect();
    await mock?.stop();
  });

  it('lists every topic when fetchTopicMetadata runs alongside describeCluster', async () => {
    // A fresh client: nothing tracked yet, so describeCluster's refresh asks for no topics at all.
    admin = kafka.admin();
    await admin.connect();
    const [cluster, metadata] = await Promise.all([admin.describeCluster(), admin.fetchTopicMetadata()]);
    expect(cluster.brokers).toHaveLength(3);
    expect(metadata.topics.map((t) => t.name)).toEqual(expect.arrayContaining(['clicks', 'views']));
    // And a later refresh of no topics (describeCluster again) keeps what the all-topics answer brought.
    await admin.describeCluster();
    expect((await admin.fetchTopicMetadata()).topics.map((t) => t.name)).toEqual(
      expect.arrayContaining(['clicks', 'views']),
    );
  });

  it("fetches a group's committed offsets without naming its topics", async () => {
    admin ??= kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchOffsets({ groupId: 'kcat-readers' });
    expect(offsets.map((t) => t.topic)).toEqual(['clicks']);
    const byPartition = new Map(offsets[0].partitions.map((p) => [p.partition, Number(p.offset)]));
    for (const [partition, offset] of committed) expect(byPartition.get(partition)).toBe(offset);
    const lag = await admin.fetchConsumerLag({ groupId: 'kcat-readers' });
    const end = (p: number) => lag.find((l) => l.partition === p)!.endOffset;
    for (const [partition, offset] of committed) {
      expect(lag.find((l) => l.partition === partition)!.lag).toBe(String(Number(end(partition)) - offset));
    }
  });
});
