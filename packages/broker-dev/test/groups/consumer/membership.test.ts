/**
 * The KIP-848 coordinator driven directly (Kafka's GroupMetadataManagerTest territory): joining,
 * validation, epochs and reconciliation, fencing, timeouts, static members, subscriptions and
 * regexes, assignor choice, offsets under member epochs, and the classic/consumer boundary.
 */
import { ErrorCode } from '@samsa/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GroupCoordinator } from '../../../src/groups/coordinator.js';
import {
  FakeTopics,
  heartbeatError,
  heartbeatParams,
  idOf,
  names,
  newCoordinator,
  SimulatedMember,
  settle,
} from './helpers.js';

let topics: FakeTopics;
let coordinator: GroupCoordinator;

beforeEach(() => {
  vi.useFakeTimers();
  topics = new FakeTopics({ t: 6, u: 3 });
  coordinator = newCoordinator(topics, { consumerHeartbeatIntervalMs: 500, consumerSessionTimeoutMs: 3000 });
});
afterEach(() => {
  coordinator.shutdown();
  vi.useRealTimers();
});

const all = (topic: string, n: number) => Array.from({ length: n }, (_, i) => `${topic}:${i}`);

describe('joining', () => {
  it('gives the first member every partition at the group epoch, with the heartbeat interval', () => {
    const result = coordinator.consumerHeartbeat(heartbeatParams());
    expect(result).toMatchObject({ memberId: 'm1', memberEpoch: 1, heartbeatIntervalMs: 500 });
    expect(names(result.assignment)).toEqual(all('t', 6));
    expect(coordinator.consumerGroup('g')?.state).toBe('Stable');
  });

  it('generates a member id for v0 joins and refuses an empty one from v1 on (KIP-1082)', () => {
    const v0 = coordinator.consumerHeartbeat(heartbeatParams({ apiVersion: 0, memberId: '' }));
    expect(v0.memberId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(heartbeatError(coordinator, heartbeatParams({ memberId: '' })).code).toBe(
      ErrorCode.INVALID_REQUEST,
    );
  });

  it('validates requests as Kafka does', () => {
    const cases: [Partial<Parameters<typeof heartbeatParams>[0]>, number, string][] = [
      [{ groupId: '' }, ErrorCode.INVALID_REQUEST, "GroupId can't be empty."],
      [{ instanceId: '' }, ErrorCode.INVALID_REQUEST, "InstanceId can't be empty."],
      [{ rackId: '' }, ErrorCode.INVALID_REQUEST, "RackId can't be empty."],
      [{ rebalanceTimeoutMs: -1 }, ErrorCode.INVALID_REQUEST, 'RebalanceTimeoutMs must be provided'],
      [{ topicPartitions: null }, ErrorCode.INVALID_REQUEST, 'TopicPartitions must be empty'],
      [
        { topicPartitions: [{ topicId: idOf('t'), partitions: [0] }] },
        ErrorCode.INVALID_REQUEST,
        'must be empty',
      ],
      [
        { subscribedTopicNames: [] },
        ErrorCode.INVALID_REQUEST,
        'SubscribedTopicNames or SubscribedTopicRegex',
      ],
      [{ memberEpoch: -3 }, ErrorCode.INVALID_REQUEST, 'MemberEpoch is invalid.'],
      [{ memberEpoch: -2 }, ErrorCode.INVALID_REQUEST, "InstanceId can't be null."],
      [{ memberEpoch: 3, memberId: '' }, ErrorCode.INVALID_REQUEST, "MemberId can't be empty."],
      [{ serverAssignor: 'sticky' }, ErrorCode.UNSUPPORTED_ASSIGNOR, 'Supported assignors: uniform, range.'],
      [
        { subscribedTopicRegex: 't(' },
        ErrorCode.INVALID_REGULAR_EXPRESSION,
        'not a valid regular expression',
      ],
      // RE2 has no lookarounds: JavaScript's RegExp would take this, Kafka does not.
      [{ subscribedTopicRegex: '(?=t).*' }, ErrorCode.INVALID_REGULAR_EXPRESSION, 'not a valid'],
    ];
    for (const [overrides, code, message] of cases) {
      const error = heartbeatError(coordinator, heartbeatParams(overrides));
      expect(error, JSON.stringify(overrides)).toMatchObject({ code });
      expect(error.message).toContain(message);
    }
    expect(coordinator.consumerGroup('g')).toBeUndefined();
  });

  it('refuses members past group.consumer.max.size, but not the members already in', () => {
    coordinator.shutdown();
    coordinator = newCoordinator(topics, { consumerMaxSize: 2 });
    const a = new SimulatedMember(coordinator, 'a');
    const b = new SimulatedMember(coordinator, 'b');
    a.heartbeat();
    b.heartbeat();
    expect(heartbeatError(coordinator, heartbeatParams({ memberId: 'c' })).code).toBe(
      ErrorCode.GROUP_MAX_SIZE_REACHED,
    );
    expect(() => a.heartbeat()).not.toThrow();
  });

  it('answers GROUP_ID_NOT_FOUND for a heartbeat above epoch 0 to a group that does not exist', () => {
    expect(heartbeatError(coordinator, heartbeatParams({ memberEpoch: 4 })).code).toBe(
      ErrorCode.GROUP_ID_NOT_FOUND,
    );
  });
});

describe('reconciliation', () => {
  it('revokes before it assigns: the newcomer gets only free partitions, the epoch fences the rest', () => {
    const a = new SimulatedMember(coordinator, 'a');
    a.heartbeat();
    expect(a.epoch).toBe(1);
    const b = new SimulatedMember(coordinator, 'b');
    b.heartbeat();
    // b joined at group epoch 2; everything is still a's, so b gets nothing yet.
    expect(b.epoch).toBe(2);
    expect(b.partitions).toEqual([]);
    expect(coordinator.consumerGroup('g')?.state).toBe('Reconciling');
    // a sees its shrunken assignment at its old epoch and must revoke first.
    const shrunk = coordinator.consumerHeartbeat(
      heartbeatParams({
        memberId: 'a',
        memberEpoch: 1,
        topicPartitions: a.owned,
        subscribedTopicNames: null,
        rebalanceTimeoutMs: -1,
      }),
    );
    expect(shrunk.memberEpoch).toBe(1);
    expect(names(shrunk.assignment)).toHaveLength(3);
    // b still cannot have a's partitions while a reports owning them.
    b.heartbeat();
    expect(b.partitions).toEqual([]);
    // a acknowledges (reports the smaller set): it moves to epoch 2, and b gets the freed partitions.
    a.owned = shrunk.assignment!;
    a.heartbeat();
    expect(a.epoch).toBe(2);
    b.heartbeat();
    expect(b.partitions).toHaveLength(3);
    expect([...a.partitions, ...b.partitions].sort()).toEqual(all('t', 6));
    expect(coordinator.consumerGroup('g')?.state).toBe('Stable');
  });

  it('omits the assignment from unchanged partial heartbeats and sends it on every full one', () => {
    const a = new SimulatedMember(coordinator, 'a');
    a.heartbeat();
    const partial = coordinator.consumerHeartbeat(
      heartbeatParams({
        memberId: 'a',
        memberEpoch: a.epoch,
        rebalanceTimeoutMs: -1,
        subscribedTopicNames: null,
        topicPartitions: null,
      }),
    );
    expect(partial.assignment).toBeNull();
    const full = coordinator.consumerHeartbeat(
      heartbeatParams({ memberId: 'a', memberEpoch: a.epoch, topicPartitions: a.owned }),
    );
    expect(names(full.assignment)).toEqual(all('t', 6));
  });

  it('forgives a lost response (previous epoch, owned within the assignment) and fences other epochs', () => {
    const a = new SimulatedMember(coordinator, 'a');
    a.heartbeat();
    const b = new SimulatedMember(coordinator, 'b');
    b.heartbeat();
    settle([a, b]);
    expect(a.epoch).toBe(2);
    // a's answer bumping it to 2 was lost: it comes back with 1 and a subset of its assignment.
    const lost = coordinator.consumerHeartbeat(
      heartbeatParams({ memberId: 'a', memberEpoch: 1, topicPartitions: a.owned }),
    );
    expect(lost.memberEpoch).toBe(2);
    const ahead = heartbeatError(
      coordinator,
      heartbeatParams({ memberId: 'a', memberEpoch: 3, topicPartitions: a.owned }),
    );
    expect(ahead.code).toBe(ErrorCode.FENCED_MEMBER_EPOCH);
    expect(ahead.message).toContain('greater member epoch (3)');
    // The previous epoch while still claiming partitions outside the assignment: fenced.
    const stale = heartbeatError(
      coordinator,
      heartbeatParams({
        memberId: 'a',
        memberEpoch: 1,
        topicPartitions: [{ topicId: idOf('t'), partitions: [0, 1, 2, 3, 4, 5] }],
      }),
    );
    expect(stale.code).toBe(ErrorCode.FENCED_MEMBER_EPOCH);
    expect(heartbeatError(coordinator, heartbeatParams({ memberId: 'nobody', memberEpoch: 2 })).code).toBe(
      ErrorCode.UNKNOWN_MEMBER_ID,
    );
  });

  it('takes a fenced member back at epoch 0 under the same id, with its partitions', () => {
    const a = new SimulatedMember(coordinator, 'a');
    const b = new SimulatedMember(coordinator, 'b');
    a.heartbeat();
    b.heartbeat();
    settle([a, b]);
    const before = a.partitions;
    a.epoch = 0;
    a.owned = [];
    const rejoined = a.heartbeat();
    expect(rejoined.memberEpoch).toBe(b.epoch);
    expect(a.partitions).toEqual(before);
  });
});

describe('leaving and timeouts', () => {
  it('leave (-1) frees the partitions for the others at the next epoch', () => {
    const a = new SimulatedMember(coordinator, 'a');
    const b = new SimulatedMember(coordinator, 'b');
    a.heartbeat();
    b.heartbeat();
    settle([a, b]);
    const epoch = coordinator.consumerGroup('g')!.groupEpoch;
    const left = coordinator.consumerHeartbeat(heartbeatParams({ memberId: 'b', memberEpoch: -1 }));
    expect(left.memberEpoch).toBe(-1);
    expect(coordinator.consumerGroup('g')!.groupEpoch).toBe(epoch + 1);
    settle([a]);
    expect(a.partitions).toEqual(all('t', 6));
  });

  it('removes a member whose session expires', () => {
    const a = new SimulatedMember(coordinator, 'a');
    const b = new SimulatedMember(coordinator, 'b');
    a.heartbeat();
    b.heartbeat();
    settle([a, b]);
    for (let i = 0; i < 8; i++) {
      vi.advanceTimersByTime(500);
      a.heartbeat();
    }
    expect(coordinator.consumerGroup('g')!.members.has('b')).toBe(false);
    expect(a.partitions).toEqual(all('t', 6));
    expect(
      heartbeatError(
        coordinator,
        heartbeatParams({ memberId: 'b', memberEpoch: b.epoch, topicPartitions: b.owned }),
      ).code,
    ).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('fences a member that holds on to revoked partitions past its rebalance timeout', () => {
    const a = new SimulatedMember(coordinator, 'a', { rebalanceTimeoutMs: 1000 });
    a.heartbeat();
    const b = new SimulatedMember(coordinator, 'b');
    b.heartbeat();
    // a keeps heartbeating (its session lives) but never gives anything up.
    const everything = a.owned;
    for (let i = 0; i < 4; i++) {
      vi.advanceTimersByTime(400);
      if (!coordinator.consumerGroup('g')!.members.has('a')) break;
      coordinator.consumerHeartbeat(
        heartbeatParams({
          memberId: 'a',
          memberEpoch: 1,
          topicPartitions: everything,
          rebalanceTimeoutMs: 1000,
        }),
      );
      b.heartbeat();
    }
    expect(coordinator.consumerGroup('g')!.members.has('a')).toBe(false);
    settle([b]);
    expect(b.partitions).toEqual(all('t', 6));
  });
});

describe('static members', () => {
  const staticMember = (id: string, instance: string) =>
    new SimulatedMember(coordinator, id, { instanceId: instance });

  it('keep their partitions at epoch -2 and take them back under a new member id without a rebalance', () => {
    const a = staticMember('a1', 'A');
    const b = staticMember('b1', 'B');
    a.heartbeat();
    b.heartbeat();
    settle([a, b]);
    const partitions = a.partitions;
    const epoch = coordinator.consumerGroup('g')!.groupEpoch;
    const left = coordinator.consumerHeartbeat(
      heartbeatParams({ memberId: 'a1', memberEpoch: -2, instanceId: 'A' }),
    );
    expect(left.memberEpoch).toBe(-2);
    // b gets none of them while A is away.
    settle([b]);
    expect(b.partitions).not.toEqual(expect.arrayContaining(partitions));
    const restarted = staticMember('a2', 'A');
    restarted.heartbeat();
    expect(restarted.partitions).toEqual(partitions);
    expect(coordinator.consumerGroup('g')!.groupEpoch).toBe(epoch);
    expect(coordinator.consumerGroup('g')!.members.has('a1')).toBe(false);
  });

  it('UNRELEASED_INSTANCE_ID for a second instance while the first is active; FENCED_INSTANCE_ID for the old id', () => {
    const a = staticMember('a1', 'A');
    a.heartbeat();
    expect(heartbeatError(coordinator, heartbeatParams({ memberId: 'a2', instanceId: 'A' })).code).toBe(
      ErrorCode.UNRELEASED_INSTANCE_ID,
    );
    coordinator.consumerHeartbeat(heartbeatParams({ memberId: 'a1', memberEpoch: -2, instanceId: 'A' }));
    staticMember('a2', 'A').heartbeat();
    const old = heartbeatError(
      coordinator,
      heartbeatParams({ memberId: 'a1', memberEpoch: 1, instanceId: 'A', topicPartitions: [] }),
    );
    expect(old.code).toBe(ErrorCode.FENCED_INSTANCE_ID);
    expect(
      heartbeatError(coordinator, heartbeatParams({ memberId: 'x', memberEpoch: 1, instanceId: 'Z' })).code,
    ).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it('a static member away past its session is removed and its partitions move', () => {
    const a = staticMember('a1', 'A');
    const b = staticMember('b1', 'B');
    a.heartbeat();
    b.heartbeat();
    settle([a, b]);
    coordinator.consumerHeartbeat(heartbeatParams({ memberId: 'a1', memberEpoch: -2, instanceId: 'A' }));
    for (let i = 0; i < 8; i++) {
      vi.advanceTimersByTime(500);
      b.heartbeat();
    }
    expect(coordinator.consumerGroup('g')!.staticMembers.has('A')).toBe(false);
    expect(b.partitions).toEqual(all('t', 6));
  });
});

describe('subscriptions', () => {
  it('bumps the epoch and reassigns when partitions are added or a subscribed topic appears', () => {
    const a = new SimulatedMember(coordinator, 'a', { subscribedTopicNames: ['t', 'later'] });
    const b = new SimulatedMember(coordinator, 'b', { subscribedTopicNames: ['t', 'later'] });
    a.heartbeat();
    b.heartbeat();
    settle([a, b]);
    const epoch = coordinator.consumerGroup('g')!.groupEpoch;
    topics.set('t', 8);
    settle([a, b]);
    expect(coordinator.consumerGroup('g')!.groupEpoch).toBe(epoch + 1);
    expect([...a.partitions, ...b.partitions].sort()).toEqual(all('t', 8));
    topics.set('later', 2);
    settle([a, b]);
    expect([...a.partitions, ...b.partitions].sort()).toEqual([...all('later', 2), ...all('t', 8)].sort());
  });

  it('resolves regexes against whole topic names and picks up new matching topics', () => {
    topics.set('orders-eu', 2);
    topics.set('orders-us', 2);
    topics.set('xorders-1', 2);
    const a = new SimulatedMember(coordinator, 'a', {
      subscribedTopicNames: null,
      subscribedTopicRegex: 'orders-.*',
    });
    a.heartbeat({ subscribedTopicNames: [] });
    expect(a.partitions).toEqual([...all('orders-eu', 2), ...all('orders-us', 2)]);
    topics.set('orders-asia', 1);
    settle([a]);
    expect(a.partitions).toContain('orders-asia:0');
    expect(coordinator.consumerGroup('g')!.isSubscribedTo('orders-asia')).toBe(true);
    expect(coordinator.consumerGroup('g')!.isSubscribedTo('xorders-1')).toBe(false);
  });

  it('moves partitions of a topic nobody subscribes to any more', () => {
    const a = new SimulatedMember(coordinator, 'a', { subscribedTopicNames: ['t', 'u'] });
    a.heartbeat();
    expect(a.partitions).toHaveLength(9);
    a.options.subscribedTopicNames = ['u'];
    settle([a], 5);
    expect(a.partitions).toEqual(all('u', 3));
  });
});

describe('assignors', () => {
  it('uses the assignor most members ask for, else the first configured (uniform)', () => {
    const a = new SimulatedMember(coordinator, 'a', { serverAssignor: 'range' });
    a.heartbeat();
    expect(coordinator.consumerGroup('g')!.preferredServerAssignor()).toBe('range');
    const b = new SimulatedMember(coordinator, 'b', { serverAssignor: 'range' });
    b.heartbeat();
    settle([a, b]);
    // range gives contiguous halves.
    expect([a.partitions, b.partitions].sort()).toEqual([
      ['t:0', 't:1', 't:2'],
      ['t:3', 't:4', 't:5'],
    ]);
  });
});

describe('offsets under member epochs', () => {
  const entry = { topic: 't', partition: 0, offset: 5, leaderEpoch: -1, metadata: null };

  it('OffsetCommit v9: current epoch commits; STALE_MEMBER_EPOCH, UNKNOWN_MEMBER_ID, UNSUPPORTED_VERSION below v9', () => {
    const a = new SimulatedMember(coordinator, 'a');
    a.heartbeat();
    expect(coordinator.commitOffsets('g', 'a', null, a.epoch, [entry], 9)).toEqual([ErrorCode.NONE]);
    expect(coordinator.commitOffsets('g', 'a', null, a.epoch + 1, [entry], 9)).toEqual([
      ErrorCode.STALE_MEMBER_EPOCH,
    ]);
    expect(coordinator.commitOffsets('g', 'zz', null, a.epoch, [entry], 9)).toEqual([
      ErrorCode.UNKNOWN_MEMBER_ID,
    ]);
    expect(coordinator.commitOffsets('g', 'a', null, a.epoch, [entry], 8)).toEqual([
      ErrorCode.UNSUPPORTED_VERSION,
    ]);
    // An admin commit (-1) only while the group has no members.
    expect(coordinator.commitOffsets('g', '', null, -1, [entry], 9)).toEqual([ErrorCode.UNKNOWN_MEMBER_ID]);
    a.leave();
    expect(coordinator.commitOffsets('g', '', null, -1, [entry], 9)).toEqual([ErrorCode.NONE]);
  });

  it('TxnOffsetCommit validation: generation = member epoch, a stale one is ILLEGAL_GENERATION', () => {
    const a = new SimulatedMember(coordinator, 'a');
    a.heartbeat();
    const txn = { apiVersion: 3, transactional: true };
    expect(coordinator.validateOffsetCommit('g', 'a', null, a.epoch, txn)).toBe(ErrorCode.NONE);
    expect(coordinator.validateOffsetCommit('g', 'a', null, a.epoch - 1, txn)).toBe(
      ErrorCode.ILLEGAL_GENERATION,
    );
  });

  it('OffsetFetch v9: members name their epoch; admin fetches (no id, -1) always pass', () => {
    const a = new SimulatedMember(coordinator, 'a');
    a.heartbeat();
    expect(coordinator.validateOffsetFetch('g', 'a', a.epoch)).toBe(ErrorCode.NONE);
    expect(coordinator.validateOffsetFetch('g', 'a', a.epoch + 1)).toBe(ErrorCode.STALE_MEMBER_EPOCH);
    expect(coordinator.validateOffsetFetch('g', 'zz', 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(coordinator.validateOffsetFetch('g', null, -1)).toBe(ErrorCode.NONE);
  });

  it('a missing group: GROUP_ID_NOT_FOUND from v9, ILLEGAL_GENERATION before', () => {
    expect(coordinator.commitOffsets('none', 'a', null, 3, [entry], 9)).toEqual([
      ErrorCode.GROUP_ID_NOT_FOUND,
    ]);
    expect(coordinator.commitOffsets('none', 'a', null, 3, [entry], 8)).toEqual([
      ErrorCode.ILLEGAL_GENERATION,
    ]);
  });

  it('OffsetDelete keeps subscribed topics; expiry spares them too', () => {
    const a = new SimulatedMember(coordinator, 'a');
    a.heartbeat();
    coordinator.commitOffsets('g', 'a', null, a.epoch, [entry, { ...entry, topic: 'u' }], 9);
    const deleted = coordinator.deleteOffsets('g', [
      { topic: 't', partition: 0 },
      { topic: 'u', partition: 0 },
    ]);
    expect(deleted.partitionErrors).toEqual([ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC, ErrorCode.NONE]);
    expect(coordinator.expireOffsets(Date.now() + 365 * 24 * 3600_000)).toBe(0);
    expect(coordinator.committed('g', 't', 0)?.offset).toBe(5);
  });
});

describe('classic and consumer groups side by side', () => {
  it('turns an empty classic group into a consumer group and an empty consumer group back', async () => {
    coordinator.commitOffsets('g', '', null, -1, [
      { topic: 't', partition: 0, offset: 1, leaderEpoch: -1, metadata: null },
    ]);
    expect(coordinator.get('g')?.state).toBe('Empty');
    const a = new SimulatedMember(coordinator, 'a');
    a.heartbeat();
    expect(coordinator.get('g')).toBeUndefined();
    expect(coordinator.listGroups()).toEqual([
      { groupId: 'g', protocolType: 'consumer', state: 'Stable', type: 'consumer' },
    ]);
    expect(coordinator.committed('g', 't', 0)?.offset).toBe(1);
    expect(coordinator.deleteGroup('g')).toBe(ErrorCode.NON_EMPTY_GROUP);
    a.leave();
    const joined = await coordinator.join({
      groupId: 'g',
      memberId: '',
      groupInstanceId: null,
      clientId: 'c',
      clientHost: 'h',
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 10_000,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: Buffer.alloc(0) }],
      requireKnownMemberId: false,
    });
    expect(joined.errorCode).toBe(ErrorCode.NONE);
    expect(coordinator.consumerGroup('g')).toBeUndefined();
  });

  it('refuses a consumer heartbeat for an active classic group, and a JoinGroup for an active consumer group', async () => {
    const joined = await coordinator.join({
      groupId: 'classic',
      memberId: '',
      groupInstanceId: null,
      clientId: 'c',
      clientHost: 'h',
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 10_000,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: Buffer.alloc(0) }],
      requireKnownMemberId: false,
    });
    expect(joined.errorCode).toBe(ErrorCode.NONE);
    const error = heartbeatError(coordinator, heartbeatParams({ groupId: 'classic' }));
    expect(error).toEqual({
      code: ErrorCode.GROUP_ID_NOT_FOUND,
      message: 'Group classic is not a consumer group.',
    });
    new SimulatedMember(coordinator, 'a').heartbeat();
    const refused = await coordinator.join({
      groupId: 'g',
      memberId: '',
      groupInstanceId: null,
      clientId: 'c',
      clientHost: 'h',
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 10_000,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: Buffer.alloc(0) }],
      requireKnownMemberId: false,
    });
    expect(refused.errorCode).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  });
});
