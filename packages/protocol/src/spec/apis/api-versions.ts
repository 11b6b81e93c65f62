import type { ApiSpec } from '../types.js';

// ApiVersions (API key 18), versions 0-4 as Samsa supports them.
export const apiVersions: ApiSpec = {
  apiKey: 18,
  name: 'ApiVersions',
  request: {
    validVersions: [0, 4],
    flexibleVersions: 3,
    fields: [
      { name: 'ClientSoftwareName', type: 'string', versions: [3, null] },
      { name: 'ClientSoftwareVersion', type: 'string', versions: [3, null] },
    ],
  },
  response: {
    validVersions: [0, 4],
    flexibleVersions: 3,
    fields: [
      { name: 'ErrorCode', type: 'int16', versions: [0, null] },
      { name: 'ApiKeys', type: '[]ApiVersion', versions: [0, null], fields: [
        { name: 'ApiKey', type: 'int16', versions: [0, null] },
        { name: 'MinVersion', type: 'int16', versions: [0, null] },
        { name: 'MaxVersion', type: 'int16', versions: [0, null] },
      ]},
      { name: 'ThrottleTimeMs', type: 'int32', versions: [1, null] },
      { name: 'SupportedFeatures', type: '[]SupportedFeatureKey', versions: [3, null], taggedVersions: [3, null], tag: 0, fields: [
        { name: 'Name', type: 'string', versions: [3, null] },
        { name: 'MinVersion', type: 'int16', versions: [3, null] },
        { name: 'MaxVersion', type: 'int16', versions: [3, null] },
      ]},
      { name: 'FinalizedFeaturesEpoch', type: 'int64', versions: [3, null], taggedVersions: [3, null], tag: 1, default: -1 },
      { name: 'FinalizedFeatures', type: '[]FinalizedFeatureKey', versions: [3, null], taggedVersions: [3, null], tag: 2, fields: [
        { name: 'Name', type: 'string', versions: [3, null] },
        { name: 'MaxVersionLevel', type: 'int16', versions: [3, null] },
        { name: 'MinVersionLevel', type: 'int16', versions: [3, null] },
      ]},
      { name: 'ZkMigrationReady', type: 'bool', versions: [3, null], taggedVersions: [3, null], tag: 3, default: false },
    ],
  },
};
