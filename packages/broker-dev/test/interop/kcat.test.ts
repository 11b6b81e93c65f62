/**
 * kcat 1.7.1 (librdkafka 2.0.2) against the dev broker: produce and consume with every codec
 * (the batches must arrive compressed, which needs the wide Produce range for old librdkafka's
 * feature detection), a -G balanced consumer group, and metadata listing.
 */
import { ApiKey } from '@samsa/protocol';
import { requirePeer, run, start, waitFor } from '@samsa/test-support';
import { readBatchHeaders } from '@samsa/test-support/record-batches';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningBroker, startBroker } from '../../src/index.js';
import { fetchRequestBody } from '../helpers/kafka.js';
import { RawClient } from '../helpers/raw-client.js';

let broker: RunningBroker;
let bootstrap: string;

const kcat = requirePeer('kcat', {
  probe: ['kcat', '-V'],
  hint: 'apt-get install -y kcat (Debian: kcat 1.7.1 with librdkafka 2.0.2)',
});

kcat.describe('kcat (librdkafka 2.0.2)', () => {
  beforeAll(async () => {
    broker = await startBroker({ partitions: 4 });
    bootstrap = broker.bootstrap.join(',');
  });
  afterAll(async () => {
    await broker?.stop();
  });

  const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

  it.each(CODECS.map((codec, i) => [codec, i] as const))(
    'produces and consumes with compression %s',
    async (codec, codecId) => {
      const topic = `codec-${codec}`;
      const lines = Array.from({ length: 500 }, (_, i) => `${codec}-message-${i} ${'payload '.repeat(10)}`);
      const produced = await run(
        'kcat',
        ['-P', '-b', bootstrap, '-t', topic, '-p', '0', '-z', codec, '-X', 'linger.ms=100'],
        {
          input: `${lines.join('\n')}\n`,
          timeoutMs: 60_000,
        },
      );
      expect(produced.code, produced.stderr).toBe(0);
      const consumed = await run(
        'kcat',
        ['-C', '-b', bootstrap, '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-q', '-f', '%o %s\n'],
        {
          timeoutMs: 60_000,
        },
      );
      expect(consumed.code, consumed.stderr).toBe(0);
      const out = consumed.stdout.split('\n').filter(Boolean);
      expect(out).toEqual(lines.map((line, i) => `${i} ${line}`));

      // The broker stored what librdkafka sent: compressed batches (it never recompresses).
      const client = await RawClient.connect(broker.bootstrap[0]);
      const response = await client.request(1, 11, fetchRequestBody(topic, [{ partition: 0, offset: 0 }]));
      client.close();
      const codecs = new Set(
        readBatchHeaders(response.responses[0].partitions[0].records).map((b) => b.compression),
      );
      expect([...codecs]).toEqual([codecId]);
    },
  );

  it('compacts compressed batches from kcat (lz4, zstd) down to the latest value per key', async () => {
    const client = await RawClient.connect(broker.bootstrap[0]);
    for (const codec of ['lz4', 'zstd']) {
      const topic = `compacted-${codec}`;
      const created = await client.request(19, 5, {
        topics: [
          {
            name: topic,
            numPartitions: 1,
            replicationFactor: 1,
            assignments: [],
            configs: [
              { name: 'cleanup.policy', value: 'compact' },
              { name: 'segment.bytes', value: '100' },
            ],
          },
        ],
        timeoutMs: 1000,
        validateOnly: false,
      });
      expect(created.topics[0].errorCode).toBe(0);
      for (let round = 0; round < 4; round++) {
        const lines = Array.from({ length: 30 }, (_, k) => `key-${k}:round-${round}-${'v'.repeat(40)}`);
        const produced = await run(
          'kcat',
          ['-P', '-b', bootstrap, '-t', topic, '-p', '0', '-K:', '-z', codec, '-X', 'linger.ms=20'],
          {
            input: `${lines.join('\n')}\n`,
            timeoutMs: 60_000,
          },
        );
        expect(produced.code, produced.stderr).toBe(0);
      }
      broker.control.runLogCleanup();
      const consumed = await run(
        'kcat',
        ['-C', '-b', bootstrap, '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-q', '-f', '%k=%s\n'],
        { timeoutMs: 60_000 },
      );
      const latest = new Map(
        consumed.stdout
          .split('\n')
          .filter(Boolean)
          .map((line) => line.split('=') as [string, string]),
      );
      expect(latest.size).toBe(30);
      for (const value of latest.values()) expect(value).toMatch(/^round-3-/);
      expect(consumed.stdout.split('\n').filter(Boolean).length).toBeLessThan(120);
    }
    client.close();
  });

  it('serves an idempotent librdkafka producer (InitProducerId v4)', async () => {
    broker.control.recordRequests();
    const lines = Array.from({ length: 300 }, (_, i) => `idempotent-${i}`);
    const produced = await run(
      'kcat',
      ['-P', '-b', bootstrap, '-t', 'idempotent', '-p', '0', '-X', 'enable.idempotence=true', '-z', 'snappy'],
      {
        input: `${lines.join('\n')}\n`,
        timeoutMs: 60_000,
      },
    );
    expect(produced.code, produced.stderr).toBe(0);
    const consumed = await run(
      'kcat',
      ['-C', '-b', bootstrap, '-t', 'idempotent', '-p', '0', '-o', 'beginning', '-e', '-q'],
      { timeoutMs: 60_000 },
    );
    expect(consumed.stdout.split('\n').filter(Boolean)).toEqual(lines);
    const used = Object.fromEntries(broker.control.requests().map((r) => [r.api, r.apiVersion]));
    expect(used).toMatchObject({ InitProducerId: 4, Produce: 7 });
    broker.control.recordRequests(false);
  });

  it('lists metadata (-L) with brokers, topics and partitions', async () => {
    const listed = await run('kcat', ['-L', '-b', bootstrap, '-J'], { timeoutMs: 30_000 });
    expect(listed.code, listed.stderr).toBe(0);
    const metadata = JSON.parse(listed.stdout) as {
      brokers: { id: number; name: string }[];
      topics: { topic: string; partitions: { partition: number; leader: number }[] }[];
    };
    expect(metadata.brokers).toEqual([{ id: 1, name: broker.bootstrap[0] }]);
    const codecTopic = metadata.topics.find((t) => t.topic === 'codec-gzip');
    expect(codecTopic?.partitions).toHaveLength(4);
    expect(codecTopic?.partitions.every((p) => p.leader === 1)).toBe(true);
  });

  it('runs a -G balanced consumer group: two members split the partitions, every message once, offsets committed', {
    timeout: 120_000,
  }, async () => {
    const topic = 'group-topic';
    const group = 'kcat-group';
    broker.control.recordRequests();
    const created = await run('kcat', ['-L', '-b', bootstrap, '-t', topic], { timeoutMs: 30_000 });
    expect(created.code).toBe(0);
    const members = [0, 1].map(() =>
      start('kcat', [
        '-b',
        bootstrap,
        '-G',
        group,
        '-o',
        'beginning',
        '-q',
        '-u',
        '-f',
        '%p %o %s\n',
        '-X',
        'session.timeout.ms=10000',
        topic,
      ]),
    );
    try {
      const client = await RawClient.connect(broker.bootstrap[0]);
      await waitFor(
        'the kcat group to be stable with two members',
        async () => {
          const described = await client.request(15, 2, { groups: [group] });
          const g = described.groups[0];
          return (
            g.groupState === 'Stable' &&
            g.members.length === 2 &&
            g.members.every((m) => m.memberAssignment.length > 0)
          );
        },
        { timeoutMs: 60_000 },
      );
      client.close();
      const lines = Array.from({ length: 400 }, (_, i) => `key-${i}:value-${i}`);
      const produced = await run('kcat', ['-P', '-b', bootstrap, '-t', topic, '-K:'], {
        input: `${lines.join('\n')}\n`,
        timeoutMs: 60_000,
      });
      expect(produced.code, produced.stderr).toBe(0);
      const received = () => members.flatMap((m) => m.stdout().split('\n').filter(Boolean));
      await waitFor('both members to receive all 400 messages', () => received().length >= 400, {
        timeoutMs: 60_000,
      });
      const all = received().map((line) => line.split(' ')[2]);
      expect(new Set(all).size).toBe(400);
      expect(all.length).toBe(400);
      const partitionsOf = (m: (typeof members)[number]) =>
        new Set(
          m
            .stdout()
            .split('\n')
            .filter(Boolean)
            .map((l) => l.split(' ')[0]),
        );
      const [a, b] = members.map(partitionsOf);
      expect(a.size).toBeGreaterThan(0);
      expect(b.size).toBeGreaterThan(0);
      for (const p of a) expect(b.has(p)).toBe(false);
    } finally {
      await Promise.all(members.map((m) => m.stop('SIGTERM')));
    }
    // librdkafka commits on close; the committed offsets cover all 400 messages.
    const client = await RawClient.connect(broker.bootstrap[0]);
    const offsets = await client.request(9, 7, { groupId: group, topics: null, requireStable: false });
    client.close();
    const committed = offsets
      .topics!.flatMap((t) => t.partitions)
      .reduce((n, p) => n + Number(p.committedOffset), 0);
    expect(committed).toBe(400);

    // The exact versions librdkafka 2.0.2 sends to a broker with high maxima (reference §3.2).
    const used = Object.fromEntries(
      broker.control
        .requests()
        .filter((r) => r.clientId === 'rdkafka')
        .map((r) => [r.api, r.apiVersion]),
    );
    expect(used).toMatchObject({
      ApiVersions: 3,
      Metadata: 4,
      Produce: 7,
      Fetch: 11,
      ListOffsets: ApiKey.ListOffsets,
      FindCoordinator: 2,
      JoinGroup: 5,
      SyncGroup: 3,
      Heartbeat: 3,
      LeaveGroup: 1,
      OffsetCommit: 7,
    });
  });
});
