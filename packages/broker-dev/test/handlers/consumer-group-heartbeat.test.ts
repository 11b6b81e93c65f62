/**
 * ConsumerGroupHeartbeat over the wire at every advertised version (the responses decode with
 * @samsa/protocol's codecs), and the APIs that meet consumer groups: OffsetCommit/OffsetFetch v9
 * member epochs, ListGroups v5 types, DescribeGroups, NOT_COORDINATOR.
 */
import { randomUUID } from 'node:crypto';
import { ApiKey, ErrorCode } from '@samsa/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADVERTISED_VERSIONS } from '../../src/handlers/index.js';
import type { RunningBroker } from '../../src/index.js';
import { brokerWithClient, createTopic } from '../helpers/kafka.js';
import { RawClient } from '../helpers/raw-client.js';

let broker: RunningBroker;
let client: RawClient;
let topicId: string;

beforeAll(async () => {
  ({ broker, client } = await brokerWithClient({
    groupConsumerHeartbeatIntervalMs: 200,
    groupConsumerSessionTimeoutMs: 5000,
  }));
  topicId = (await createTopic(client, 'cgh', 4)).topicId!;
  await createTopic(client, 'cgh-regex-1', 1);
  await createTopic(client, 'other', 1);
});
afterAll(async () => {
  client.close();
  await broker.stop();
});

const versions = () => {
  const range = ADVERTISED_VERSIONS.find((v) => v.apiKey === ApiKey.ConsumerGroupHeartbeat)!;
  return Array.from({ length: range.maxVersion - range.minVersion + 1 }, (_, i) => range.minVersion + i);
};

function join(groupId: string, version: number, overrides: Record<string, unknown> = {}) {
  return client.request(ApiKey.ConsumerGroupHeartbeat, version, {
    groupId,
    memberId: version >= 1 ? randomUUID() : '',
    memberEpoch: 0,
    instanceId: null,
    rackId: null,
    rebalanceTimeoutMs: 30_000,
    subscribedTopicNames: ['cgh'],
    subscribedTopicRegex: null,
    serverAssignor: null,
    topicPartitions: [],
    ...overrides,
  });
}

describe('ConsumerGroupHeartbeat', () => {
  it('advertises v0-1', () => {
    expect(versions()).toEqual([0, 1]);
  });

  it.each(versions())(
    'v%i: a member joins, gets every partition by topic id, and leaves',
    async (version) => {
      const groupId = `join-v${version}`;
      const joined = await join(groupId, version);
      expect(joined).toMatchObject({
        errorCode: 0,
        errorMessage: null,
        memberEpoch: 1,
        heartbeatIntervalMs: 200,
      });
      if (version === 0) expect(joined.memberId).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(joined.assignment?.topicPartitions).toEqual([{ topicId, partitions: [0, 1, 2, 3] }]);
      const again = await client.request(ApiKey.ConsumerGroupHeartbeat, version, {
        groupId,
        memberId: joined.memberId!,
        memberEpoch: 1,
        instanceId: null,
        rackId: null,
        rebalanceTimeoutMs: -1,
        subscribedTopicNames: null,
        serverAssignor: null,
        topicPartitions: null,
      });
      expect(again).toMatchObject({ errorCode: 0, memberEpoch: 1, assignment: null });
      const left = await client.request(ApiKey.ConsumerGroupHeartbeat, version, {
        groupId,
        memberId: joined.memberId!,
        memberEpoch: -1,
        instanceId: null,
        rackId: null,
        rebalanceTimeoutMs: -1,
        subscribedTopicNames: null,
        serverAssignor: null,
        topicPartitions: null,
      });
      expect(left).toMatchObject({ errorCode: 0, memberEpoch: -1 });
    },
  );

  it('v1 resolves a regex subscription on the broker, and refuses a bad one with INVALID_REGULAR_EXPRESSION', async () => {
    const joined = await join('regex', 1, {
      subscribedTopicNames: null,
      subscribedTopicRegex: 'cgh-regex-.*',
    });
    expect(joined.errorCode).toBe(0);
    expect(joined.assignment?.topicPartitions).toHaveLength(1);
    const bad = await join('regex-bad', 1, { subscribedTopicRegex: '[' });
    expect(bad.errorCode).toBe(ErrorCode.INVALID_REGULAR_EXPRESSION);
    expect(bad.errorMessage).toContain('is not a valid regular expression');
  });

  it('answers errors with Kafka messages: empty member id at v1, unknown assignor, fenced epoch', async () => {
    const empty = await join('errors', 1, { memberId: '' });
    expect(empty).toMatchObject({
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: "MemberId can't be empty.",
    });
    const assignor = await join('errors', 1, { serverAssignor: 'cooperative-sticky' });
    expect(assignor.errorCode).toBe(ErrorCode.UNSUPPORTED_ASSIGNOR);
    const joined = await join('errors', 1);
    const fenced = await client.request(ApiKey.ConsumerGroupHeartbeat, 1, {
      groupId: 'errors',
      memberId: joined.memberId!,
      memberEpoch: 7,
      instanceId: null,
      rackId: null,
      rebalanceTimeoutMs: -1,
      subscribedTopicNames: null,
      subscribedTopicRegex: null,
      serverAssignor: null,
      topicPartitions: null,
    });
    expect(fenced.errorCode).toBe(ErrorCode.FENCED_MEMBER_EPOCH);
  });
});

describe('offsets, listing and describing with consumer groups', () => {
  let memberId: string;
  let epoch: number;

  beforeAll(async () => {
    const joined = await join('offsets', 1);
    memberId = joined.memberId!;
    epoch = joined.memberEpoch;
  });

  const commit = (version: number, generationIdOrMemberEpoch: number, member = memberId) =>
    client.request(ApiKey.OffsetCommit, version, {
      groupId: 'offsets',
      generationIdOrMemberEpoch,
      memberId: member,
      groupInstanceId: null,
      retentionTimeMs: -1n,
      topics: [
        {
          name: 'cgh',
          partitions: [
            {
              partitionIndex: 0,
              committedOffset: 7n,
              committedLeaderEpoch: -1,
              commitTimestamp: -1n,
              committedMetadata: null,
            },
          ],
        },
      ],
    });
  const codeOf = (r: Awaited<ReturnType<typeof commit>>) => r.topics[0].partitions[0].errorCode;

  it('OffsetCommit v9 takes the member epoch; stale epochs, unknown members and v8 are refused', async () => {
    expect(codeOf(await commit(9, epoch))).toBe(ErrorCode.NONE);
    expect(codeOf(await commit(9, epoch + 1))).toBe(ErrorCode.STALE_MEMBER_EPOCH);
    expect(codeOf(await commit(9, epoch, 'stranger'))).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(codeOf(await commit(8, epoch))).toBe(ErrorCode.UNSUPPORTED_VERSION);
  });

  it('OffsetFetch v9 checks the member epoch per group; an admin fetch (null, -1) is answered', async () => {
    const fetchAs = (member: string | null, memberEpoch: number) =>
      client.request(ApiKey.OffsetFetch, 9, {
        groups: [
          {
            groupId: 'offsets',
            memberId: member,
            memberEpoch,
            topics: [{ name: 'cgh', partitionIndexes: [0] }],
          },
        ],
        requireStable: false,
      });
    const mine = await fetchAs(memberId, epoch);
    expect(mine.groups![0]).toMatchObject({ errorCode: 0 });
    expect(mine.groups![0].topics[0].partitions[0].committedOffset).toBe(7n);
    expect((await fetchAs(memberId, epoch + 3)).groups![0].errorCode).toBe(ErrorCode.STALE_MEMBER_EPOCH);
    expect((await fetchAs('stranger', epoch)).groups![0].errorCode).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect((await fetchAs(null, -1)).groups![0].errorCode).toBe(ErrorCode.NONE);
  });

  it('ListGroups v5 reports the type and filters by it; v4 filters consumer group states', async () => {
    const all = await client.request(ApiKey.ListGroups, 5, { statesFilter: [], typesFilter: [] });
    expect(all.groups.find((g) => g.groupId === 'offsets')).toEqual({
      groupId: 'offsets',
      protocolType: 'consumer',
      groupState: 'Stable',
      groupType: 'consumer',
    });
    const classic = await client.request(ApiKey.ListGroups, 5, {
      statesFilter: [],
      typesFilter: ['CLASSIC'],
    });
    expect(classic.groups.some((g) => g.groupId === 'offsets')).toBe(false);
    const stable = await client.request(ApiKey.ListGroups, 4, { statesFilter: ['stable'] });
    expect(stable.groups.some((g) => g.groupId === 'offsets')).toBe(true);
  });

  it('DescribeGroups (v0-5) reports a consumer group as Dead without error, as Kafka does', async () => {
    for (const version of [0, 5]) {
      const described = await client.request(ApiKey.DescribeGroups, version, {
        groups: ['offsets'],
        includeAuthorizedOperations: false,
      });
      expect(described.groups[0]).toMatchObject({ errorCode: 0, groupState: 'Dead', members: [] });
    }
  });
});

describe('coordinators', () => {
  it('a group coordinated by another broker gets NOT_COORDINATOR, also after the control API moves it', async () => {
    const { broker: two, client: first } = await brokerWithClient({ brokers: 2 });
    try {
      const groupId = 'moving';
      const coordinator = two.control.coordinatorOf(groupId);
      const other = two.brokers.find((b) => b.nodeId !== coordinator)!;
      const wrong = await RawClient.connect(`${other.host}:${other.port}`);
      try {
        const refused = await wrong.request(ApiKey.ConsumerGroupHeartbeat, 1, {
          groupId,
          memberId: randomUUID(),
          memberEpoch: 0,
          instanceId: null,
          rackId: null,
          rebalanceTimeoutMs: 30_000,
          subscribedTopicNames: ['x'],
          subscribedTopicRegex: null,
          serverAssignor: null,
          topicPartitions: [],
        });
        expect(refused.errorCode).toBe(ErrorCode.NOT_COORDINATOR);
        two.control.moveCoordinator(groupId, other.nodeId);
        expect(two.control.coordinatorOf(groupId)).toBe(other.nodeId);
        const accepted = await wrong.request(ApiKey.ConsumerGroupHeartbeat, 1, {
          groupId,
          memberId: randomUUID(),
          memberEpoch: 0,
          instanceId: null,
          rackId: null,
          rebalanceTimeoutMs: 30_000,
          subscribedTopicNames: ['x'],
          subscribedTopicRegex: null,
          serverAssignor: null,
          topicPartitions: [],
        });
        expect(accepted.errorCode).toBe(ErrorCode.NONE);
      } finally {
        wrong.close();
      }
    } finally {
      first.close();
      await two.stop();
    }
  });
});
