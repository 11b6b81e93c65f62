import type { ApiSpec } from '../types.js';

// AlterUserScramCredentials (API key 51), versions 0-0 as Samsa supports them.
export const alterUserScramCredentials: ApiSpec = {
  apiKey: 51,
  name: 'AlterUserScramCredentials',
  request: {
    validVersions: [0, 0],
    flexibleVersions: 0,
    fields: [
      { name: 'Deletions', type: '[]ScramCredentialDeletion', versions: [0, null], fields: [
        { name: 'Name', type: 'string', versions: [0, null] },
        { name: 'Mechanism', type: 'int8', versions: [0, null] },
      ]},
      { name: 'Upsertions', type: '[]ScramCredentialUpsertion', versions: [0, null], fields: [
        { name: 'Name', type: 'string', versions: [0, null] },
        { name: 'Mechanism', type: 'int8', versions: [0, null] },
        { name: 'Iterations', type: 'int32', versions: [0, null] },
        { name: 'Salt', type: 'bytes', versions: [0, null] },
        { name: 'SaltedPassword', type: 'bytes', versions: [0, null] },
      ]},
    ],
  },
  response: {
    validVersions: [0, 0],
    flexibleVersions: 0,
    fields: [
      { name: 'ThrottleTimeMs', type: 'int32', versions: [0, null] },
      { name: 'Results', type: '[]AlterUserScramCredentialsResult', versions: [0, null], fields: [
        { name: 'User', type: 'string', versions: [0, null] },
        { name: 'ErrorCode', type: 'int16', versions: [0, null] },
        { name: 'ErrorMessage', type: 'string', versions: [0, null], nullableVersions: [0, null] },
      ]},
    ],
  },
};
