import type { ApiSpec } from '../types.js';

// CreatePartitions (API key 37), versions 0-3 as Samsa supports them.
export const createPartitions: ApiSpec = {
  apiKey: 37,
  name: 'CreatePartitions',
  request: {
    validVersions: [0, 3],
    flexibleVersions: 2,
    fields: [
      { name: 'Topics', type: '[]CreatePartitionsTopic', versions: [0, null], fields: [
        { name: 'Name', type: 'string', versions: [0, null] },
        { name: 'Count', type: 'int32', versions: [0, null] },
        { name: 'Assignments', type: '[]CreatePartitionsAssignment', versions: [0, null], nullableVersions: [0, null], fields: [
          { name: 'BrokerIds', type: '[]int32', versions: [0, null] },
        ]},
      ]},
      { name: 'TimeoutMs', type: 'int32', versions: [0, null] },
      { name: 'ValidateOnly', type: 'bool', versions: [0, null] },
    ],
  },
  response: {
    validVersions: [0, 3],
    flexibleVersions: 2,
    fields: [
      { name: 'ThrottleTimeMs', type: 'int32', versions: [0, null] },
      { name: 'Results', type: '[]CreatePartitionsTopicResult', versions: [0, null], fields: [
        { name: 'Name', type: 'string', versions: [0, null] },
        { name: 'ErrorCode', type: 'int16', versions: [0, null] },
        { name: 'ErrorMessage', type: 'string', versions: [0, null], nullableVersions: [0, null], default: null },
      ]},
    ],
  },
};
