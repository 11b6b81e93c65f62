/** ConsumerGroupDescribe over the wire at every advertised version (v1: member types). */
import { randomUUID } from 'node:crypto';
import { ApiKey, ErrorCode } from '@samsa/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADVERTISED_VERSIONS } from '../../src/handlers/index.js';
import type { RunningBroker } from '../../src/index.js';
import { brokerWithClient, createTopic } from '../helpers/kafka.js';
import type { RawClient } from '../helpers/raw-client.js';

let broker: RunningBroker;
let client: RawClient;
let topicId: string;
const memberId = randomUUID();

beforeAll(async () => {
  ({ broker, client } = await brokerWithClient());
  topicId = (await createTopic(client, 'described', 2)).topicId!;
  const joined = await client.request(ApiKey.ConsumerGroupHeartbeat, 1, {
    groupId: 'cg',
    memberId,
    memberEpoch: 0,
    instanceId: 'instance-1',
    rackId: 'rack-a',
    rebalanceTimeoutMs: 30_000,
    subscribedTopicNames: ['described'],
    subscribedTopicRegex: null,
    serverAssignor: 'range',
    topicPartitions: [],
  });
  expect(joined.errorCode).toBe(0);
  // A classic group of another id, for the type check.
  await client.request(ApiKey.OffsetCommit, 2, {
    groupId: 'classic-group',
    generationIdOrMemberEpoch: -1,
    memberId: '',
    groupInstanceId: null,
    retentionTimeMs: -1n,
    topics: [
      {
        name: 'described',
        partitions: [
          {
            partitionIndex: 0,
            committedOffset: 1n,
            committedLeaderEpoch: -1,
            commitTimestamp: -1n,
            committedMetadata: null,
          },
        ],
      },
    ],
  });
});
afterAll(async () => {
  client.close();
  await broker.stop();
});

const range = ADVERTISED_VERSIONS.find((v) => v.apiKey === ApiKey.ConsumerGroupDescribe)!;
const versions = Array.from(
  { length: range.maxVersion - range.minVersion + 1 },
  (_, i) => range.minVersion + i,
);

describe('ConsumerGroupDescribe', () => {
  it('advertises v0-1', () => {
    expect(versions).toEqual([0, 1]);
  });

  it.each(versions)(
    'v%i: epochs, assignor, members with their current and target assignments',
    async (version) => {
      const response = await client.request(ApiKey.ConsumerGroupDescribe, version, {
        groupIds: ['cg', 'missing', 'classic-group', ''],
        includeAuthorizedOperations: true,
      });
      const [group, missing, classic, empty] = response.groups;
      expect(group).toMatchObject({
        errorCode: 0,
        groupId: 'cg',
        groupState: 'Stable',
        groupEpoch: 1,
        assignmentEpoch: 1,
        assignorName: 'range',
      });
      expect(group.authorizedOperations).toBeGreaterThan(0);
      const assignment = { topicPartitions: [{ topicId, topicName: 'described', partitions: [0, 1] }] };
      expect(group.members).toEqual([
        expect.objectContaining({
          memberId,
          instanceId: 'instance-1',
          rackId: 'rack-a',
          memberEpoch: 1,
          clientId: 'raw-client',
          subscribedTopicNames: ['described'],
          subscribedTopicRegex: null,
          assignment,
          targetAssignment: assignment,
        }),
      ]);
      if (version >= 1) expect(group.members[0].memberType).toBe(1);
      expect(missing).toMatchObject({
        errorCode: ErrorCode.GROUP_ID_NOT_FOUND,
        errorMessage: 'Group missing not found.',
      });
      expect(classic).toMatchObject({
        errorCode: ErrorCode.GROUP_ID_NOT_FOUND,
        errorMessage: 'Group classic-group is not a consumer group.',
      });
      expect(empty.errorCode).toBe(ErrorCode.INVALID_GROUP_ID);
    },
  );
});
