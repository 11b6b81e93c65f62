/**
 * The console's HTTP API: what each route takes and answers (JSON). Shared by the server and the page, and
 * documented route by route in the package README. Offsets are decimal strings (they are int64); timestamps are
 * milliseconds since the epoch.
 */

/** Every error answer: `{ error: { code, message, details? } }` with a 4xx or 5xx status. */
export interface ApiErrorBody {
  error: {
    /** Stable, machine-readable: INVALID_TOPIC_NAME, MALFORMED_JSON, GROUP_ACTIVE, KAFKA_UNAVAILABLE, ... */
    code: string;
    /** What went wrong and what to do, for people. */
    message: string;
    details?: unknown;
  };
}

/** GET /api/info */
export interface ConsoleInfo {
  version: string;
  readOnly: boolean;
  brokers: string[];
  /** The registry's URL, or null when the console runs without one. */
  registry: string | null;
}

/** GET /api/health: whether Kafka and the registry answer right now (the page's connection banner). */
export interface HealthReport {
  kafka: { ok: boolean; error?: string };
  /** Null without a registry. */
  registry: { ok: boolean; error?: string } | null;
}

export interface BrokerView {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
  isController: boolean;
}

export interface PartitionRef {
  topic: string;
  partition: number;
}

export type HealthStatus = 'ok' | 'warning' | 'critical';

/** GET /api/overview */
export interface Overview {
  clusterId: string;
  controller: number | null;
  brokers: BrokerView[];
  topics: number;
  partitions: number;
  /** Partitions whose in-sync replicas are fewer than their replicas. */
  underReplicated: PartitionRef[];
  /** Partitions without a leader. */
  offline: PartitionRef[];
  groups: number;
  /** Sum of every group's lag. */
  totalLag: string;
  health: { status: HealthStatus; problems: string[] };
}

/** GET /api/topics → { topics: TopicSummary[] } */
export interface TopicSummary {
  name: string;
  internal: boolean;
  partitions: number;
  replicationFactor: number;
  /** Sum over partitions of end - start offset (compaction and transaction markers make it an upper bound). */
  records: string;
  /** Bytes on disk, where the broker reports them (DescribeLogDirs); null otherwise. */
  sizeBytes: number | null;
  retentionMs: string | null;
  cleanupPolicy: string | null;
  underReplicated: number;
}

/** POST /api/topics */
export interface CreateTopicRequest {
  name: string;
  /** Default: the broker's num.partitions. */
  partitions?: number;
  /** Default: the broker's default.replication.factor. */
  replicationFactor?: number;
  configs?: Record<string, string>;
}

export interface TopicPartitionView {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
  startOffset: string;
  endOffset: string;
}

export interface ConfigView {
  name: string;
  /** Null for sensitive values, which brokers never return. */
  value: string | null;
  /** True where the value is the default (the page greys these). */
  isDefault: boolean;
  /** Kafka's config source: TOPIC_CONFIG, STATIC_BROKER_CONFIG, DEFAULT_CONFIG, ... */
  source: string;
  sensitive: boolean;
  readOnly: boolean;
}

export interface TopicGroupLag {
  groupId: string;
  state: string;
  lag: string;
}

/** GET /api/topics/:topic */
export interface TopicDetails {
  name: string;
  internal: boolean;
  partitions: TopicPartitionView[];
  /** Null when the brokers cannot describe configs. */
  configs: ConfigView[] | null;
  /** The groups with committed offsets on this topic, and their lag on it. */
  groups: TopicGroupLag[];
}

export type DisplayFormat = 'null' | 'avro' | 'json' | 'string' | 'bytes';

/** A key, value or header as people read it. */
export interface DisplayedData {
  format: DisplayFormat;
  /** Avro as JSON, JSON and text as they are, bytes as hex, '' for null. */
  text: string;
  /** The writer schema's id, for Avro. */
  schemaId?: number;
  /** The subject (and version) the schema id is registered under, for Avro. */
  subject?: string;
  version?: number;
  /** Why data in the wire format is shown as bytes (no registry, unknown schema id, a body that does not decode). */
  note?: string;
}

export interface RecordView {
  partition: number;
  offset: string;
  timestamp: number;
  key: DisplayedData;
  value: DisplayedData;
  headers: { key: string; value: DisplayedData }[];
  /** Bytes of key + value as stored. */
  size: number;
}

export type BrowseFrom = 'beginning' | 'end' | 'offset' | 'timestamp';

/**
 * GET /api/topics/:topic/messages?from=&offset=&timestamp=&partition=&limit=&key=&value=&jsonPath=&jsonValue=
 * `from=end` reads the newest `limit` records; the others read forward.
 */
export interface BrowseQuery {
  from: BrowseFrom;
  /** With from=offset. */
  offset?: string;
  /** With from=timestamp (ms since the epoch). */
  timestamp?: number;
  /** One partition, or all when left out. */
  partition?: number;
  /** Default 100, at most 1000. */
  limit?: number;
  /** Substring of the key as displayed (case-insensitive). */
  key?: string;
  /** Substring of the value as displayed (case-insensitive). */
  value?: string;
  /** An RFC 9535 JSON path into JSON and Avro values; matches when it selects something ... */
  jsonPath?: string;
  /** ... equal to this (compared as JSON text, or as the string itself) when given. */
  jsonValue?: string;
}

export interface BrowseResult {
  /** Oldest first. */
  records: RecordView[];
  /** Records read to find them (more than `records.length` with a filter). */
  scanned: number;
  /**
   * Whether nothing is left in the reading direction: forward, every selected partition was read up to its end
   * offset as of the request; with from=end (backward), back to its first record.
   */
  reachedEnd: boolean;
  /** Where to continue reading forward, per partition (pass the smallest as from=offset with partition=). */
  nextOffsets: { partition: number; offset: string }[];
}

export type ProduceFormat = 'string' | 'json' | 'avro';

/** POST /api/topics/:topic/messages */
export interface ProduceRequest {
  key?: string | null;
  /** The value as text: JSON text for json and avro, any text for string; null produces a tombstone. */
  value: string | null;
  format: ProduceFormat;
  headers?: { key: string; value: string }[];
  partition?: number;
  /** For avro: the subject whose latest schema encodes the value. Default `<topic>-value`. */
  subject?: string;
}

export interface ProduceResult {
  partition: number;
  offset: string;
  schemaId?: number;
}

/**
 * GET /api/topics/:topic/tail?partition=&key=&value=&jsonPath=&jsonValue= — server-sent events from the end of
 * the topic: `records` events carry a TailBatch, `failure` events an ApiErrorBody's error.
 */
export interface TailBatch {
  records: RecordView[];
  /** Records matched since the tail started (including those dropped). */
  matched: number;
  /** Records not sent because the page read slower than they came (newest are kept). */
  dropped: number;
}

/** GET /api/groups → { groups: GroupSummary[] } */
export interface GroupSummary {
  groupId: string;
  state: string;
  protocolType: string;
  /** The assignor the group chose. */
  protocol: string;
  members: number;
  /** Sum of the lag of the partitions the group committed offsets for. */
  totalLag: string;
  topics: string[];
}

export interface GroupMemberView {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  assignment: { topic: string; partitions: number[] }[];
}

export interface GroupPartitionView {
  topic: string;
  partition: number;
  /** Null when the group never committed an offset for it. */
  committedOffset: string | null;
  startOffset: string;
  endOffset: string;
  /** endOffset - committedOffset (at least 0); null when nothing is committed. */
  lag: string | null;
  memberId: string | null;
  clientId: string | null;
}

/** GET /api/groups/:group */
export interface GroupDetails {
  groupId: string;
  state: string;
  protocolType: string;
  protocol: string;
  members: GroupMemberView[];
  partitions: GroupPartitionView[];
  /** Lag per topic: the sum over its partitions with a committed offset. */
  topics: { topic: string; lag: string }[];
  totalLag: string;
}

export type OffsetResetStrategy =
  | { type: 'earliest' }
  | { type: 'latest' }
  | { type: 'offset'; offset: string }
  | { type: 'timestamp'; timestamp: number };

/** POST /api/groups/:group/offsets/reset */
export interface OffsetResetRequest {
  /** Default: every topic the group has offsets for. */
  topics?: { topic: string; partitions?: number[] }[];
  strategy: OffsetResetStrategy;
  /** Plan only. */
  dryRun: boolean;
}

export interface PlannedOffset {
  topic: string;
  partition: number;
  /** Null where nothing was committed. */
  currentOffset: string | null;
  newOffset: string;
  /** The strategy pointed outside the log, so the new offset is its start or end. */
  clamped: boolean;
}

export interface OffsetResetResult {
  groupId: string;
  state: string;
  executed: boolean;
  partitions: PlannedOffset[];
}

/** GET /api/schemas → { subjects: SubjectSummary[] } */
export interface SubjectSummary {
  subject: string;
  latestVersion: number;
  latestId: number;
  versions: number;
  schemaType: string;
}

export interface SchemaVersionView {
  version: number;
  id: number;
  schemaType: string;
  /** The schema text as registered. */
  schema: string;
}

/** GET /api/schemas/:subject */
export interface SubjectDetails {
  subject: string;
  versions: SchemaVersionView[];
  compatibility: string;
  /** Topics whose records use this subject: by the topic name strategy, or seen in their newest records. */
  topics: { topic: string; how: 'topic-name' | 'records' }[];
}

/** POST /api/schemas/:subject/check and POST /api/schemas/:subject/versions take { schema: string }. */
export interface SchemaRequest {
  schema: string;
}

export interface IncompatibilityView {
  /** Avro's rule that failed: READER_FIELD_MISSING_DEFAULT_VALUE, TYPE_MISMATCH, ... */
  type: string;
  /** A JSON pointer into the schema: where it is. */
  location: string;
  /** Confluent's sentence for it. */
  description: string;
  /** The registered version it is incompatible with. */
  version: number;
  direction: 'new-reads-old' | 'old-reads-new';
}

/** The answer of POST /api/schemas/:subject/check, and the details of a 409 from POST .../versions. */
export interface CompatibilityReport {
  compatible: boolean;
  level: string;
  incompatibilities: IncompatibilityView[];
  /** The registry's own messages, as it gave them. */
  registryMessages: string[];
}

/** PUT /api/schemas/:subject/compatibility */
export interface CompatibilityLevelRequest {
  level: string;
}
