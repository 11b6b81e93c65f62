import type { AvroSchema } from '../topics.js';

export interface BackoffOptions {
  /** Wait before the second delivery. Default 100 ms. */
  initialMs?: number;
  /** Each further wait is the previous one times this. Default 2. */
  multiplier?: number;
  /** Upper bound of one wait. Default 5000 ms. */
  maxMs?: number;
}

export interface RetryOptions {
  /** Deliveries of a record, the first one included, before it is dead-lettered. Default 3. */
  attempts?: number;
  /** A fixed wait in ms, or exponential backoff. */
  backoff?: number | BackoffOptions;
  /**
   * Which errors are worth retrying. Default: everything except `NonRetryableError`,
   * `DeserializationError` and 4xx `HttpException`s (a failed validation pipe, a guard saying no).
   */
  retryable?: (error: unknown) => boolean;
}

export interface ConcurrencyOptions {
  /** Partitions processed at the same time. Default 1. */
  partitions?: number;
  /**
   * Records of one partition processed at the same time, never two with the same key at once and
   * always in offset order per key. Default 1 (strict partition order).
   */
  keysPerPartition?: number;
}

export interface BatchOptions {
  /** Most records per handler call. Default: whatever one fetch returned for the partition. */
  maxSize?: number;
}

/**
 * How a record's value becomes the handler's payload: `auto` reads the registry's wire format by the format of
 * the schema its id names (Avro, JSON Schema or Protobuf), else JSON when it parses, else text. `avro`,
 * `json-schema` and `protobuf` require that format; `json`, `string` and `buffer` never ask the registry.
 */
export type ValueFormat = 'auto' | 'json' | 'string' | 'buffer' | 'avro' | 'json-schema' | 'protobuf';

/** The consumer group protocol (Java's `group.protocol`); see `@samsa/core-client`'s `groupProtocol`. */
export type GroupProtocol = 'classic' | 'consumer';

export interface SubscribeOptions {
  /** Consumer group; handlers that share one split the work of a group, a handler of its own sees every record. */
  groupId?: string;
  /**
   * 'consumer' joins with KIP-848's consumer group protocol (Kafka 4.0+: the broker assigns, rebalances
   * move only the partitions that change hands); default 'classic'. Handlers sharing a group must agree.
   */
  groupProtocol?: GroupProtocol;
  /** Where a group without committed offsets starts. Default false (latest). */
  fromBeginning?: boolean;
  /** A number means partitions in parallel; see `ConcurrencyOptions` for per-key parallelism. */
  concurrency?: number | ConcurrencyOptions;
  /** Call the handler with an array of records of one partition. */
  batch?: boolean | BatchOptions;
  /** `false` delivers once; failures then go straight to the dead-letter topic. */
  retry?: RetryOptions | false;
  /**
   * After the last attempt: `true` (default) publishes to `<topic>.dlq`, a string names the topic,
   * `false` logs the error and skips the record.
   */
  deadLetter?: boolean | string;
  /**
   * Exactly-once: each delivery (a record, or a batch) runs in a producer transaction of its own. What
   * the handler publishes (through `SamsaProducer` or `ctx.transaction`) and the commit of the input
   * offset become visible together when it returns, or never when it throws; a dead letter and the
   * offset past its record commit together too. The input is read read_committed. Default false.
   */
  transactional?: boolean;
  /** Default `auto`: by the registry format when the value has its magic byte, else JSON when it parses, else text. */
  value?: ValueFormat;
  /** Reader schema for Avro values (records written with older compatible schemas are resolved to it). */
  schema?: AvroSchema;
}

export type SubscribeDefaults = Pick<
  SubscribeOptions,
  | 'fromBeginning'
  | 'concurrency'
  | 'retry'
  | 'deadLetter'
  | 'value'
  | 'batch'
  | 'groupProtocol'
  | 'transactional'
>;
