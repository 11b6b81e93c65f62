/**
 * ApiVersions: v0-4.
 *
 * - Lists every served API with the range advertised in the handler table. Minimums are wide
 *   like Kafka 4's (Produce from v0, group APIs from v0) because librdkafka < 2.11.1 enables
 *   features only when the range contains old versions.
 * - A request of a version newer than v4 is answered the KIP-511 way by the dispatcher: a v0
 *   body with UNSUPPORTED_VERSION and the ApiVersions entry, so the client retries at v4.
 * - v3+: ClientSoftwareName/Version must match Kafka's pattern, else INVALID_REQUEST.
 * - The response header is always v0 (handled by @samsa/protocol).
 */
import { ApiKey, type ApiVersionsResponse, ErrorCode } from '@samsa/protocol';
import { type ApiHandler, defineHandler } from './types.js';

/** Kafka's ApiVersionsRequest.isValid pattern for client software name and version. */
const SOFTWARE_PATTERN = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/;

export const API_VERSIONS_MAX = 4;

export function apiVersionsTable(handlers: Iterable<ApiHandler>): ApiVersionsResponse['apiKeys'] {
  return [...handlers]
    .map((h) => ({ apiKey: h.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion }))
    .sort((a, b) => a.apiKey - b.apiKey);
}

/** The KIP-511 answer to an ApiVersions request of a version this broker does not know. */
export function unsupportedApiVersionsResponse(): ApiVersionsResponse {
  return {
    errorCode: ErrorCode.UNSUPPORTED_VERSION,
    apiKeys: [{ apiKey: ApiKey.ApiVersions, minVersion: 0, maxVersion: API_VERSIONS_MAX }],
    throttleTimeMs: 0,
  };
}

export function createApiVersionsHandler(table: () => ApiVersionsResponse['apiKeys']) {
  return defineHandler({
    apiKey: ApiKey.ApiVersions,
    name: 'ApiVersions',
    minVersion: 0,
    maxVersion: API_VERSIONS_MAX,

    handle(ctx, request): ApiVersionsResponse {
      if (ctx.apiVersion >= 3) {
        const name = request.clientSoftwareName ?? '';
        const version = request.clientSoftwareVersion ?? '';
        if (!SOFTWARE_PATTERN.test(name) || !SOFTWARE_PATTERN.test(version)) {
          return { errorCode: ErrorCode.INVALID_REQUEST, apiKeys: [], throttleTimeMs: 0 };
        }
      }
      return {
        errorCode: ErrorCode.NONE,
        apiKeys: table(),
        throttleTimeMs: 0,
        supportedFeatures: [],
        finalizedFeaturesEpoch: -1n,
        finalizedFeatures: [],
        zkMigrationReady: false,
      };
    },

    errorResponse: (_ctx, _request, errorCode) => ({ errorCode, apiKeys: table(), throttleTimeMs: 0 }),
  });
}
