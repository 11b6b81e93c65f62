import type { ApiSpec } from '../types.js';

// LeaveGroup (API key 13), versions 0-5 as Samsa supports them.
export const leaveGroup: ApiSpec = {
  apiKey: 13,
  name: 'LeaveGroup',
  request: {
    validVersions: [0, 5],
    flexibleVersions: 4,
    fields: [
      { name: 'GroupId', type: 'string', versions: [0, null] },
      { name: 'MemberId', type: 'string', versions: [0, 2] },
      { name: 'Members', type: '[]MemberIdentity', versions: [3, null], fields: [
        { name: 'MemberId', type: 'string', versions: [3, null] },
        { name: 'GroupInstanceId', type: 'string', versions: [3, null], nullableVersions: [3, null], default: null },
        { name: 'Reason', type: 'string', versions: [5, null], nullableVersions: [5, null], default: null },
      ]},
    ],
  },
  response: {
    validVersions: [0, 5],
    flexibleVersions: 4,
    fields: [
      { name: 'ThrottleTimeMs', type: 'int32', versions: [1, null] },
      { name: 'ErrorCode', type: 'int16', versions: [0, null] },
      { name: 'Members', type: '[]MemberResponse', versions: [3, null], fields: [
        { name: 'MemberId', type: 'string', versions: [3, null] },
        { name: 'GroupInstanceId', type: 'string', versions: [3, null], nullableVersions: [3, null] },
        { name: 'ErrorCode', type: 'int16', versions: [3, null] },
      ]},
    ],
  },
};
