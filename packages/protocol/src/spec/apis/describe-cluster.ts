import type { ApiSpec } from '../types.js';

// DescribeCluster (API key 60), versions 0-1 as Samsa supports them.
export const describeCluster: ApiSpec = {
  apiKey: 60,
  name: 'DescribeCluster',
  request: {
    validVersions: [0, 1],
    flexibleVersions: 0,
    fields: [
      { name: 'IncludeClusterAuthorizedOperations', type: 'bool', versions: [0, null] },
      { name: 'EndpointType', type: 'int8', versions: [1, null], default: 1 },
    ],
  },
  response: {
    validVersions: [0, 1],
    flexibleVersions: 0,
    fields: [
      { name: 'ThrottleTimeMs', type: 'int32', versions: [0, null] },
      { name: 'ErrorCode', type: 'int16', versions: [0, null] },
      { name: 'ErrorMessage', type: 'string', versions: [0, null], nullableVersions: [0, null], default: null },
      { name: 'EndpointType', type: 'int8', versions: [1, null], default: 1 },
      { name: 'ClusterId', type: 'string', versions: [0, null] },
      { name: 'ControllerId', type: 'int32', versions: [0, null], default: -1 },
      { name: 'Brokers', type: '[]DescribeClusterBroker', versions: [0, null], fields: [
        { name: 'BrokerId', type: 'int32', versions: [0, null] },
        { name: 'Host', type: 'string', versions: [0, null] },
        { name: 'Port', type: 'int32', versions: [0, null] },
        { name: 'Rack', type: 'string', versions: [0, null], nullableVersions: [0, null], default: null },
      ]},
      { name: 'ClusterAuthorizedOperations', type: 'int32', versions: [0, null], default: -2147483648 },
    ],
  },
};
