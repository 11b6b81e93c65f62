import type { ApiSpec } from '../types.js';

// ListOffsets (API key 2), versions 0-8 as Samsa supports them.
export const listOffsets: ApiSpec = {
  apiKey: 2,
  name: 'ListOffsets',
  request: {
    validVersions: [0, 8],
    flexibleVersions: 6,
    fields: [
      { name: 'ReplicaId', type: 'int32', versions: [0, null] },
      { name: 'IsolationLevel', type: 'int8', versions: [2, null] },
      { name: 'Topics', type: '[]ListOffsetsTopic', versions: [0, null], fields: [
        { name: 'Name', type: 'string', versions: [0, null] },
        { name: 'Partitions', type: '[]ListOffsetsPartition', versions: [0, null], fields: [
          { name: 'PartitionIndex', type: 'int32', versions: [0, null] },
          { name: 'CurrentLeaderEpoch', type: 'int32', versions: [4, null], default: -1 },
          { name: 'Timestamp', type: 'int64', versions: [0, null] },
          { name: 'MaxNumOffsets', type: 'int32', versions: [0, 0], default: 1 },
        ]},
      ]},
    ],
  },
  response: {
    validVersions: [0, 8],
    flexibleVersions: 6,
    fields: [
      { name: 'ThrottleTimeMs', type: 'int32', versions: [2, null] },
      { name: 'Topics', type: '[]ListOffsetsTopicResponse', versions: [0, null], fields: [
        { name: 'Name', type: 'string', versions: [0, null] },
        { name: 'Partitions', type: '[]ListOffsetsPartitionResponse', versions: [0, null], fields: [
          { name: 'PartitionIndex', type: 'int32', versions: [0, null] },
          { name: 'ErrorCode', type: 'int16', versions: [0, null] },
          { name: 'OldStyleOffsets', type: '[]int64', versions: [0, 0] },
          { name: 'Timestamp', type: 'int64', versions: [1, null], default: -1 },
          { name: 'Offset', type: 'int64', versions: [1, null], default: -1 },
          { name: 'LeaderEpoch', type: 'int32', versions: [4, null], default: -1 },
        ]},
      ]},
    ],
  },
};
