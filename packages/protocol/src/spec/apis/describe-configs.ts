import type { ApiSpec } from '../types.js';

// DescribeConfigs (API key 32), versions 0-4 as Samsa supports them.
export const describeConfigs: ApiSpec = {
  apiKey: 32,
  name: 'DescribeConfigs',
  request: {
    validVersions: [0, 4],
    flexibleVersions: 4,
    fields: [
      { name: 'Resources', type: '[]DescribeConfigsResource', versions: [0, null], fields: [
        { name: 'ResourceType', type: 'int8', versions: [0, null] },
        { name: 'ResourceName', type: 'string', versions: [0, null] },
        { name: 'ConfigurationKeys', type: '[]string', versions: [0, null], nullableVersions: [0, null] },
      ]},
      { name: 'IncludeSynonyms', type: 'bool', versions: [1, null], default: false },
      { name: 'IncludeDocumentation', type: 'bool', versions: [3, null], default: false },
    ],
  },
  response: {
    validVersions: [0, 4],
    flexibleVersions: 4,
    fields: [
      { name: 'ThrottleTimeMs', type: 'int32', versions: [0, null] },
      { name: 'Results', type: '[]DescribeConfigsResult', versions: [0, null], fields: [
        { name: 'ErrorCode', type: 'int16', versions: [0, null] },
        { name: 'ErrorMessage', type: 'string', versions: [0, null], nullableVersions: [0, null] },
        { name: 'ResourceType', type: 'int8', versions: [0, null] },
        { name: 'ResourceName', type: 'string', versions: [0, null] },
        { name: 'Configs', type: '[]DescribeConfigsResourceResult', versions: [0, null], fields: [
          { name: 'Name', type: 'string', versions: [0, null] },
          { name: 'Value', type: 'string', versions: [0, null], nullableVersions: [0, null] },
          { name: 'ReadOnly', type: 'bool', versions: [0, null] },
          { name: 'IsDefault', type: 'bool', versions: [0, 0] },
          { name: 'ConfigSource', type: 'int8', versions: [1, null], default: -1 },
          { name: 'IsSensitive', type: 'bool', versions: [0, null] },
          { name: 'Synonyms', type: '[]DescribeConfigsSynonym', versions: [1, null], fields: [
            { name: 'Name', type: 'string', versions: [1, null] },
            { name: 'Value', type: 'string', versions: [1, null], nullableVersions: [0, null] },
            { name: 'Source', type: 'int8', versions: [1, null] },
          ]},
          { name: 'ConfigType', type: 'int8', versions: [3, null], default: 0 },
          { name: 'Documentation', type: 'string', versions: [3, null], nullableVersions: [0, null] },
        ]},
      ]},
    ],
  },
};
