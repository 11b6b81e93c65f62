import type { ApiSpec } from '../types.js';

// CreateTopics (API key 19), versions 0-7 as Samsa supports them.
export const createTopics: ApiSpec = {
  apiKey: 19,
  name: 'CreateTopics',
  request: {
    validVersions: [0, 7],
    flexibleVersions: 5,
    fields: [
      { name: 'Topics', type: '[]CreatableTopic', versions: [0, null], fields: [
        { name: 'Name', type: 'string', versions: [0, null] },
        { name: 'NumPartitions', type: 'int32', versions: [0, null] },
        { name: 'ReplicationFactor', type: 'int16', versions: [0, null] },
        { name: 'Assignments', type: '[]CreatableReplicaAssignment', versions: [0, null], fields: [
          { name: 'PartitionIndex', type: 'int32', versions: [0, null] },
          { name: 'BrokerIds', type: '[]int32', versions: [0, null] },
        ]},
        { name: 'Configs', type: '[]CreatableTopicConfig', versions: [0, null], fields: [
          { name: 'Name', type: 'string', versions: [0, null] },
          { name: 'Value', type: 'string', versions: [0, null], nullableVersions: [0, null] },
        ]},
      ]},
      { name: 'timeoutMs', type: 'int32', versions: [0, null], default: 60000 },
      { name: 'validateOnly', type: 'bool', versions: [1, null], default: false },
    ],
  },
  response: {
    validVersions: [0, 7],
    flexibleVersions: 5,
    fields: [
      { name: 'ThrottleTimeMs', type: 'int32', versions: [2, null] },
      { name: 'Topics', type: '[]CreatableTopicResult', versions: [0, null], fields: [
        { name: 'Name', type: 'string', versions: [0, null] },
        { name: 'TopicId', type: 'uuid', versions: [7, null] },
        { name: 'ErrorCode', type: 'int16', versions: [0, null] },
        { name: 'ErrorMessage', type: 'string', versions: [1, null], nullableVersions: [0, null] },
        { name: 'TopicConfigErrorCode', type: 'int16', versions: [5, null], taggedVersions: [5, null], tag: 0 },
        { name: 'NumPartitions', type: 'int32', versions: [5, null], default: -1 },
        { name: 'ReplicationFactor', type: 'int16', versions: [5, null], default: -1 },
        { name: 'Configs', type: '[]CreatableTopicConfigs', versions: [5, null], nullableVersions: [5, null], fields: [
          { name: 'Name', type: 'string', versions: [5, null] },
          { name: 'Value', type: 'string', versions: [5, null], nullableVersions: [5, null] },
          { name: 'ReadOnly', type: 'bool', versions: [5, null] },
          { name: 'ConfigSource', type: 'int8', versions: [5, null], default: -1 },
          { name: 'IsSensitive', type: 'bool', versions: [5, null] },
        ]},
      ]},
    ],
  },
};
