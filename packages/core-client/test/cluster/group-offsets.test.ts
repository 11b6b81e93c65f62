import { ApiKey, decodeRequest, ErrorCode, encodeRequest, type OffsetFetchResponse } from '@samsa/protocol';
import { describe, expect, it } from 'vitest';
import {
  groupOffsetsAnswer,
  OUTSIDE_THE_GROUP,
  offsetCommitRequest,
  offsetFetchRequest,
} from '../../src/cluster/group-offsets.js';

describe('group offset requests shared by the consumer and the admin', () => {
  it('commits grouped by topic, from outside the group or as a member', () => {
    const offsets = [
      { topic: 'a', partition: 0, offset: 5n },
      { topic: 'b', partition: 1, offset: 7n, leaderEpoch: 3, metadata: 'm' },
      { topic: 'a', partition: 2, offset: 9n },
    ];
    const outside = offsetCommitRequest('g', OUTSIDE_THE_GROUP, offsets);
    expect(outside).toMatchObject({
      groupId: 'g',
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
    });
    expect(outside.topics.map((t) => [t.name, t.partitions.map((p) => p.partitionIndex)])).toEqual([
      ['a', [0, 2]],
      ['b', [1]],
    ]);
    expect(outside.topics[1].partitions[0]).toEqual({
      partitionIndex: 1,
      committedOffset: 7n,
      committedLeaderEpoch: 3,
      commitTimestamp: -1n,
      committedMetadata: 'm',
    });
    expect(outside.topics[0].partitions[0]).toMatchObject({
      committedLeaderEpoch: -1,
      committedMetadata: null,
    });
    const member = offsetCommitRequest(
      'g',
      { generationIdOrMemberEpoch: 4, memberId: 'm-1', groupInstanceId: 'i' },
      offsets,
    );
    expect(member).toMatchObject({ generationIdOrMemberEpoch: 4, memberId: 'm-1', groupInstanceId: 'i' });
  });

  it('asks OffsetFetch per group from v8 and for the one group before', () => {
    const topics = [{ name: 'a', partitionIndexes: [0, 1] }];
    const v7 = offsetFetchRequest(7, 'g', topics, true);
    expect(v7).toEqual({ groupId: 'g', topics, requireStable: true });
    const v8 = offsetFetchRequest(8, 'g', null, false);
    expect(v8).toEqual({
      groups: [{ groupId: 'g', memberId: null, memberEpoch: -1, topics: null }],
      requireStable: false,
    });
    // What goes on the wire is what was meant (frames are size-prefixed: the decoder takes what follows).
    const roundTrip = (version: number, body: unknown) =>
      decodeRequest(
        Buffer.concat(encodeRequest(ApiKey.OffsetFetch, version, 1, 'c', body as never)).subarray(4),
      ).body;
    expect(roundTrip(7, v7)).toMatchObject({ groupId: 'g', topics, requireStable: true });
    expect(roundTrip(9, offsetFetchRequest(9, 'g', topics, true))).toMatchObject({
      groups: [{ groupId: 'g', memberId: null, memberEpoch: -1, topics }],
      requireStable: true,
    });
  });

  it('reads the group out of an OffsetFetch answer of any version', () => {
    const partitions = [{ partitionIndex: 0, committedOffset: 3n, metadata: null, errorCode: 0 }];
    const v8 = {
      groups: [
        { groupId: 'other', topics: [], errorCode: ErrorCode.NOT_COORDINATOR },
        { groupId: 'g', topics: [{ name: 'a', partitions }], errorCode: 0 },
      ],
    } as unknown as OffsetFetchResponse;
    expect(groupOffsetsAnswer(8, 'g', v8)).toEqual({ errorCode: 0, topics: [{ name: 'a', partitions }] });
    const v7 = {
      topics: [{ name: 'a', partitions }],
      errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
    } as unknown as OffsetFetchResponse;
    expect(groupOffsetsAnswer(7, 'g', v7)).toEqual({
      errorCode: ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
      topics: [{ name: 'a', partitions }],
    });
    expect(groupOffsetsAnswer(8, 'g', {} as OffsetFetchResponse)).toEqual({ errorCode: 0, topics: [] });
  });
});
