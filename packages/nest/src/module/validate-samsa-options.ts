import { describeValue, unknownOptions } from '@samsa/core-client';
import type { KafkaLike } from '../client/kafka-like.js';
import { SamsaConfigurationError } from '../errors.js';
import { unknownOptionProblems } from '../subscribe/option-problems.js';
import { SUBSCRIBE_DEFAULT_KEYS } from '../subscribe/resolve-subscription.js';
import type { TopicDefinition } from '../topics.js';
import type { ResolvedSamsaOptions, SamsaModuleOptions } from './samsa-module-options.js';

const KNOWN_KEYS: readonly (keyof SamsaModuleOptions)[] = [
  'brokers',
  'clientId',
  'groupId',
  'schemaRegistry',
  'subscribeDefaults',
  'topics',
  'consumer',
  'producer',
  'ensureTopics',
  'transactionalIdPrefix',
  'shutdownTimeoutMs',
  'startConsumers',
  'clientConfig',
  'client',
  'logger',
  'healthMetrics',
];

const CLIENT_ID = /^[A-Za-z0-9._-]+$/;

/** Checks everything that can be checked without a network, and says how to fix each problem. */
export function validateSamsaOptions(input: unknown): ResolvedSamsaOptions {
  const where = 'SamsaModule options';
  if (input === null || typeof input !== 'object') {
    throw new SamsaConfigurationError(where, [
      `expected an object like { brokers: ['127.0.0.1:9092'], clientId: 'my-app' }, got ${describeValue(input)}`,
    ]);
  }
  const options = input as Record<string, unknown>;
  const problems: string[] = [];

  for (const { problem } of unknownOptions(options, KNOWN_KEYS)) problems.push(problem);

  const brokers = parseBrokers(options.brokers, problems);

  if (typeof options.clientId !== 'string' || options.clientId.length === 0) {
    problems.push(
      `'clientId' is required: a non-empty string such as 'orders-service' (got ${describeValue(options.clientId)})`,
    );
  } else if (!CLIENT_ID.test(options.clientId)) {
    problems.push(`'clientId' may use only letters, digits, '.', '_' and '-' (got '${options.clientId}')`);
  }

  if (
    options.groupId !== undefined &&
    (typeof options.groupId !== 'string' || options.groupId.length === 0)
  ) {
    problems.push(`'groupId' must be a non-empty string when set (got ${describeValue(options.groupId)})`);
  }

  const prefix = options.transactionalIdPrefix;
  if (prefix !== undefined && (typeof prefix !== 'string' || prefix.trim().length === 0)) {
    problems.push(
      `'transactionalIdPrefix' must be a non-empty string, stable per running instance (got ${describeValue(prefix)})`,
    );
  }

  const registry = options.schemaRegistry;
  if (registry !== undefined) {
    if (registry === null || typeof registry !== 'object') {
      problems.push(
        `'schemaRegistry' must be { url: 'http://host:8081' } or a registry client (got ${describeValue(registry)})`,
      );
    } else if ('url' in registry && !('getSchemaById' in registry)) {
      const url = (registry as { url: unknown }).url;
      if (typeof url !== 'string' || !isHttpUrl(url)) {
        problems.push(
          `'schemaRegistry.url' must be an http(s) URL such as 'http://127.0.0.1:8081' (got ${describeValue(url)})`,
        );
      }
    } else if (!('getSchemaById' in registry) || !('register' in registry)) {
      problems.push(`'schemaRegistry' must be { url } or a SchemaRegistryClient from @samsa/schema-registry`);
    }
  }

  // Values are checked with each @Subscribe they are merged into; names here, so none is silently ignored.
  const defaults = options.subscribeDefaults;
  if (defaults !== undefined) {
    if (defaults === null || typeof defaults !== 'object' || Array.isArray(defaults)) {
      problems.push(
        `'subscribeDefaults' must be an object of @Subscribe options (got ${describeValue(defaults)})`,
      );
    } else {
      problems.push(...unknownOptionProblems(defaults, SUBSCRIBE_DEFAULT_KEYS, 'subscribeDefaults'));
    }
  }

  const timeout = options.shutdownTimeoutMs;
  if (timeout !== undefined && !(typeof timeout === 'number' && Number.isInteger(timeout) && timeout > 0)) {
    problems.push(
      `'shutdownTimeoutMs' must be a positive integer number of milliseconds (got ${describeValue(timeout)})`,
    );
  }
  if (options.startConsumers !== undefined && typeof options.startConsumers !== 'boolean') {
    problems.push(`'startConsumers' must be true or false (got ${describeValue(options.startConsumers)})`);
  }
  if (options.healthMetrics !== undefined && typeof options.healthMetrics !== 'boolean') {
    problems.push(`'healthMetrics' must be true or false (got ${describeValue(options.healthMetrics)})`);
  }
  for (const key of ['consumer', 'producer', 'clientConfig'] as const) {
    const value = options[key];
    if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) {
      problems.push(`'${key}' must be an object of client settings (got ${describeValue(value)})`);
    }
  }
  const ensure = options.ensureTopics;
  if (ensure !== undefined && typeof ensure !== 'boolean') {
    if (ensure === null || typeof ensure !== 'object') {
      problems.push(`'ensureTopics' must be true, false or { numPartitions, replicationFactor }`);
    } else {
      for (const key of ['numPartitions', 'replicationFactor'] as const) {
        const n = (ensure as Record<string, unknown>)[key];
        if (n !== undefined && !(typeof n === 'number' && Number.isInteger(n) && n > 0)) {
          problems.push(`'ensureTopics.${key}' must be a positive integer (got ${describeValue(n)})`);
        }
      }
    }
  }
  const topics = options.topics;
  if (topics !== undefined) {
    if (!Array.isArray(topics)) problems.push(`'topics' must be an array of defineTopic() results`);
    else
      topics.forEach((topic, index) => {
        if (
          topic === null ||
          typeof topic !== 'object' ||
          typeof (topic as TopicDefinition).topic !== 'string'
        ) {
          problems.push(`'topics[${index}]' is not a defineTopic() result (got ${describeValue(topic)})`);
        }
      });
  }
  const client = options.client;
  if (
    client !== undefined &&
    (client === null ||
      typeof client !== 'object' ||
      typeof (client as KafkaLike).consumer !== 'function' ||
      typeof (client as KafkaLike).producer !== 'function')
  ) {
    problems.push(`'client' must be a KafkaJS-shaped client with consumer(), producer() and admin()`);
  }

  if (problems.length > 0) throw new SamsaConfigurationError(where, problems);

  const clientId = options.clientId as string;
  return {
    ...(options as unknown as SamsaModuleOptions),
    brokers,
    clientId,
    groupId: (options.groupId as string | undefined) ?? clientId,
    shutdownTimeoutMs: (timeout as number | undefined) ?? 30_000,
    startConsumers: (options.startConsumers as boolean | undefined) ?? true,
  };
}

function parseBrokers(value: unknown, problems: string[]): string[] {
  const example = `e.g. ['127.0.0.1:9092'] or '127.0.0.1:9092,127.0.0.1:9093'`;
  let list: unknown[];
  if (typeof value === 'string') list = value.split(',').map((s) => s.trim());
  else if (Array.isArray(value)) list = value;
  else {
    problems.push(`'brokers' is required: a list of host:port (${example}); got ${describeValue(value)}`);
    return [];
  }
  if (list.length === 0 || (list.length === 1 && list[0] === '')) {
    problems.push(`'brokers' is empty: give at least one host:port (${example})`);
    return [];
  }
  const out: string[] = [];
  for (const entry of list) {
    if (typeof entry !== 'string') {
      problems.push(`'brokers' entries must be strings 'host:port' (got ${describeValue(entry)})`);
      continue;
    }
    const match = /^(\[[0-9a-fA-F:]+\]|[^:\s/]+):(\d{1,5})$/.exec(entry);
    const port = match ? Number(match[2]) : 0;
    if (!match || port < 1 || port > 65535) {
      problems.push(`broker '${entry}' is not host:port with a port from 1 to 65535 (${example})`);
      continue;
    }
    out.push(entry);
  }
  return out;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
