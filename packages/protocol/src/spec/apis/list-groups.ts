import type { ApiSpec } from '../types.js';

// ListGroups (API key 16), versions 0-5 as Samsa supports them.
export const listGroups: ApiSpec = {
  apiKey: 16,
  name: 'ListGroups',
  request: {
    validVersions: [0, 5],
    flexibleVersions: 3,
    fields: [
      { name: 'StatesFilter', type: '[]string', versions: [4, null] },
      { name: 'TypesFilter', type: '[]string', versions: [5, null] },
    ],
  },
  response: {
    validVersions: [0, 5],
    flexibleVersions: 3,
    fields: [
      { name: 'ThrottleTimeMs', type: 'int32', versions: [1, null] },
      { name: 'ErrorCode', type: 'int16', versions: [0, null] },
      { name: 'Groups', type: '[]ListedGroup', versions: [0, null], fields: [
        { name: 'GroupId', type: 'string', versions: [0, null] },
        { name: 'ProtocolType', type: 'string', versions: [0, null] },
        { name: 'GroupState', type: 'string', versions: [4, null] },
        { name: 'GroupType', type: 'string', versions: [5, null] },
      ]},
    ],
  },
};
