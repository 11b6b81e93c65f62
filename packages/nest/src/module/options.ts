import type { LoggerService, ModuleMetadata } from '@nestjs/common';
import type { SchemaRegistryClient } from '@samsa/schema-registry';
import type { KafkaLike } from '../client/kafka-like.js';
import { SamsaConfigurationError } from '../errors.js';
import type { SubscribeDefaults } from '../subscribe/subscribe-options.js';
import type { TopicDefinition } from '../topics.js';

export interface SchemaRegistryOptions {
  /** Base URL of a Confluent-compatible registry, e.g. `http://127.0.0.1:8081`. */
  url: string;
}

export interface EnsureTopicsOptions {
  numPartitions?: number;
  replicationFactor?: number;
}

export interface SamsaModuleOptions {
  /** Bootstrap brokers: `['127.0.0.1:9092']` or a comma-separated string (as in `KAFKA_BROKERS`). */
  brokers: string[] | string;
  /** Client id sent to the brokers; consumers append `-<groupId>`. */
  clientId: string;
  /** Group of every `@Subscribe` handler that does not name its own. Default: `clientId`. */
  groupId?: string;
  /** A registry URL, or a client object, for Avro topics. */
  schemaRegistry?: SchemaRegistryOptions | SchemaRegistryClient;
  /**
   * Topics this application publishes: created when `ensureTopics` is set, and their Avro schemas
   * registered at start (so a bad schema fails the boot, not the first publish).
   */
  // biome-ignore lint/suspicious/noExplicitAny: definitions of any event type
  topics?: TopicDefinition<any>[];
  /** Defaults for every `@Subscribe` (each handler's own options win). */
  subscribeDefaults?: SubscribeDefaults;
  /** Passed to `kafka.consumer()` (e.g. `sessionTimeoutMs`, `partitionAssigners`). */
  consumer?: Record<string, unknown>;
  /** Passed to `kafka.producer()` (e.g. `acks`, `lingerMs`, `enableIdempotence`). */
  producer?: Record<string, unknown>;
  /**
   * Create the subscribed topics and their dead-letter topics at start when missing.
   * `true` uses the broker's defaults. Default: false.
   */
  ensureTopics?: boolean | EnsureTopicsOptions;
  /** How long shutdown waits for in-flight handlers before leaving the group anyway. Default 30000 ms. */
  shutdownTimeoutMs?: number;
  /** Set false to connect (and produce) without consuming: producer-only deployments, some tests. */
  startConsumers?: boolean;
  /**
   * More settings for the default client (`new Kafka({...})` of `@samsa/core-client`): `ssl`, `sasl`,
   * `connectionTimeout`, `logLevel`, ... Ignored when `client` is given.
   */
  clientConfig?: Record<string, unknown>;
  /** Bring your own KafkaJS-shaped client instead of `@samsa/core-client` (tests, migrations). */
  client?: KafkaLike;
  /** Where consumer and producer logs go. Default: Nest's `Logger`; `false` silences them. */
  logger?: LoggerService | false;
}

export interface SamsaModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  // biome-ignore lint/suspicious/noExplicitAny: mirrors Nest's own useFactory signature
  useFactory: (...args: any[]) => SamsaModuleOptions | Promise<SamsaModuleOptions>;
  // biome-ignore lint/suspicious/noExplicitAny: injection tokens are class refs, strings or symbols
  inject?: any[];
}

/** Options after validation: brokers split, defaults applied. */
export interface ResolvedSamsaOptions extends Omit<SamsaModuleOptions, 'brokers'> {
  brokers: string[];
  groupId: string;
  shutdownTimeoutMs: number;
  startConsumers: boolean;
}

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
  'shutdownTimeoutMs',
  'startConsumers',
  'clientConfig',
  'client',
  'logger',
];

const CLIENT_ID = /^[A-Za-z0-9._-]+$/;

/** Checks everything that can be checked without a network, and says how to fix each problem. */
export function validateSamsaOptions(input: unknown): ResolvedSamsaOptions {
  const where = 'SamsaModule options';
  if (input === null || typeof input !== 'object') {
    throw new SamsaConfigurationError(where, [
      `expected an object like { brokers: ['127.0.0.1:9092'], clientId: 'my-app' }, got ${describe(input)}`,
    ]);
  }
  const options = input as Record<string, unknown>;
  const problems: string[] = [];

  for (const key of Object.keys(options)) {
    if (!(KNOWN_KEYS as readonly string[]).includes(key)) {
      const guess = closest(key, KNOWN_KEYS);
      problems.push(`unknown option '${key}'${guess ? ` (did you mean '${guess}'?)` : ''}`);
    }
  }

  const brokers = parseBrokers(options.brokers, problems);

  if (typeof options.clientId !== 'string' || options.clientId.length === 0) {
    problems.push(
      `'clientId' is required: a non-empty string such as 'orders-service' (got ${describe(options.clientId)})`,
    );
  } else if (!CLIENT_ID.test(options.clientId)) {
    problems.push(`'clientId' may use only letters, digits, '.', '_' and '-' (got '${options.clientId}')`);
  }

  if (
    options.groupId !== undefined &&
    (typeof options.groupId !== 'string' || options.groupId.length === 0)
  ) {
    problems.push(`'groupId' must be a non-empty string when set (got ${describe(options.groupId)})`);
  }

  const registry = options.schemaRegistry;
  if (registry !== undefined) {
    if (registry === null || typeof registry !== 'object') {
      problems.push(
        `'schemaRegistry' must be { url: 'http://host:8081' } or a registry client (got ${describe(registry)})`,
      );
    } else if ('url' in registry && !('getSchemaById' in registry)) {
      const url = (registry as { url: unknown }).url;
      if (typeof url !== 'string' || !isHttpUrl(url)) {
        problems.push(
          `'schemaRegistry.url' must be an http(s) URL such as 'http://127.0.0.1:8081' (got ${describe(url)})`,
        );
      }
    } else if (!('getSchemaById' in registry) || !('register' in registry)) {
      problems.push(`'schemaRegistry' must be { url } or a SchemaRegistryClient from @samsa/schema-registry`);
    }
  }

  const timeout = options.shutdownTimeoutMs;
  if (timeout !== undefined && !(typeof timeout === 'number' && Number.isInteger(timeout) && timeout > 0)) {
    problems.push(
      `'shutdownTimeoutMs' must be a positive integer number of milliseconds (got ${describe(timeout)})`,
    );
  }
  if (options.startConsumers !== undefined && typeof options.startConsumers !== 'boolean') {
    problems.push(`'startConsumers' must be true or false (got ${describe(options.startConsumers)})`);
  }
  for (const key of ['consumer', 'producer', 'clientConfig'] as const) {
    const value = options[key];
    if (value !== undefined && (value === null || typeof value !== 'object' || Array.isArray(value))) {
      problems.push(`'${key}' must be an object of client settings (got ${describe(value)})`);
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
          problems.push(`'ensureTopics.${key}' must be a positive integer (got ${describe(n)})`);
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
          problems.push(`'topics[${index}]' is not a defineTopic() result (got ${describe(topic)})`);
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
    problems.push(`'brokers' is required: a list of host:port (${example}); got ${describe(value)}`);
    return [];
  }
  if (list.length === 0 || (list.length === 1 && list[0] === '')) {
    problems.push(`'brokers' is empty: give at least one host:port (${example})`);
    return [];
  }
  const out: string[] = [];
  for (const entry of list) {
    if (typeof entry !== 'string') {
      problems.push(`'brokers' entries must be strings 'host:port' (got ${describe(entry)})`);
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

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

/** The known name within edit distance 2, for "did you mean" hints. */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
