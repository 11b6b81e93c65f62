/** The group APIs over the wire, at every advertised version. */
import { ErrorCode } from '@samsa/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningBroker } from '../../src/index.js';
import { brokerWithClient, createTopic } from '../helpers/kafka.js';
import { RawClient } from '../helpers/raw-client.js';
import { tempDir } from '../storage/helpers.js';

let broker: RunningBroker;
let client: RawClient;

beforeAll(async () => {
  ({ broker, client } = await brokerWithClient());
  await createTopic(client, 'group-topic', 2);
});
afterAll(async () => {
  client.close();
  await broker.stop();
});

const protocols = [
  {
    name: 'range',
    metadata: Buffer.from([0, 0, 0, 0, 0, 1, 0, 11, ...Buffer.from('group-topic'), 0, 0, 0, 0]),
  },
];

/** Joins `groupId` as a new member at `version` (handling MEMBER_ID_REQUIRED) and syncs. */
async function joinAndSync(
  groupId: string,
  joinVersion: number,
  syncVersion = 3,
  groupInstanceId: string | null = null,
) {
  const base = {
    groupId,
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 10_000,
    groupInstanceId,
    protocolType: 'consumer',
    protocols,
    reason: null,
  };
  let joined = await client.request(11, joinVersion, { ...base, memberId: '' });
  if (joined.errorCode === ErrorCode.MEMBER_ID_REQUIRED)
    joined = await client.request(11, joinVersion, { ...base, memberId: joined.memberId });
  expect(joined.errorCode, `JoinGroup v${joinVersion}`).toBe(0);
  const synced = await client.request(14, syncVersion, {
    groupId,
    generationId: joined.generationId,
    memberId: joined.memberId,
    groupInstanceId,
    protocolType: 'consumer',
    protocolName: 'range',
    assignments: [{ memberId: joined.memberId, assignment: Buffer.from('assignment') }],
  });
  expect(synced.errorCode, `SyncGroup v${syncVersion}`).toBe(0);
  expect(synced.assignment.toString()).toBe('assignment');
  return joined;
}

describe('group APIs', () => {
  it('FindCoordinator v0-v5 points at the broker', async () => {
    for (let version = 0; version <= 5; version++) {
      const response = await client.request(10, version, {
        key: 'g',
        keyType: 0,
        coordinatorKeys: ['g', 'h'],
      });
      if (version >= 4) {
        expect(response.coordinators!.map((c) => [c.key, c.nodeId, c.errorCode])).toEqual([
          ['g', 1, 0],
          ['h', 1, 0],
        ]);
      } else {
        expect([response.errorCode, response.nodeId]).toEqual([0, 1]);
      }
    }
    const txn = await client.request(10, 1, { key: 'tx', keyType: 1 });
    expect([txn.errorCode, txn.nodeId]).toEqual([0, 1]); // the transaction coordinator
  });

  it('JoinGroup v0-v9 and SyncGroup v0-v5 form a group', async () => {
    for (let version = 0; version <= 9; version++) {
      const joined = await joinAndSync(`join-v${version}`, version, Math.min(version, 5));
      expect(joined.generationId).toBe(1);
      expect(joined.leader).toBe(joined.memberId);
      if (version >= 7) expect(joined.protocolType).toBe('consumer');
      expect(joined.protocolName).toBe('range');
    }
  });

  it('JoinGroup v4+ asks new dynamic members to rejoin with an id', async () => {
    const first = await client.request(11, 5, {
      groupId: 'mid',
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 10_000,
      memberId: '',
      groupInstanceId: null,
      protocolType: 'consumer',
      protocols,
    });
    expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED);
    expect(first.memberId).not.toBe('');
  });

  it('Heartbeat v0-v4 and LeaveGroup v0-v5', async () => {
    for (let version = 0; version <= 5; version++) {
      const groupId = `hb-v${version}`;
      const joined = await joinAndSync(groupId, 5);
      if (version <= 4) {
        const hb = await client.request(12, version, {
          groupId,
          generationId: joined.generationId,
          memberId: joined.memberId,
          groupInstanceId: null,
        });
        expect(hb.errorCode, `Heartbeat v${version}`).toBe(0);
        const stale = await client.request(12, version, {
          groupId,
          generationId: 99,
          memberId: joined.memberId,
          groupInstanceId: null,
        });
        expect(stale.errorCode).toBe(ErrorCode.ILLEGAL_GENERATION);
      }
      const left = await client.request(13, version, {
        groupId,
        memberId: joined.memberId,
        members: [{ memberId: joined.memberId, groupInstanceId: null, reason: 'done' }],
      });
      expect(left.errorCode, `LeaveGroup v${version}`).toBe(0);
      if (version >= 3) expect(left.members![0].errorCode).toBe(0);
      const described = await client.request(15, 2, { groups: [groupId] });
      expect(described.groups[0].groupState).toBe('Empty');
    }
  });

  it('OffsetCommit v0-v9 and OffsetFetch v0-v9 store offsets with metadata', async () => {
    for (let version = 0; version <= 9; version++) {
      const groupId = `commit-v${version}`;
      const response = await client.request(8, version, {
        groupId,
        generationIdOrMemberEpoch: -1,
        memberId: '',
        groupInstanceId: null,
        retentionTimeMs: -1n,
        topics: [
          {
            name: 'group-topic',
            partitions: [
              {
                partitionIndex: 1,
                committedOffset: BigInt(10 + version),
                committedLeaderEpoch: 0,
                commitTimestamp: -1n,
                committedMetadata: `meta-${version}`,
              },
            ],
          },
        ],
      });
      expect(response.topics[0].partitions[0].errorCode, `OffsetCommit v${version}`).toBe(0);
    }
    for (let version = 0; version <= 9; version++) {
      const groupId = `commit-v${version}`;
      const response = await client.request(9, version, {
        groupId,
        topics: [{ name: 'group-topic', partitionIndexes: [0, 1] }],
        groups: [
          {
            groupId,
            memberId: null,
            memberEpoch: -1,
            topics: [{ name: 'group-topic', partitionIndexes: [0, 1] }],
          },
        ],
        requireStable: false,
      });
      const partitions =
        version >= 8 ? response.groups![0].topics[0].partitions : response.topics![0].partitions;
      expect(
        partitions.map((p) => [p.partitionIndex, p.committedOffset, p.metadata]),
        `OffsetFetch v${version}`,
      ).toEqual([
        [0, -1n, ''],
        [1, BigInt(10 + version), `meta-${version}`],
      ]);
    }
  });

  it('OffsetFetch with a null topic list returns every committed partition (v2+)', async () => {
    const response = await client.request(9, 5, { groupId: 'commit-v3', topics: null, requireStable: false });
    expect(response.topics!.map((t) => [t.name, t.partitions.map((p) => p.committedOffset)])).toEqual([
      ['group-topic', [13n]],
    ]);
  });

  it('OffsetCommit rejects unknown partitions and stale generations', async () => {
    const joined = await joinAndSync('checked', 5);
    const response = await client.request(8, 7, {
      groupId: 'checked',
      generationIdOrMemberEpoch: joined.generationId + 1,
      memberId: joined.memberId,
      groupInstanceId: null,
      topics: [
        {
          name: 'group-topic',
          partitions: [
            { partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null },
          ],
        },
        {
          name: 'missing',
          partitions: [
            { partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null },
          ],
        },
      ],
    });
    expect(response.topics.map((t) => t.partitions[0].errorCode)).toEqual([22, 3]);
  });

  it('DescribeGroups v0-v5 shows members and assignments of a stable group', async () => {
    const joined = await joinAndSync('described', 5, 3, 'instance-a');
    for (let version = 0; version <= 5; version++) {
      const response = await client.request(15, version, {
        groups: ['described', 'unknown-group'],
        includeAuthorizedOperations: false,
      });
      const [group, unknown] = response.groups;
      expect(group).toMatchObject({
        errorCode: 0,
        groupState: 'Stable',
        protocolType: 'consumer',
        protocolData: 'range',
      });
      expect(group.members[0].memberId).toBe(joined.memberId);
      expect(group.members[0].clientId).toBe('raw-client');
      expect(group.members[0].clientHost).toBe('/127.0.0.1');
      expect(group.members[0].memberAssignment.toString()).toBe('assignment');
      if (version >= 4) expect(group.members[0].groupInstanceId).toBe('instance-a');
      expect(unknown.groupState).toBe('Dead');
    }
  });

  it('ListGroups v0-v5 lists groups, filtered by state (v4+) and type (v5)', async () => {
    for (let version = 0; version <= 5; version++) {
      const response = await client.request(16, version, {
        statesFilter: version >= 4 ? ['stable'] : [],
        typesFilter: [],
      });
      const ids = response.groups.map((g) => g.groupId);
      expect(ids).toContain('described');
      if (version >= 4) expect(ids).not.toContain('commit-v1');
      else expect(ids).toContain('commit-v1');
    }
    const consumerType = await client.request(16, 5, { statesFilter: [], typesFilter: ['consumer'] });
    expect(consumerType.groups).toEqual([]);
  });

  it('DeleteGroups v0-v2 deletes empty groups only', async () => {
    for (let version = 0; version <= 2; version++) {
      const response = await client.request(42, version, {
        groupsNames: [`commit-v${version}`, 'described', 'never-existed'],
      });
      expect(response.results.map((r) => r.errorCode)).toEqual([0, 68, 69]);
    }
  });

  it('OffsetDelete v0 deletes offsets of topics the group does not consume', async () => {
    await createTopic(client, 'other-topic', 1);
    const joined = await joinAndSync('offset-delete', 5);
    await client.request(8, 7, {
      groupId: 'offset-delete',
      generationIdOrMemberEpoch: joined.generationId,
      memberId: joined.memberId,
      groupInstanceId: null,
      topics: ['group-topic', 'other-topic'].map((name) => ({
        name,
        partitions: [
          { partitionIndex: 0, committedOffset: 5n, committedLeaderEpoch: -1, committedMetadata: null },
        ],
      })),
    });
    const response = await client.request(47, 0, {
      groupId: 'offset-delete',
      topics: [
        { name: 'group-topic', partitions: [{ partitionIndex: 0 }] },
        { name: 'other-topic', partitions: [{ partitionIndex: 0 }] },
      ],
    });
    expect(response.errorCode).toBe(0);
    expect(response.topics.map((t) => t.partitions[0].errorCode)).toEqual([86, 0]);
    const unknown = await client.request(47, 0, { groupId: 'no-group', topics: [] });
    expect(unknown.errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
  });

  it('answers INVALID_GROUP_ID for an empty group id', async () => {
    const response = await client.request(11, 5, {
      groupId: '',
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 10_000,
      memberId: '',
      groupInstanceId: null,
      protocolType: 'consumer',
      protocols,
    });
    expect(response.errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
  });
});

describe('committed offset expiry', () => {
  it("drops an empty group's offsets after offsets.retention.minutes, durably", async () => {
    const { broker: durable, client: c } = await brokerWithClient({
      dataDir: tempDir(),
      offsetsRetentionMs: 1,
    });
    let current = c;
    try {
      await createTopic(current, 'expiring', 1);
      const commit = await current.request(8, 7, {
        groupId: 'idle',
        generationIdOrMemberEpoch: -1,
        memberId: '',
        groupInstanceId: null,
        topics: [
          {
            name: 'expiring',
            partitions: [
              { partitionIndex: 0, committedOffset: 5n, committedLeaderEpoch: -1, committedMetadata: null },
            ],
          },
        ],
      });
      expect(commit.topics[0].partitions[0].errorCode).toBe(0);
      const committed = async () => {
        const response = await current.request(9, 5, { groupId: 'idle', topics: null, requireStable: false });
        return (response.topics ?? []).flatMap((t) => t.partitions.map((p) => Number(p.committedOffset)));
      };
      expect(await committed()).toEqual([5]);
      await new Promise((resolve) => setTimeout(resolve, 5));
      durable.control.runLogCleanup();
      expect(await committed()).toEqual([]);
      current.close();
      await durable.restart();
      current = await RawClient.connect(durable.bootstrap[0]);
      expect(await committed()).toEqual([]);
    } finally {
      current.close();
      await durable.stop();
    }
  });
});
