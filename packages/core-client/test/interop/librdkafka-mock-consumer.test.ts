/**
 * The consumer against the librdkafka mock cluster: a broker no one here wrote, with old protocol
 * versions (Fetch ≤ 11, JoinGroup ≤ 5, Metadata ≤ 2, no topic ids, no leader epochs).
 * 10,000 keyed messages, groups of our consumers, mixed groups with kcat (librdkafka) and KafkaJS.
 */
import {
  type Background,
  kcat,
  type MockCluster,
  start,
  startMockCluster,
  waitFor,
} from '@samsa/test-support';
import { Kafka as KafkaJS, logLevel as kafkaJsLogLevel } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Kafka, LogLevel } from '../../src/index.js';
import { checkExactlyOnceInOrder, makeConsumer, record, type Seen } from '../helpers/consumer.js';

const TOTAL = 10_000;
const KEYS = 101;
/**
 * The mock waits (session timeout - 1 s) before completing any rebalance of a non-empty group,
 * whoever has rejoined, so keep sessions short.
 */
const SESSION = 6000;

kcat.describe('consumer against the librdkafka mock cluster', () => {
  let mock: MockCluster;
  let kafka: Kafka;
  const perPartition = new Map<number, number>();

  async function produce(topic: string): Promise<Map<number, number>> {
    const producer = kafka.producer({ acks: -1 });
    await producer.connect();
    const counts = new Map<number, number>();
    const sends: Promise<{ records: { partition: number }[] }>[] = [];
    for (let start = 0; start < TOTAL; start += 1000) {
      sends.push(
        producer.send({
          topic,
          messages: Array.from({ length: 1000 }, (_, j) => ({
            key: `key-${(start + j) % KEYS}`,
            value: `${start + j}`,
          })),
        }) as Promise<{ records: { partition: number }[] }>,
      );
    }
    for (const r of await Promise.all(sends))
      for (const rec of r.records) counts.set(rec.partition, (counts.get(rec.partition) ?? 0) + 1);
    await producer.disconnect();
    return counts;
  }

  /** Per key, values must arrive in increasing order (they were produced that way, to one partition). */
  function checkKeyOrder(seen: Seen[]): void {
    const last = new Map<string, number>();
    for (const s of [...seen].sort((a, b) => a.partition - b.partition || a.offset - b.offset)) {
      const v = Number(s.value);
      expect(v).toBeGreaterThan(last.get(s.key!) ?? -1);
      last.set(s.key!, v);
    }
  }

  beforeAll(async () => {
    mock = await startMockCluster(3);
    kafka = new Kafka({
      clientId: 'samsa-consumer-test',
      brokers: mock.bootstrap,
      logLevel: LogLevel.NOTHING,
    });
    for (const [p, n] of await produce('keyed')) perPartition.set(p, n);
  }, 60_000);

  afterAll(async () => {
    await mock?.stop();
  });

  it('a group of two consumes 10,000 keyed messages exactly once, in order per partition', async () => {
    const seen: Seen[] = [];
    const consumers = ['a', 'b'].map((name) => {
      const c = makeConsumer(kafka, {
        groupId: 'two-of-us',
        autoOffsetReset: 'earliest',
        heartbeatIntervalMs: 500,
        sessionTimeoutMs: SESSION,
      });
      return { name, c };
    });
    await Promise.all(consumers.map(({ c }) => c.subscribe({ topics: ['keyed'] })));
    // Paused until both are members: on a slow machine the mock can complete a first generation with
    // one member, which then consumes while the second joins, and the mock rejects its commits during
    // that rebalance (see the next test), so the second would get those messages again.
    for (const { c } of consumers) c.pause([{ topic: 'keyed' }]);
    await Promise.all(
      consumers.map(({ name, c }) =>
        c.run({ eachMessage: async ({ message }) => void seen.push(record(name, message)) }),
      ),
    );
    await waitFor(
      'both consumers to get partitions',
      () => consumers.every(({ c }) => c.assignment().some((tp) => tp.partitions.length > 0)),
      { timeoutMs: 30_000 },
    );
    for (const { c } of consumers) c.resume([{ topic: 'keyed' }]);
    await waitFor(`${TOTAL} messages (have ${seen.length})`, () => seen.length >= TOTAL, {
      timeoutMs: 60_000,
    });
    await new Promise((r) => setTimeout(r, 300));
    const assignments = consumers.map(({ c }) => c.assignment());
    await Promise.all(consumers.map(({ c }) => c.disconnect()));
    expect(seen).toHaveLength(TOTAL);
    checkExactlyOnceInOrder(seen, perPartition);
    checkKeyOrder(seen);
    // Both members got partitions, and together all four.
    const owned = assignments.map((a) => a.flatMap((tp) => tp.partitions));
    expect(owned.every((o) => o.length > 0)).toBe(true);
    expect(owned.flat().sort()).toEqual([0, 1, 2, 3]);
  }, 90_000);

  // The mock rejects commits while a rebalance is in progress (Kafka accepts them until the group is
  // completing the rebalance), so what the leaving owner finished may be delivered again here; the
  // no-duplicates property of a clean rebalance is checked against broker-dev.
  it('a member joining mid-stream (eager rebalance) skips nothing and keeps per-partition order', async () => {
    const seen: Seen[] = [];
    const a = makeConsumer(kafka, {
      groupId: 'joiner',
      autoOffsetReset: 'earliest',
      heartbeatIntervalMs: 500,
      sessionTimeoutMs: SESSION,
    });
    const b = makeConsumer(kafka, {
      groupId: 'joiner',
      autoOffsetReset: 'earliest',
      heartbeatIntervalMs: 500,
      sessionTimeoutMs: SESSION,
    });
    await a.subscribe({ topics: ['keyed'] });
    await b.subscribe({ topics: ['keyed'] });
    let revoked = 0;
    await a.run({
      eachMessage: async ({ message }) => {
        seen.push(record('a', message));
        // Slow enough that b joins while a is mid-way.
        if (seen.length < 6000) await new Promise((r) => setTimeout(r, 1));
      },
    });
    await waitFor('a to consume 1500', () => seen.length >= 1500, { timeoutMs: 30_000 });
    a.on(a.events.REBALANCING, () => revoked++);
    await b.run({ eachMessage: async ({ message }) => void seen.push(record('b', message)) });
    await waitFor(
      `all ${TOTAL} messages`,
      () => new Set(seen.map((x) => `${x.partition}/${x.offset}`)).size >= TOTAL,
      { timeoutMs: 60_000 },
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(b.assignment().flatMap((tp) => tp.partitions).length).toBeGreaterThan(0);
    await Promise.all([a.disconnect(), b.disconnect()]);
    expect(revoked).toBeGreaterThan(0);
    checkExactlyOnceInOrder(seen, perPartition, { allowRedelivery: true });
  }, 120_000);

  it('assign() over two topics reads both from the start (ListOffsets over several topics per broker)', async () => {
    const producer = kafka.producer({ acks: -1 });
    await producer.connect();
    await producer.send({
      topic: 'assigned-too',
      messages: Array.from({ length: 100 }, (_, i) => ({ key: `k${i}`, value: `${i}` })),
    });
    await producer.disconnect();
    const consumer = makeConsumer(kafka, { groupId: 'assign-two-topics', autoOffsetReset: 'earliest' });
    await consumer.connect();
    try {
      const partitions = [0, 1, 2, 3];
      consumer.assign([
        { topic: 'keyed', partitions },
        { topic: 'assigned-too', partitions },
      ]);
      const counts = new Map<string, number>();
      await consumer.run({
        eachMessage: async ({ topic }) => void counts.set(topic, (counts.get(topic) ?? 0) + 1),
      });
      await waitFor(
        'both topics read',
        () => (counts.get('keyed') ?? 0) + (counts.get('assigned-too') ?? 0) >= TOTAL + 100,
        {
          timeoutMs: 30_000,
        },
      );
      expect(Object.fromEntries(counts)).toEqual({ keyed: TOTAL, 'assigned-too': 100 });
    } finally {
      await consumer.disconnect();
    }
  }, 60_000);

  it('resumes from committed offsets after a restart', async () => {
    const first: Seen[] = [];
    const c1 = makeConsumer(kafka, {
      groupId: 'restart',
      autoOffsetReset: 'earliest',
      sessionTimeoutMs: SESSION,
      heartbeatIntervalMs: 500,
    });
    await c1.subscribe({ topics: ['keyed'] });
    await c1.run({ eachMessage: async ({ message }) => void first.push(record('1', message)) });
    await waitFor('3000 messages', () => first.length >= 3000, { timeoutMs: 30_000 });
    await c1.disconnect();
    const second: Seen[] = [];
    const c2 = makeConsumer(kafka, {
      groupId: 'restart',
      autoOffsetReset: 'earliest',
      sessionTimeoutMs: SESSION,
      heartbeatIntervalMs: 500,
    });
    await c2.subscribe({ topics: ['keyed'] });
    await c2.run({ eachMessage: async ({ message }) => void second.push(record('2', message)) });
    await waitFor('the rest', () => first.length + second.length >= TOTAL, { timeoutMs: 30_000 });
    await new Promise((r) => setTimeout(r, 300));
    await c2.disconnect();
    checkExactlyOnceInOrder([...first, ...second], perPartition);
  }, 90_000);

  it('shares a group with kcat (librdkafka, range assignor), whichever of us leads', async () => {
    for (const kcatFirst of [true, false]) {
      const group = `with-kcat-${kcatFirst}`;
      const topic = `kcat-mixed-${kcatFirst}`;
      const ours: Seen[] = [];
      const consumer = makeConsumer(kafka, {
        groupId: group,
        autoOffsetReset: 'earliest',
        partitionAssignors: ['range'],
        sessionTimeoutMs: SESSION,
        heartbeatIntervalMs: 500,
      });
      await consumer.subscribe({ topics: [topic] });
      let member: Background | undefined;
      const startKcat = () => {
        const args = [
          '-b',
          mock.bootstrap.join(','),
          '-G',
          group,
          '-o',
          'beginning',
          '-q',
          '-u',
          '-f',
          '%p %o\n',
        ];
        member = start('kcat', [...args, '-X', `session.timeout.ms=${SESSION}`, topic]);
      };
      /** The complete "partition offset" lines kcat printed. */
      const kcatLines = () => {
        const lines = (member?.stdout() ?? '').split('\n');
        lines.pop(); // empty, or a line still being written
        return lines.filter((line) => line.length > 0);
      };
      try {
        if (kcatFirst) {
          startKcat();
          await new Promise((r) => setTimeout(r, 1500));
        }
        await consumer.run({ eachMessage: async ({ message }) => void ours.push(record('samsa', message)) });
        if (!kcatFirst) startKcat();
        await waitFor(
          'the two members to split the four partitions',
          () => consumer.assignment().flatMap((tp) => tp.partitions).length === 2,
          { timeoutMs: 30_000 },
        );
        // Give kcat's side of the rebalance a moment, then produce to every partition.
        await new Promise((r) => setTimeout(r, 1000));
        const producer = kafka.producer({ lingerMs: 0 });
        await producer.connect();
        await producer.send({
          topic,
          messages: Array.from({ length: 400 }, (_, i) => ({ value: `${i}`, partition: i % 4 })),
        });
        await producer.disconnect();
        const seenByAll = () =>
          new Set([...ours.map((s) => `${s.partition} ${s.offset}`), ...kcatLines()]).size;
        await waitFor('all 400 messages between kcat and us', () => seenByAll() >= 400, {
          timeoutMs: 30_000,
        });
        // Each side read exactly the partitions the range assignment gave it, whoever computed it.
        const mine = consumer.assignment()[0].partitions;
        expect(new Set(ours.map((s) => s.partition))).toEqual(new Set(mine));
        const theirs = new Set(kcatLines().map((l) => Number(l.split(' ')[0])));
        expect([...theirs].sort()).toEqual([0, 1, 2, 3].filter((p) => !mine.includes(p)));
        expect(ours).toHaveLength(200);
      } finally {
        await member?.stop();
        await consumer.disconnect();
      }
    }
  }, 150_000);

  it('shares a group with KafkaJS through its RoundRobinAssigner protocol', async () => {
    const ours: Seen[] = [];
    const theirs: Seen[] = [];
    const kafkajs = new KafkaJS({
      clientId: 'kafkajs-peer',
      brokers: mock.bootstrap,
      logLevel: kafkaJsLogLevel.NOTHING,
    });
    const peer = kafkajs.consumer({
      groupId: 'with-kafkajs',
      heartbeatInterval: 500,
      sessionTimeout: SESSION,
    });
    const consumer = makeConsumer(kafka, {
      groupId: 'with-kafkajs',
      autoOffsetReset: 'earliest',
      partitionAssignors: ['RoundRobinAssigner'],
      sessionTimeoutMs: SESSION,
      heartbeatIntervalMs: 500,
    });
    try {
      await peer.connect();
      await peer.subscribe({ topics: ['keyed'], fromBeginning: true });
      await consumer.subscribe({ topics: ['keyed'] });
      await Promise.all([
        peer.run({
          eachMessage: async ({ partition, message }) => {
            theirs.push({
              consumer: 'kafkajs',
              partition,
              offset: Number(message.offset),
              key: null,
              value: null,
            });
          },
        }),
        consumer.run({ eachMessage: async ({ message }) => void ours.push(record('samsa', message)) }),
      ]);
      const all = () => new Set([...ours, ...theirs].map((s) => `${s.partition}/${s.offset}`)).size;
      await waitFor(`all ${TOTAL} messages between KafkaJS and us`, () => all() >= TOTAL, {
        timeoutMs: 60_000,
      });
      await waitFor('a 2/2 split', () => consumer.assignment().flatMap((tp) => tp.partitions).length === 2, {
        timeoutMs: 30_000,
      });
      expect(ours.length).toBeGreaterThan(0);
    } finally {
      await consumer.disconnect();
      await peer.disconnect();
    }
  }, 120_000);
});
