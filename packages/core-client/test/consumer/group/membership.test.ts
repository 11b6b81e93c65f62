import { ApiKey, type JoinGroupResponse, type SyncGroupResponse } from '@samsa/protocol';
import { waitFor } from '@samsa/test-support';
import { describe, expect, it } from 'vitest';
import {
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
} from '../../../src/assignors/consumer-protocol.js';
import { CooperativeStickyAssignor } from '../../../src/assignors/cooperative-sticky.js';
import { RangeAssignor } from '../../../src/assignors/range.js';
import type { PartitionAssignor } from '../../../src/assignors/types.js';
import {
  CommitFailedError,
  FencedInstanceIdError,
  RebalanceInProgressError,
} from '../../../src/cluster/group-errors.js';
import { commitOffsets, fetchCommittedOffsets } from '../../../src/cluster/group-offsets.js';
import { GroupJoinError } from '../../../src/consumer/errors.js';
import { ClassicConsumerMembership } from '../../../src/consumer/group/classic-consumer.js';
import { type HeartbeatEvent, Heartbeater } from '../../../src/consumer/group/heartbeat.js';
import type { GroupMembership } from '../../../src/consumer/group/membership.js';
import { ErrorCode } from '../../../src/errors.js';
import { nullLogger } from '../../../src/logger.js';
import { FakeCluster } from '../../helpers/fake-cluster.js';

function membership(
  cluster: FakeCluster,
  options: { instance?: string; assignors?: PartitionAssignor[] } = {},
) {
  return new ClassicConsumerMembership(
    cluster,
    {
      groupId: 'g',
      groupInstanceId: options.instance ?? null,
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 20_000,
      heartbeatIntervalMs: 3000,
      retryBackoffMs: 1,
      requestTimeoutMs: 5000,
      assignors: options.assignors ?? [new RangeAssignor()],
      clientRack: null,
      logger: nullLogger,
    },
    async (topics) => new Map(topics.map((t) => [t, 4] as const)),
    () => {},
  );
}

const joinOk = (memberId: string, extra: Partial<JoinGroupResponse> = {}): JoinGroupResponse => ({
  throttleTimeMs: 0,
  errorCode: 0,
  generationId: 7,
  protocolType: 'consumer',
  protocolName: 'range',
  leader: memberId,
  skipAssignment: false,
  memberId,
  members: [],
  ...extra,
});

const syncOk = (partitions: number[]): SyncGroupResponse => ({
  throttleTimeMs: 0,
  errorCode: 0,
  protocolType: 'consumer',
  protocolName: 'range',
  assignment: encodeAssignment({ assignedPartitions: [{ topic: 't', partitions }], userData: null }),
});

describe('GroupMembership.join', () => {
  it('does the MEMBER_ID_REQUIRED round trip, leads, assigns and syncs', async () => {
    const cluster = new FakeCluster();
    let joins = 0;
    cluster.on(ApiKey.JoinGroup, (req) => {
      joins++;
      if (req.memberId === '')
        return joinOk('m-1', { errorCode: ErrorCode.MEMBER_ID_REQUIRED, generationId: -1 });
      expect(req.memberId).toBe('m-1');
      expect(req.protocolType).toBe('consumer');
      const sub = decodeSubscription(req.protocols[0].metadata);
      expect(sub).toMatchObject({ version: 3, topics: ['t'], ownedPartitions: [], generationId: -1 });
      return joinOk('m-1', {
        members: [
          { memberId: 'm-1', groupInstanceId: null, metadata: req.protocols[0].metadata },
          {
            memberId: 'm-2',
            groupInstanceId: null,
            metadata: encodeSubscription({
              topics: ['t'],
              userData: null,
              ownedPartitions: [],
              generationId: -1,
              rackId: null,
            }),
          },
        ],
      });
    });
    cluster.on(ApiKey.SyncGroup, (req) => {
      expect(req.generationId).toBe(7);
      const byMember = Object.fromEntries(
        req.assignments.map((a) => [a.memberId, decodeAssignment(a.assignment).assignedPartitions]),
      );
      expect(byMember).toEqual({
        'm-1': [{ topic: 't', partitions: [0, 1] }],
        'm-2': [{ topic: 't', partitions: [2, 3] }],
      });
      return { ...syncOk([]), assignment: req.assignments[0].assignment };
    });
    const m = membership(cluster);
    const joined = await m.join({ topics: ['t'], ownedPartitions: [] });
    expect(joins).toBe(2);
    expect(joined).toEqual({
      generationId: 7,
      memberId: 'm-1',
      protocolName: 'range',
      isLeader: true,
      partitions: [{ topic: 't', partitions: [0, 1] }],
    });
    expect(m.inGroup).toBe(true);
    expect(cluster.sent.every((r) => r.purpose === 'group')).toBe(true);
  });

  it('a follower sends no assignments and takes what SyncGroup returns', async () => {
    const cluster = new FakeCluster()
      .on(ApiKey.JoinGroup, () => joinOk('me', { leader: 'someone-else' }))
      .on(ApiKey.SyncGroup, (req) => {
        expect(req.assignments).toEqual([]);
        return syncOk([3]);
      });
    const joined = await membership(cluster).join({ topics: ['t'], ownedPartitions: [] });
    expect(joined.isLeader).toBe(false);
    expect(joined.partitions).toEqual([{ topic: 't', partitions: [3] }]);
  });

  it('retries coordinator errors (looking the coordinator up again) and resets on UNKNOWN_MEMBER_ID', async () => {
    const codes = [
      ErrorCode.NOT_COORDINATOR,
      ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
      ErrorCode.UNKNOWN_MEMBER_ID,
    ];
    const seenIds: string[] = [];
    const cluster = new FakeCluster()
      .on(ApiKey.JoinGroup, (req) => {
        seenIds.push(req.memberId);
        const code = codes.shift();
        return code === undefined ? joinOk('fresh') : joinOk('stale', { errorCode: code });
      })
      .on(ApiKey.SyncGroup, () => syncOk([0]));
    const m = membership(cluster);
    m.memberId = 'old';
    await m.join({ topics: ['t'], ownedPartitions: [] });
    expect(cluster.invalidations).toBe(1);
    expect(seenIds).toEqual(['old', 'old', 'old', '']);
    expect(m.memberId).toBe('fresh');
  });

  it('rejoins when SyncGroup says REBALANCE_IN_PROGRESS or ILLEGAL_GENERATION', async () => {
    const syncCodes = [ErrorCode.REBALANCE_IN_PROGRESS, ErrorCode.ILLEGAL_GENERATION];
    let joins = 0;
    const cluster = new FakeCluster()
      .on(ApiKey.JoinGroup, () => {
        joins++;
        return joinOk('m', { leader: 'x' });
      })
      .on(ApiKey.SyncGroup, () => {
        const code = syncCodes.shift();
        return code === undefined ? syncOk([1]) : { ...syncOk([]), errorCode: code };
      });
    const joined = await membership(cluster).join({ topics: ['t'], ownedPartitions: [] });
    expect(joins).toBe(3);
    expect(joined.partitions).toEqual([{ topic: 't', partitions: [1] }]);
  });

  it('FENCED_INSTANCE_ID is fatal and says which instance id', async () => {
    const cluster = new FakeCluster().on(ApiKey.JoinGroup, () =>
      joinOk('m', { errorCode: ErrorCode.FENCED_INSTANCE_ID }),
    );
    const err = await membership(cluster, { instance: 'host-1' })
      .join({ topics: ['t'], ownedPartitions: [] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(FencedInstanceIdError);
    expect(err.message).toMatch(/groupInstanceId "host-1"/);
  });

  it('errors retrying cannot fix end the join with GroupJoinError', async () => {
    const cluster = new FakeCluster().on(ApiKey.JoinGroup, () =>
      joinOk('m', { errorCode: ErrorCode.INCONSISTENT_GROUP_PROTOCOL }),
    );
    const err = await membership(cluster)
      .join({ topics: ['t'], ownedPartitions: [] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(GroupJoinError);
    expect(err.message).toMatch(/INCONSISTENT_GROUP_PROTOCOL/);
  });

  it('refuses static membership on brokers older than JoinGroup v5', async () => {
    const cluster = new FakeCluster().on(ApiKey.JoinGroup, () => joinOk('m'), 4);
    const err = await membership(cluster, { instance: 'i' })
      .join({ topics: ['t'], ownedPartitions: [] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(GroupJoinError);
    expect(err.message).toMatch(/JoinGroup v5/);
  });

  it('sends owned partitions and the generation for cooperative members', async () => {
    const cluster = new FakeCluster()
      .on(ApiKey.JoinGroup, (req) => {
        const sub = decodeSubscription(req.protocols[0].metadata);
        expect(req.protocols.map((p) => p.name)).toEqual(['cooperative-sticky']);
        expect(sub.ownedPartitions).toEqual([{ topic: 't', partitions: [0, 2] }]);
        expect(sub.generationId).toBe(3);
        expect(sub.userData?.readInt32BE(0)).toBe(3);
        return joinOk('m', { leader: 'x', protocolName: 'cooperative-sticky' });
      })
      .on(ApiKey.SyncGroup, () => syncOk([0, 2]));
    const m = membership(cluster, { assignors: [new CooperativeStickyAssignor()] });
    m.memberId = 'm';
    m.generationId = 3;
    await m.join({ topics: ['t'], ownedPartitions: [{ topic: 't', partitions: [0, 2] }] });
  });
});

describe('GroupMembership.leave', () => {
  it('dynamic members send LeaveGroup (members array from v3); static members do not', async () => {
    const cluster = new FakeCluster().on(
      ApiKey.LeaveGroup,
      () => ({ throttleTimeMs: 0, errorCode: 0, members: [] }),
      4,
    );
    const dynamic = membership(cluster);
    dynamic.memberId = 'm';
    dynamic.generationId = 2;
    await dynamic.leave('bye');
    expect(cluster.requests(ApiKey.LeaveGroup)[0].body).toEqual({
      groupId: 'g',
      members: [{ memberId: 'm', groupInstanceId: null, reason: 'bye' }],
    });
    expect(dynamic.inGroup).toBe(false);
    const stat = membership(cluster, { instance: 'i' });
    stat.memberId = 's';
    stat.generationId = 2;
    await stat.leave('bye');
    expect(cluster.requests(ApiKey.LeaveGroup)).toHaveLength(1);
    expect(stat.memberId).toBe('s');
  });
});

describe('offset commits and fetches', () => {
  const commit = (_cluster: FakeCluster, m: GroupMembership) =>
    commitOffsets(m, [{ topic: 't', partition: 0, offset: 42n, leaderEpoch: 3 }], {
      timeoutMs: 5000,
      retryBackoffMs: 1,
      groupInstanceId: null,
    });
  const joined = (cluster: FakeCluster) => {
    const m = membership(cluster);
    m.memberId = 'm';
    m.generationId = 5;
    return m;
  };
  const commitResponse = (errorCode: number) => ({
    throttleTimeMs: 0,
    topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode }] }],
  });

  it('sends generation, member id and leader epoch; retries coordinator errors', async () => {
    const codes = [ErrorCode.NOT_COORDINATOR, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS];
    const cluster = new FakeCluster().on(ApiKey.OffsetCommit, () => commitResponse(codes.shift() ?? 0), 8);
    await commit(cluster, joined(cluster));
    const sent = cluster.requests(ApiKey.OffsetCommit);
    expect(sent).toHaveLength(3);
    expect(sent[0].body).toMatchObject({
      groupId: 'g',
      generationIdOrMemberEpoch: 5,
      memberId: 'm',
      topics: [
        { name: 't', partitions: [{ partitionIndex: 0, committedOffset: 42n, committedLeaderEpoch: 3 }] },
      ],
    });
    expect(cluster.invalidations).toBe(1);
  });

  it('maps a lost generation to CommitFailedError and a rebalance to RebalanceInProgressError', async () => {
    const lost = new FakeCluster().on(
      ApiKey.OffsetCommit,
      () => commitResponse(ErrorCode.ILLEGAL_GENERATION),
      8,
    );
    await expect(commit(lost, joined(lost))).rejects.toBeInstanceOf(CommitFailedError);
    const busy = new FakeCluster().on(
      ApiKey.OffsetCommit,
      () => commitResponse(ErrorCode.REBALANCE_IN_PROGRESS),
      8,
    );
    await expect(commit(busy, joined(busy))).rejects.toBeInstanceOf(RebalanceInProgressError);
    // Not in a group at all: nothing is sent.
    const none = new FakeCluster().on(ApiKey.OffsetCommit, () => commitResponse(0), 8);
    await expect(commit(none, membership(none))).rejects.toBeInstanceOf(RebalanceInProgressError);
    expect(none.sent).toHaveLength(0);
  });

  it('treats a lost generation as a rebalance race when the member rejoined meanwhile', async () => {
    const cluster = new FakeCluster();
    const m = joined(cluster);
    cluster.on(
      ApiKey.OffsetCommit,
      () => {
        m.generationId = 6; // a JoinGroup completed while the commit was out
        return commitResponse(ErrorCode.ILLEGAL_GENERATION);
      },
      8,
    );
    await expect(commit(cluster, m)).rejects.toBeInstanceOf(RebalanceInProgressError);
  });

  it('fetches committed offsets with the v8+ groups layout and the older one, waiting out unstable offsets', async () => {
    for (const version of [7, 8]) {
      let unstable = 1;
      const cluster = new FakeCluster().on(
        ApiKey.OffsetFetch,
        (req) => {
          const code = unstable-- > 0 ? ErrorCode.UNSTABLE_OFFSET_COMMIT : 0;
          const partitions = [
            {
              partitionIndex: 1,
              committedOffset: 99n,
              committedLeaderEpoch: 2,
              metadata: 'x',
              errorCode: code,
            },
          ];
          if (version >= 8) {
            expect(req.groups).toEqual([
              {
                groupId: 'g',
                memberId: null,
                memberEpoch: -1,
                topics: [{ name: 't', partitionIndexes: [1] }],
              },
            ]);
            return {
              throttleTimeMs: 0,
              groups: [{ groupId: 'g', errorCode: 0, topics: [{ name: 't', partitions }] }],
            };
          }
          expect(req.groupId).toBe('g');
          expect(req.requireStable).toBe(true);
          return { throttleTimeMs: 0, errorCode: 0, topics: [{ name: 't', partitions }] };
        },
        version,
      );
      const result = await fetchCommittedOffsets(membership(cluster), [{ topic: 't', partition: 1 }], {
        timeoutMs: 5000,
        retryBackoffMs: 1,
      });
      expect(result.get('t')?.get(1)).toEqual({ offset: 99n, leaderEpoch: 2, metadata: 'x' });
      expect(cluster.requests(ApiKey.OffsetFetch)).toHaveLength(2);
    }
  });
});

describe('Heartbeater', () => {
  async function run(codes: number[]): Promise<HeartbeatEvent[]> {
    const cluster = new FakeCluster().on(
      ApiKey.Heartbeat,
      () => ({ throttleTimeMs: 0, errorCode: codes.shift() ?? 0 }),
      4,
    );
    const m = membership(cluster);
    m.memberId = 'm';
    m.generationId = 1;
    const events: HeartbeatEvent[] = [];
    const hb = new Heartbeater(m, 1, 1, nullLogger, (e) => events.push(e));
    hb.start();
    try {
      await waitFor('a heartbeat outcome to report', () => events.some((e) => e.type !== 'heartbeat'), {
        timeoutMs: 5000,
      });
    } finally {
      await hb.stop();
    }
    return events.filter((e) => e.type !== 'heartbeat');
  }

  it('reports REBALANCE_IN_PROGRESS and keeps going', async () => {
    expect(await run([0, 0, ErrorCode.REBALANCE_IN_PROGRESS])).toEqual([{ type: 'rebalance' }]);
  });

  it('reports a lost membership on UNKNOWN_MEMBER_ID and ILLEGAL_GENERATION', async () => {
    expect(await run([ErrorCode.ILLEGAL_GENERATION])).toEqual([
      { type: 'lost', errorCode: ErrorCode.ILLEGAL_GENERATION },
    ]);
    expect(await run([ErrorCode.UNKNOWN_MEMBER_ID])).toEqual([
      { type: 'lost', errorCode: ErrorCode.UNKNOWN_MEMBER_ID },
    ]);
  });

  it('reports fencing as fatal, and retries coordinator errors quietly', async () => {
    const events = await run([
      ErrorCode.NOT_COORDINATOR,
      ErrorCode.COORDINATOR_NOT_AVAILABLE,
      ErrorCode.FENCED_INSTANCE_ID,
    ]);
    expect(events).toHaveLength(1);
    expect((events[0] as { type: 'fatal'; error: Error }).error).toBeInstanceOf(FencedInstanceIdError);
  });
});
