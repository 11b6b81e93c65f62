import type { ApiSpec } from '../types.js';

// Produce (API key 0), versions 0-11 as Samsa supports them.
export const produce: ApiSpec = {
  apiKey: 0,
  name: 'Produce',
  request: {
    validVersions: [0, 11],
    flexibleVersions: 9,
    fields: [
      { name: 'TransactionalId', type: 'string', versions: [3, null], nullableVersions: [3, null], default: null },
      { name: 'Acks', type: 'int16', versions: [0, null] },
      { name: 'TimeoutMs', type: 'int32', versions: [0, null] },
      { name: 'TopicData', type: '[]TopicProduceData', versions: [0, null], fields: [
        { name: 'Name', type: 'string', versions: [0, null] },
        { name: 'PartitionData', type: '[]PartitionProduceData', versions: [0, null], fields: [
          { name: 'Index', type: 'int32', versions: [0, null] },
          { name: 'Records', type: 'records', versions: [0, null], nullableVersions: [0, null] },
        ]},
      ]},
    ],
  },
  response: {
    validVersions: [0, 11],
    flexibleVersions: 9,
    fields: [
      { name: 'Responses', type: '[]TopicProduceResponse', versions: [0, null], fields: [
        { name: 'Name', type: 'string', versions: [0, null] },
        { name: 'PartitionResponses', type: '[]PartitionProduceResponse', versions: [0, null], fields: [
          { name: 'Index', type: 'int32', versions: [0, null] },
          { name: 'ErrorCode', type: 'int16', versions: [0, null] },
          { name: 'BaseOffset', type: 'int64', versions: [0, null] },
          { name: 'LogAppendTimeMs', type: 'int64', versions: [2, null], default: -1 },
          { name: 'LogStartOffset', type: 'int64', versions: [5, null], default: -1 },
          { name: 'RecordErrors', type: '[]BatchIndexAndErrorMessage', versions: [8, null], fields: [
            { name: 'BatchIndex', type: 'int32', versions: [8, null] },
            { name: 'BatchIndexErrorMessage', type: 'string', versions: [8, null], nullableVersions: [8, null], default: null },
          ]},
          { name: 'ErrorMessage', type: 'string', versions: [8, null], nullableVersions: [8, null], default: null },
          { name: 'CurrentLeader', type: 'LeaderIdAndEpoch', versions: [10, null], taggedVersions: [10, null], tag: 0, fields: [
            { name: 'LeaderId', type: 'int32', versions: [10, null], default: -1 },
            { name: 'LeaderEpoch', type: 'int32', versions: [10, null], default: -1 },
          ]},
        ]},
      ]},
      { name: 'ThrottleTimeMs', type: 'int32', versions: [1, null], default: 0 },
      { name: 'NodeEndpoints', type: '[]NodeEndpoint', versions: [10, null], taggedVersions: [10, null], tag: 0, fields: [
        { name: 'NodeId', type: 'int32', versions: [10, null] },
        { name: 'Host', type: 'string', versions: [10, null] },
        { name: 'Port', type: 'int32', versions: [10, null] },
        { name: 'Rack', type: 'string', versions: [10, null], nullableVersions: [10, null], default: null },
      ]},
    ],
  },
};
