import type { ApiSpec } from '../types.js';

// ConsumerGroupHeartbeat (API key 68), versions 0-1 as Samsa supports them.
export const consumerGroupHeartbeat: ApiSpec = {
  apiKey: 68,
  name: 'ConsumerGroupHeartbeat',
  request: {
    validVersions: [0, 1],
    flexibleVersions: 0,
    fields: [
      { name: 'GroupId', type: 'string', versions: [0, null] },
      { name: 'MemberId', type: 'string', versions: [0, null] },
      { name: 'MemberEpoch', type: 'int32', versions: [0, null] },
      { name: 'InstanceId', type: 'string', versions: [0, null], nullableVersions: [0, null], default: null },
      { name: 'RackId', type: 'string', versions: [0, null], nullableVersions: [0, null], default: null },
      { name: 'RebalanceTimeoutMs', type: 'int32', versions: [0, null], default: -1 },
      { name: 'SubscribedTopicNames', type: '[]string', versions: [0, null], nullableVersions: [0, null], default: null },
      { name: 'SubscribedTopicRegex', type: 'string', versions: [1, null], nullableVersions: [1, null], default: null },
      { name: 'ServerAssignor', type: 'string', versions: [0, null], nullableVersions: [0, null], default: null },
      { name: 'TopicPartitions', type: '[]TopicPartitions', versions: [0, null], nullableVersions: [0, null], default: null, fields: [
        { name: 'TopicId', type: 'uuid', versions: [0, null] },
        { name: 'Partitions', type: '[]int32', versions: [0, null] },
      ]},
    ],
  },
  response: {
    validVersions: [0, 1],
    flexibleVersions: 0,
    fields: [
      { name: 'ThrottleTimeMs', type: 'int32', versions: [0, null] },
      { name: 'ErrorCode', type: 'int16', versions: [0, null] },
      { name: 'ErrorMessage', type: 'string', versions: [0, null], nullableVersions: [0, null], default: null },
      { name: 'MemberId', type: 'string', versions: [0, null], nullableVersions: [0, null], default: null },
      { name: 'MemberEpoch', type: 'int32', versions: [0, null] },
      { name: 'HeartbeatIntervalMs', type: 'int32', versions: [0, null] },
      { name: 'Assignment', type: 'Assignment', versions: [0, null], nullableVersions: [0, null], default: null, fields: [
        { name: 'TopicPartitions', type: '[]TopicPartitions', versions: [0, null], fields: [
          { name: 'TopicId', type: 'uuid', versions: [0, null] },
          { name: 'Partitions', type: '[]int32', versions: [0, null] },
        ]},
      ]},
    ],
  },
};
