import type { ApiSpec } from '../types.js';

// TxnOffsetCommit (API key 28), versions 0-4 as Samsa supports them.
export const txnOffsetCommit: ApiSpec = {
  apiKey: 28,
  name: 'TxnOffsetCommit',
  request: {
    validVersions: [0, 4],
    flexibleVersions: 3,
    fields: [
      { name: 'TransactionalId', type: 'string', versions: [0, null] },
      { name: 'GroupId', type: 'string', versions: [0, null] },
      { name: 'ProducerId', type: 'int64', versions: [0, null] },
      { name: 'ProducerEpoch', type: 'int16', versions: [0, null] },
      { name: 'GenerationId', type: 'int32', versions: [3, null], default: -1 },
      { name: 'MemberId', type: 'string', versions: [3, null], default: "" },
      { name: 'GroupInstanceId', type: 'string', versions: [3, null], nullableVersions: [3, null], default: null },
      { name: 'Topics', type: '[]TxnOffsetCommitRequestTopic', versions: [0, null], fields: [
        { name: 'Name', type: 'string', versions: [0, null] },
        { name: 'Partitions', type: '[]TxnOffsetCommitRequestPartition', versions: [0, null], fields: [
          { name: 'PartitionIndex', type: 'int32', versions: [0, null] },
          { name: 'CommittedOffset', type: 'int64', versions: [0, null] },
          { name: 'CommittedLeaderEpoch', type: 'int32', versions: [2, null], default: -1 },
          { name: 'CommittedMetadata', type: 'string', versions: [0, null], nullableVersions: [0, null] },
        ]},
      ]},
    ],
  },
  response: {
    validVersions: [0, 4],
    flexibleVersions: 3,
    fields: [
      { name: 'ThrottleTimeMs', type: 'int32', versions: [0, null] },
      { name: 'Topics', type: '[]TxnOffsetCommitResponseTopic', versions: [0, null], fields: [
        { name: 'Name', type: 'string', versions: [0, null] },
        { name: 'Partitions', type: '[]TxnOffsetCommitResponsePartition', versions: [0, null], fields: [
          { name: 'PartitionIndex', type: 'int32', versions: [0, null] },
          { name: 'ErrorCode', type: 'int16', versions: [0, null] },
        ]},
      ]},
    ],
  },
};
