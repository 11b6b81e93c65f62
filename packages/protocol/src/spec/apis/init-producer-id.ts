import type { ApiSpec } from '../types.js';

// InitProducerId (API key 22), versions 0-5 as Samsa supports them.
export const initProducerId: ApiSpec = {
  apiKey: 22,
  name: 'InitProducerId',
  request: {
    validVersions: [0, 5],
    flexibleVersions: 2,
    fields: [
      { name: 'TransactionalId', type: 'string', versions: [0, null], nullableVersions: [0, null] },
      { name: 'TransactionTimeoutMs', type: 'int32', versions: [0, null] },
      { name: 'ProducerId', type: 'int64', versions: [3, null], default: -1 },
      { name: 'ProducerEpoch', type: 'int16', versions: [3, null], default: -1 },
    ],
  },
  response: {
    validVersions: [0, 5],
    flexibleVersions: 2,
    fields: [
      { name: 'ThrottleTimeMs', type: 'int32', versions: [0, null] },
      { name: 'ErrorCode', type: 'int16', versions: [0, null] },
      { name: 'ProducerId', type: 'int64', versions: [0, null], default: -1 },
      { name: 'ProducerEpoch', type: 'int16', versions: [0, null] },
    ],
  },
};
