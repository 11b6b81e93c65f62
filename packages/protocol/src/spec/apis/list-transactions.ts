import type { ApiSpec } from '../types.js';

// ListTransactions (API key 66), versions 0-1 as Samsa supports them.
export const listTransactions: ApiSpec = {
  apiKey: 66,
  name: 'ListTransactions',
  request: {
    validVersions: [0, 1],
    flexibleVersions: 0,
    fields: [
      { name: 'StateFilters', type: '[]string', versions: [0, null] },
      { name: 'ProducerIdFilters', type: '[]int64', versions: [0, null] },
      { name: 'DurationFilter', type: 'int64', versions: [1, null], default: -1 },
    ],
  },
  response: {
    validVersions: [0, 1],
    flexibleVersions: 0,
    fields: [
      { name: 'ThrottleTimeMs', type: 'int32', versions: [0, null] },
      { name: 'ErrorCode', type: 'int16', versions: [0, null] },
      { name: 'UnknownStateFilters', type: '[]string', versions: [0, null] },
      { name: 'TransactionStates', type: '[]TransactionState', versions: [0, null], fields: [
        { name: 'TransactionalId', type: 'string', versions: [0, null] },
        { name: 'ProducerId', type: 'int64', versions: [0, null] },
        { name: 'TransactionState', type: 'string', versions: [0, null] },
      ]},
    ],
  },
};
