import type { ApiSpec } from '../types.js';

// ConsumerGroupDescribe (API key 69), versions 0-1 as Samsa supports them. v1 adds each member's
// MemberType (KIP-1099: -1 unknown, 0 classic, 1 consumer); it is newer than the reference copy of
// Kafka's definitions (see scripts/conformance.ts, NEWER_THAN_DEFINITIONS).
export const consumerGroupDescribe: ApiSpec = {
  apiKey: 69,
  name: 'ConsumerGroupDescribe',
  request: {
    validVersions: [0, 1],
    flexibleVersions: 0,
    fields: [
      { name: 'GroupIds', type: '[]string', versions: [0, null] },
      { name: 'IncludeAuthorizedOperations', type: 'bool', versions: [0, null] },
    ],
  },
  response: {
    validVersions: [0, 1],
    flexibleVersions: 0,
    fields: [
      { name: 'ThrottleTimeMs', type: 'int32', versions: [0, null] },
      { name: 'Groups', type: '[]DescribedGroup', versions: [0, null], fields: [
        { name: 'ErrorCode', type: 'int16', versions: [0, null] },
        { name: 'ErrorMessage', type: 'string', versions: [0, null], nullableVersions: [0, null], default: null },
        { name: 'GroupId', type: 'string', versions: [0, null] },
        { name: 'GroupState', type: 'string', versions: [0, null] },
        { name: 'GroupEpoch', type: 'int32', versions: [0, null] },
        { name: 'AssignmentEpoch', type: 'int32', versions: [0, null] },
        { name: 'AssignorName', type: 'string', versions: [0, null] },
        { name: 'Members', type: '[]Member', versions: [0, null], fields: [
          { name: 'MemberId', type: 'string', versions: [0, null] },
          { name: 'InstanceId', type: 'string', versions: [0, null], nullableVersions: [0, null], default: null },
          { name: 'RackId', type: 'string', versions: [0, null], nullableVersions: [0, null], default: null },
          { name: 'MemberEpoch', type: 'int32', versions: [0, null] },
          { name: 'ClientId', type: 'string', versions: [0, null] },
          { name: 'ClientHost', type: 'string', versions: [0, null] },
          { name: 'SubscribedTopicNames', type: '[]string', versions: [0, null] },
          { name: 'SubscribedTopicRegex', type: 'string', versions: [0, null], nullableVersions: [0, null], default: null },
          { name: 'Assignment', type: 'Assignment', versions: [0, null], fields: [
            { name: 'TopicPartitions', type: '[]TopicPartitions', versions: [0, null], fields: [
              { name: 'TopicId', type: 'uuid', versions: [0, null] },
              { name: 'TopicName', type: 'string', versions: [0, null] },
              { name: 'Partitions', type: '[]int32', versions: [0, null] },
            ]},
          ]},
          { name: 'TargetAssignment', type: 'Assignment', versions: [0, null], fields: [
            { name: 'TopicPartitions', type: '[]TopicPartitions', versions: [0, null], fields: [
              { name: 'TopicId', type: 'uuid', versions: [0, null] },
              { name: 'TopicName', type: 'string', versions: [0, null] },
              { name: 'Partitions', type: '[]int32', versions: [0, null] },
            ]},
          ]},
          { name: 'MemberType', type: 'int8', versions: [1, null], default: -1 },
        ]},
        { name: 'AuthorizedOperations', type: 'int32', versions: [0, null], default: -2147483648 },
      ]},
    ],
  },
};
