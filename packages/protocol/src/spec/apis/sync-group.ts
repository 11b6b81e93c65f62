import type { ApiSpec } from '../types.js';

// SyncGroup (API key 14), versions 0-5 as Samsa supports them.
export const syncGroup: ApiSpec = {
  apiKey: 14,
  name: 'SyncGroup',
  request: {
    validVersions: [0, 5],
    flexibleVersions: 4,
    fields: [
      { name: 'GroupId', type: 'string', versions: [0, null] },
      { name: 'GenerationId', type: 'int32', versions: [0, null] },
      { name: 'MemberId', type: 'string', versions: [0, null] },
      { name: 'GroupInstanceId', type: 'string', versions: [3, null], nullableVersions: [3, null], default: null },
      { name: 'ProtocolType', type: 'string', versions: [5, null], nullableVersions: [5, null], default: null },
      { name: 'ProtocolName', type: 'string', versions: [5, null], nullableVersions: [5, null], default: null },
      { name: 'Assignments', type: '[]SyncGroupRequestAssignment', versions: [0, null], fields: [
        { name: 'MemberId', type: 'string', versions: [0, null] },
        { name: 'Assignment', type: 'bytes', versions: [0, null] },
      ]},
    ],
  },
  response: {
    validVersions: [0, 5],
    flexibleVersions: 4,
    fields: [
      { name: 'ThrottleTimeMs', type: 'int32', versions: [1, null] },
      { name: 'ErrorCode', type: 'int16', versions: [0, null] },
      { name: 'ProtocolType', type: 'string', versions: [5, null], nullableVersions: [5, null], default: null },
      { name: 'ProtocolName', type: 'string', versions: [5, null], nullableVersions: [5, null], default: null },
      { name: 'Assignment', type: 'bytes', versions: [0, null] },
    ],
  },
};
