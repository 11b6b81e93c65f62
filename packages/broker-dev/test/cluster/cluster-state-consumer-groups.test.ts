/**
 * Consumer groups survive a broker restart with --data-dir: the group and assignment epochs, every
 * member's subscription, epoch and assignment come back, so members go on heartbeating at their
 * epochs without a rebalance, and an emptied and deleted group stays gone.
 */
import { randomUUID } from 'node:crypto';
import { ApiKey, ErrorCode } from '@samsa/protocol';
import { describe, expect, it } from 'vitest';
import { startBroker } from '../../src/index.js';
import { createTopic } from '../helpers/kafka.js';
import { RawClient } from '../helpers/raw-client.js';
import { tempDir } from '../storage/helpers.js';

function heartbeat(
  client: RawClient,
  memberId: string,
  memberEpoch: number,
  owned: { topicId: string; partitions: number[] }[],
) {
  return client.request(ApiKey.ConsumerGroupHeartbeat, 1, {
    groupId: 'kept',
    memberId,
    memberEpoch,
    instanceId: null,
    rackId: null,
    rebalanceTimeoutMs: 30_000,
    subscribedTopicNames: ['t'],
    subscribedTopicRegex: null,
    serverAssignor: null,
    topicPartitions: owned,
  });
}

describe('consumer groups in the data dir', () => {
  it('come back after a restart with their epochs and assignments', async () => {
    const dataDir = tempDir();
    const broker = await startBroker({ dataDir });
    let client = await RawClient.connect(broker.bootstrap[0]);
    try {
      await createTopic(client, 't', 4);
      const a = randomUUID();
      const b = randomUUID();
      const owned = new Map<string, { topicId: string; partitions: number[] }[]>([
        [a, []],
        [b, []],
      ]);
      const epochs = new Map([
        [a, 0],
        [b, 0],
      ]);
      // Heartbeat both until they settle (bounded).
      for (let round = 0; round < 6; round++) {
        for (const m of [a, b]) {
          const r = await heartbeat(client, m, epochs.get(m)!, owned.get(m)!);
          expect(r.errorCode).toBe(0);
          epochs.set(m, r.memberEpoch);
          if (r.assignment) owned.set(m, r.assignment.topicPartitions);
        }
      }
      const before = await client.request(ApiKey.ConsumerGroupDescribe, 1, {
        groupIds: ['kept'],
        includeAuthorizedOperations: false,
      });
      expect(before.groups[0].groupState).toBe('Stable');
      client.close();
      await broker.restart();
      client = await RawClient.connect(broker.bootstrap[0]);
      const after = await client.request(ApiKey.ConsumerGroupDescribe, 1, {
        groupIds: ['kept'],
        includeAuthorizedOperations: false,
      });
      expect(after.groups[0]).toEqual(before.groups[0]);
      // The members go on at their epochs: no fencing, no new assignment.
      for (const m of [a, b]) {
        const r = await heartbeat(client, m, epochs.get(m)!, owned.get(m)!);
        expect(r).toMatchObject({ errorCode: 0, memberEpoch: epochs.get(m) });
        expect(r.assignment?.topicPartitions).toEqual(owned.get(m));
      }
      // Both leave; the group is deleted and stays deleted after another restart.
      for (const m of [a, b]) expect((await heartbeat(client, m, -1, [])).errorCode).toBe(0);
      const deleted = await client.request(ApiKey.DeleteGroups, 2, { groupsNames: ['kept'] });
      expect(deleted.results[0].errorCode).toBe(ErrorCode.NONE);
      client.close();
      await broker.restart();
      client = await RawClient.connect(broker.bootstrap[0]);
      const gone = await client.request(ApiKey.ConsumerGroupDescribe, 1, {
        groupIds: ['kept'],
        includeAuthorizedOperations: false,
      });
      expect(gone.groups[0].errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND);
    } finally {
      client.close();
      await broker.stop();
    }
  });
});
