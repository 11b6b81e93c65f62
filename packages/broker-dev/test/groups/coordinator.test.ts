/**
 * The classic group state machine, driven directly with fake timers: member-id-required joins,
 * rebalances, rebalance/session/sync timeouts, static membership, protocol choice, offsets.
 */

import { ErrorCode } from '@samsa/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { coordinatorPartition } from '../../src/cluster/coordinator-partitions.js';
import type { JoinResult } from '../../src/groups/classic/group.js';
import type { JoinParams } from '../../src/groups/classic/membership.js';
import { GroupCoordinator } from '../../src/groups/coordinator.js';
import { DEFAULT_GROUP_CONFIG } from '../../src/groups/group-config.js';
import { MemoryOffsetStore } from '../../src/groups/offset-store.js';
import { silentLogger } from '../../src/logger.js';

let coordinator: GroupCoordinator;

beforeEach(() => {
  vi.useFakeTimers();
  coordinator = new GroupCoordinator(new MemoryOffsetStore(), DEFAULT_GROUP_CONFIG, silentLogger);
});
afterEach(() => {
  coordinator.shutdown();
  vi.useRealTimers();
});

const subscription = (topics: string[]) => {
  const parts = [Buffer.from([0, 1]), Buffer.alloc(4)];
  parts[1].writeInt32BE(topics.length);
  for (const t of topics) {
    const len = Buffer.alloc(2);
    len.writeInt16BE(t.length);
    parts.push(len, Buffer.from(t));
  }
  parts.push(Buffer.from([0xff, 0xff, 0xff, 0xff]));
  return Buffer.concat(parts);
};

function params(overrides: Partial<JoinParams> = {}): JoinParams {
  return {
    groupId: 'g',
    memberId: '',
    groupInstanceId: null,
    clientId: 'client',
    clientHost: '/127.0.0.1',
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 20_000,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: subscription(['t']) }],
    requireKnownMemberId: true,
    ...overrides,
  };
}

/** Joins with the member-id-required round trip, returning the (possibly pending) second join. */
async function join(
  overrides: Partial<JoinParams> = {},
): Promise<{ memberId: string; result: Promise<JoinResult> }> {
  const first = await coordinator.join(params(overrides));
  if (first.errorCode !== ErrorCode.MEMBER_ID_REQUIRED)
    return { memberId: first.memberId, result: Promise.resolve(first) };
  return {
    memberId: first.memberId,
    result: Promise.resolve(coordinator.join(params({ ...overrides, memberId: first.memberId }))),
  };
}

async function settled<T>(promise: Promise<T>): Promise<{ done: boolean; value?: T }> {
  let done = false;
  let value: T | undefined;
  void promise.then((v) => {
    done = true;
    value = v;
  });
  await vi.advanceTimersByTimeAsync(0);
  return { done, value };
}

async function sync(
  memberId: string,
  generationId: number,
  assignments: { memberId: string; assignment: Buffer }[] = [],
) {
  return coordinator.sync({
    groupId: 'g',
    generationId,
    memberId,
    groupInstanceId: null,
    protocolType: null,
    protocolName: null,
    assignments,
  });
}

describe('group coordinator', () => {
  it('makes a new member rejoin with an assigned id (JoinGroup v4+), then forms generation 1', async () => {
    const first = await coordinator.join(params());
    expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    expect(first.memberId).toMatch(/^client-/);
    const joined = await coordinator.join(params({ memberId: first.memberId }));
    expect(joined).toMatchObject({
      errorCode: 0,
      generationId: 1,
      protocolName: 'range',
      leaderId: first.memberId,
      memberId: first.memberId,
    });
    expect(joined.members.map((m) => m.memberId)).toEqual([first.memberId]);
    const synced = await sync(first.memberId, 1, [
      { memberId: first.memberId, assignment: Buffer.from('A') },
    ]);
    expect(synced).toMatchObject({ errorCode: 0, assignment: Buffer.from('A') });
    expect(coordinator.describe('g').state).toBe('Stable');
    expect(coordinator.heartbeat('g', first.memberId, null, 1)).toBe(0);
  });

  it('joins old clients (v0-3) directly', async () => {
    const joined = await coordinator.join(params({ requireKnownMemberId: false }));
    expect(joined.errorCode).toBe(0);
    expect(joined.generationId).toBe(1);
  });

  it('rebalances when a member joins: the others learn it from heartbeats and rejoin', async () => {
    const a = await join();
    const aResult = await a.result;
    await sync(a.memberId, 1, [{ memberId: a.memberId, assignment: Buffer.from('all') }]);

    const b = await join({ clientId: 'b' });
    expect((await settled(b.result)).done).toBe(false);
    expect(coordinator.describe('g').state).toBe('PreparingRebalance');
    expect(coordinator.heartbeat('g', a.memberId, null, aResult.generationId)).toBe(
      ErrorCode.REBALANCE_IN_PROGRESS,
    );

    const aAgain = coordinator.join(params({ memberId: a.memberId }));
    const [ra, rb] = await Promise.all([aAgain, b.result]);
    expect(ra.generationId).toBe(2);
    expect(rb.generationId).toBe(2);
    expect(ra.leaderId).toBe(a.memberId);
    expect(ra.members).toHaveLength(2);
    expect(rb.members).toHaveLength(0);

    // The follower's SyncGroup waits for the leader's assignment.
    const followerSync = sync(b.memberId, 2);
    expect((await settled(Promise.resolve(followerSync))).done).toBe(false);
    const leaderSync = await sync(a.memberId, 2, [
      { memberId: a.memberId, assignment: Buffer.from('a') },
      { memberId: b.memberId, assignment: Buffer.from('b') },
    ]);
    expect(leaderSync.assignment.toString()).toBe('a');
    expect((await followerSync).assignment.toString()).toBe('b');
    expect(coordinator.describe('g').state).toBe('Stable');
  });

  it('removes members that do not rejoin within the rebalance timeout', async () => {
    const a = await join({ rebalanceTimeoutMs: 5000 });
    await a.result;
    await sync(a.memberId, 1);
    const b = await join({ clientId: 'b', rebalanceTimeoutMs: 5000 });
    // a keeps heartbeating but never rejoins.
    for (let i = 0; i < 4; i++) {
      await vi.advanceTimersByTimeAsync(1000);
      coordinator.heartbeat('g', a.memberId, null, 1);
    }
    await vi.advanceTimersByTimeAsync(1500);
    const rb = await b.result;
    expect(rb).toMatchObject({ errorCode: 0, generationId: 2, leaderId: b.memberId });
    expect(coordinator.heartbeat('g', a.memberId, null, 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('expires members whose session times out and rebalances the rest', async () => {
    const a = await join();
    const b = await join({ clientId: 'b' });
    const ra = coordinator.join(params({ memberId: a.memberId }));
    const [first, second] = await Promise.all([ra, b.result]);
    expect(first.generationId).toBe(second.generationId);
    await sync(a.memberId, first.generationId, []);
    await sync(b.memberId, first.generationId, []);
    // Only b heartbeats.
    for (let i = 0; i < 12; i++) {
      await vi.advanceTimersByTimeAsync(1000);
      coordinator.heartbeat('g', b.memberId, null, first.generationId);
    }
    expect(coordinator.describe('g').members.map((m) => m.memberId)).toEqual([b.memberId]);
    expect(coordinator.heartbeat('g', b.memberId, null, first.generationId)).toBe(
      ErrorCode.REBALANCE_IN_PROGRESS,
    );
    const rejoined = await coordinator.join(params({ memberId: b.memberId }));
    expect(rejoined.generationId).toBe(first.generationId + 1);
  });

  it('removes a member that never sends SyncGroup after the rebalance timeout', async () => {
    const a = await join({ rebalanceTimeoutMs: 3000 });
    await a.result;
    await vi.advanceTimersByTimeAsync(3500);
    expect(coordinator.describe('g').state).toBe('Empty');
  });

  it('lets members leave; the last one leaving empties the group', async () => {
    const a = await join();
    await a.result;
    await sync(a.memberId, 1);
    const left = coordinator.leave('g', [{ memberId: a.memberId, groupInstanceId: null }]);
    expect(left.members[0].errorCode).toBe(0);
    const summary = coordinator.describe('g');
    expect(summary.state).toBe('Empty');
    expect(coordinator.leave('g', [{ memberId: 'nobody', groupInstanceId: null }]).members[0].errorCode).toBe(
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
  });

  it('checks generation and membership on heartbeats and syncs', async () => {
    const a = await join();
    await a.result;
    expect(coordinator.heartbeat('g', a.memberId, null, 7)).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(coordinator.heartbeat('g', 'stranger', null, 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(coordinator.heartbeat('other-group', 'x', null, 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect((await sync(a.memberId, 9)).errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect((await sync('stranger', 1)).errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('rejects session timeouts outside the broker limits', async () => {
    expect((await coordinator.join(params({ sessionTimeoutMs: 1000 }))).errorCode).toBe(
      ErrorCode.INVALID_SESSION_TIMEOUT,
    );
  });

  it('chooses a protocol every member supports and passes metadata through untouched', async () => {
    const sticky = Buffer.from([0, 3, 1, 2, 3, 4, 5]);
    const a = await join({
      protocols: [
        { name: 'cooperative-sticky', metadata: sticky },
        { name: 'range', metadata: Buffer.from('ra') },
      ],
    });
    await a.result;
    const b = await join({
      clientId: 'b',
      protocols: [
        { name: 'range', metadata: Buffer.from('rb') },
        { name: 'cooperative-sticky', metadata: sticky },
      ],
    });
    const c = await join({ clientId: 'c', protocols: [{ name: 'cooperative-sticky', metadata: sticky }] });
    const ra = coordinator.join(
      params({
        memberId: a.memberId,
        protocols: [
          { name: 'cooperative-sticky', metadata: sticky },
          { name: 'range', metadata: Buffer.from('ra') },
        ],
      }),
    );
    const results = await Promise.all([ra, b.result, c.result]);
    expect(results.every((r) => r.protocolName === 'cooperative-sticky')).toBe(true);
    const leader = results.find((r) => r.members.length > 0)!;
    expect(leader.members.every((m) => m.metadata.equals(sticky))).toBe(true);
  });

  it('refuses members without a common protocol or with another protocol type', async () => {
    const a = await join();
    await a.result;
    expect(
      (
        await coordinator.join(
          params({
            protocols: [{ name: 'roundrobin', metadata: Buffer.alloc(0) }],
            requireKnownMemberId: false,
          }),
        )
      ).errorCode,
    ).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    expect(
      (await coordinator.join(params({ protocolType: 'connect', requireKnownMemberId: false }))).errorCode,
    ).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  });

  describe('static membership', () => {
    it('joins without member-id-required and keeps the generation when an instance restarts', async () => {
      const first = await coordinator.join(params({ groupInstanceId: 'instance-1' }));
      expect(first.errorCode).toBe(0);
      await sync(first.memberId, 1, [{ memberId: first.memberId, assignment: Buffer.from('mine') }]);
      // The instance restarts: unknown member id, same instance id.
      const again = await coordinator.join(params({ groupInstanceId: 'instance-1' }));
      expect(again.errorCode).toBe(0);
      expect(again.generationId).toBe(1);
      expect(again.memberId).not.toBe(first.memberId);
      expect(again.skipAssignment).toBe(true);
      expect(coordinator.describe('g').state).toBe('Stable');
      const synced = await coordinator.sync({
        groupId: 'g',
        generationId: 1,
        memberId: again.memberId,
        groupInstanceId: 'instance-1',
        protocolType: null,
        protocolName: null,
        assignments: [],
      });
      expect(synced.assignment.toString()).toBe('mine');
      // The old incarnation is fenced.
      expect(coordinator.heartbeat('g', first.memberId, 'instance-1', 1)).toBe(ErrorCode.FENCED_INSTANCE_ID);
    });

    it('keeps static members that miss a rebalance until their session expires', async () => {
      const s = await coordinator.join(params({ groupInstanceId: 'static', rebalanceTimeoutMs: 2000 }));
      await sync(s.memberId, 1);
      const d = await join({ clientId: 'dynamic', rebalanceTimeoutMs: 2000 });
      await vi.advanceTimersByTimeAsync(2100);
      const rd = await d.result;
      expect(rd.generationId).toBe(2);
      expect(coordinator.describe('g').members.map((m) => m.groupInstanceId)).toContain('static');
    });

    it('removes a static member on LeaveGroup by instance id', async () => {
      const s = await coordinator.join(params({ groupInstanceId: 'static' }));
      await sync(s.memberId, 1);
      const left = coordinator.leave('g', [{ memberId: '', groupInstanceId: 'static' }]);
      expect(left.members[0].errorCode).toBe(0);
      expect(coordinator.describe('g').state).toBe('Empty');
    });
  });

  it('delays the first rebalance of an empty group by group.initial.rebalance.delay.ms', async () => {
    coordinator = new GroupCoordinator(
      new MemoryOffsetStore(),
      { ...DEFAULT_GROUP_CONFIG, initialRebalanceDelayMs: 3000 },
      silentLogger,
    );
    const a = await join();
    await vi.advanceTimersByTimeAsync(1000);
    const b = await join({ clientId: 'b' });
    expect((await settled(a.result)).done).toBe(false);
    await vi.advanceTimersByTimeAsync(6000);
    const [ra, rb] = await Promise.all([a.result, b.result]);
    expect(ra.generationId).toBe(1);
    expect(rb.generationId).toBe(1);
  });

  describe('offsets', () => {
    const entry = (offset: number) => ({
      topic: 't',
      partition: 0,
      offset,
      leaderEpoch: -1,
      metadata: 'meta',
    });

    it('stores simple commits (generation -1) for groups without members', () => {
      expect(coordinator.commitOffsets('simple', '', null, -1, [entry(42)])).toEqual([0]);
      expect(coordinator.committed('simple', 't', 0)).toMatchObject({ offset: 42, metadata: 'meta' });
      expect(coordinator.describe('simple').state).toBe('Empty');
    });

    it('checks members, generations and rebalance state', async () => {
      const a = await join();
      await a.result;
      expect(coordinator.commitOffsets('g', a.memberId, null, 1, [entry(1)])).toEqual([
        ErrorCode.REBALANCE_IN_PROGRESS,
      ]);
      await sync(a.memberId, 1);
      expect(coordinator.commitOffsets('g', a.memberId, null, 1, [entry(5)])).toEqual([0]);
      expect(coordinator.commitOffsets('g', a.memberId, null, 3, [entry(6)])).toEqual([
        ErrorCode.ILLEGAL_GENERATION,
      ]);
      expect(coordinator.commitOffsets('g', 'stranger', null, 1, [entry(6)])).toEqual([
        ErrorCode.UNKNOWN_MEMBER_ID,
      ]);
      expect(coordinator.commitOffsets('unknown-group', 'x', null, 4, [entry(6)])).toEqual([
        ErrorCode.ILLEGAL_GENERATION,
      ]);
      expect(coordinator.committed('g', 't', 0)?.offset).toBe(5);
    });

    it('rejects metadata above offset.metadata.max.bytes', () => {
      expect(
        coordinator.commitOffsets('g2', '', null, -1, [{ ...entry(1), metadata: 'x'.repeat(5000) }]),
      ).toEqual([ErrorCode.OFFSET_METADATA_TOO_LARGE]);
    });

    it('deletes offsets only of topics the group does not consume', async () => {
      const a = await join();
      await a.result;
      await sync(a.memberId, 1);
      coordinator.commitOffsets('g', a.memberId, null, 1, [entry(1), { ...entry(2), topic: 'old' }]);
      const result = coordinator.deleteOffsets('g', [
        { topic: 't', partition: 0 },
        { topic: 'old', partition: 0 },
      ]);
      expect(result).toEqual({ errorCode: 0, partitionErrors: [ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC, 0] });
      expect(coordinator.committed('g', 'old', 0)).toBeUndefined();
      expect(coordinator.deleteOffsets('nope', []).errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    });
  });

  describe('offset expiry (offsets.retention.minutes)', () => {
    const DAY = 24 * 60 * 60 * 1000;
    const RETENTION = 7 * DAY;
    const entry = (topic: string, offset: number) => ({
      topic,
      partition: 0,
      offset,
      leaderEpoch: -1,
      metadata: null,
    });

    it('expires the commits of a group without members by commit time, then drops the group', () => {
      coordinator.commitOffsets('simple', '', null, -1, [entry('t', 1)]);
      vi.advanceTimersByTime(DAY);
      coordinator.commitOffsets('simple', '', null, -1, [entry('u', 2)]);
      expect(coordinator.expireOffsets(Date.now() + RETENTION - DAY - 1)).toBe(0);
      expect(coordinator.expireOffsets(Date.now() + RETENTION - DAY)).toBe(1);
      expect(coordinator.committed('simple', 't', 0)).toBeUndefined();
      expect(coordinator.committed('simple', 'u', 0)?.offset).toBe(2);
      expect(coordinator.expireOffsets(Date.now() + RETENTION)).toBe(1);
      expect(coordinator.describe('simple').state).toBe('Dead');
    });

    it("keeps an empty consumer group's offsets until it has been empty for the retention time", async () => {
      const a = await join();
      await a.result;
      await sync(a.memberId, 1);
      coordinator.commitOffsets('g', a.memberId, null, 1, [entry('t', 7)]);
      // Stable with a member: its subscribed topic never expires.
      expect(coordinator.expireOffsets(Date.now() + RETENTION * 2)).toBe(0);
      vi.advanceTimersByTime(5000);
      coordinator.leave('g', [{ memberId: a.memberId, groupInstanceId: null }]);
      expect(coordinator.describe('g').state).toBe('Empty');
      // The commit is old, but the group only just became empty.
      expect(coordinator.expireOffsets(Date.now() + RETENTION - 1)).toBe(0);
      expect(coordinator.committed('g', 't', 0)?.offset).toBe(7);
      expect(coordinator.expireOffsets(Date.now() + RETENTION)).toBe(1);
      expect(coordinator.describe('g').state).toBe('Dead');
    });

    it('expires offsets of topics a stable consumer group no longer subscribes to', async () => {
      const a = await join();
      await a.result;
      await sync(a.memberId, 1);
      coordinator.commitOffsets('g', a.memberId, null, 1, [entry('t', 1), entry('old', 2)]);
      expect(coordinator.expireOffsets(Date.now() + RETENTION)).toBe(1);
      expect(coordinator.committed('g', 'old', 0)).toBeUndefined();
      expect(coordinator.committed('g', 't', 0)?.offset).toBe(1);
      expect(coordinator.describe('g').state).toBe('Stable');
    });

    it("after a restart, expires an empty group's offsets by their commit time", () => {
      const store = new MemoryOffsetStore();
      const before = new GroupCoordinator(store, DEFAULT_GROUP_CONFIG, silentLogger);
      before.commitOffsets('g', '', null, -1, [entry('t', 3)]);
      before.shutdown();
      const after = new GroupCoordinator(
        store,
        { ...DEFAULT_GROUP_CONFIG, offsetsRetentionMs: DAY },
        silentLogger,
      );
      expect(after.expireOffsets(Date.now() + DAY - 1)).toBe(0);
      expect(after.expireOffsets(Date.now() + DAY)).toBe(1);
      expect(after.describe('g').state).toBe('Dead');
      after.shutdown();
    });
  });

  it('deletes only empty groups', async () => {
    const a = await join();
    await a.result;
    expect(coordinator.deleteGroup('g')).toBe(ErrorCode.NON_EMPTY_GROUP);
    coordinator.leave('g', [{ memberId: a.memberId, groupInstanceId: null }]);
    expect(coordinator.deleteGroup('g')).toBe(0);
    expect(coordinator.describe('g').state).toBe('Dead');
    expect(coordinator.deleteGroup('g')).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
  });
});

describe('transactional offsets (TxnOffsetCommit)', () => {
  const entry = (partition: number, offset: number, metadata: string | null = null) => ({
    topic: 't',
    partition,
    offset,
    leaderEpoch: -1,
    metadata,
  });
  const PRODUCER = 500;

  it('holds the offsets until the transaction commits, and drops them if it aborts', () => {
    expect(coordinator.commitTransactionalOffsets('g', PRODUCER, '', null, -1, [entry(0, 10)])).toEqual([0]);
    expect(coordinator.committed('g', 't', 0)).toBeUndefined();
    expect(coordinator.hasPendingTransactionalOffset('g', 't', 0)).toBe(true);
    expect(coordinator.hasPendingTransactionalOffset('g', 't', 1)).toBe(false);
    coordinator.completeTransaction(coordinatorPartition('g'), PRODUCER, true);
    expect(coordinator.committed('g', 't', 0)?.offset).toBe(10);
    expect(coordinator.hasPendingTransactionalOffset('g', 't', 0)).toBe(false);

    coordinator.commitTransactionalOffsets('g', PRODUCER, '', null, -1, [entry(0, 20)]);
    coordinator.completeTransaction(coordinatorPartition('g'), PRODUCER, false);
    expect(coordinator.committed('g', 't', 0)?.offset).toBe(10);
    expect(coordinator.hasPendingTransactionalOffset('g', 't', 0)).toBe(false);
  });

  it("completes only the marker's producer in the groups of the marker's offsets partition", () => {
    const other = ['h', 'i', 'j', 'k'].find((g) => coordinatorPartition(g) !== coordinatorPartition('g'))!;
    coordinator.commitTransactionalOffsets('g', PRODUCER, '', null, -1, [entry(0, 1)]);
    coordinator.commitTransactionalOffsets('g', PRODUCER + 1, '', null, -1, [entry(1, 2)]);
    coordinator.commitTransactionalOffsets(other, PRODUCER, '', null, -1, [entry(0, 3)]);
    coordinator.completeTransaction(coordinatorPartition('g'), PRODUCER, true);
    expect(coordinator.committed('g', 't', 0)?.offset).toBe(1);
    expect(coordinator.committed('g', 't', 1)).toBeUndefined();
    expect(coordinator.committed(other, 't', 0)).toBeUndefined();
    expect(coordinator.hasPendingTransactionalOffset(other, 't', 0)).toBe(true);
  });

  it('lets a later plain commit win over a pending transactional offset, as in Kafka’s log', () => {
    coordinator.commitTransactionalOffsets('g', PRODUCER, '', null, -1, [entry(0, 10)]);
    coordinator.commitOffsets('g', '', null, -1, [entry(0, 30)]);
    coordinator.completeTransaction(coordinatorPartition('g'), PRODUCER, true);
    expect(coordinator.committed('g', 't', 0)?.offset).toBe(30);
  });

  it('creates a missing group only for generation -1', () => {
    expect(coordinator.commitTransactionalOffsets('new', PRODUCER, 'm', null, 3, [entry(0, 1)])).toEqual([
      ErrorCode.ILLEGAL_GENERATION,
    ]);
    expect(coordinator.describe('new').state).toBe('Dead');
    expect(coordinator.commitTransactionalOffsets('new', PRODUCER, '', null, -1, [entry(0, 1)])).toEqual([0]);
    expect(coordinator.describe('new').state).toBe('Empty');
  });

  it('checks member, instance and generation when the producer sends them (KIP-447)', async () => {
    const a = await join({ groupInstanceId: 'instance-a' });
    await a.result;
    await sync(a.memberId, 1);
    const commit = (memberId: string, instance: string | null, generation: number) =>
      coordinator.commitTransactionalOffsets('g', PRODUCER, memberId, instance, generation, [entry(0, 1)])[0];
    expect(commit(a.memberId, 'instance-a', 1)).toBe(ErrorCode.NONE);
    expect(commit(a.memberId, 'instance-a', 2)).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(commit('stranger', null, 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(commit('stranger', 'instance-a', 1)).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect(commit(a.memberId, 'instance-b', 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    // TxnOffsetCommit v0-2 carries no member information: accepted whatever the group does.
    expect(commit('', null, -1)).toBe(ErrorCode.NONE);
  });

  it('refuses metadata over offset.metadata.max.bytes per partition', () => {
    const big = 'x'.repeat(DEFAULT_GROUP_CONFIG.maxOffsetMetadataBytes + 1);
    expect(
      coordinator.commitTransactionalOffsets('g', PRODUCER, '', null, -1, [
        entry(0, 1, big),
        entry(1, 2, 'ok'),
      ]),
    ).toEqual([ErrorCode.OFFSET_METADATA_TOO_LARGE, ErrorCode.NONE]);
    expect(coordinator.hasPendingTransactionalOffset('g', 't', 0)).toBe(false);
    expect(coordinator.hasPendingTransactionalOffset('g', 't', 1)).toBe(true);
  });

  it('brings back a group that only has pending offsets after a restart, still completable', () => {
    const store = new MemoryOffsetStore();
    const before = new GroupCoordinator(store, DEFAULT_GROUP_CONFIG, silentLogger);
    before.commitTransactionalOffsets('pending-only', PRODUCER, '', null, -1, [entry(0, 4)]);
    before.shutdown();
    const after = new GroupCoordinator(store, DEFAULT_GROUP_CONFIG, silentLogger);
    expect(after.describe('pending-only').state).toBe('Empty');
    expect(after.expireOffsets(Date.now() + 365 * 24 * 60 * 60 * 1000)).toBe(0);
    expect(after.describe('pending-only').state).toBe('Empty');
    after.completeTransaction(coordinatorPartition('pending-only'), PRODUCER, true);
    expect(after.committed('pending-only', 't', 0)?.offset).toBe(4);
    after.shutdown();
  });
});
