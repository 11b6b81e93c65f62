/**
 * Consumer groups against a 3-broker @samsa/broker-dev: exact delivery through rebalances, heartbeats
 * independent of slow handlers, maxPollIntervalMs, static membership and fencing, cooperative-sticky.
 */

import { waitFor } from '@samsa/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TopicPartitions } from '../../src/assignors/types.js';
import { FencedInstanceIdError } from '../../src/cluster/group-errors.js';
import { type Fixture, sleep, startFixture } from '../helpers/broker-fixture.js';
import { checkExactlyOnceInOrder, makeConsumer, record, type Seen } from '../helpers/consumer.js';

let fx: Fixture;
const TOTAL = 10_000;
let counts: Map<number, number>;

beforeAll(async () => {
  fx = await startFixture({ brokers: 3, partitions: 4 });
  counts = await fx.produce('keyed', TOTAL);
}, 60_000);

afterAll(async () => {
  await fx?.stop();
});

const fast = { heartbeatIntervalMs: 100, sessionTimeoutMs: 3000, autoOffsetReset: 'earliest' as const };

describe('consumer groups on broker-dev', () => {
  it('a group of two consumes 10,000 keyed messages exactly once, in order, across three brokers', async () => {
    const seen: Seen[] = [];
    const consumers = ['a', 'b'].map((name) => ({
      name,
      c: makeConsumer(fx.kafka, { groupId: 'pair', ...fast }),
    }));
    for (const { c } of consumers) await c.subscribe({ topics: ['keyed'] });
    await Promise.all(
      consumers.map(({ name, c }) =>
        c.run({ eachMessage: ({ message }) => void seen.push(record(name, message)) }),
      ),
    );
    await waitFor(`${TOTAL} messages (have ${seen.length})`, () => seen.length >= TOTAL, {
      timeoutMs: 30_000,
    });
    await sleep(200);
    const owned = consumers.map(({ c }) => c.assignment().flatMap((tp) => tp.partitions));
    await Promise.all(consumers.map(({ c }) => c.disconnect()));
    checkExactlyOnceInOrder(seen, counts);
    expect(owned.every((o) => o.length === 2)).toBe(true);
  }, 60_000);

  it('a clean (eager) rebalance mid-stream neither skips nor redelivers, thanks to the commit before rejoining', async () => {
    const seen: Seen[] = [];
    const revoked: TopicPartitions[][] = [];
    const a = makeConsumer(fx.kafka, {
      groupId: 'midstream',
      ...fast,
      onPartitionsRevoked: (tps) => void revoked.push(tps),
    });
    const b = makeConsumer(fx.kafka, { groupId: 'midstream', ...fast });
    await a.subscribe({ topics: ['keyed'] });
    await b.subscribe({ topics: ['keyed'] });
    await a.run({
      partitionsConsumedConcurrently: 4,
      eachMessage: async ({ message }) => {
        seen.push(record('a', message));
        if (seen.length < 5000) await sleep(1);
      },
    });
    await waitFor('a to get going', () => seen.length >= 1000, { timeoutMs: 30_000 });
    await b.run({ eachMessage: ({ message }) => void seen.push(record('b', message)) });
    await waitFor(`${TOTAL} messages (have ${seen.length})`, () => seen.length >= TOTAL, {
      timeoutMs: 30_000,
    });
    await sleep(200);
    await Promise.all([a.disconnect(), b.disconnect()]);
    expect(revoked.length).toBeGreaterThan(0);
    checkExactlyOnceInOrder(seen, counts);
  }, 60_000);

  it('keeps its membership while a handler runs longer than sessionTimeoutMs (heartbeats on their own timer)', async () => {
    const a = makeConsumer(fx.kafka, {
      groupId: 'slow-handler',
      ...fast,
      sessionTimeoutMs: 1000,
      maxPollIntervalMs: 30_000,
    });
    let joins = 0;
    a.on(a.events.GROUP_JOIN, () => joins++);
    await a.subscribe({ topics: ['keyed'] });
    let handled = 0;
    await a.run({
      eachMessage: async () => {
        handled++;
        if (handled === 1) await sleep(3000); // three session timeouts
      },
    });
    await waitFor('the slow handler to finish and more to follow', () => handled >= 100, {
      timeoutMs: 20_000,
    });
    const generation = a.groupMetadata().generationId;
    await a.disconnect();
    expect(joins).toBe(1);
    expect(generation).toBeGreaterThan(0);
  }, 30_000);

  it('gives up its partitions when a handler exceeds maxPollIntervalMs, and rejoins after it returns', async () => {
    const seenB: Seen[] = [];
    const a = makeConsumer(fx.kafka, {
      groupId: 'poll-timeout',
      ...fast,
      maxPollIntervalMs: 1500,
      rebalanceTimeoutMs: 3000,
    });
    const b = makeConsumer(fx.kafka, { groupId: 'poll-timeout', ...fast, maxPollIntervalMs: 60_000 });
    const lost: TopicPartitions[][] = [];
    const a2 = a;
    await a2.subscribe({ topics: ['keyed'] });
    await b.subscribe({ topics: ['keyed'] });
    let stuck = true;
    let aJoins = 0;
    a.on(a.events.GROUP_JOIN, () => aJoins++);
    await Promise.all([
      a.run({
        eachMessage: async () => {
          while (stuck) await sleep(50);
        },
      }),
      b.run({ eachMessage: ({ message }) => void seenB.push(record('b', message)) }),
    ]);
    void lost;
    // a is stuck on its first message; once maxPollIntervalMs passes, b takes over everything.
    await waitFor(
      'b to own all partitions',
      () => b.assignment().flatMap((tp) => tp.partitions).length === 4,
      { timeoutMs: 20_000 },
    );
    stuck = false;
    await waitFor(
      'a to rejoin',
      () => aJoins >= 2 && a.assignment().flatMap((tp) => tp.partitions).length > 0,
      { timeoutMs: 20_000 },
    );
    await Promise.all([a.disconnect(), b.disconnect()]);
  }, 60_000);

  it('static membership: a restart within the session keeps the assignment without a rebalance', async () => {
    const other = makeConsumer(fx.kafka, {
      groupId: 'static',
      ...fast,
      groupInstanceId: 'other',
      sessionTimeoutMs: 10_000,
    });
    let otherJoins = 0;
    other.on(other.events.GROUP_JOIN, () => otherJoins++);
    const first = makeConsumer(fx.kafka, {
      groupId: 'static',
      ...fast,
      groupInstanceId: 'me',
      sessionTimeoutMs: 10_000,
    });
    await other.subscribe({ topics: ['keyed'] });
    await first.subscribe({ topics: ['keyed'] });
    await Promise.all([other.run({ eachMessage: () => {} }), first.run({ eachMessage: () => {} })]);
    await waitFor(
      'both to be assigned',
      () => first.assignment().length > 0 && other.assignment().length > 0,
      { timeoutMs: 20_000 },
    );
    await sleep(500);
    const before = first.assignment();
    const joinsBefore = otherJoins;
    await first.disconnect(); // static members do not send LeaveGroup
    const again = makeConsumer(fx.kafka, {
      groupId: 'static',
      ...fast,
      groupInstanceId: 'me',
      sessionTimeoutMs: 10_000,
    });
    await again.subscribe({ topics: ['keyed'] });
    await again.run({ eachMessage: () => {} });
    await waitFor('the restarted member to be assigned', () => again.assignment().length > 0, {
      timeoutMs: 20_000,
    });
    expect(again.assignment()).toEqual(before);
    await sleep(500);
    expect(otherJoins).toBe(joinsBefore);
    await Promise.all([again.disconnect(), other.disconnect()]);
  }, 60_000);

  it('a second process with the same groupInstanceId fences the first, which fails with FencedInstanceIdError', async () => {
    const first = makeConsumer(fx.kafka, { groupId: 'fenced', ...fast, groupInstanceId: 'dup' });
    const crashes: unknown[] = [];
    first.on(first.events.CRASH, (e) => crashes.push(e.payload.error));
    await first.subscribe({ topics: ['keyed'] });
    await first.run({ eachMessage: () => {} });
    const second = makeConsumer(fx.kafka, { groupId: 'fenced', ...fast, groupInstanceId: 'dup' });
    await second.subscribe({ topics: ['keyed'] });
    await second.run({ eachMessage: () => {} });
    await waitFor('the first to be fenced', () => crashes.some((e) => e instanceof FencedInstanceIdError), {
      timeoutMs: 20_000,
    });
    const err = crashes.find((e) => e instanceof FencedInstanceIdError) as FencedInstanceIdError;
    expect(err.message).toMatch(/groupInstanceId "dup"/);
    await Promise.all([first.disconnect(), second.disconnect()]);
  }, 30_000);

  it('cooperative-sticky: a joining member takes partitions without the first one stopping the others', async () => {
    const seen: Seen[] = [];
    const revokedA: TopicPartitions[][] = [];
    const assignedA: TopicPartitions[][] = [];
    const config = { ...fast, partitionAssignors: ['cooperative-sticky' as const] };
    const a = makeConsumer(fx.kafka, {
      groupId: 'coop',
      ...config,
      onPartitionsRevoked: (tps) => void revokedA.push(tps),
      onPartitionsAssigned: (tps) => void assignedA.push(tps),
    });
    const b = makeConsumer(fx.kafka, { groupId: 'coop', ...config });
    await a.subscribe({ topics: ['keyed'] });
    await b.subscribe({ topics: ['keyed'] });
    await a.run({
      partitionsConsumedConcurrently: 4,
      eachMessage: async ({ message }) => {
        seen.push(record('a', message));
        if (seen.length < 6000) await sleep(1);
      },
    });
    await waitFor('a to get going', () => seen.length >= 1000, { timeoutMs: 30_000 });
    await b.run({ eachMessage: ({ message }) => void seen.push(record('b', message)) });
    await waitFor(`${TOTAL} messages (have ${seen.length})`, () => seen.length >= TOTAL, {
      timeoutMs: 30_000,
    });
    await waitFor(
      'b to get two partitions',
      () => b.assignment().flatMap((tp) => tp.partitions).length === 2,
      { timeoutMs: 10_000 },
    );
    const aOwns = a.assignment().flatMap((tp) => tp.partitions);
    await Promise.all([a.disconnect(), b.disconnect()]);
    // a gave up only the two partitions that moved (plus everything at disconnect), never all four mid-stream.
    const firstRevocation = revokedA[0].flatMap((tp) => tp.partitions);
    expect(firstRevocation).toHaveLength(2);
    expect(firstRevocation.some((p) => aOwns.includes(p))).toBe(false);
    expect(assignedA[0].flatMap((tp) => tp.partitions)).toHaveLength(4);
    checkExactlyOnceInOrder(seen, counts);
  }, 60_000);
});
