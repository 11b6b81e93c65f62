import type { ApiSpec } from '../types.js';

// FindCoordinator (API key 10), versions 0-5 as Samsa supports them.
export const findCoordinator: ApiSpec = {
  apiKey: 10,
  name: 'FindCoordinator',
  request: {
    validVersions: [0, 5],
    flexibleVersions: 3,
    fields: [
      { name: 'Key', type: 'string', versions: [0, 3] },
      { name: 'KeyType', type: 'int8', versions: [1, null], default: 0 },
      { name: 'CoordinatorKeys', type: '[]string', versions: [4, null] },
    ],
  },
  response: {
    validVersions: [0, 5],
    flexibleVersions: 3,
    fields: [
      { name: 'ThrottleTimeMs', type: 'int32', versions: [1, null] },
      { name: 'ErrorCode', type: 'int16', versions: [0, 3] },
      { name: 'ErrorMessage', type: 'string', versions: [1, 3], nullableVersions: [1, 3] },
      { name: 'NodeId', type: 'int32', versions: [0, 3] },
      { name: 'Host', type: 'string', versions: [0, 3] },
      { name: 'Port', type: 'int32', versions: [0, 3] },
      { name: 'Coordinators', type: '[]Coordinator', versions: [4, null], fields: [
        { name: 'Key', type: 'string', versions: [4, null] },
        { name: 'NodeId', type: 'int32', versions: [4, null] },
        { name: 'Host', type: 'string', versions: [4, null] },
        { name: 'Port', type: 'int32', versions: [4, null] },
        { name: 'ErrorCode', type: 'int16', versions: [4, null] },
        { name: 'ErrorMessage', type: 'string', versions: [4, null], nullableVersions: [4, null] },
      ]},
    ],
  },
};
