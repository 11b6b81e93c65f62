import type { ApiSpec } from '../types.js';

// OffsetForLeaderEpoch (API key 23), versions 0-4 as Samsa supports them.
export const offsetForLeaderEpoch: ApiSpec = {
  apiKey: 23,
  name: 'OffsetForLeaderEpoch',
  request: {
    validVersions: [0, 4],
    flexibleVersions: 4,
    fields: [
      { name: 'ReplicaId', type: 'int32', versions: [3, null], default: -2 },
      { name: 'Topics', type: '[]OffsetForLeaderTopic', versions: [0, null], fields: [
        { name: 'Topic', type: 'string', versions: [0, null] },
        { name: 'Partitions', type: '[]OffsetForLeaderPartition', versions: [0, null], fields: [
          { name: 'Partition', type: 'int32', versions: [0, null] },
          { name: 'CurrentLeaderEpoch', type: 'int32', versions: [2, null], default: -1 },
          { name: 'LeaderEpoch', type: 'int32', versions: [0, null] },
        ]},
      ]},
    ],
  },
  response: {
    validVersions: [0, 4],
    flexibleVersions: 4,
    fields: [
      { name: 'ThrottleTimeMs', type: 'int32', versions: [2, null] },
      { name: 'Topics', type: '[]OffsetForLeaderTopicResult', versions: [0, null], fields: [
        { name: 'Topic', type: 'string', versions: [0, null] },
        { name: 'Partitions', type: '[]EpochEndOffset', versions: [0, null], fields: [
          { name: 'ErrorCode', type: 'int16', versions: [0, null] },
          { name: 'Partition', type: 'int32', versions: [0, null] },
          { name: 'LeaderEpoch', type: 'int32', versions: [1, null], default: -1 },
          { name: 'EndOffset', type: 'int64', versions: [0, null], default: -1 },
        ]},
      ]},
    ],
  },
};
