/**
 * IncrementalAlterConfigs: v0-1 (KIP-339).
 *
 * - SET, DELETE (back to the default), APPEND and SUBTRACT (list configs such as
 *   cleanup.policy) applied to a topic's current overrides. Errors as for AlterConfigs;
 *   broker configs are read-only here.
 * - ACLs: ALTER_CONFIGS on the topic (else TOPIC_AUTHORIZATION_FAILED) or the cluster for brokers.
 */
import { ApiKey, ErrorCode } from '@samsa/protocol';
import { describeTopicConfigs } from '../cluster/topic-configs.js';
import { applyTopicConfigs, configErrorResponse, unalterable } from './config-changes.js';
import { defineHandler } from './types.js';

const Operation = { set: 0, delete: 1, append: 2, subtract: 3 } as const;

export const incrementalAlterConfigsHandler = defineHandler({
  apiKey: ApiKey.IncrementalAlterConfigs,
  name: 'IncrementalAlterConfigs',
  minVersion: 0,
  maxVersion: 1,

  handle(ctx, request) {
    return {
      throttleTimeMs: 0,
      responses: request.resources.map((r) => {
        const base = { resourceType: r.resourceType, resourceName: r.resourceName };
        const refused = unalterable(ctx, r);
        if (refused) return refused;
        const topic = ctx.cluster.topic(r.resourceName);
        if (!topic) {
          return {
            ...base,
            errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
            errorMessage: `Topic '${r.resourceName}' does not exist.`,
          };
        }
        const configs: Record<string, string> = { ...topic.configs };
        const cluster = ctx.cluster;
        const effective = () =>
          new Map(
            describeTopicConfigs(configs, cluster.topicDefaults, cluster.logConfigFor(configs)).map((e) => [
              e.name,
              e.value,
            ]),
          );
        for (const c of r.configs) {
          // Like Kafka, APPEND and SUBTRACT start from the effective value (defaults included).
          const current = (configs[c.name] ?? effective().get(c.name) ?? '')
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean);
          const values = (c.value ?? '')
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean);
          switch (c.configOperation) {
            case Operation.set:
              if (c.value === null) delete configs[c.name];
              else configs[c.name] = c.value;
              break;
            case Operation.delete:
              delete configs[c.name];
              break;
            case Operation.append:
              configs[c.name] = [...current, ...values.filter((v) => !current.includes(v))].join(',');
              break;
            case Operation.subtract:
              configs[c.name] = current.filter((v) => !values.includes(v)).join(',');
              break;
            default:
              return {
                ...base,
                errorCode: ErrorCode.INVALID_REQUEST,
                errorMessage: `Unknown config operation ${c.configOperation}.`,
              };
          }
        }
        return applyTopicConfigs(ctx, r, configs, request.validateOnly);
      }),
    };
  },

  errorResponse: (_ctx, request, errorCode) => configErrorResponse(request.resources, errorCode),
});
