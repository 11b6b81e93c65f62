/** Admin calls about configs: describe and replace the configs of topics and brokers. */
import { ApiKey } from '@samsa/protocol/on-demand';
import { ConfigurationError, createKafkaError } from '../errors.js';
import { validateTopicName } from '../topic-name.js';
import type { AdminContext } from './admin-context.js';
import {
  type AlterConfigsOptions,
  type ConfigOperation,
  ConfigResourceTypes,
  ConfigSource,
  type DescribeConfigResponse,
  type IncrementalAlterConfigsOptions,
  type ResourceConfigQuery,
} from './types.js';

/** IncrementalAlterConfigs' ConfigOperation ids. */
const CONFIG_OPERATION_IDS: Record<ConfigOperation, number> = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 };

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

/**
 * Sets, deletes, appends to or subtracts from single configs (IncrementalAlterConfigs, Kafka 2.3+), leaving the
 * others as they are: what kafka-configs --alter does. Resolves once every resource is changed.
 */
export async function incrementalAlterConfigs(
  ctx: AdminContext,
  options: IncrementalAlterConfigsOptions,
): Promise<void> {
  if (!options || !Array.isArray(options.resources) || options.resources.length === 0) {
    throw new ConfigurationError(
      'resources',
      'incrementalAlterConfigs needs { resources: [{ type, name, configEntries: [{ name, value, operation }] }] }',
    );
  }
  const groups = new Map<number | 'any', IncrementalAlterConfigsOptions['resources']>();
  for (const r of options.resources) {
    if (!Array.isArray(r.configEntries) || r.configEntries.length === 0) {
      throw new ConfigurationError('resources[].configEntries', `${r.name}: nothing to change`);
    }
    for (const c of r.configEntries) {
      const operation = c.operation ?? 'SET';
      if (!(operation in CONFIG_OPERATION_IDS)) {
        throw new ConfigurationError(
          'configEntries[].operation',
          `${JSON.stringify(operation)} is not one of SET, DELETE, APPEND, SUBTRACT`,
        );
      }
      if (operation !== 'DELETE' && typeof c.value !== 'string') {
        throw new ConfigurationError('configEntries[].value', `${c.name}: ${operation} needs a string value`);
      }
    }
    const target = isBrokerResource(r.type) && /^\d+$/.test(r.name) ? Number(r.name) : 'any';
    const list = groups.get(target) ?? [];
    list.push(r);
    groups.set(target, list);
  }
  await ctx.withRetry(
    'incrementalAlterConfigs',
    () =>
      Promise.all(
        [...groups].map(async ([target, resources]) => {
          const { response } = await ctx.cluster.request(
            target,
            ApiKey.IncrementalAlterConfigs,
            () => ({
              resources: resources.map((r) => ({
                resourceType: r.type,
                resourceName: r.name,
                configs: r.configEntries.map((c) => {
                  const operation = c.operation ?? 'SET';
                  return {
                    name: c.name,
                    configOperation: CONFIG_OPERATION_IDS[operation],
                    value: operation === 'DELETE' ? null : (c.value ?? null),
                  };
                }),
              })),
              validateOnly: options.validateOnly ?? false,
            }),
            { signal: options.signal },
          );
          for (const r of response.responses) {
            if (r.errorCode !== 0) {
              throw createKafkaError(r.errorCode, {
                apiName: 'IncrementalAlterConfigs',
                ...(r.resourceType === ConfigResourceTypes.TOPIC ? { topic: r.resourceName } : {}),
                ...(isBrokerResource(r.resourceType) ? { broker: r.resourceName || '(defaults)' } : {}),
                serverMessage: r.errorMessage,
              });
            }
          }
        }),
      ),
    options.signal,
  );
}

/** Broker configs are read and changed on that broker; everything else on any broker. */
function isBrokerResource(type: number): boolean {
  return type === ConfigResourceTypes.BROKER || type === ConfigResourceTypes.BROKER_LOGGER;
}
