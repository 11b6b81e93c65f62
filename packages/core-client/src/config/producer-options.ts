/** Validation and defaults of `kafka.producer({...})`: Java's names and defaults, KafkaJS aliases accepted. */
import { CompressionType } from '@samsa/protocol/on-demand';
import { ConfigurationError } from '../errors.js';
import { builtInKind, type PartitionerFactory, Partitioners } from '../partitioners/index.js';
import type { CompressionTypes, ProducerConfig, Serializer } from '../producer/types.js';
import { DEFAULT_RETRY, type ResolvedRetry, resolveRetry } from './client-options.js';
import { alias, describe, optionalBool, optionalInt, optionalString, rejectUnknown } from './validate.js';

export interface ResolvedProducerConfig {
  acks: number;
  /** Producer id + sequence numbers: no duplicates from retries, up to 5 batches in flight per partition. */
  enableIdempotence: boolean;
  /** Set: a transactional producer (implies idempotence). */
  transactionalId: string | null;
  transactionTimeoutMs: number;
  lingerMs: number;
  batchSize: number;
  bufferMemory: number;
  maxBlockMs: number;
  maxRequestSize: number;
  maxInFlightRequestsPerConnection: number;
  compression: CompressionTypes;
  deliveryTimeoutMs: number;
  requestTimeoutMs: number;
  retries: number;
  retryBackoffMs: number;
  retryBackoffMaxMs: number;
  partitioner: PartitionerFactory;
  /** 'default' / 'roundRobin' for the built-ins the accumulator runs itself; undefined for custom ones. */
  builtInPartitioner: 'default' | 'roundRobin' | undefined;
  partitionerIgnoreKeys: boolean;
  allowAutoTopicCreation: boolean;
  metadataMaxAgeMs: number | undefined;
  keySerializer: Serializer<unknown> | null;
  valueSerializer: Serializer<unknown> | null;
  retry: ResolvedRetry;
}

/** Every option name `kafka.producer()` takes (KafkaJS spellings included). */
export const PRODUCER_OPTION_NAMES = [
  'acks',
  'lingerMs',
  'batchSize',
  'bufferMemory',
  'maxBlockMs',
  'maxRequestSize',
  'maxInFlightRequestsPerConnection',
  'compressionType',
  'deliveryTimeoutMs',
  'requestTimeoutMs',
  'retries',
  'retryBackoffMs',
  'retryBackoffMaxMs',
  'partitioner',
  'createPartitioner',
  'partitionerIgnoreKeys',
  'allowAutoTopicCreation',
  'metadataMaxAgeMs',
  'enableIdempotence',
  'idempotent',
  'transactionalId',
  'transactionTimeoutMs',
  'keySerializer',
  'valueSerializer',
  'retry',
  'maxInFlightRequests',
  'metadataMaxAge',
  'transactionTimeout',
] as const;

const COMPRESSION_NAMES: Record<string, CompressionTypes> = {
  none: CompressionType.None,
  gzip: CompressionType.GZIP,
  snappy: CompressionType.Snappy,
  lz4: CompressionType.LZ4,
  zstd: CompressionType.ZSTD,
};

export function parseAcks(option: string, value: unknown, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (value === 'all') return -1;
  if (value === -1 || value === 0 || value === 1) return value;
  throw new ConfigurationError(option, `expected -1 ('all'), 0 or 1, got ${describe(value)}`);
}

export function parseCompression(
  option: string,
  value: unknown,
  fallback: CompressionTypes,
): CompressionTypes {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'string' && value.toLowerCase() in COMPRESSION_NAMES)
    return COMPRESSION_NAMES[value.toLowerCase()];
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 4)
    return value as CompressionTypes;
  throw new ConfigurationError(
    option,
    `expected 'none', 'gzip', 'snappy', 'lz4', 'zstd' or a CompressionTypes value, got ${describe(value)}`,
  );
}

export function resolveProducerConfig(
  config: ProducerConfig<unknown, unknown> = {},
  clientRequestTimeoutMs = 30_000,
): ResolvedProducerConfig {
  if (config === null || typeof config !== 'object') {
    throw new ConfigurationError('producer', `expected an options object, got ${describe(config)}`);
  }
  rejectUnknown('producer()', config, PRODUCER_OPTION_NAMES);
  const c = config as Record<string, unknown>;
  const idempotenceOption = alias(c, 'enableIdempotence', 'idempotent');
  const transactionalId = optionalString('transactionalId', config.transactionalId, undefined);
  if (transactionalId !== undefined && transactionalId.length === 0) {
    throw new ConfigurationError(
      'transactionalId',
      'must not be empty (leave it out for a producer without transactions)',
    );
  }
  const transactionTimeoutMs = optionalInt(
    'transactionTimeoutMs',
    alias(c, 'transactionTimeoutMs', 'transactionTimeout'),
    60_000,
    { min: 1, max: 0x7fffffff },
  );
  const batchSize = optionalInt('batchSize', config.batchSize, 16_384, { min: 1 });
  const maxRequestSize = optionalInt('maxRequestSize', config.maxRequestSize, 1_048_576, { min: 1024 });
  const bufferMemory = optionalInt('bufferMemory', config.bufferMemory, 33_554_432, { min: 1024 });
  if (bufferMemory < batchSize) {
    throw new ConfigurationError(
      'bufferMemory',
      `(${bufferMemory}) must be at least batchSize (${batchSize})`,
    );
  }
  const requestTimeoutMs = optionalInt('requestTimeoutMs', config.requestTimeoutMs, clientRequestTimeoutMs, {
    min: 1,
  });
  const lingerMs = optionalInt('lingerMs', config.lingerMs, 5);
  const deliveryTimeoutMs = optionalInt('deliveryTimeoutMs', config.deliveryTimeoutMs, 120_000, { min: 1 });
  if (config.deliveryTimeoutMs !== undefined && deliveryTimeoutMs < lingerMs + requestTimeoutMs) {
    throw new ConfigurationError(
      'deliveryTimeoutMs',
      `(${deliveryTimeoutMs}) must be at least lingerMs + requestTimeoutMs (${lingerMs + requestTimeoutMs}), as in Java`,
    );
  }
  const retryBackoffMs = optionalInt('retryBackoffMs', config.retryBackoffMs, 100);
  let partitioner: PartitionerFactory;
  const p = alias(c, 'partitioner', 'createPartitioner');
  if (p === undefined || p === 'default') partitioner = Partitioners.DefaultPartitioner;
  else if (p === 'roundRobin') partitioner = Partitioners.RoundRobinPartitioner;
  else if (typeof p === 'function') partitioner = p as PartitionerFactory;
  else
    throw new ConfigurationError(
      'partitioner',
      `expected 'default', 'roundRobin' or a function, got ${describe(p)}`,
    );
  for (const name of ['keySerializer', 'valueSerializer'] as const) {
    if (config[name] !== undefined && typeof config[name] !== 'function') {
      throw new ConfigurationError(name, `expected a function (data, topic) => Buffer | string | null`);
    }
  }
  const metadataMaxAge = alias(c, 'metadataMaxAgeMs', 'metadataMaxAge');
  const acks = parseAcks('acks', config.acks, -1);
  const maxInFlightRequestsPerConnection = optionalInt(
    'maxInFlightRequestsPerConnection',
    alias(c, 'maxInFlightRequestsPerConnection', 'maxInFlightRequests'),
    5,
    { min: 1 },
  );
  const retries = optionalInt('retries', config.retries, Number.MAX_SAFE_INTEGER);
  const enableIdempotence = resolveIdempotence(idempotenceOption, transactionalId, {
    acks,
    maxInFlightRequestsPerConnection,
    retries,
  });
  return {
    acks,
    enableIdempotence,
    transactionalId: transactionalId ?? null,
    transactionTimeoutMs,
    lingerMs,
    batchSize,
    bufferMemory,
    maxBlockMs: optionalInt('maxBlockMs', config.maxBlockMs, 60_000),
    maxRequestSize,
    maxInFlightRequestsPerConnection,
    compression: parseCompression('compressionType', config.compressionType, 0),
    deliveryTimeoutMs,
    requestTimeoutMs,
    retries,
    retryBackoffMs,
    retryBackoffMaxMs: optionalInt(
      'retryBackoffMaxMs',
      config.retryBackoffMaxMs,
      Math.max(1000, retryBackoffMs),
      {
        min: retryBackoffMs,
      },
    ),
    partitioner,
    builtInPartitioner: builtInKind(partitioner),
    partitionerIgnoreKeys: optionalBool('partitionerIgnoreKeys', config.partitionerIgnoreKeys, false),
    allowAutoTopicCreation: optionalBool('allowAutoTopicCreation', config.allowAutoTopicCreation, true),
    metadataMaxAgeMs:
      metadataMaxAge === undefined
        ? undefined
        : optionalInt('metadataMaxAgeMs', metadataMaxAge, 300_000, { min: 1 }),
    keySerializer: config.keySerializer ?? null,
    valueSerializer: config.valueSerializer ?? null,
    retry: resolveRetry('retry', config.retry, DEFAULT_RETRY),
  };
}

/**
 * Java's rules for `enable.idempotence` (KIP-679, Kafka 3.0+): on by default unless acks, in-flight
 * requests or retries contradict it. Set explicitly, a contradiction is a ConfigurationError naming
 * both options; left to its default, idempotence is quietly off instead (acks=1 keeps working as
 * before). A transactional producer needs idempotence either way.
 */
function resolveIdempotence(
  option: unknown,
  transactionalId: string | undefined,
  settings: { acks: number; maxInFlightRequestsPerConnection: number; retries: number },
): boolean {
  const explicit = optionalBool('enableIdempotence', option, true);
  const conflict =
    settings.acks !== -1
      ? { name: 'acks', why: `acks=${settings.acks} (idempotence needs acks=-1, 'all')` }
      : settings.maxInFlightRequestsPerConnection > 5
        ? {
            name: 'maxInFlightRequestsPerConnection',
            why: `maxInFlightRequestsPerConnection=${settings.maxInFlightRequestsPerConnection} (idempotence allows at most 5)`,
          }
        : settings.retries === 0
          ? { name: 'retries', why: 'retries=0 (idempotence needs retries above 0)' }
          : null;
  if (option === undefined || option === null) {
    if (conflict === null) return true;
    if (transactionalId !== undefined) {
      throw new ConfigurationError(
        conflict.name,
        `transactionalId needs idempotence, which ${conflict.why} rules out; drop ${conflict.name} or transactionalId`,
      );
    }
    return false;
  }
  if (!explicit) {
    if (transactionalId !== undefined) {
      throw new ConfigurationError(
        'enableIdempotence',
        'false cannot go with transactionalId: a transactional producer is idempotent. Remove enableIdempotence: false (or transactionalId)',
      );
    }
    return false;
  }
  if (conflict !== null) {
    throw new ConfigurationError(
      conflict.name,
      `enableIdempotence: true conflicts with ${conflict.why}; change ${conflict.name} or leave enableIdempotence out`,
    );
  }
  return true;
}
