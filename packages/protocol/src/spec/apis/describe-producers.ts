import type { ApiSpec } from '../types.js';

// DescribeProducers (API key 61), versions 0-0 as Samsa supports them.
export const describeProducers: ApiSpec = {
  apiKey: 61,
  name: 'DescribeProducers',
  request: {
    validVersions: [0, 0],
    flexibleVersions: 0,
    fields: [
      { name: 'Topics', type: '[]TopicRequest', versions: [0, null], fields: [
        { name: 'Name', type: 'string', versions: [0, null] },
        { name: 'PartitionIndexes', type: '[]int32', versions: [0, null] },
      ]},
    ],
  },
  response: {
    validVersions: [0, 0],
    flexibleVersions: 0,
    fields: [
      { name: 'ThrottleTimeMs', type: 'int32', versions: [0, null] },
      { name: 'Topics', type: '[]TopicResponse', versions: [0, null], fields: [
        { name: 'Name', type: 'string', versions: [0, null] },
        { name: 'Partitions', type: '[]PartitionResponse', versions: [0, null], fields: [
          { name: 'PartitionIndex', type: 'int32', versions: [0, null] },
          { name: 'ErrorCode', type: 'int16', versions: [0, null] },
          { name: 'ErrorMessage', type: 'string', versions: [0, null], nullableVersions: [0, null], default: null },
          { name: 'ActiveProducers', type: '[]ProducerState', versions: [0, null], fields: [
            { name: 'ProducerId', type: 'int64', versions: [0, null] },
            { name: 'ProducerEpoch', type: 'int32', versions: [0, null] },
            { name: 'LastSequence', type: 'int32', versions: [0, null], default: -1 },
            { name: 'LastTimestamp', type: 'int64', versions: [0, null], default: -1 },
            { name: 'CoordinatorEpoch', type: 'int32', versions: [0, null] },
            { name: 'CurrentTxnStartOffset', type: 'int64', versions: [0, null], default: -1 },
          ]},
        ]},
      ]},
    ],
  },
};
