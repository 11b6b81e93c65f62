import type { ApiSpec } from '../types.js';

// DescribeTransactions (API key 65), versions 0-0 as Samsa supports them.
export const describeTransactions: ApiSpec = {
  apiKey: 65,
  name: 'DescribeTransactions',
  request: {
    validVersions: [0, 0],
    flexibleVersions: 0,
    fields: [
      { name: 'TransactionalIds', type: '[]string', versions: [0, null] },
    ],
  },
  response: {
    validVersions: [0, 0],
    flexibleVersions: 0,
    fields: [
      { name: 'ThrottleTimeMs', type: 'int32', versions: [0, null] },
      { name: 'TransactionStates', type: '[]TransactionState', versions: [0, null], fields: [
        { name: 'ErrorCode', type: 'int16', versions: [0, null] },
        { name: 'TransactionalId', type: 'string', versions: [0, null] },
        { name: 'TransactionState', type: 'string', versions: [0, null] },
        { name: 'TransactionTimeoutMs', type: 'int32', versions: [0, null] },
        { name: 'TransactionStartTimeMs', type: 'int64', versions: [0, null] },
        { name: 'ProducerId', type: 'int64', versions: [0, null] },
        { name: 'ProducerEpoch', type: 'int16', versions: [0, null] },
        { name: 'Topics', type: '[]TopicData', versions: [0, null], fields: [
          { name: 'Topic', type: 'string', versions: [0, null] },
          { name: 'Partitions', type: '[]int32', versions: [0, null] },
        ]},
      ]},
    ],
  },
};
