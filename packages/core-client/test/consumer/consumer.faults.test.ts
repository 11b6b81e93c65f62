/**
 * The consumer under broker-dev's fault injection: retriable errors retried, leader moves followed,
 * dropped connections re-established, brokers stopping, coordinator errors, rebalances forced by the
 * coordinator. A single consumer never rebalances on its own, so every case must deliver each
 * record exactly once and in order.
 */
import { ErrorCode } from '@samsa/broker-dev';
import { waitFor } from '@samsa/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Consumer } from '../../src/consumer/consumer.js';
import { type Fixture, sleep, startFixture } from '../helpers/broker-fixture.js';
import { checkExactlyOnceInOrder, makeConsumer, record, type Seen } from '../helpers/consumer.js';

let fx: Fixture;
const TOTAL = 4000;

beforeAll(async () => {
  fx = await startFixture({ brokers: 3, partitions: 4 });
}, 30_000);

afterAll(async () => {
  await fx?.stop();
});

let topicSeq = 0;

/** A fresh topic with TOTAL records, and a consumer reading it slowly enough for faults to land mid-stream. */
async function scenario(groupId: string, options: { slowUntil?: number } = {}) {
  const topic = `faults-${++topicSeq}`;
  const counts = await fx.produce(topic, TOTAL);
  const seen: Seen[] = [];
  const crashes: unknown[] = [];
  const consumer = makeConsumer(fx.kafka, {
    groupId,
    autoOffsetReset: 'earliest',
    heartbeatIntervalMs: 100,
    sessionTimeoutMs: 3000,
    maxPartitionFetchBytes: 16 * 1024,
    retryBackoffMs: 20,
  });
  consumer.on(consumer.events.CRASH, (e) => crashes.push(e.payload.error));
  await consumer.subscribe({ topics: [topic] });
  const slowUntil = options.slowUntil ?? 1500;
  await consumer.run({
    eachMessage: async ({ message }) => {
      seen.push(record('c', message));
      if (seen.length < slowUntil) await sleep(0);
    },
  });
  return { topic, counts, seen, crashes, consumer };
}

async function finish(s: {
  consumer: Consumer;
  seen: Seen[];
  counts: Map<number, number>;
  crashes: unknown[];
}) {
  await waitFor(`${TOTAL} messages (have ${s.seen.length})`, () => s.seen.length >= TOTAL, {
    timeoutMs: 30_000,
  });
  await sleep(100);
  await s.consumer.disconnect();
  checkExactlyOnceInOrder(s.seen, s.counts);
  expect(s.crashes).toEqual([]);
}

describe('consumer faults on broker-dev', () => {
  it('retries fetches answered with NOT_LEADER_OR_FOLLOWER (refreshing metadata)', async () => {
    const s = await scenario('f-not-leader');
    await waitFor('consumption to start', () => s.seen.length > 200, { timeoutMs: 10_000 });
    fx.broker.control.failNextRequests('Fetch', 3, ErrorCode.NOT_LEADER_OR_FOLLOWER);
    await finish(s);
  }, 40_000);

  it('follows partition leaders that move mid-stream', async () => {
    const s = await scenario('f-move');
    await waitFor('consumption to start', () => s.seen.length > 200, { timeoutMs: 10_000 });
    for (let p = 0; p < 4; p++) {
      const leader = fx.broker.control.leaderOf(s.topic, p);
      fx.broker.control.movePartitionLeader(s.topic, p, (leader % 3) + 1);
    }
    await finish(s);
  }, 40_000);

  it('re-establishes dropped connections', async () => {
    const s = await scenario('f-drop', { slowUntil: 3000 });
    for (let i = 0; i < 3; i++) {
      await waitFor('progress', () => s.seen.length > 300 * (i + 1), { timeoutMs: 10_000 });
      fx.broker.control.dropConnections();
    }
    await finish(s);
  }, 40_000);

  it('keeps going when a broker stops (its partitions get new leaders) and comes back', async () => {
    const s = await scenario('f-stop', { slowUntil: 3000 });
    await waitFor('consumption to start', () => s.seen.length > 300, { timeoutMs: 10_000 });
    const victim = fx.broker.control.leaderOf(s.topic, 0);
    const coordinator = fx.broker.control.coordinatorOf('f-stop');
    // Keep the coordinator up here; coordinator moves are covered below.
    const target = victim === coordinator ? fx.broker.control.leaderOf(s.topic, 1) : victim;
    if (target !== coordinator) {
      await fx.broker.control.stopBroker(target);
      await waitFor('progress without the broker', () => s.seen.length > 1500, { timeoutMs: 15_000 });
      await fx.broker.control.startBroker(target);
    }
    await finish(s);
  }, 40_000);

  it('handles coordinator errors on heartbeats, commits and offset fetches', async () => {
    fx.broker.control.failNextRequests('OffsetFetch', 2, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    const s = await scenario('f-coordinator');
    await waitFor('consumption to start', () => s.seen.length > 200, { timeoutMs: 10_000 });
    fx.broker.control.failNextRequests('Heartbeat', 2, ErrorCode.NOT_COORDINATOR);
    fx.broker.control.failNextRequests('OffsetCommit', 2, ErrorCode.NOT_COORDINATOR);
    await finish(s);
  }, 40_000);

  it('rejoins cleanly when the coordinator answers a heartbeat with REBALANCE_IN_PROGRESS', async () => {
    const s = await scenario('f-rebalance', { slowUntil: 3000 });
    let joins = 0;
    s.consumer.on(s.consumer.events.GROUP_JOIN, () => joins++);
    await waitFor('consumption to start', () => s.seen.length > 300, { timeoutMs: 10_000 });
    fx.broker.control.failNextRequests('Heartbeat', 1, ErrorCode.REBALANCE_IN_PROGRESS);
    fx.broker.control.failNextRequests('SyncGroup', 1, ErrorCode.REBALANCE_IN_PROGRESS);
    fx.broker.control.failNextRequests('JoinGroup', 1, ErrorCode.COORDINATOR_NOT_AVAILABLE);
    await finish(s);
    expect(joins).toBeGreaterThanOrEqual(1);
  }, 40_000);

  it('rejoins after UNKNOWN_MEMBER_ID without skipping anything', async () => {
    const s = await scenario('f-unknown', { slowUntil: 3000 });
    await waitFor('consumption to start', () => s.seen.length > 300, { timeoutMs: 10_000 });
    fx.broker.control.failNextRequests('Heartbeat', 1, ErrorCode.UNKNOWN_MEMBER_ID);
    const unique = () => new Set(s.seen.map((x) => `${x.partition}/${x.offset}`)).size;
    await waitFor('everything', () => unique() >= TOTAL, { timeoutMs: 30_000 });
    await s.consumer.disconnect();
    // Lost partitions are not committed, so some records may come again; none may be missing.
    checkExactlyOnceInOrder(s.seen, s.counts, { allowRedelivery: true });
  }, 40_000);

  it('resets by autoOffsetReset when the fetch position is out of range', async () => {
    const s = await scenario('f-range', { slowUntil: 0 });
    await waitFor('everything', () => s.seen.length >= TOTAL, { timeoutMs: 30_000 });
    // Idle now: the next fetch (a long poll over the partitions of one broker) is told its positions
    // are out of range, and 'earliest' takes those partitions back to offset 0.
    fx.broker.control.failNextRequests('Fetch', 1, ErrorCode.OFFSET_OUT_OF_RANGE);
    await waitFor('a partition read again from 0', () => s.seen.filter((x) => x.offset === 0).length > 4, {
      timeoutMs: 10_000,
    });
    await s.consumer.disconnect();
    checkExactlyOnceInOrder(s.seen, s.counts, { allowRedelivery: true });
    expect(s.crashes).toEqual([]);
  }, 40_000);

  it('survives latency on every fetch', async () => {
    fx.broker.control.addLatency(50, { api: 'Fetch', count: 20 });
    const s = await scenario('f-latency');
    await finish(s);
  }, 40_000);
});
