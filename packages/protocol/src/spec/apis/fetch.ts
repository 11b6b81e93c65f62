import type { ApiSpec } from '../types.js';

// Fetch (API key 1), versions 0-16 as Samsa supports them.
export const fetch: ApiSpec = {
  apiKey: 1,
  name: 'Fetch',
  request: {
    validVersions: [0, 16],
    flexibleVersions: 12,
    fields: [
      { name: 'ClusterId', type: 'string', versions: [12, null], nullableVersions: [12, null], taggedVersions: [12, null], tag: 0, default: null },
      { name: 'ReplicaId', type: 'int32', versions: [0, 14], default: -1 },
      { name: 'ReplicaState', type: 'ReplicaState', versions: [15, null], taggedVersions: [15, null], tag: 1, fields: [
        { name: 'ReplicaId', type: 'int32', versions: [15, null], default: -1 },
        { name: 'ReplicaEpoch', type: 'int64', versions: [15, null], default: -1 },
      ]},
      { name: 'MaxWaitMs', type: 'int32', versions: [0, null] },
      { name: 'MinBytes', type: 'int32', versions: [0, null] },
      { name: 'MaxBytes', type: 'int32', versions: [3, null], default: 2147483647 },
      { name: 'IsolationLevel', type: 'int8', versions: [4, null], default: 0 },
      { name: 'SessionId', type: 'int32', versions: [7, null], default: 0 },
      { name: 'SessionEpoch', type: 'int32', versions: [7, null], default: -1 },
      { name: 'Topics', type: '[]FetchTopic', versions: [0, null], fields: [
        { name: 'Topic', type: 'string', versions: [0, 12] },
        { name: 'TopicId', type: 'uuid', versions: [13, null] },
        { name: 'Partitions', type: '[]FetchPartition', versions: [0, null], fields: [
          { name: 'Partition', type: 'int32', versions: [0, null] },
          { name: 'CurrentLeaderEpoch', type: 'int32', versions: [9, null], default: -1 },
          { name: 'FetchOffset', type: 'int64', versions: [0, null] },
          { name: 'LastFetchedEpoch', type: 'int32', versions: [12, null], default: -1 },
          { name: 'LogStartOffset', type: 'int64', versions: [5, null], default: -1 },
          { name: 'PartitionMaxBytes', type: 'int32', versions: [0, null] },
        ]},
      ]},
      { name: 'ForgottenTopicsData', type: '[]ForgottenTopic', versions: [7, null], fields: [
        { name: 'Topic', type: 'string', versions: [7, 12] },
        { name: 'TopicId', type: 'uuid', versions: [13, null] },
        { name: 'Partitions', type: '[]int32', versions: [7, null] },
      ]},
      { name: 'RackId', type: 'string', versions: [11, null], default: "" },
    ],
  },
  response: {
    validVersions: [0, 16],
    flexibleVersions: 12,
    fields: [
      { name: 'ThrottleTimeMs', type: 'int32', versions: [1, null] },
      { name: 'ErrorCode', type: 'int16', versions: [7, null] },
      { name: 'SessionId', type: 'int32', versions: [7, null], default: 0 },
      { name: 'Responses', type: '[]FetchableTopicResponse', versions: [0, null], fields: [
        { name: 'Topic', type: 'string', versions: [0, 12] },
        { name: 'TopicId', type: 'uuid', versions: [13, null] },
        { name: 'Partitions', type: '[]PartitionData', versions: [0, null], fields: [
          { name: 'PartitionIndex', type: 'int32', versions: [0, null] },
          { name: 'ErrorCode', type: 'int16', versions: [0, null] },
          { name: 'HighWatermark', type: 'int64', versions: [0, null] },
          { name: 'LastStableOffset', type: 'int64', versions: [4, null], default: -1 },
          { name: 'LogStartOffset', type: 'int64', versions: [5, null], default: -1 },
          { name: 'DivergingEpoch', type: 'EpochEndOffset', versions: [12, null], taggedVersions: [12, null], tag: 0, fields: [
            { name: 'Epoch', type: 'int32', versions: [12, null], default: -1 },
            { name: 'EndOffset', type: 'int64', versions: [12, null], default: -1 },
          ]},
          { name: 'CurrentLeader', type: 'LeaderIdAndEpoch', versions: [12, null], taggedVersions: [12, null], tag: 1, fields: [
            { name: 'LeaderId', type: 'int32', versions: [12, null], default: -1 },
            { name: 'LeaderEpoch', type: 'int32', versions: [12, null], default: -1 },
          ]},
          { name: 'SnapshotId', type: 'SnapshotId', versions: [12, null], taggedVersions: [12, null], tag: 2, fields: [
            { name: 'EndOffset', type: 'int64', versions: [0, null], default: -1 },
            { name: 'Epoch', type: 'int32', versions: [0, null], default: -1 },
          ]},
          { name: 'AbortedTransactions', type: '[]AbortedTransaction', versions: [4, null], nullableVersions: [4, null], fields: [
            { name: 'ProducerId', type: 'int64', versions: [4, null] },
            { name: 'FirstOffset', type: 'int64', versions: [4, null] },
          ]},
          { name: 'PreferredReadReplica', type: 'int32', versions: [11, null], default: -1 },
          { name: 'Records', type: 'records', versions: [0, null], nullableVersions: [0, null] },
        ]},
      ]},
      { name: 'NodeEndpoints', type: '[]NodeEndpoint', versions: [16, null], taggedVersions: [16, null], tag: 0, fields: [
        { name: 'NodeId', type: 'int32', versions: [16, null] },
        { name: 'Host', type: 'string', versions: [16, null] },
        { name: 'Port', type: 'int32', versions: [16, null] },
        { name: 'Rack', type: 'string', versions: [16, null], nullableVersions: [16, null], default: null },
      ]},
    ],
  },
};
