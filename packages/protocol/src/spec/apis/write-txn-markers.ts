import type { ApiSpec } from '../types.js';

// WriteTxnMarkers (API key 27), versions 0-1 as Samsa supports them.
export const writeTxnMarkers: ApiSpec = {
  apiKey: 27,
  name: 'WriteTxnMarkers',
  request: {
    validVersions: [0, 1],
    flexibleVersions: 1,
    fields: [
      { name: 'Markers', type: '[]WritableTxnMarker', versions: [0, null], fields: [
        { name: 'ProducerId', type: 'int64', versions: [0, null] },
        { name: 'ProducerEpoch', type: 'int16', versions: [0, null] },
        { name: 'TransactionResult', type: 'bool', versions: [0, null] },
        { name: 'Topics', type: '[]WritableTxnMarkerTopic', versions: [0, null], fields: [
          { name: 'Name', type: 'string', versions: [0, null] },
          { name: 'PartitionIndexes', type: '[]int32', versions: [0, null] },
        ]},
        { name: 'CoordinatorEpoch', type: 'int32', versions: [0, null] },
      ]},
    ],
  },
  response: {
    validVersions: [0, 1],
    flexibleVersions: 1,
    fields: [
      { name: 'Markers', type: '[]WritableTxnMarkerResult', versions: [0, null], fields: [
        { name: 'ProducerId', type: 'int64', versions: [0, null] },
        { name: 'Topics', type: '[]WritableTxnMarkerTopicResult', versions: [0, null], fields: [
          { name: 'Name', type: 'string', versions: [0, null] },
          { name: 'Partitions', type: '[]WritableTxnMarkerPartitionResult', versions: [0, null], fields: [
            { name: 'PartitionIndex', type: 'int32', versions: [0, null] },
            { name: 'ErrorCode', type: 'int16', versions: [0, null] },
          ]},
        ]},
      ]},
    ],
  },
};
