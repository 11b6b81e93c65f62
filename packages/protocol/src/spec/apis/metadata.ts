import type { ApiSpec } from '../types.js';

// Metadata (API key 3), versions 0-12 as Samsa supports them.
export const metadata: ApiSpec = {
  apiKey: 3,
  name: 'Metadata',
  request: {
    validVersions: [0, 12],
    flexibleVersions: 9,
    fields: [
      { name: 'Topics', type: '[]MetadataRequestTopic', versions: [0, null], nullableVersions: [1, null], fields: [
        { name: 'TopicId', type: 'uuid', versions: [10, null] },
        { name: 'Name', type: 'string', versions: [0, null], nullableVersions: [10, null] },
      ]},
      { name: 'AllowAutoTopicCreation', type: 'bool', versions: [4, null], default: true },
      { name: 'IncludeClusterAuthorizedOperations', type: 'bool', versions: [8, 10] },
      { name: 'IncludeTopicAuthorizedOperations', type: 'bool', versions: [8, null] },
    ],
  },
  response: {
    validVersions: [0, 12],
    flexibleVersions: 9,
    fields: [
      { name: 'ThrottleTimeMs', type: 'int32', versions: [3, null] },
      { name: 'Brokers', type: '[]MetadataResponseBroker', versions: [0, null], fields: [
        { name: 'NodeId', type: 'int32', versions: [0, null] },
        { name: 'Host', type: 'string', versions: [0, null] },
        { name: 'Port', type: 'int32', versions: [0, null] },
        { name: 'Rack', type: 'string', versions: [1, null], nullableVersions: [1, null], default: null },
      ]},
      { name: 'ClusterId', type: 'string', versions: [2, null], nullableVersions: [2, null], default: null },
      { name: 'ControllerId', type: 'int32', versions: [1, null], default: -1 },
      { name: 'Topics', type: '[]MetadataResponseTopic', versions: [0, null], fields: [
        { name: 'ErrorCode', type: 'int16', versions: [0, null] },
        { name: 'Name', type: 'string', versions: [0, null], nullableVersions: [12, null] },
        { name: 'TopicId', type: 'uuid', versions: [10, null] },
        { name: 'IsInternal', type: 'bool', versions: [1, null], default: false },
        { name: 'Partitions', type: '[]MetadataResponsePartition', versions: [0, null], fields: [
          { name: 'ErrorCode', type: 'int16', versions: [0, null] },
          { name: 'PartitionIndex', type: 'int32', versions: [0, null] },
          { name: 'LeaderId', type: 'int32', versions: [0, null] },
          { name: 'LeaderEpoch', type: 'int32', versions: [7, null], default: -1 },
          { name: 'ReplicaNodes', type: '[]int32', versions: [0, null] },
          { name: 'IsrNodes', type: '[]int32', versions: [0, null] },
          { name: 'OfflineReplicas', type: '[]int32', versions: [5, null] },
        ]},
        { name: 'TopicAuthorizedOperations', type: 'int32', versions: [8, null], default: -2147483648 },
      ]},
      { name: 'ClusterAuthorizedOperations', type: 'int32', versions: [8, 10], default: -2147483648 },
    ],
  },
};
