import type { ApiSpec } from '../types.js';

// EndTxn (API key 26), versions 0-4 as Samsa supports them.
export const endTxn: ApiSpec = {
  apiKey: 26,
  name: 'EndTxn',
  request: {
    validVersions: [0, 4],
    flexibleVersions: 3,
    fields: [
      { name: 'TransactionalId', type: 'string', versions: [0, null] },
      { name: 'ProducerId', type: 'int64', versions: [0, null] },
      { name: 'ProducerEpoch', type: 'int16', versions: [0, null] },
      { name: 'Committed', type: 'bool', versions: [0, null] },
    ],
  },
  response: {
    validVersions: [0, 4],
    flexibleVersions: 3,
    fields: [
      { name: 'ThrottleTimeMs', type: 'int32', versions: [0, null] },
      { name: 'ErrorCode', type: 'int16', versions: [0, null] },
    ],
  },
};
