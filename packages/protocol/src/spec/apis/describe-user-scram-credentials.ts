import type { ApiSpec } from '../types.js';

// DescribeUserScramCredentials (API key 50), versions 0-0 as Samsa supports them.
export const describeUserScramCredentials: ApiSpec = {
  apiKey: 50,
  name: 'DescribeUserScramCredentials',
  request: {
    validVersions: [0, 0],
    flexibleVersions: 0,
    fields: [
      { name: 'Users', type: '[]UserName', versions: [0, null], nullableVersions: [0, null], fields: [
        { name: 'Name', type: 'string', versions: [0, null] },
      ]},
    ],
  },
  response: {
    validVersions: [0, 0],
    flexibleVersions: 0,
    fields: [
      { name: 'ThrottleTimeMs', type: 'int32', versions: [0, null] },
      { name: 'ErrorCode', type: 'int16', versions: [0, null] },
      { name: 'ErrorMessage', type: 'string', versions: [0, null], nullableVersions: [0, null] },
      { name: 'Results', type: '[]DescribeUserScramCredentialsResult', versions: [0, null], fields: [
        { name: 'User', type: 'string', versions: [0, null] },
        { name: 'ErrorCode', type: 'int16', versions: [0, null] },
        { name: 'ErrorMessage', type: 'string', versions: [0, null], nullableVersions: [0, null] },
        { name: 'CredentialInfos', type: '[]CredentialInfo', versions: [0, null], fields: [
          { name: 'Mechanism', type: 'int8', versions: [0, null] },
          { name: 'Iterations', type: 'int32', versions: [0, null] },
        ]},
      ]},
    ],
  },
};
