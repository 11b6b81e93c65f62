import type { ApiSpec } from '../types.js';

// OffsetDelete (API key 47), versions 0-0 as Samsa supports them.
export const offsetDelete: ApiSpec = {
  apiKey: 47,
  name: 'OffsetDelete',
  request: {
    validVersions: [0, 0],
    flexibleVersions: null,
    fields: [
      { name: 'GroupId', type: 'string', versions: [0, null] },
      { name: 'Topics', type: '[]OffsetDeleteRequestTopic', versions: [0, null], fields: [
        { name: 'Name', type: 'string', versions: [0, null] },
        { name: 'Partitions', type: '[]OffsetDeleteRequestPartition', versions: [0, null], fields: [
          { name: 'PartitionIndex', type: 'int32', versions: [0, null] },
        ]},
      ]},
    ],
  },
  response: {
    validVersions: [0, 0],
    flexibleVersions: null,
    fields: [
      { name: 'ErrorCode', type: 'int16', versions: [0, null] },
      { name: 'ThrottleTimeMs', type: 'int32', versions: [0, null] },
      { name: 'Topics', type: '[]OffsetDeleteResponseTopic', versions: [0, null], fields: [
        { name: 'Name', type: 'string', versions: [0, null] },
        { name: 'Partitions', type: '[]OffsetDeleteResponsePartition', versions: [0, null], fields: [
          { name: 'PartitionIndex', type: 'int32', versions: [0, null] },
          { name: 'ErrorCode', type: 'int16', versions: [0, null] },
        ]},
      ]},
    ],
  },
};
