import type { ApiSpec } from '../types.js';

// SaslAuthenticate (API key 36), versions 0-2 as Samsa supports them.
export const saslAuthenticate: ApiSpec = {
  apiKey: 36,
  name: 'SaslAuthenticate',
  request: {
    validVersions: [0, 2],
    flexibleVersions: 2,
    fields: [
      { name: 'AuthBytes', type: 'bytes', versions: [0, null] },
    ],
  },
  response: {
    validVersions: [0, 2],
    flexibleVersions: 2,
    fields: [
      { name: 'ErrorCode', type: 'int16', versions: [0, null] },
      { name: 'ErrorMessage', type: 'string', versions: [0, null], nullableVersions: [0, null] },
      { name: 'AuthBytes', type: 'bytes', versions: [0, null] },
      { name: 'SessionLifetimeMs', type: 'int64', versions: [1, null], default: 0 },
    ],
  },
};
