import type { ApiSpec } from '../types.js';

// AddPartitionsToTxn (API key 24), versions 0-3 as Samsa supports them.
export const addPartitionsToTxn: ApiSpec = {
  apiKey: 24,
  name: 'AddPartitionsToTxn',
  request: {
    validVersions: [0, 3],
    flexibleVersions: 3,
    fields: [
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
    validVersions: [0, 3],
    flexibleVersions: 3,
    fields: [
      { name: 'ThrottleTimeMs', type: 'int32', versions: [0, null] },
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
