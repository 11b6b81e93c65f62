import type { ApiSpec } from '../types.js';

// DeleteTopics (API key 20), versions 0-6 as Samsa supports them.
export const deleteTopics: ApiSpec = {
  apiKey: 20,
  name: 'DeleteTopics',
  request: {
    validVersions: [0, 6],
    flexibleVersions: 4,
    fields: [
      { name: 'Topics', type: '[]DeleteTopicState', versions: [6, null], fields: [
        { name: 'Name', type: 'string', versions: [6, null], nullableVersions: [6, null], default: null },
        { name: 'TopicId', type: 'uuid', versions: [6, null] },
      ]},
      { name: 'TopicNames', type: '[]string', versions: [0, 5] },
      { name: 'TimeoutMs', type: 'int32', versions: [0, null] },
    ],
  },
  response: {
    validVersions: [0, 6],
    flexibleVersions: 4,
    fields: [
      { name: 'ThrottleTimeMs', type: 'int32', versions: [1, null] },
      { name: 'Responses', type: '[]DeletableTopicResult', versions: [0, null], fields: [
        { name: 'Name', type: 'string', versions: [0, null], nullableVersions: [6, null] },
        { name: 'TopicId', type: 'uuid', versions: [6, null] },
        { name: 'ErrorCode', type: 'int16', versions: [0, null] },
        { name: 'ErrorMessage', type: 'string', versions: [5, null], nullableVersions: [5, null], default: null },
      ]},
    ],
  },
};
