import type { ApiSpec } from '../types.js';

// DescribeGroups (API key 15), versions 0-5 as Samsa supports them.
export const describeGroups: ApiSpec = {
  apiKey: 15,
  name: 'DescribeGroups',
  request: {
    validVersions: [0, 5],
    flexibleVersions: 5,
    fields: [
      { name: 'Groups', type: '[]string', versions: [0, null] },
      { name: 'IncludeAuthorizedOperations', type: 'bool', versions: [3, null] },
    ],
  },
  response: {
    validVersions: [0, 5],
    flexibleVersions: 5,
    fields: [
      { name: 'ThrottleTimeMs', type: 'int32', versions: [1, null] },
      { name: 'Groups', type: '[]DescribedGroup', versions: [0, null], fields: [
        { name: 'ErrorCode', type: 'int16', versions: [0, null] },
        { name: 'GroupId', type: 'string', versions: [0, null] },
        { name: 'GroupState', type: 'string', versions: [0, null] },
        { name: 'ProtocolType', type: 'string', versions: [0, null] },
        { name: 'ProtocolData', type: 'string', versions: [0, null] },
        { name: 'Members', type: '[]DescribedGroupMember', versions: [0, null], fields: [
          { name: 'MemberId', type: 'string', versions: [0, null] },
          { name: 'GroupInstanceId', type: 'string', versions: [4, null], nullableVersions: [4, null], default: null },
          { name: 'ClientId', type: 'string', versions: [0, null] },
          { name: 'ClientHost', type: 'string', versions: [0, null] },
          { name: 'MemberMetadata', type: 'bytes', versions: [0, null] },
          { name: 'MemberAssignment', type: 'bytes', versions: [0, null] },
        ]},
        { name: 'AuthorizedOperations', type: 'int32', versions: [3, null], default: -2147483648 },
      ]},
    ],
  },
};
