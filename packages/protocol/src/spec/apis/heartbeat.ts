import type { ApiSpec } from '../types.js';

// Heartbeat (API key 12), versions 0-4 as Samsa supports them.
export const heartbeat: ApiSpec = {
  apiKey: 12,
  name: 'Heartbeat',
  request: {
    validVersions: [0, 4],
    flexibleVersions: 4,
    fields: [
      { name: 'GroupId', type: 'string', versions: [0, null] },
      { name: 'GenerationId', type: 'int32', versions: [0, null] },
      { name: 'MemberId', type: 'string', versions: [0, null] },
      { name: 'GroupInstanceId', type: 'string', versions: [3, null], nullableVersions: [3, null], default: null },
    ],
  },
  response: {
    validVersions: [0, 4],
    flexibleVersions: 4,
    fields: [
      { name: 'ThrottleTimeMs', type: 'int32', versions: [1, null] },
      { name: 'ErrorCode', type: 'int16', versions: [0, null] },
    ],
  },
};
