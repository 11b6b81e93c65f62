import type { ApiSpec } from '../types.js';

// OffsetCommit (API key 8), versions 0-9 as Samsa supports them.
export const offsetCommit: ApiSpec = {
  apiKey: 8,
  name: 'OffsetCommit',
  request: {
    validVersions: [0, 9],
    flexibleVersions: 8,
    fields: [
      { name: 'GroupId', type: 'string', versions: [0, null] },
      { name: 'GenerationIdOrMemberEpoch', type: 'int32', versions: [1, null], default: -1 },
      { name: 'MemberId', type: 'string', versions: [1, null] },
      { name: 'GroupInstanceId', type: 'string', versions: [7, null], nullableVersions: [7, null], default: null },
      { name: 'RetentionTimeMs', type: 'int64', versions: [2, 4], default: -1 },
      { name: 'Topics', type: '[]OffsetCommitRequestTopic', versions: [0, null], fields: [
        { name: 'Name', type: 'string', versions: [0, null] },
        { name: 'Partitions', type: '[]OffsetCommitRequestPartition', versions: [0, null], fields: [
          { name: 'PartitionIndex', type: 'int32', versions: [0, null] },
          { name: 'CommittedOffset', type: 'int64', versions: [0, null] },
          { name: 'CommittedLeaderEpoch', type: 'int32', versions: [6, null], default: -1 },
          { name: 'CommitTimestamp', type: 'int64', versions: [1, 1], default: -1 },
          { name: 'CommittedMetadata', type: 'string', versions: [0, null], nullableVersions: [0, null] },
        ]},
      ]},
    ],
  },
  response: {
    validVersions: [0, 9],
    flexibleVersions: 8,
    fields: [
      { name: 'ThrottleTimeMs', type: 'int32', versions: [3, null] },
      { name: 'Topics', type: '[]OffsetCommitResponseTopic', versions: [0, null], fields: [
        { name: 'Name', type: 'string', versions: [0, null] },
        { name: 'Partitions', type: '[]OffsetCommitResponsePartition', versions: [0, null], fields: [
          { name: 'PartitionIndex', type: 'int32', versions: [0, null] },
          { name: 'ErrorCode', type: 'int16', versions: [0, null] },
        ]},
      ]},
    ],
  },
};
