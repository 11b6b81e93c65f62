import type { ApiSpec } from '../types.js';

// CreateAcls (API key 30), versions 0-3 as Samsa supports them.
export const createAcls: ApiSpec = {
  apiKey: 30,
  name: 'CreateAcls',
  request: {
    validVersions: [0, 3],
    flexibleVersions: 2,
    fields: [
      { name: 'Creations', type: '[]AclCreation', versions: [0, null], fields: [
        { name: 'ResourceType', type: 'int8', versions: [0, null] },
        { name: 'ResourceName', type: 'string', versions: [0, null] },
        { name: 'ResourcePatternType', type: 'int8', versions: [1, null], default: 3 },
        { name: 'Principal', type: 'string', versions: [0, null] },
        { name: 'Host', type: 'string', versions: [0, null] },
        { name: 'Operation', type: 'int8', versions: [0, null] },
        { name: 'PermissionType', type: 'int8', versions: [0, null] },
      ]},
    ],
  },
  response: {
    validVersions: [0, 3],
    flexibleVersions: 2,
    fields: [
      { name: 'ThrottleTimeMs', type: 'int32', versions: [0, null] },
      { name: 'Results', type: '[]AclCreationResult', versions: [0, null], fields: [
        { name: 'ErrorCode', type: 'int16', versions: [0, null] },
        { name: 'ErrorMessage', type: 'string', versions: [0, null], nullableVersions: [0, null] },
      ]},
    ],
  },
};
