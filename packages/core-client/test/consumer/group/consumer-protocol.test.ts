/**
 * `groupProtocol: 'consumer'` (KIP-848) against @samsa/broker-dev: incremental assignment with
 * callbacks naming exactly the partitions that move, commits under the member epoch, leaving with -1
 * and -2 (static), rejoining after fencing, and clear errors for what retrying cannot fix.
 */
import { ApiKey } from '@samsa/protocol';
import { waitFor } from '@samsa/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TopicPartitions } from '../../../src/assignors/types.js';
import { ErrorCode } from '../../../src/errors.js';
import { type Fixture, startFixture } from '../../helpers/broker-fixture.js';
import { checkExactlyOnceInOrder, makeConsumer, record, type Seen } from '../../helpers/consumer.js';

let fx: Fixture;

beforeAll(async () => {
  fx = await startFixture({ brokers: 1, partitions: 6 });
}, 60_000);
afterAll(async () => {
  await fx?.stop();
});

const base = { groupProtocol: 'consumer' as const, autoOffsetReset: 'earliest' as const };
const flat = (tps: TopicPartitions[]) =>
  tps.flatMap((t) => t.partitions.map((p) => `${t.topic}:${p}`)).sort();

/** ConsumerGroupDescribe straight from the broker: member epochs and assignments. */
async function describeGroup(groupId: string) {
  const admin = fx.kafka.admin();
  await admin.connect();
  try {
    return await admin.describeConsumerGroups([groupId]);
  } finally {
    await admin.disconnect();
  }
}

describe("groupProtocol: 'consumer'", () => {
  it('moves only the partitions that change hands, with callbacks naming exactly those', async () => {
    const topic = 'incremental';
    const counts = await fx.produce(topic, 600);
    const events: string[] = [];
    const seen: Seen[] = [];
    const make = (name: string) =>
      makeConsumer(fx.kafka, {
        groupId: 'incremental',
        ...base,
        onPartitionsAssigned: (tps) => void events.push(`${name} +${flat(tps).join(',')}`),
        onPartitionsRevoked: (tps) => void events.push(`${name} -${flat(tps).join(',')}`),
      });
    const a = make('a');
    await a.subscribe({ topics: [topic] });
    await a.run({ eachMessage: ({ message }) => void seen.push(record('a', message)) });
    await waitFor(
      'a to hold all 6 partitions',
      () => a.assignment().flatMap((t) => t.partitions).length === 6,
    );
    const b = make('b');
    await b.subscribe({ topics: [topic] });
    await b.run({ eachMessage: ({ message }) => void seen.push(record('b', message)) });
    await waitFor('a and b to hold 3 partitions each', () =>
      [a, b].every((c) => c.assignment().flatMap((t) => t.partitions).length === 3),
    );
    await waitFor('every message', () => seen.length >= 600, { timeoutMs: 30_000 });
    const moved = flat(b.assignment());
    // a gave up exactly b's partitions and kept the rest; nothing was assigned twice or empty.
    expect(events).toEqual([
      `a +${flat([{ topic, partitions: [0, 1, 2, 3, 4, 5] }]).join(',')}`,
      `a -${moved.join(',')}`,
      `b +${moved.join(',')}`,
    ]);
    await a.disconnect();
    await waitFor('b to take a’s partitions after a left (-1)', () => flat(b.assignment()).length === 6);
    await b.disconnect();
    checkExactlyOnceInOrder(seen, counts);
    const described = await describeGroup('incremental');
    expect(described.groups[0]).toMatchObject({ groupId: 'incremental', state: 'Empty', members: [] });
  }, 60_000);

  it('commits under the member epoch; the next member resumes there', async () => {
    const topic = 'epoch-commits';
    await fx.produce(topic, 200);
    const first: Seen[] = [];
    const c1 = makeConsumer(fx.kafka, { groupId: 'epoch-commits', ...base });
    await c1.subscribe({ topics: [topic] });
    await c1.run({ autoCommit: false, eachMessage: ({ message }) => void first.push(record('1', message)) });
    await waitFor('200 messages', () => first.length >= 200);
    await c1.commitOffsets(
      [0, 1, 2, 3, 4, 5].map((partition) => ({
        topic,
        partition,
        offset: String(
          Math.max(-1, ...first.filter((s) => s.partition === partition).map((s) => s.offset)) + 1,
        ),
      })),
    );
    await c1.disconnect();
    await fx.produce(topic, 50);
    const second: Seen[] = [];
    const c2 = makeConsumer(fx.kafka, { groupId: 'epoch-commits', ...base });
    await c2.subscribe({ topics: [topic] });
    await c2.run({ eachMessage: ({ message }) => void second.push(record('2', message)) });
    await waitFor('the 50 new messages', () => second.length >= 50);
    await c2.disconnect();
    expect(second).toHaveLength(50);
  }, 60_000);

  it('a static member restarted within the session gets its partitions back without moving the others', async () => {
    const topic = 'static-848';
    await fx.produce(topic, 60);
    const events: string[] = [];
    const make = (name: string, instance: string) =>
      makeConsumer(fx.kafka, {
        groupId: 'static-848',
        groupInstanceId: instance,
        ...base,
        onPartitionsAssigned: (tps) => void events.push(`${name} +${flat(tps).join(',')}`),
        onPartitionsRevoked: (tps) => void events.push(`${name} -${flat(tps).join(',')}`),
      });
    const a = make('a', 'instance-a');
    const b = make('b', 'instance-b');
    for (const c of [a, b]) {
      await c.subscribe({ topics: [topic] });
      await c.run({ eachMessage: async () => {} });
    }
    await waitFor('3 partitions each', () =>
      [a, b].every((c) => c.assignment().flatMap((t) => t.partitions).length === 3),
    );
    const before = flat(a.assignment());
    const epochBefore = (await describeGroup('static-848')).groups[0].groupEpoch;
    await a.disconnect(); // leaves with -2: its partitions wait for it
    const restarted = make('a2', 'instance-a');
    await restarted.subscribe({ topics: [topic] });
    await restarted.run({ eachMessage: async () => {} });
    await waitFor(
      'the restarted member to hold its old partitions',
      () => flat(restarted.assignment()).join() === before.join(),
    );
    expect(events.filter((e) => e.startsWith('b'))).toEqual([expect.stringMatching(/^b \+/)]);
    expect((await describeGroup('static-848')).groups[0].groupEpoch).toBe(epochBefore);
    await restarted.disconnect();
    await b.disconnect();
  }, 60_000);

  it('a fenced member loses its partitions (onPartitionsLost) and rejoins under its id', async () => {
    const topic = 'fenced-848';
    await fx.produce(topic, 30);
    const lost: TopicPartitions[][] = [];
    const c = makeConsumer(fx.kafka, {
      groupId: 'fenced-848',
      ...base,
      onPartitionsLost: (tps) => void lost.push(tps),
    });
    await c.subscribe({ topics: [topic] });
    await c.run({ eachMessage: async () => {} });
    await waitFor('6 partitions', () => c.assignment().flatMap((t) => t.partitions).length === 6);
    fx.broker.control.failNextRequests('ConsumerGroupHeartbeat', 1, ErrorCode.FENCED_MEMBER_EPOCH);
    await waitFor('the partitions to be lost', () => lost.length === 1);
    expect(flat(lost[0])).toHaveLength(6);
    await waitFor('6 partitions again', () => c.assignment().flatMap((t) => t.partitions).length === 6);
    const described = await describeGroup('fenced-848');
    expect(described.groups[0].members).toHaveLength(1);
    await c.disconnect();
  }, 60_000);

  it('fails with a clear error when the broker does not speak the protocol or refuses the assignor', async () => {
    fx.broker.control.failNextRequests('ConsumerGroupHeartbeat', 1, ErrorCode.UNSUPPORTED_VERSION);
    const old = makeConsumer(fx.kafka, { groupId: 'no-848', ...base });
    await old.subscribe({ topics: ['fenced-848'] });
    await expect(old.run({ eachMessage: async () => {} })).rejects.toThrow(/groupProtocol: 'classic'/);
    await old.disconnect();

    const sticky = makeConsumer(fx.kafka, {
      groupId: 'bad-assignor',
      ...base,
      groupRemoteAssignor: 'sticky',
    });
    await sticky.subscribe({ topics: ['fenced-848'] });
    await expect(sticky.run({ eachMessage: async () => {} })).rejects.toThrow(
      /UNSUPPORTED_ASSIGNOR|not supported/,
    );
    await sticky.disconnect();
  }, 60_000);

  it('asks for the server assignor named in groupRemoteAssignor', async () => {
    const c = makeConsumer(fx.kafka, { groupId: 'range-848', ...base, groupRemoteAssignor: 'range' });
    await c.subscribe({ topics: ['fenced-848'] });
    await c.run({ eachMessage: async () => {} });
    const described = await describeGroup('range-848');
    expect(described.groups[0].assignor).toBe('range');
    await c.disconnect();
  });

  it('speaks ConsumerGroupHeartbeat v1 with a member id it generated', async () => {
    fx.broker.control.recordRequests();
    const c = makeConsumer(fx.kafka, { groupId: 'v1-848', ...base });
    await c.subscribe({ topics: ['fenced-848'] });
    await c.run({ eachMessage: async () => {} });
    await c.disconnect();
    const heartbeats = fx.broker.control.requests().filter((r) => r.apiKey === ApiKey.ConsumerGroupHeartbeat);
    fx.broker.control.recordRequests(false);
    expect(heartbeats.length).toBeGreaterThan(0);
    expect(heartbeats.every((r) => r.apiVersion === 1)).toBe(true);
  });
});
