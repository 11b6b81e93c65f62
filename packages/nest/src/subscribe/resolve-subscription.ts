import { describeValue } from '@samsa/core-client';
import { defaultDeadLetterTopic } from '../consume/dead-letter.js';
import { resolveRetryPolicy } from '../consume/retry-policy.js';
import type { HandlerInvoker, SubscriptionSpec } from '../consume/subscription-spec.js';
import { transactionalConfigProblems } from '../consume/transactions/transactional-config.js';
import { SamsaConfigurationError } from '../errors.js';
import type { ResolvedSamsaOptions } from '../module/samsa-module-options.js';
import { unknownOptionProblems } from './option-problems.js';
import type { SubscribeMetadata } from './subscribe.decorator.js';
import type { RetryOptions, SubscribeDefaults, SubscribeOptions, ValueFormat } from './subscribe-options.js';

/** Every option `@Subscribe` takes (also what the transport reads from `@EventPattern` extras). */
export const SUBSCRIBE_OPTION_KEYS: readonly (keyof SubscribeOptions)[] = [
  'groupId',
  'groupProtocol',
  'fromBeginning',
  'concurrency',
  'batch',
  'retry',
  'deadLetter',
  'transactional',
  'value',
  'schema',
];
/** The options `SamsaModule`'s `subscribeDefaults` may set for every `@Subscribe`. */
export const SUBSCRIBE_DEFAULT_KEYS: readonly (keyof SubscribeDefaults)[] = [
  'fromBeginning',
  'concurrency',
  'retry',
  'deadLetter',
  'value',
  'batch',
  'groupProtocol',
  'transactional',
];
const RETRY_OPTION_KEYS: readonly (keyof RetryOptions)[] = ['attempts', 'backoff', 'retryable'];
const FORMATS: readonly ValueFormat[] = [
  'auto',
  'json',
  'string',
  'buffer',
  'avro',
  'json-schema',
  'protobuf',
];

function positiveInt(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

/** Merges a `@Subscribe`'s options over the module defaults and checks them; throws listing every problem. */
export function resolveSubscription(
  id: string,
  metadata: SubscribeMetadata,
  module: ResolvedSamsaOptions,
  invoke: HandlerInvoker,
): SubscriptionSpec {
  const problems: string[] = [];
  const own = metadata.options ?? {};
  problems.push(...unknownOptionProblems(own, SUBSCRIBE_OPTION_KEYS));
  const options: SubscribeOptions = { ...module.subscribeDefaults, ...own };

  if (metadata.topics.length === 0) problems.push('no topic given: @Subscribe(topic | [topics] | /regex/)');
  for (const topic of metadata.topics) {
    if (!(topic instanceof RegExp) && (typeof topic !== 'string' || topic.length === 0)) {
      problems.push(
        `topics must be non-empty strings, RegExps or defineTopic() results (got ${describeValue(topic)})`,
      );
    }
  }
  const groupId = options.groupId ?? module.groupId;
  if (typeof groupId !== 'string' || groupId.length === 0) {
    problems.push(`'groupId' must be a non-empty string (got ${describeValue(groupId)})`);
  }

  const groupProtocol = options.groupProtocol;
  if (groupProtocol !== undefined && groupProtocol !== 'classic' && groupProtocol !== 'consumer') {
    problems.push(`'groupProtocol' must be 'classic' or 'consumer' (got ${describeValue(groupProtocol)})`);
  }

  let partitions = 1;
  let keysPerPartition = 1;
  const concurrency = options.concurrency;
  if (typeof concurrency === 'number') {
    if (!positiveInt(concurrency))
      problems.push(`'concurrency' must be a positive integer (got ${concurrency})`);
    else partitions = concurrency;
  } else if (concurrency !== undefined) {
    if (concurrency === null || typeof concurrency !== 'object') {
      problems.push(`'concurrency' must be a number or { partitions, keysPerPartition }`);
    } else {
      if (concurrency.partitions !== undefined && !positiveInt(concurrency.partitions)) {
        problems.push(
          `'concurrency.partitions' must be a positive integer (got ${describeValue(concurrency.partitions)})`,
        );
      }
      if (concurrency.keysPerPartition !== undefined && !positiveInt(concurrency.keysPerPartition)) {
        problems.push(
          `'concurrency.keysPerPartition' must be a positive integer (got ${describeValue(concurrency.keysPerPartition)})`,
        );
      }
      partitions = concurrency.partitions ?? 1;
      keysPerPartition = concurrency.keysPerPartition ?? 1;
    }
  }

  let batch: SubscriptionSpec['batch'] = false;
  if (options.batch === true) batch = { maxSize: Number.POSITIVE_INFINITY };
  else if (options.batch && typeof options.batch === 'object') {
    if (options.batch.maxSize !== undefined && !positiveInt(options.batch.maxSize)) {
      problems.push(
        `'batch.maxSize' must be a positive integer (got ${describeValue(options.batch.maxSize)})`,
      );
    }
    batch = { maxSize: options.batch.maxSize ?? Number.POSITIVE_INFINITY };
  } else if (options.batch !== undefined && options.batch !== false) {
    problems.push(`'batch' must be true, false or { maxSize }`);
  }
  if (batch && keysPerPartition > 1) {
    problems.push(
      `'batch' and 'concurrency.keysPerPartition' do not combine: a batch handler gets whole partitions`,
    );
  }

  const retry = options.retry;
  if (retry !== undefined && retry !== false) {
    if (retry === null || typeof retry !== 'object')
      problems.push(`'retry' must be false or { attempts, backoff }`);
    else {
      problems.push(...unknownOptionProblems(retry, RETRY_OPTION_KEYS, 'retry'));
      if (retry.attempts !== undefined && !positiveInt(retry.attempts)) {
        problems.push(
          `'retry.attempts' counts deliveries and must be a positive integer (got ${describeValue(retry.attempts)})`,
        );
      }
      const backoff = retry.backoff;
      if (typeof backoff === 'number') {
        if (!(backoff >= 0)) problems.push(`'retry.backoff' must be >= 0 ms (got ${backoff})`);
      } else if (backoff !== undefined) {
        for (const key of ['initialMs', 'multiplier', 'maxMs'] as const) {
          const v = backoff[key];
          if (v !== undefined && !(typeof v === 'number' && v >= 0)) {
            problems.push(`'retry.backoff.${key}' must be a number >= 0 (got ${describeValue(v)})`);
          }
        }
      }
      if (retry.retryable !== undefined && typeof retry.retryable !== 'function') {
        problems.push(`'retry.retryable' must be a function (error) => boolean`);
      }
    }
  }

  let deadLetterTopic: SubscriptionSpec['deadLetterTopic'];
  const deadLetter = options.deadLetter ?? true;
  if (deadLetter === true) deadLetterTopic = defaultDeadLetterTopic;
  else if (typeof deadLetter === 'string' && deadLetter.length > 0) {
    if (metadata.topics.includes(deadLetter)) {
      problems.push(
        `'deadLetter' topic '${deadLetter}' is one of the subscribed topics: failures would loop`,
      );
    }
    deadLetterTopic = () => deadLetter;
  } else if (deadLetter !== false) {
    problems.push(
      `'deadLetter' must be true (<topic>.dlq), false or a topic name (got ${describeValue(deadLetter)})`,
    );
  }

  const transactional = options.transactional ?? false;
  if (typeof transactional !== 'boolean') {
    problems.push(`'transactional' must be true or false (got ${describeValue(transactional)})`);
  } else if (transactional) {
    if (keysPerPartition > 1) {
      problems.push(
        `'transactional' and 'concurrency.keysPerPartition' do not combine: per-key lanes finish records out of ` +
          `offset order, and a partition's committed offset cannot say "all but these" exactly once; use ` +
          `'concurrency.partitions' (or 'batch') for parallelism`,
      );
    }
    problems.push(...transactionalConfigProblems(module));
  }

  const value = options.value ?? 'auto';
  if (!FORMATS.includes(value)) {
    problems.push(
      `'value' must be one of ${FORMATS.map((f) => `'${f}'`).join(', ')} (got ${describeValue(value)})`,
    );
  }
  // A topic definition's Avro schema is the reader schema; JSON Schema and Protobuf are read as written.
  const readerSchema =
    options.schema ??
    metadata.definitions.find((d) => d.schema !== undefined && (d.format ?? 'avro') === 'avro' && !d.zod)
      ?.schema;
  const registered = metadata.definitions.some((d) => d.schema !== undefined);
  if (
    (value === 'avro' ||
      value === 'json-schema' ||
      value === 'protobuf' ||
      readerSchema !== undefined ||
      registered) &&
    module.schemaRegistry === undefined
  ) {
    problems.push(
      `values in the registry's formats (Avro, JSON Schema, Protobuf) need SamsaModule's 'schemaRegistry' option ({ url: 'http://host:8081' })`,
    );
  }

  if (problems.length > 0) throw new SamsaConfigurationError(`@Subscribe on ${id}`, problems);

  return {
    id,
    topics: metadata.topics,
    groupId,
    ...(groupProtocol !== undefined ? { groupProtocol } : {}),
    fromBeginning: options.fromBeginning ?? false,
    partitionsConcurrently: partitions,
    keysPerPartition,
    batch,
    retry: resolveRetryPolicy(retry),
    deadLetterTopic,
    transactional: transactional === true,
    value,
    ...(readerSchema !== undefined ? { readerSchema } : {}),
    ...(metadata.definitions.length > 0
      ? { definitions: new Map(metadata.definitions.map((definition) => [definition.topic, definition])) }
      : {}),
    invoke,
  };
}
