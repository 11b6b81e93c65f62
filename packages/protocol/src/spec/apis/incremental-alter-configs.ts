import type { ApiSpec } from '../types.js';

// IncrementalAlterConfigs (API key 44), versions 0-1 as Samsa supports them.
export const incrementalAlterConfigs: ApiSpec = {
  apiKey: 44,
  name: 'IncrementalAlterConfigs',
  request: {
    validVersions: [0, 1],
    flexibleVersions: 1,
    fields: [
      { name: 'Resources', type: '[]AlterConfigsResource', versions: [0, null], fields: [
        { name: 'ResourceType', type: 'int8', versions: [0, null] },
        { name: 'ResourceName', type: 'string', versions: [0, null] },
        { name: 'Configs', type: '[]AlterableConfig', versions: [0, null], fields: [
          { name: 'Name', type: 'string', versions: [0, null] },
          { name: 'ConfigOperation', type: 'int8', versions: [0, null] },
          { name: 'Value', type: 'string', versions: [0, null], nullableVersions: [0, null] },
        ]},
      ]},
      { name: 'ValidateOnly', type: 'bool', versions: [0, null] },
    ],
  },
  response: {
    validVersions: [0, 1],
    flexibleVersions: 1,
    fields: [
      { name: 'ThrottleTimeMs', type: 'int32', versions: [0, null] },
      { name: 'Responses', type: '[]AlterConfigsResourceResponse', versions: [0, null], fields: [
        { name: 'ErrorCode', type: 'int16', versions: [0, null] },
        { name: 'ErrorMessage', type: 'string', versions: [0, null], nullableVersions: [0, null] },
        { name: 'ResourceType', type: 'int8', versions: [0, null] },
        { name: 'ResourceName', type: 'string', versions: [0, null] },
      ]},
    ],
  },
};
