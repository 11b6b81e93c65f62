/**
 * Options of `kafka.consumer({...})`: Java's names and defaults camelCased, KafkaJS spellings accepted
 * as aliases (`sessionTimeout`, `heartbeatInterval`, `maxWaitTimeInMs`, `maxBytesPerPartition`, ...).
 * Everything is checked up front and a bad value fails with a `ConfigurationError` naming the option.
 */

import type { AssignorName, PartitionAssignor, TopicPartitions } from '../assignors/index.js';
import { assignorByName, assignorNames, isAssignorName } from '../assignors/index.js';
import {
  DEFAULT_RETRY,
  type ResolvedRetry,
  type RestartOnFailure,
  type RetryOptions,
  resolveRetry,
} from '../config/client-options.js';
import {
  alias,
  describe,
  oneOf,
  optionalBool,
  optionalInt,
  optionalString,
  rejectUnknown,
} from '../config/validate.js';
import { ConfigurationError } from '../errors.js';
import type { Deserializer } from './message.js';

/**
 * The consumer's `retry`: the redelivery back-off of a record whose handler failed, and (`restartOnFailure`)
 * whether to go on once `retries` redeliveries failed.
 */
export type ConsumerRetryOptions = RetryOptions;

export interface ResolvedConsumerRetry extends ResolvedRetry {
  restartOnFailure: RestartOnFailure | null;
}

export type IsolationLevel = 'read_uncommitted' | 'read_committed';
/** Java's `group.protocol`: 'classic' (JoinGroup/SyncGroup) or 'consumer' (KIP-848, Kafka 4.0+). */
export type GroupProtocol = 'classic' | 'consumer';
export type AutoOffsetReset = 'earliest' | 'latest' | 'none';

/** Called with the partitions that changed hands; may be async (the rebalance waits for it). */
export type RebalanceCallback = (partitions: TopicPartitions[]) => void | Promise<void>;

export interface ConsumerConfig<K = Buffer | null, V = Buffer | null> {
  /** The consumer group (Java `group.id`). Required. */
  groupId: string;
  /**
   * Take KafkaJS's defaults instead of Java's, so this consumer can join a group of KafkaJS consumers and
   * take over from them one by one: the assignor `RoundRobinAssigner` (KafkaJS's protocol name),
   * `isolationLevel: 'read_committed'`, `sessionTimeoutMs` 30000, `rebalanceTimeoutMs` 60000,
   * `fetchMaxWaitMs` 5000 and `fetchMaxBytes` 10485760. Options set explicitly still win. Default false.
   */
  kafkajsCompatible?: boolean;
  /**
   * The group protocol (Java `group.protocol`). Default 'classic'. 'consumer' is KIP-848's (Apache Kafka
   * 4.0+): the broker assigns partitions, rebalances are incremental and never stop the whole group, and
   * `sessionTimeoutMs`, `heartbeatIntervalMs` and `partitionAssignors` are the broker's business
   * (`group.consumer.*` broker configs), so they are not used.
   */
  groupProtocol?: GroupProtocol;
  /** The server-side assignor to ask for with `groupProtocol: 'consumer'` ('uniform' or 'range'). Default: the broker's. */
  groupRemoteAssignor?: string;
  /** Static membership id (KIP-345, Java `group.instance.id`): restarts within the session keep the partitions. */
  groupInstanceId?: string;
  /** Without a heartbeat for this long the broker drops the member. Default 45000. KafkaJS: `sessionTimeout`. */
  sessionTimeoutMs?: number;
  /** Heartbeat period; keep it well below the session timeout. Default 3000. KafkaJS: `heartbeatInterval`. */
  heartbeatIntervalMs?: number;
  /** Longest a handler may run before the member gives up its partitions and rejoins. Default 300000. */
  maxPollIntervalMs?: number;
  /** How long the broker waits for members to rejoin. Default `maxPollIntervalMs` (as Java). KafkaJS: `rebalanceTimeout`. */
  rebalanceTimeoutMs?: number;
  /** Assignors in order of preference. Default `['range', 'cooperative-sticky']` (Java's default). KafkaJS: `partitionAssigners`. */
  partitionAssignors?: (AssignorName | PartitionAssignor)[];
  /** Where to start without a committed offset. Default 'latest'. `subscribe({ fromBeginning: true })` means 'earliest'. */
  autoOffsetReset?: AutoOffsetReset;
  /** Commit finished offsets in the background. Default true. `run({ autoCommit })` overrides it. */
  enableAutoCommit?: boolean;
  /** Auto-commit period. Default 5000. `run({ autoCommitInterval })` overrides it. */
  autoCommitIntervalMs?: number;
  /** The broker answers a fetch once it has this many bytes (or `fetchMaxWaitMs` passed). Default 1. KafkaJS: `minBytes`. */
  fetchMinBytes?: number;
  /** Per-fetch-response byte limit. Default 52428800. KafkaJS: `maxBytes`. */
  fetchMaxBytes?: number;
  /** Per-partition byte limit of a fetch; also the prefetch bound per partition. Default 1048576. KafkaJS: `maxBytesPerPartition`. */
  maxPartitionFetchBytes?: number;
  /** Longest the broker holds a fetch waiting for `fetchMinBytes`. Default 500. KafkaJS: `maxWaitTimeInMs`. */
  fetchMaxWaitMs?: number;
  /** 'read_committed' hides aborted transactions. Default 'read_uncommitted' (Java). KafkaJS: `readUncommitted`. */
  isolationLevel?: IsolationLevel;
  /** Fetch from the closest replica (KIP-392) when the brokers support it (Java `client.rack`). KafkaJS: `rackId`. */
  clientRack?: string;
  /**
   * Incremental fetch sessions (KIP-227) with brokers that offer them: after a first full fetch,
   * requests name only partitions that changed and answers carry only partitions with news. Default
   * true (Java always uses them); false sends every fetch in full, one session-less request per broker
   * plus one pipelined.
   */
  fetchSessions?: boolean;
  /** Let subscribing create missing topics where the broker allows it. Default true (KafkaJS). */
  allowAutoTopicCreation?: boolean;
  /** Timeout of commits, offset lookups and other group calls that have no other bound. Default 60000. */
  defaultApiTimeoutMs?: number;
  /** Back-off between retries of failed fetches and group calls. Default 100. */
  retryBackoffMs?: number;
  /** Cap on prefetched bytes over all partitions; fetching pauses above it. Default `fetchMaxBytes`. */
  maxBufferedBytes?: number;
  /** Verify each record batch's CRC-32C before decoding it (Java `check.crcs`). Default true. */
  checkCrcs?: boolean;
  /**
   * What to do with a fetched record batch that does not decode (bad CRC, unknown codec, broken records)
   * once fetching it again did not help: by default the consumer fails with CorruptRecordBatchError;
   * true skips the batch with a warning naming its offsets, and consumption goes on after it. Default false.
   */
  skipCorruptBatches?: boolean;
  keyDeserializer?: Deserializer<K>;
  valueDeserializer?: Deserializer<V>;
  onPartitionsAssigned?: RebalanceCallback;
  /** Called before partitions are given up, after their handlers finished and (with auto-commit) offsets were committed. */
  onPartitionsRevoked?: RebalanceCallback;
  /** Partitions lost without a chance to commit (the member was fenced). Default: `onPartitionsRevoked`. */
  onPartitionsLost?: RebalanceCallback;

  // KafkaJS aliases.
  sessionTimeout?: number;
  heartbeatInterval?: number;
  rebalanceTimeout?: number;
  partitionAssigners?: (AssignorName | PartitionAssignor)[];
  minBytes?: number;
  maxBytes?: number;
  maxBytesPerPartition?: number;
  maxWaitTimeInMs?: number;
  readUncommitted?: boolean;
  rackId?: string;
  /**
   * How a record whose handler threw is delivered again (KafkaJS's consumer `retry`): back-off from
   * `initialRetryTimeMs` growing by `multiplier` up to `maxRetryTimeMs`; after `retries` redeliveries fail,
   * `restartOnFailure(error)` decides whether to go on retrying (default) or stop the consumer. Without it,
   * a failing record is delivered again forever, the back-off doubling from `retryBackoffMs` up to 30 s.
   */
  retry?: ConsumerRetryOptions;
  /** This consumer's periodic metadata refresh. Default: the client's `metadataMaxAgeMs`. KafkaJS: `metadataMaxAge`. */
  metadataMaxAgeMs?: number;
  metadataMaxAge?: number;
  /**
   * Accepted from KafkaJS configs, with a warning: the consumer keeps one fetch in flight per broker and
   * sends group requests on a connection of their own, so there is nothing for it to limit.
   */
  maxInFlightRequests?: number;
}

/** The defaults `kafkajsCompatible: true` picks: KafkaJS 2.x's, where they differ from Java's. */
export const KAFKAJS_CONSUMER_DEFAULTS = {
  partitionAssignors: ['RoundRobinAssigner'] as AssignorName[],
  isolationLevel: 'read_committed' as IsolationLevel,
  sessionTimeoutMs: 30_000,
  rebalanceTimeoutMs: 60_000,
  fetchMaxWaitMs: 5000,
  fetchMaxBytes: 10_485_760,
};

export interface ResolvedConsumerConfig<K, V> {
  groupId: string;
  kafkajsCompatible: boolean;
  groupProtocol: GroupProtocol;
  groupRemoteAssignor: string | null;
  groupInstanceId: string | null;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  maxPollIntervalMs: number;
  rebalanceTimeoutMs: number;
  assignors: PartitionAssignor[];
  autoOffsetReset: AutoOffsetReset;
  enableAutoCommit: boolean;
  autoCommitIntervalMs: number;
  fetchMinBytes: number;
  fetchMaxBytes: number;
  maxPartitionFetchBytes: number;
  fetchMaxWaitMs: number;
  isolationLevel: IsolationLevel;
  clientRack: string | null;
  fetchSessions: boolean;
  allowAutoTopicCreation: boolean;
  defaultApiTimeoutMs: number;
  retryBackoffMs: number;
  maxBufferedBytes: number;
  checkCrcs: boolean;
  skipCorruptBatches: boolean;
  keyDeserializer: Deserializer<K> | null;
  valueDeserializer: Deserializer<V> | null;
  onPartitionsAssigned: RebalanceCallback | null;
  onPartitionsRevoked: RebalanceCallback | null;
  onPartitionsLost: RebalanceCallback | null;
  /** Null: redeliver failing records forever (the default). */
  retry: ResolvedConsumerRetry | null;
  /** Null: the client's. */
  metadataMaxAgeMs: number | null;
}

/** Every option name `kafka.consumer()` takes (KafkaJS spellings included). */
export const CONSUMER_OPTION_NAMES = [
  'groupId',
  'kafkajsCompatible',
  'groupProtocol',
  'groupRemoteAssignor',
  'groupInstanceId',
  'sessionTimeoutMs',
  'heartbeatIntervalMs',
  'maxPollIntervalMs',
  'rebalanceTimeoutMs',
  'partitionAssignors',
  'autoOffsetReset',
  'enableAutoCommit',
  'autoCommitIntervalMs',
  'fetchMinBytes',
  'fetchMaxBytes',
  'maxPartitionFetchBytes',
  'fetchMaxWaitMs',
  'isolationLevel',
  'clientRack',
  'fetchSessions',
  'allowAutoTopicCreation',
  'defaultApiTimeoutMs',
  'retryBackoffMs',
  'maxBufferedBytes',
  'checkCrcs',
  'skipCorruptBatches',
  'keyDeserializer',
  'valueDeserializer',
  'onPartitionsAssigned',
  'onPartitionsRevoked',
  'onPartitionsLost',
  'sessionTimeout',
  'heartbeatInterval',
  'rebalanceTimeout',
  'partitionAssigners',
  'minBytes',
  'maxBytes',
  'maxBytesPerPartition',
  'maxWaitTimeInMs',
  'readUncommitted',
  'rackId',
  'metadataMaxAgeMs',
  'metadataMaxAge',
  'maxInFlightRequests',
  'retry',
] as const;

const INT32_MAX = 2 ** 31 - 1;

export function resolveConsumerConfig<K, V>(config: ConsumerConfig<K, V>): ResolvedConsumerConfig<K, V> {
  if (config === null || typeof config !== 'object') {
    throw new ConfigurationError(
      'config',
      'kafka.consumer() needs an options object with at least `groupId`',
    );
  }
  rejectUnknown('kafka.consumer()', config, CONSUMER_OPTION_NAMES);
  const o = config as unknown as Record<string, unknown>;

  const groupId = optionalString('groupId', config.groupId, undefined);
  if (groupId === undefined || groupId === '') {
    throw new ConfigurationError('groupId', 'is required: the consumer group this consumer joins');
  }
  const groupProtocol = oneOf(
    'groupProtocol',
    config.groupProtocol,
    ['classic', 'consumer'] as const,
    'classic',
  );
  const kafkajs = optionalBool('kafkajsCompatible', config.kafkajsCompatible, false);
  if (kafkajs && groupProtocol === 'consumer') {
    throw new ConfigurationError(
      'kafkajsCompatible',
      "KafkaJS consumers speak only the classic group protocol; drop groupProtocol: 'consumer' to join them",
    );
  }
  const groupRemoteAssignor =
    optionalString('groupRemoteAssignor', config.groupRemoteAssignor, undefined) ?? null;
  if (groupRemoteAssignor !== null) {
    if (groupProtocol !== 'consumer') {
      throw new ConfigurationError(
        'groupRemoteAssignor',
        "picks the broker's assignor of the consumer protocol; set groupProtocol: 'consumer', or use partitionAssignors with 'classic'",
      );
    }
    if (groupRemoteAssignor === '')
      throw new ConfigurationError('groupRemoteAssignor', "must not be empty (e.g. 'uniform' or 'range')");
  }
  const groupInstanceId = optionalString('groupInstanceId', config.groupInstanceId, undefined) ?? null;
  if (groupInstanceId === '')
    throw new ConfigurationError('groupInstanceId', 'must not be empty; leave it out for a dynamic member');

  const sessionTimeoutMs = optionalInt(
    'sessionTimeoutMs',
    alias(o, 'sessionTimeoutMs', 'sessionTimeout'),
    kafkajs ? KAFKAJS_CONSUMER_DEFAULTS.sessionTimeoutMs : 45_000,
    {
      min: 1,
      max: INT32_MAX,
    },
  );
  const heartbeatIntervalMs = optionalInt(
    'heartbeatIntervalMs',
    alias(o, 'heartbeatIntervalMs', 'heartbeatInterval'),
    Math.min(3000, Math.max(1, Math.floor(sessionTimeoutMs / 3))),
    { min: 1, max: INT32_MAX },
  );
  if (heartbeatIntervalMs >= sessionTimeoutMs) {
    throw new ConfigurationError(
      'heartbeatIntervalMs',
      `${heartbeatIntervalMs} must be lower than sessionTimeoutMs (${sessionTimeoutMs}); a third of it is usual`,
    );
  }
  const maxPollIntervalMs = optionalInt('maxPollIntervalMs', config.maxPollIntervalMs, 300_000, {
    min: 1,
    max: INT32_MAX,
  });
  const rebalanceTimeoutMs = optionalInt(
    'rebalanceTimeoutMs',
    alias(o, 'rebalanceTimeoutMs', 'rebalanceTimeout'),
    kafkajs ? KAFKAJS_CONSUMER_DEFAULTS.rebalanceTimeoutMs : maxPollIntervalMs,
    { min: 1, max: INT32_MAX },
  );

  const assignorOption =
    config.partitionAssignors !== undefined ? 'partitionAssignors' : 'partitionAssigners';
  const rawAssignors =
    alias(o, 'partitionAssignors', 'partitionAssigners') ??
    (kafkajs ? KAFKAJS_CONSUMER_DEFAULTS.partitionAssignors : ['range', 'cooperative-sticky']);
  const assignors = resolveAssignors(assignorOption, rawAssignors);

  const autoOffsetReset = oneOf(
    'autoOffsetReset',
    config.autoOffsetReset,
    ['earliest', 'latest', 'none'] as const,
    'latest',
  );

  let isolationLevel = oneOf(
    'isolationLevel',
    config.isolationLevel,
    ['read_uncommitted', 'read_committed'] as const,
    kafkajs ? KAFKAJS_CONSUMER_DEFAULTS.isolationLevel : 'read_uncommitted',
  );
  const readUncommitted = optionalBool('readUncommitted', config.readUncommitted, true);
  if (config.readUncommitted !== undefined) {
    const fromAlias: IsolationLevel = readUncommitted ? 'read_uncommitted' : 'read_committed';
    if (config.isolationLevel !== undefined && config.isolationLevel !== fromAlias) {
      throw new ConfigurationError(
        'isolationLevel',
        'both isolationLevel and its KafkaJS alias readUncommitted are set and disagree; keep one',
      );
    }
    isolationLevel = fromAlias;
  }

  const fetchMaxBytes = optionalInt(
    'fetchMaxBytes',
    alias(o, 'fetchMaxBytes', 'maxBytes'),
    kafkajs ? KAFKAJS_CONSUMER_DEFAULTS.fetchMaxBytes : 52_428_800,
    { min: 1, max: INT32_MAX },
  );
  const maxPartitionFetchBytes = optionalInt(
    'maxPartitionFetchBytes',
    alias(o, 'maxPartitionFetchBytes', 'maxBytesPerPartition'),
    1_048_576,
    { min: 1, max: INT32_MAX },
  );
  const fetchMinBytes = optionalInt('fetchMinBytes', alias(o, 'fetchMinBytes', 'minBytes'), 1, {
    min: 0,
    max: INT32_MAX,
  });
  const fetchMaxWaitMs = optionalInt(
    'fetchMaxWaitMs',
    alias(o, 'fetchMaxWaitMs', 'maxWaitTimeInMs'),
    kafkajs ? KAFKAJS_CONSUMER_DEFAULTS.fetchMaxWaitMs : 500,
    { min: 0, max: INT32_MAX },
  );

  const metadataMaxAge = alias(o, 'metadataMaxAgeMs', 'metadataMaxAge');
  const metadataMaxAgeMs =
    metadataMaxAge === undefined ? null : optionalInt('metadataMaxAgeMs', metadataMaxAge, 0, { min: 1 });
  // Checked so a typo'd value still fails; the consumer warns that it has no effect.
  optionalInt('maxInFlightRequests', config.maxInFlightRequests, 0, { min: 1 });

  for (const name of [
    'keyDeserializer',
    'valueDeserializer',
    'onPartitionsAssigned',
    'onPartitionsRevoked',
    'onPartitionsLost',
  ] as const) {
    const v = config[name];
    if (v !== undefined && v !== null && typeof v !== 'function') {
      throw new ConfigurationError(name, `expected a function, got ${describe(v)}`);
    }
  }

  return {
    groupId,
    kafkajsCompatible: kafkajs,
    groupProtocol,
    groupRemoteAssignor,
    groupInstanceId,
    sessionTimeoutMs,
    heartbeatIntervalMs,
    maxPollIntervalMs,
    rebalanceTimeoutMs,
    assignors,
    autoOffsetReset,
    enableAutoCommit: optionalBool('enableAutoCommit', config.enableAutoCommit, true),
    autoCommitIntervalMs: optionalInt('autoCommitIntervalMs', config.autoCommitIntervalMs, 5000, { min: 0 }),
    fetchMinBytes,
    fetchMaxBytes,
    maxPartitionFetchBytes,
    fetchMaxWaitMs,
    isolationLevel,
    clientRack: optionalString('clientRack', alias(o, 'clientRack', 'rackId'), undefined) ?? null,
    fetchSessions: optionalBool('fetchSessions', config.fetchSessions, true),
    allowAutoTopicCreation: optionalBool('allowAutoTopicCreation', config.allowAutoTopicCreation, true),
    defaultApiTimeoutMs: optionalInt('defaultApiTimeoutMs', config.defaultApiTimeoutMs, 60_000, { min: 1 }),
    retryBackoffMs: optionalInt('retryBackoffMs', config.retryBackoffMs, 100, { min: 0 }),
    maxBufferedBytes: optionalInt('maxBufferedBytes', config.maxBufferedBytes, fetchMaxBytes, { min: 1 }),
    checkCrcs: optionalBool('checkCrcs', config.checkCrcs, true),
    skipCorruptBatches: optionalBool('skipCorruptBatches', config.skipCorruptBatches, false),
    keyDeserializer: config.keyDeserializer ?? null,
    valueDeserializer: config.valueDeserializer ?? null,
    onPartitionsAssigned: config.onPartitionsAssigned ?? null,
    onPartitionsRevoked: config.onPartitionsRevoked ?? null,
    onPartitionsLost: config.onPartitionsLost ?? null,
    retry: resolveConsumerRetry(config.retry),
    metadataMaxAgeMs,
  };
}

function resolveConsumerRetry(retry: unknown): ResolvedConsumerRetry | null {
  if (retry === undefined || retry === null) return null;
  const resolved = resolveRetry('retry', retry, DEFAULT_RETRY);
  const restartOnFailure = (retry as ConsumerRetryOptions).restartOnFailure;
  if (restartOnFailure !== undefined && restartOnFailure !== null && typeof restartOnFailure !== 'function') {
    throw new ConfigurationError(
      'retry.restartOnFailure',
      `expected a function (error) => Promise<boolean>, got ${describe(restartOnFailure)}`,
    );
  }
  return { ...resolved, restartOnFailure: restartOnFailure ?? null };
}

function resolveAssignors(option: string, raw: unknown): PartitionAssignor[] {
  if (!Array.isArray(raw) || raw.length === 0) {
    throw new ConfigurationError(
      option,
      `expected a non-empty array of assignors or names (${assignorNames.join(', ')})`,
    );
  }
  const out: PartitionAssignor[] = [];
  const names = new Set<string>();
  for (const entry of raw) {
    let assignor: PartitionAssignor;
    if (typeof entry === 'string') {
      if (!isAssignorName(entry)) {
        throw new ConfigurationError(
          option,
          `unknown assignor ${JSON.stringify(entry)}; known: ${assignorNames.join(', ')}`,
        );
      }
      assignor = assignorByName(entry);
    } else if (typeof entry === 'function') {
      throw new ConfigurationError(
        option,
        'got a function: KafkaJS assigner factories are not supported; pass an assignor name (e.g. "roundrobin", or ' +
          '"RoundRobinAssigner" to join a KafkaJS group) or an object implementing PartitionAssignor',
      );
    } else if (
      entry !== null &&
      typeof entry === 'object' &&
      typeof (entry as PartitionAssignor).name === 'string' &&
      typeof (entry as PartitionAssignor).assign === 'function' &&
      Array.isArray((entry as PartitionAssignor).supportedProtocols)
    ) {
      assignor = entry as PartitionAssignor;
    } else {
      throw new ConfigurationError(
        option,
        `expected an assignor name or a PartitionAssignor object, got ${describe(entry)}`,
      );
    }
    if (names.has(assignor.name))
      throw new ConfigurationError(option, `assignor ${JSON.stringify(assignor.name)} is listed twice`);
    names.add(assignor.name);
    out.push(assignor);
  }
  return out;
}
