import type { ApiSpec } from '../types.js';

// JoinGroup (API key 11), versions 0-9 as Samsa supports them.
export const joinGroup: ApiSpec = {
  apiKey: 11,
  name: 'JoinGroup',
  request: {
    validVersions: [0, 9],
    flexibleVersions: 6,
    fields: [
      { name: 'GroupId', type: 'string', versions: [0, null] },
      { name: 'SessionTimeoutMs', type: 'int32', versions: [0, null] },
      { name: 'RebalanceTimeoutMs', type: 'int32', versions: [1, null], default: -1 },
      { name: 'MemberId', type: 'string', versions: [0, null] },
      { name: 'GroupInstanceId', type: 'string', versions: [5, null], nullableVersions: [5, null], default: null },
      { name: 'ProtocolType', type: 'string', versions: [0, null] },
      { name: 'Protocols', type: '[]JoinGroupRequestProtocol', versions: [0, null], fields: [
        { name: 'Name', type: 'string', versions: [0, null] },
        { name: 'Metadata', type: 'bytes', versions: [0, null] },
      ]},
      { name: 'Reason', type: 'string', versions: [8, null], nullableVersions: [8, null], default: null },
    ],
  },
  response: {
    validVersions: [0, 9],
    flexibleVersions: 6,
    fields: [
      { name: 'ThrottleTimeMs', type: 'int32', versions: [2, null] },
      { name: 'ErrorCode', type: 'int16', versions: [0, null] },
      { name: 'GenerationId', type: 'int32', versions: [0, null], default: -1 },
      { name: 'ProtocolType', type: 'string', versions: [7, null], nullableVersions: [7, null], default: null },
      { name: 'ProtocolName', type: 'string', versions: [0, null], nullableVersions: [7, null] },
      { name: 'Leader', type: 'string', versions: [0, null] },
      { name: 'SkipAssignment', type: 'bool', versions: [9, null], default: false },
      { name: 'MemberId', type: 'string', versions: [0, null] },
      { name: 'Members', type: '[]JoinGroupResponseMember', versions: [0, null], fields: [
        { name: 'MemberId', type: 'string', versions: [0, null] },
        { name: 'GroupInstanceId', type: 'string', versions: [5, null], nullableVersions: [5, null], default: null },
        { name: 'Metadata', type: 'bytes', versions: [0, null] },
      ]},
    ],
  },
};
