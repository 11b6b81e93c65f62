import type { ApiSpec } from '../types.js';

// SaslHandshake (API key 17), versions 0-1 as Samsa supports them.
export const saslHandshake: ApiSpec = {
  apiKey: 17,
  name: 'SaslHandshake',
  request: {
    validVersions: [0, 1],
    flexibleVersions: null,
    fields: [
      { name: 'Mechanism', type: 'string', versions: [0, null] },
    ],
  },
  response: {
    validVersions: [0, 1],
    flexibleVersions: null,
    fields: [
      { name: 'ErrorCode', type: 'int16', versions: [0, null] },
      { name: 'Mechanisms', type: '[]string', versions: [0, null] },
    ],
  },
};
