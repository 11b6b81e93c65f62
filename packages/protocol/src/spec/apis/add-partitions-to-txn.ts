import type { ApiSpec } from '../types.js';

// AddPartitionsToTxn (API key 24), versions 0-5 as Samsa supports them.
export const addPartitionsToTxn: ApiSpec = {
  apiKey: 24,
  name: 'AddPartitionsToTxn',
  request: {
    validVersions: [0, 5],
    flexibleVersions: 3,
    fields: [
      { name: 'Transactions', type: '[]AddPartitionsToTxnTransaction', versions: [4, null], fields: [
        { name: 'TransactionalId', type: 'string', versions: [4, null] },
        { name: 'ProducerId', type: 'int64', versions: [4, null] },
        { name: 'ProducerEpoch', type: 'int16', versions: [4, null] },
        { name: 'VerifyOnly', type: 'bool', versions: [4, null], default: false },
        { name: 'Topics', type: '[]AddPartitionsToTxnTopic', versions: [4, null], fields: [
          { name: 'Name', type: 'string', versions: [0, null] },
          { name: 'Partitions', type: '[]int32', versions: [0, null] },
        ]},
      ]},
      { name: 'V3AndBelowTransactionalId', type: 'string', versions: [0, 3] },
      { name: 'V3AndBelowProducerId', type: 'int64', versions: [0, 3] },
      { name: 'V3AndBelowProducerEpoch', type: 'int16', versions: [0, 3] },
      { name: 'V3AndBelowTopics', type: '[]AddPartitionsToTxnTopic', versions: [0, 3], fields: [
        { name: 'Name', type: 'string', versions: [0, null] },
        { name: 'Partitions', type: '[]int32', versions: [0, null] },
      ]},
    ],
  },
  response: {
    validVersions: [0, 5],
    flexibleVersions: 3,
    fields: [
      { name: 'ThrottleTimeMs', type: 'int32', versions: [0, null] },
      { name: 'ErrorCode', type: 'int16', versions: [4, null] },
      { name: 'ResultsByTransaction', type: '[]AddPartitionsToTxnResult', versions: [4, null], fields: [
        { name: 'TransactionalId', type: 'string', versions: [4, null] },
        { name: 'TopicResults', type: '[]AddPartitionsToTxnTopicResult', versions: [4, null], fields: [
          { name: 'Name', type: 'string', versions: [0, null] },
          { name: 'ResultsByPartition', type: '[]AddPartitionsToTxnPartitionResult', versions: [0, null], fields: [
            { name: 'PartitionIndex', type: 'int32', versions: [0, null] },
            { name: 'PartitionErrorCode', type: 'int16', versions: [0, null] },
          ]},
        ]},
      ]},
      { name: 'ResultsByTopicV3AndBelow', type: '[]AddPartitionsToTxnTopicResult', versions: [0, 3], fields: [
        { name: 'Name', type: 'string', versions: [0, null] },
        { name: 'ResultsByPartition', type: '[]AddPartitionsToTxnPartitionResult', versions: [0, null], fields: [
          { name: 'PartitionIndex', type: 'int32', versions: [0, null] },
          { name: 'PartitionErrorCode', type: 'int16', versions: [0, null] },
        ]},
      ]},
    ],
  },
};
