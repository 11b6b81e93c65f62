import type { ApiSpec } from '../types.js';

// DeleteAcls (API key 31), versions 0-3 as Samsa supports them.
export const deleteAcls: ApiSpec = {
  apiKey: 31,
  name: 'DeleteAcls',
  request: {
    validVersions: [0, 3],
    flexibleVersions: 2,
    fields: [
      { name: 'Filters', type: '[]DeleteAclsFilter', versions: [0, null], fields: [
        { name: 'ResourceTypeFilter', type: 'int8', versions: [0, null] },
        { name: 'ResourceNameFilter', type: 'string', versions: [0, null], nullableVersions: [0, null] },
        { name: 'PatternTypeFilter', type: 'int8', versions: [1, null], default: 3 },
        { name: 'PrincipalFilter', type: 'string', versions: [0, null], nullableVersions: [0, null] },
        { name: 'HostFilter', type: 'string', versions: [0, null], nullableVersions: [0, null] },
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
      { name: 'FilterResults', type: '[]DeleteAclsFilterResult', versions: [0, null], fields: [
        { name: 'ErrorCode', type: 'int16', versions: [0, null] },
        { name: 'ErrorMessage', type: 'string', versions: [0, null], nullableVersions: [0, null] },
        { name: 'MatchingAcls', type: '[]DeleteAclsMatchingAcl', versions: [0, null], fields: [
          { name: 'ErrorCode', type: 'int16', versions: [0, null] },
          { name: 'ErrorMessage', type: 'string', versions: [0, null], nullableVersions: [0, null] },
          { name: 'ResourceType', type: 'int8', versions: [0, null] },
          { name: 'ResourceName', type: 'string', versions: [0, null] },
          { name: 'PatternType', type: 'int8', versions: [1, null], default: 3 },
          { name: 'Principal', type: 'string', versions: [0, null] },
          { name: 'Host', type: 'string', versions: [0, null] },
          { name: 'Operation', type: 'int8', versions: [0, null] },
          { name: 'PermissionType', type: 'int8', versions: [0, null] },
        ]},
      ]},
    ],
  },
};
