/**
 * Against the librdkafka mock cluster (a broker no one here wrote; narrow versions: Metadata 0-2,
 * Produce 0-7, ApiVersions 0-2, no admin APIs), read back with kcat.
 */
import { randomBytes } from 'node:crypto';
import { kcat, type MockCluster, runKcat, startMockCluster } from '@samsa/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { javaPartitionForKey, Kafka, LogLevel } from '../../src/index.js';

kcat.describe('librdkafka mock cluster', () => {
  let mock: MockCluster;
  let kafka: Kafka;

  beforeAll(async () => {
    mock = await startMockCluster(3);
    kafka = new Kafka({ clientId: 'samsa-test', brokers: mock.bootstrap, logLevel: LogLevel.NOTHING });
  }, 20_000);

  afterAll(async () => {
    await mock?.stop();
  });

  it('produces 10,000 keyed messages: exact counts, contiguous offsets, per-key order, Java partitions', async () => {
    const producer = kafka.producer({ acks: -1 });
    await producer.connect();
    const topic = 'keyed-10k';
    const keys = 257;
    const total = 10_000;
    const sends: Promise<unknown>[] = [];
    for (let start = 0; start < total; start += 500) {
      const messages = Array.from({ length: 500 }, (_, j) => {
        const i = start + j;
        return { key: `key-${i % keys}`, value: `${i}` };
      });
      sends.push(producer.send({ topic, messages }));
    }
    const results = (await Promise.all(sends)) as { records: { partition: number; offset: string }[] }[];
    await producer.disconnect();

    const out = await runKcat([
      '-b',
      mock.bootstrap.join(','),
      '-C',
      '-t',
      topic,
      '-o',
      'beginning',
      '-e',
      '-q',
      '-f',
      '%p\t%o\t%k\t%s\n',
    ]);
    const rows = out
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
    expect(rows).toHaveLength(total);
    const byPartition = new Map<number, number[]>();
    const lastByKey = new Map<string, number>();
    for (const [p, o, k, v] of rows) {
      const partition = Number(p);
      expect(partition).toBe(javaPartitionForKey(Buffer.from(k), 4));
      const offsets = byPartition.get(partition) ?? [];
      offsets.push(Number(o));
      byPartition.set(partition, offsets);
      const i = Number(v);
      expect(k).toBe(`key-${i % keys}`);
      // kcat reads each partition in order, so per-key values must increase.
      expect(i).toBeGreaterThan(lastByKey.get(k) ?? -1);
      lastByKey.set(k, i);
    }
    for (const offsets of byPartition.values()) expect(offsets).toEqual(offsets.map((_, i) => i));
    // The offsets our send() reported are where kcat found each message.
    const where = new Map(rows.map(([p, o, , v]) => [v, `${p}/${o}`]));
    let n = 0;
    for (const r of results)
      for (const rec of r.records) expect(`${rec.partition}/${rec.offset}`).toBe(where.get(String(n++)));
  }, 60_000);

  it("puts every key in the partition librdkafka's murmur2_random partitioner picks", async () => {
    const topic = 'parity';
    const keys = Array.from({ length: 2000 }, (_, i) => `${randomBytes(1 + (i % 23)).toString('hex')}-${i}`);
    await runKcat(
      ['-b', mock.bootstrap.join(','), '-P', '-t', topic, '-K', '\t', '-X', 'partitioner=murmur2_random'],
      `${keys.map((k) => `${k}\tv`).join('\n')}\n`,
    );
    const out = await runKcat([
      '-b',
      mock.bootstrap.join(','),
      '-C',
      '-t',
      topic,
      '-o',
      'beginning',
      '-e',
      '-q',
      '-f',
      '%k\t%p\n',
    ]);
    const rows = out
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
    expect(rows).toHaveLength(keys.length);
    for (const [k, p] of rows) expect(javaPartitionForKey(Buffer.from(k), 4), k).toBe(Number(p));

    // And our producer agrees with what kcat did, key by key.
    const producer = kafka.producer();
    await producer.connect();
    const r = await producer.send({
      topic: 'parity-samsa',
      messages: keys.map((key) => ({ key, value: 'v' })),
    });
    await producer.disconnect();
    const kcatPartition = new Map(rows.map(([k, p]) => [k, Number(p)]));
    r.records.forEach((rec, i) => {
      expect(rec.partition).toBe(kcatPartition.get(keys[i]));
    });
  }, 60_000);

  it('reads metadata, offsets and the cluster through the admin client (Metadata v2, ListOffsets)', async () => {
    const producer = kafka.producer({ lingerMs: 0 });
    await producer.connect();
    await producer.send({
      topic: 'admin-mock',
      messages: Array.from({ length: 10 }, (_, i) => ({ value: `${i}`, partition: i % 2 })),
    });
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    const cluster = await admin.describeCluster();
    expect(cluster.brokers.map((b) => b.nodeId).sort()).toEqual([1, 2, 3]);
    expect(await admin.listTopics()).toContain('admin-mock');
    const offsets = await admin.fetchTopicOffsets('admin-mock');
    expect(offsets.map((o) => [o.partition, o.high, o.low])).toEqual([
      [0, '5', '0'],
      [1, '5', '0'],
      [2, '0', '0'],
      [3, '0', '0'],
    ]);
    const meta = await admin.fetchTopicMetadata({ topics: ['admin-mock'] });
    expect(meta.topics[0].partitions).toHaveLength(4);
    await admin.disconnect();
  }, 30_000);

  it('produces compressed batches librdkafka reads back (gzip, snappy, lz4, zstd)', async () => {
    const producer = kafka.producer({ lingerMs: 0 });
    await producer.connect();
    for (const compression of [1, 2, 3, 4] as const) {
      await producer.send({
        topic: `compressed-${compression}`,
        compression,
        messages: Array.from({ length: 100 }, (_, i) => ({
          value: `message ${i} `.repeat(10),
          partition: 0,
        })),
      });
    }
    await producer.disconnect();
    for (const compression of [1, 2, 3, 4]) {
      const out = await runKcat([
        '-b',
        mock.bootstrap.join(','),
        '-C',
        '-t',
        `compressed-${compression}`,
        '-p',
        '0',
        '-o',
        'beginning',
        '-e',
        '-q',
        '-f',
        '%s\n',
      ]);
      const lines = out.trim().split('\n');
      expect(lines).toHaveLength(100);
      expect(lines[99]).toBe('message 99 '.repeat(10).trim());
    }
  }, 30_000);

  it('idempotent producer: 5 batches in flight per partition, exact and in order', async () => {
    const producer = kafka.producer({ enableIdempotence: true, batchSize: 4096 });
    await producer.connect();
    const topic = 'idempotent';
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < 5000; i += 100) {
      sends.push(
        producer.send({
          topic,
          messages: Array.from({ length: 100 }, (_, j) => ({ key: `k${(i + j) % 7}`, value: `${i + j}` })),
        }),
      );
    }
    await Promise.all(sends);
    await producer.disconnect();
    const out = await runKcat([
      '-b',
      mock.bootstrap.join(','),
      '-C',
      '-t',
      topic,
      '-o',
      'beginning',
      '-e',
      '-q',
      '-f',
      '%k\t%s\n',
    ]);
    const rows = out
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
    expect(rows).toHaveLength(5000);
    const last = new Map<string, number>();
    for (const [k, v] of rows) {
      expect(Number(v)).toBeGreaterThan(last.get(k) ?? -1);
      last.set(k, Number(v));
    }
  }, 30_000);
});
