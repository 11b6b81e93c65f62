import type { ApiSpec } from '../types.js';

// AddOffsetsToTxn (API key 25), versions 0-4 as Samsa supports them.
export const addOffsetsToTxn: ApiSpec = {
  apiKey: 25,
  name: 'AddOffsetsToTxn',
  request: {
    validVersions: [0, 4],
    flexibleVersions: 3,
    fields: [
      { name: 'TransactionalId', type: 'string', versions: [0, null] },
      { name: 'ProducerId', type: 'int64', versions: [0, null] },
      { name: 'ProducerEpoch', type: 'int16', versions: [0, null] },
      { name: 'GroupId', type: 'string', versions: [0, null] },
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
