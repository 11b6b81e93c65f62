import type { ApiSpec } from '../types.js';

// DeleteRecords (API key 21), versions 0-2 as Samsa supports them.
export const deleteRecords: ApiSpec = {
  apiKey: 21,
  name: 'DeleteRecords',
  request: {
    validVersions: [0, 2],
    flexibleVersions: 2,
    fields: [
      { name: 'Topics', type: '[]DeleteRecordsTopic', versions: [0, null], fields: [
        { name: 'Name', type: 'string', versions: [0, null] },
        { name: 'Partitions', type: '[]DeleteRecordsPartition', versions: [0, null], fields: [
          { name: 'PartitionIndex', type: 'int32', versions: [0, null] },
          { name: 'Offset', type: 'int64', versions: [0, null] },
        ]},
      ]},
      { name: 'TimeoutMs', type: 'int32', versions: [0, null] },
    ],
  },
  response: {
    validVersions: [0, 2],
    flexibleVersions: 2,
    fields: [
      { name: 'ThrottleTimeMs', type: 'int32', versions: [0, null] },
      { name: 'Topics', type: '[]DeleteRecordsTopicResult', versions: [0, null], fields: [
        { name: 'Name', type: 'string', versions: [0, null] },
        { name: 'Partitions', type: '[]DeleteRecordsPartitionResult', versions: [0, null], fields: [
          { name: 'PartitionIndex', type: 'int32', versions: [0, null] },
          { name: 'LowWatermark', type: 'int64', versions: [0, null] },
          { name: 'ErrorCode', type: 'int16', versions: [0, null] },
        ]},
      ]},
    ],
  },
};
