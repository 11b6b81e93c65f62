import type { ApiSpec } from '../types.js';

// OffsetFetch (API key 9), versions 0-9 as Samsa supports them.
export const offsetFetch: ApiSpec = {
  apiKey: 9,
  name: 'OffsetFetch',
  request: {
    validVersions: [0, 9],
    flexibleVersions: 6,
    fields: [
      { name: 'GroupId', type: 'string', versions: [0, 7] },
      { name: 'Topics', type: '[]OffsetFetchRequestTopic', versions: [0, 7], nullableVersions: [2, 7], fields: [
        { name: 'Name', type: 'string', versions: [0, 7] },
        { name: 'PartitionIndexes', type: '[]int32', versions: [0, 7] },
      ]},
      { name: 'Groups', type: '[]OffsetFetchRequestGroup', versions: [8, null], fields: [
        { name: 'GroupId', type: 'string', versions: [8, null] },
        { name: 'MemberId', type: 'string', versions: [9, null], nullableVersions: [9, null], default: null },
        { name: 'MemberEpoch', type: 'int32', versions: [9, null], default: -1 },
        { name: 'Topics', type: '[]OffsetFetchRequestTopics', versions: [8, null], nullableVersions: [8, null], fields: [
          { name: 'Name', type: 'string', versions: [8, null] },
          { name: 'PartitionIndexes', type: '[]int32', versions: [8, null] },
        ]},
      ]},
      { name: 'RequireStable', type: 'bool', versions: [7, null], default: false },
    ],
  },
  response: {
    validVersions: [0, 9],
    flexibleVersions: 6,
    fields: [
      { name: 'ThrottleTimeMs', type: 'int32', versions: [3, null] },
      { name: 'Topics', type: '[]OffsetFetchResponseTopic', versions: [0, 7], fields: [
        { name: 'Name', type: 'string', versions: [0, 7] },
        { name: 'Partitions', type: '[]OffsetFetchResponsePartition', versions: [0, 7], fields: [
          { name: 'PartitionIndex', type: 'int32', versions: [0, 7] },
          { name: 'CommittedOffset', type: 'int64', versions: [0, 7] },
          { name: 'CommittedLeaderEpoch', type: 'int32', versions: [5, 7], default: -1 },
          { name: 'Metadata', type: 'string', versions: [0, 7], nullableVersions: [0, 7] },
          { name: 'ErrorCode', type: 'int16', versions: [0, 7] },
        ]},
      ]},
      { name: 'ErrorCode', type: 'int16', versions: [2, 7], default: 0 },
      { name: 'Groups', type: '[]OffsetFetchResponseGroup', versions: [8, null], fields: [
        { name: 'GroupId', type: 'string', versions: [8, null] },
        { name: 'Topics', type: '[]OffsetFetchResponseTopics', versions: [8, null], fields: [
          { name: 'Name', type: 'string', versions: [8, null] },
          { name: 'Partitions', type: '[]OffsetFetchResponsePartitions', versions: [8, null], fields: [
            { name: 'PartitionIndex', type: 'int32', versions: [8, null] },
            { name: 'CommittedOffset', type: 'int64', versions: [8, null] },
            { name: 'CommittedLeaderEpoch', type: 'int32', versions: [8, null], default: -1 },
            { name: 'Metadata', type: 'string', versions: [8, null], nullableVersions: [8, null] },
            { name: 'ErrorCode', type: 'int16', versions: [8, null] },
          ]},
        ]},
        { name: 'ErrorCode', type: 'int16', versions: [8, null], default: 0 },
      ]},
    ],
  },
};
