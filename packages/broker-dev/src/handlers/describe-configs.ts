/**
 * DescribeConfigs: v0-4.
 *
 * - Topics (resource type 2): every topic config with its effective value and source
 *   (DYNAMIC_TOPIC_CONFIG for overrides, STATIC_BROKER_CONFIG for broker-wide defaults given at
 *   start, DEFAULT_CONFIG otherwise); synonyms (v1+) and types (v3+) included.
 * - Brokers (resource type 4, name = node id or "" for the defaults): the settings the dev
 *   broker runs with, read-only.
 * - configurationKeys filters; unknown topics get UNKNOWN_TOPIC_OR_PARTITION, other resource
 *   types INVALID_REQUEST.
 * - ACLs: DESCRIBE_CONFIGS on the topic (else TOPIC_AUTHORIZATION_FAILED) or, for brokers, on the
 *   cluster (else CLUSTER_AUTHORIZATION_FAILED).
 */

import type {
  DescribeConfigsRequestDescribeConfigsResource,
  DescribeConfigsResponseDescribeConfigsResourceResult,
  DescribeConfigsResponseDescribeConfigsResult,
} from '@samsa/protocol';
import { AclOperation, ApiKey, ErrorCode } from '@samsa/protocol';
import { describeTopicConfigs } from '../cluster/topic-configs.js';
import { formatListeners } from '../security/listeners.js';
import { configResourceAuthorizationError } from './authorization.js';
import { ConfigResourceType } from './config-resource-type.js';
import { defineHandler, type RequestContext } from './types.js';

/** Kafka's ConfigSource codes. */
const ConfigSource = { topic: 1, staticBroker: 4, default: 5 } as const;

export function configSourceCode(source: 'topic' | 'broker-default' | 'default'): number {
  return source === 'topic'
    ? ConfigSource.topic
    : source === 'broker-default'
      ? ConfigSource.staticBroker
      : ConfigSource.default;
}

/** Kafka's ConfigType codes (v3+). */
const ConfigType = { boolean: 1, string: 2, int: 3, long: 5, double: 6, list: 7 } as const;

const TYPES: Record<string, number> = {
  'cleanup.policy': ConfigType.list,
  'compression.type': ConfigType.string,
  'message.timestamp.type': ConfigType.string,
  'min.cleanable.dirty.ratio': ConfigType.double,
  'unclean.leader.election.enable': ConfigType.boolean,
  preallocate: ConfigType.boolean,
  'message.downconversion.enable': ConfigType.boolean,
  'remote.storage.enable': ConfigType.boolean,
  'follower.replication.throttled.replicas': ConfigType.list,
  'leader.replication.throttled.replicas': ConfigType.list,
  'min.insync.replicas': ConfigType.int,
  'max.message.bytes': ConfigType.int,
  'segment.bytes': ConfigType.int,
  'segment.index.bytes': ConfigType.int,
  'index.interval.bytes': ConfigType.int,
};

function describeEntry(
  ctx: RequestContext,
  name: string,
  value: string,
  source: number,
  readOnly: boolean,
): DescribeConfigsResponseDescribeConfigsResourceResult {
  return {
    name,
    value,
    readOnly,
    isDefault: source === ConfigSource.default,
    configSource: source,
    isSensitive: false,
    synonyms: ctx.apiVersion >= 1 ? [{ name, value, source }] : [],
    configType: TYPES[name] ?? ConfigType.long,
    documentation: null,
  };
}

function brokerSettings(ctx: RequestContext, nodeId: number): Record<string, string> {
  const cluster = ctx.cluster;
  const node = cluster.node(nodeId);
  return {
    'broker.id': String(nodeId),
    'node.id': String(nodeId),
    'advertised.listeners': !node
      ? ''
      : node.advertised && node.advertised.size > 0
        ? formatListeners([...node.advertised].map(([name, a]) => ({ name, ...a })))
        : `PLAINTEXT://${node.host}:${node.port}`,
    'auto.create.topics.enable': String(cluster.autoCreateTopics),
    'num.partitions': String(cluster.defaultPartitions),
    'default.replication.factor': String(cluster.defaultReplicationFactor),
    'offsets.topic.num.partitions': '50',
    'group.initial.rebalance.delay.ms': String(cluster.groupConfig.initialRebalanceDelayMs),
    'group.min.session.timeout.ms': String(cluster.groupConfig.minSessionTimeoutMs),
    'group.max.session.timeout.ms': String(cluster.groupConfig.maxSessionTimeoutMs),
    'offset.metadata.max.bytes': String(cluster.groupConfig.maxOffsetMetadataBytes),
    'socket.request.max.bytes': String(cluster.maxRequestBytes),
    'fetch.max.bytes': String(55 * 1024 * 1024),
    'log.dirs': cluster.dataDir ?? '(memory)',
    ...Object.fromEntries(Object.entries(cluster.topicDefaults).map(([k, v]) => [`log.${k}`, v])),
  };
}

function describeResource(
  ctx: RequestContext,
  resource: DescribeConfigsRequestDescribeConfigsResource,
): DescribeConfigsResponseDescribeConfigsResult {
  const base = { resourceType: resource.resourceType, resourceName: resource.resourceName };
  const wanted = resource.configurationKeys === null ? undefined : new Set(resource.configurationKeys);
  const keep = (name: string) => !wanted || wanted.size === 0 || wanted.has(name);
  const denied = configResourceAuthorizationError(ctx, AclOperation.DESCRIBE_CONFIGS, resource);
  if (denied !== ErrorCode.NONE)
    return { ...base, errorCode: denied, errorMessage: 'Authorization failed.', configs: [] };
  if (resource.resourceType === ConfigResourceType.topic) {
    const topic = ctx.cluster.topic(resource.resourceName);
    if (!topic) {
      return {
        ...base,
        errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        errorMessage: `Topic '${resource.resourceName}' does not exist.`,
        configs: [],
      };
    }
    const entries = describeTopicConfigs(
      topic.configs,
      ctx.cluster.topicDefaults,
      ctx.cluster.logConfigFor(topic.configs),
    );
    return {
      ...base,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      configs: entries
        .filter((e) => keep(e.name))
        .map((e) => describeEntry(ctx, e.name, e.value, configSourceCode(e.source), false)),
    };
  }
  if (resource.resourceType === ConfigResourceType.broker) {
    const nodeId = resource.resourceName === '' ? ctx.node.id : Number(resource.resourceName);
    if (!Number.isInteger(nodeId) || !ctx.cluster.node(nodeId)) {
      return {
        ...base,
        errorCode: ErrorCode.INVALID_REQUEST,
        errorMessage: `Unknown broker '${resource.resourceName}'.`,
        configs: [],
      };
    }
    const settings = brokerSettings(ctx, nodeId);
    return {
      ...base,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      configs: Object.entries(settings)
        .filter(([name]) => keep(name))
        .map(([name, value]) => describeEntry(ctx, name, value, ConfigSource.staticBroker, true)),
    };
  }
  return {
    ...base,
    errorCode: ErrorCode.INVALID_REQUEST,
    errorMessage: `Resource type ${resource.resourceType} is not supported by the Samsa dev broker.`,
    configs: [],
  };
}

export const describeConfigsHandler = defineHandler({
  apiKey: ApiKey.DescribeConfigs,
  name: 'DescribeConfigs',
  minVersion: 0,
  maxVersion: 4,

  handle(ctx, request) {
    return { throttleTimeMs: 0, results: request.resources.map((r) => describeResource(ctx, r)) };
  },

  errorResponse: (_ctx, request, errorCode) => ({
    throttleTimeMs: 0,
    results: request.resources.map((r) => ({
      errorCode,
      errorMessage: null,
      resourceType: r.resourceType,
      resourceName: r.resourceName,
      configs: [],
    })),
  }),
});
