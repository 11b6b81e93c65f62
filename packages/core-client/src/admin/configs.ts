/** Admin calls about configs: describe and replace the configs of topics and brokers. */
import { ApiKey } from '@samsa/protocol';
import { ConfigurationError, createKafkaError } from '../errors.js';
import { validateTopicName } from '../topic-name.js';
import type { AdminContext } from './admin-context.js';
import {
  type AlterConfigsOptions,
  ConfigResourceTypes,
  ConfigSource,
  type DescribeConfigResponse,
  type ResourceConfigQuery,
} from './types.js';

export async function describeConfigs(
  ctx: AdminContext,
  options: {
    resources: ResourceConfigQuery[];
    includeSynonyms?: boolean;
    signal?: AbortSignal;
  },
): Promise<DescribeConfigResponse> {
  if (!options || !Array.isArray(options.resources) || options.resources.length === 0) {
    throw new ConfigurationError('resources', 'describeConfigs needs { resources: [{ type, name }] }');
  }
  // Broker resources must go to that broker; everything else to any broker.
  const groups = new Map<number | 'any', ResourceConfigQuery[]>();
  for (const r of options.resources) {
    if (r?.type === ConfigResourceTypes.TOPIC && typeof r.name === 'string') validateTopicName(r.name);
    const target = isBrokerResource(r.type) && /^\d+$/.test(r.name) ? Number(r.name) : 'any';
    let l = groups.get(target);
    if (!l) {
      l = [];
      groups.set(target, l);
    }
    l.push(r);
  }
  const out: DescribeConfigResponse = { resources: [], throttleTime: 0 };
  await ctx.withRetry(
    'describeConfigs',
    async () => {
      out.resources = [];
      await Promise.all(
        [...groups].map(async ([target, resources]) => {
          const { version, response } = await ctx.cluster.request(
            target,
            ApiKey.DescribeConfigs,
            () => ({
              resources: resources.map((r) => ({
                resourceType: r.type,
                resourceName: r.name,
                configurationKeys: r.configNames && r.configNames.length > 0 ? r.configNames : null,
              })),
              includeSynonyms: options.includeSynonyms ?? false,
              includeDocumentation: false,
            }),
            { signal: options.signal },
          );
          out.throttleTime = Math.max(out.throttleTime, response.throttleTimeMs);
          for (const r of response.results) {
            if (r.errorCode !== 0) {
              const err = createKafkaError(r.errorCode, {
                apiName: 'DescribeConfigs',
                serverMessage: r.errorMessage,
              });
              if (!err.retriable) throw err;
              throw err;
            }
            out.resources.push({
              errorCode: r.errorCode,
              errorMessage: r.errorMessage,
              resourceType: r.resourceType,
              resourceName: r.resourceName,
              configEntries: r.configs.map((c) => ({
                configName: c.name,
                configValue: c.value,
                isDefault:
                  version === 0 ? (c.isDefault ?? false) : c.configSource === ConfigSource.DEFAULT_CONFIG,
                configSource:
                  c.configSource ?? (c.isDefault ? ConfigSource.DEFAULT_CONFIG : ConfigSource.UNKNOWN),
                isSensitive: c.isSensitive,
                readOnly: c.readOnly,
                configSynonyms: (c.synonyms ?? []).map((s) => ({
                  configName: s.name,
                  configValue: s.value,
                  configSource: s.source,
                })),
              })),
            });
          }
        }),
      );
    },
    options.signal,
  );
  return out;
}

/** Replaces whole resource configs (AlterConfigs), as KafkaJS does. */
export async function alterConfigs(
  ctx: AdminContext,
  options: AlterConfigsOptions,
): Promise<{
  resources: {
    errorCode: number;
    errorMessage: string | null;
    resourceType: number;
    resourceName: string;
  }[];
}> {
  if (!options || !Array.isArray(options.resources) || options.resources.length === 0) {
    throw new ConfigurationError(
      'resources',
      'alterConfigs needs { resources: [{ type, name, configEntries }] }',
    );
  }
  const groups = new Map<number | 'any', AlterConfigsOptions['resources']>();
  for (const r of options.resources) {
    if (r?.type === ConfigResourceTypes.TOPIC && typeof r.name === 'string') validateTopicName(r.name);
    const target = isBrokerResource(r.type) && /^\d+$/.test(r.name) ? Number(r.name) : 'any';
    let l = groups.get(target);
    if (!l) {
      l = [];
      groups.set(target, l);
    }
    l.push(r);
  }
  const resources: {
    errorCode: number;
    errorMessage: string | null;
    resourceType: number;
    resourceName: string;
  }[] = [];
  await ctx.withRetry(
    'alterConfigs',
    async () => {
      resources.length = 0;
      await Promise.all(
        [...groups].map(async ([target, rs]) => {
          const { response } = await ctx.cluster.request(
            target,
            ApiKey.AlterConfigs,
            () => ({
              resources: rs.map((r) => ({
                resourceType: r.type,
                resourceName: r.name,
                configs: r.configEntries.map((c) => ({ name: c.name, value: c.value })),
              })),
              validateOnly: options.validateOnly ?? false,
            }),
            { signal: options.signal },
          );
          for (const r of response.responses) {
            if (r.errorCode !== 0) {
              throw createKafkaError(r.errorCode, {
                apiName: 'AlterConfigs',
                serverMessage: r.errorMessage,
              });
            }
            resources.push({
              errorCode: r.errorCode,
              errorMessage: r.errorMessage,
              resourceType: r.resourceType,
              resourceName: r.resourceName,
            });
          }
        }),
      );
    },
    options.signal,
  );
  return { resources };
}

/** Broker configs are read and changed on that broker; everything else on any broker. */
function isBrokerResource(type: number): boolean {
  return type === ConfigResourceTypes.BROKER || type === ConfigResourceTypes.BROKER_LOGGER;
}
