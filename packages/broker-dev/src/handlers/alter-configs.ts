/**
 * AlterConfigs: v0-2.
 *
 * - Replaces a topic's whole set of config overrides (Kafka's non-incremental semantics);
 *   retention, segment and cleanup settings take effect on the next append or cleanup run.
 * - INVALID_CONFIG for unknown names or bad values, UNKNOWN_TOPIC_OR_PARTITION for unknown
 *   topics; broker configs are read-only here (INVALID_REQUEST). validateOnly checks only.
 * - ACLs: ALTER_CONFIGS on the topic (else TOPIC_AUTHORIZATION_FAILED) or the cluster for brokers.
 */
import { ApiKey } from '@samsa/protocol';
import { applyTopicConfigs, configErrorResponse, unalterable } from './config-changes.js';
import { defineHandler } from './types.js';

export const alterConfigsHandler = defineHandler({
  apiKey: ApiKey.AlterConfigs,
  name: 'AlterConfigs',
  minVersion: 0,
  maxVersion: 2,

  handle(ctx, request) {
    return {
      throttleTimeMs: 0,
      responses: request.resources.map((r) => {
        const refused = unalterable(ctx, r);
        if (refused) return refused;
        const configs: Record<string, string> = {};
        for (const c of r.configs) if (c.value !== null) configs[c.name] = c.value;
        return applyTopicConfigs(ctx, r, configs, request.validateOnly);
      }),
    };
  },

  errorResponse: (_ctx, request, errorCode) => configErrorResponse(request.resources, errorCode),
});
