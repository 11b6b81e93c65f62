import type { ApiSpec } from '../types.js';

// DeleteGroups (API key 42), versions 0-2 as Samsa supports them.
export const deleteGroups: ApiSpec = {
  apiKey: 42,
  name: 'DeleteGroups',
  request: {
    validVersions: [0, 2],
    flexibleVersions: 2,
    fields: [
      { name: 'GroupsNames', type: '[]string', versions: [0, null] },
    ],
  },
  response: {
    validVersions: [0, 2],
    flexibleVersions: 2,
    fields: [
      { name: 'ThrottleTimeMs', type: 'int32', versions: [0, null] },
      { name: 'Results', type: '[]DeletableGroupResult', versions: [0, null], fields: [
        { name: 'GroupId', type: 'string', versions: [0, null] },
        { name: 'ErrorCode', type: 'int16', versions: [0, null] },
      ]},
    ],
  },
};
