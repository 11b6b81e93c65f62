/**
 * The client's view of the cluster: brokers, topics, partitions, leaders and leader epochs.
 * Refreshed for the topics the client uses (periodically, on demand, and when a request fails
 * with a stale-metadata error). Concurrent refreshes coalesce into one Metadata request, and a
 * response that carries an older leader epoch than the one cached does not roll a leader back.
 */
import type { MetadataResponse } from '@samsa/protocol/on-demand';
import { createKafkaError, ErrorCode, type KafkaProtocolError } from '../errors.js';
import type { Logger } from '../logger.js';

export interface BrokerInfo {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface PartitionMetadata {
  partition: number;
  /** -1 when there is no leader right now. */
  leader: number;
  /** -1 when the broker does not report epochs (Metadata < v7). */
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
  offlineReplicas: number[];
  errorCode: number;
}

export interface TopicMetadata {
  name: string;
  /** base64url, or the zero UUID when the broker does not report topic ids. */
  topicId: string;
  isInternal: boolean;
  /** Indexed by partition number. */
  partitions: PartitionMetadata[];
}

/** What a Metadata refresh changed, for listeners (the producer re-homes partition buffers on leader moves). */
export interface MetadataChange {
  /** Topic-partitions whose leader changed: `topic` → partitions. */
  leaderChanges: Map<string, number[]>;
  /** Topics whose partition count changed or that appeared. */
  topicsChanged: string[];
  /** Topics the brokers say do not exist. */
  topicsMissing: string[];
}

/** Errors that mean "your metadata is stale": refresh before retrying. */
const STALE_METADATA_CODES = new Set<number>([
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.REPLICA_NOT_AVAILABLE,
  ErrorCode.KAFKA_STORAGE_ERROR,
  ErrorCode.FENCED_LEADER_EPOCH,
  ErrorCode.UNKNOWN_LEADER_EPOCH,
  ErrorCode.NOT_CONTROLLER,
  ErrorCode.UNKNOWN_TOPIC_ID,
  ErrorCode.INCONSISTENT_TOPIC_ID,
  ErrorCode.BROKER_NOT_AVAILABLE,
]);

export function isStaleMetadataError(errorCode: number): boolean {
  return STALE_METADATA_CODES.has(errorCode);
}

export type MetadataFetcher = (
  topics: string[] | null,
  allowAutoTopicCreation: boolean,
) => Promise<MetadataResponse>;

export class MetadataCache {
  readonly brokers = new Map<number, BrokerInfo>();
  readonly topics = new Map<string, TopicMetadata>();
  clusterId: string | null = null;
  controllerId = -1;
  /** Date.now() of the last successful refresh, 0 before the first. */
  lastRefreshMs = 0;
  private stale = true;
  /** Topics this client uses; refreshes cover all of them. */
  private readonly tracked = new Set<string>();
  private inFlight: Promise<void> | null = null;
  /** The topics the refresh in flight asks for; null while it asks for every topic. */
  private inFlightTopics: Set<string> | null = null;
  private readonly listeners = new Set<(change: MetadataChange) => void>();
  /** Error code the latest answer about a topic carried instead of partitions (absent when none). */
  private readonly topicErrors = new Map<string, number>();

  constructor(
    private readonly fetcher: MetadataFetcher,
    private readonly logger: Logger,
    readonly maxAgeMs: number,
    /** Whether Metadata requests ask the broker to create missing topics. */
    readonly allowAutoTopicCreation: boolean,
  ) {}

  /** Topics refreshes cover. */
  get trackedTopics(): string[] {
    return [...this.tracked];
  }

  track(topics: Iterable<string>): void {
    for (const t of topics) {
      if (!this.tracked.has(t)) {
        this.tracked.add(t);
        this.stale = true;
      }
    }
  }

  untrack(topics: Iterable<string>): void {
    for (const t of topics) {
      this.tracked.delete(t);
      this.topicErrors.delete(t);
    }
  }

  topic(name: string): TopicMetadata | undefined {
    return this.topics.get(name);
  }

  partitionCount(topic: string): number {
    return this.topics.get(topic)?.partitions.length ?? 0;
  }

  leaderFor(topic: string, partition: number): number {
    return this.topics.get(topic)?.partitions[partition]?.leader ?? -1;
  }

  /**
   * The error the latest Metadata answer gave for `topic` when it gave no partitions (UNKNOWN_TOPIC_OR_PARTITION,
   * INVALID_TOPIC_EXCEPTION, TOPIC_AUTHORIZATION_FAILED, ...), or undefined.
   */
  topicError(topic: string): KafkaProtocolError | undefined {
    const code = this.topicErrors.get(topic);
    return code === undefined ? undefined : createKafkaError(code, { apiName: 'Metadata', topic });
  }

  broker(nodeId: number): BrokerInfo | undefined {
    return this.brokers.get(nodeId);
  }

  /** Registers a broker learnt outside Metadata (e.g. a coordinator's address). */
  addBroker(info: BrokerInfo): void {
    if (!this.brokers.has(info.nodeId)) this.brokers.set(info.nodeId, info);
  }

  subscribe(listener: (change: MetadataChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Marks the cache stale so the next `refreshIfStale` refreshes. */
  invalidate(): void {
    this.stale = true;
  }

  /**
   * Looks at a per-partition error code from a response; when it means the metadata is stale,
   * marks it so and returns true (the caller then refreshes before retrying).
   */
  handleErrorCode(errorCode: number): boolean {
    if (!isStaleMetadataError(errorCode)) return false;
    this.stale = true;
    return true;
  }

  isStale(maxAgeMs = this.maxAgeMs): boolean {
    return this.stale || Date.now() - this.lastRefreshMs >= maxAgeMs;
  }

  async refreshIfStale(maxAgeMs?: number): Promise<void> {
    if (this.isStale(maxAgeMs)) await this.refresh();
  }

  /**
   * Refreshes `topics` (added to the tracked set) together with every tracked topic; with `topics === null`, every
   * topic of the cluster. With nothing tracked, `refresh()` asks for no topics: a cheap way to learn the brokers.
   * Joins a refresh already in flight when that one covers what is asked: an all-topics refresh covers everything,
   * a refresh of some topics covers those topics only (never "all").
   */
  async refresh(topics?: string[] | null): Promise<void> {
    const all = topics === null;
    if (topics) this.track(topics);
    const wanted = all ? null : [...(topics ?? this.tracked)];
    while (this.inFlight) {
      const inFlight = this.inFlightTopics;
      const covers = inFlight === null || (wanted?.every((t) => inFlight.has(t)) ?? false);
      const current = this.inFlight;
      await current.catch(() => {});
      if (covers) {
        // Rethrow the shared refresh's failure to this caller too.
        return current;
      }
    }
    const request = all ? null : [...this.tracked];
    this.inFlightTopics = request === null ? null : new Set(request);
    this.inFlight = this.doRefresh(request);
    try {
      await this.inFlight;
    } finally {
      this.inFlight = null;
      this.inFlightTopics = null;
    }
  }

  /** `topics` null: every topic, and the answer is the whole list (topics it leaves out are gone). */
  private async doRefresh(topics: string[] | null): Promise<void> {
    const response = await this.fetcher(topics, this.allowAutoTopicCreation);
    this.apply(response, topics === null);
  }

  /** Folds a Metadata response into the cache; exported for callers that fetched it themselves. */
  apply(response: MetadataResponse, complete = false): void {
    const change: MetadataChange = { leaderChanges: new Map(), topicsChanged: [], topicsMissing: [] };
    this.brokers.clear();
    for (const b of response.brokers) {
      this.brokers.set(b.nodeId, { nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack ?? null });
    }
    if (response.clusterId !== undefined) this.clusterId = response.clusterId;
    if (response.controllerId !== undefined) this.controllerId = response.controllerId;
    const seen = new Set<string>();
    for (const t of response.topics) {
      if (t.name === null) continue;
      seen.add(t.name);
      if (t.errorCode !== ErrorCode.NONE && t.partitions.length === 0)
        this.topicErrors.set(t.name, t.errorCode);
      else this.topicErrors.delete(t.name);
      if (
        t.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION ||
        t.errorCode === ErrorCode.INVALID_TOPIC_EXCEPTION
      ) {
        if (this.topics.delete(t.name)) change.topicsChanged.push(t.name);
        change.topicsMissing.push(t.name);
        continue;
      }
      if (t.errorCode !== 0 && t.partitions.length === 0) {
        // LEADER_NOT_AVAILABLE right after auto-creation, TOPIC_AUTHORIZATION_FAILED, ...: keep what we had.
        this.logger.debug('metadata topic error', {
          topic: t.name,
          error: createKafkaError(t.errorCode).message,
        });
        continue;
      }
      const previous = this.topics.get(t.name);
      const partitions: PartitionMetadata[] = [];
      for (const p of t.partitions) {
        const old = previous?.partitions[p.partitionIndex];
        const epoch = p.leaderEpoch ?? -1;
        let next: PartitionMetadata = {
          partition: p.partitionIndex,
          leader: p.leaderId,
          leaderEpoch: epoch,
          replicas: p.replicaNodes,
          isr: p.isrNodes,
          offlineReplicas: p.offlineReplicas ?? [],
          errorCode: p.errorCode,
        };
        // A broker that lags behind may report an older leader: keep the newer one we know.
        if (old && old.leaderEpoch >= 0 && epoch >= 0 && epoch < old.leaderEpoch) next = old;
        partitions[p.partitionIndex] = next;
        if (old && old.leader !== next.leader) {
          let list = change.leaderChanges.get(t.name);
          if (!list) {
            list = [];
            change.leaderChanges.set(t.name, list);
          }
          list.push(p.partitionIndex);
        }
      }
      // Fill holes (should not happen) so partitions[i].partition === i.
      for (let i = 0; i < partitions.length; i++) {
        if (!partitions[i]) {
          partitions[i] = {
            partition: i,
            leader: -1,
            leaderEpoch: -1,
            replicas: [],
            isr: [],
            offlineReplicas: [],
            errorCode: ErrorCode.LEADER_NOT_AVAILABLE,
          };
        }
      }
      if (!previous || previous.partitions.length !== partitions.length) change.topicsChanged.push(t.name);
      this.topics.set(t.name, {
        name: t.name,
        topicId: t.topicId ?? '',
        isInternal: t.isInternal ?? false,
        partitions,
      });
    }
    if (complete) {
      for (const name of [...this.topics.keys()]) {
        if (!seen.has(name) && !this.tracked.has(name)) this.topics.delete(name);
      }
      for (const name of [...this.topicErrors.keys()]) if (!seen.has(name)) this.topicErrors.delete(name);
    }
    this.lastRefreshMs = Date.now();
    this.stale = false;
    if (change.leaderChanges.size > 0 || change.topicsChanged.length > 0 || change.topicsMissing.length > 0) {
      for (const l of this.listeners) {
        try {
          l(change);
        } catch (err) {
          this.logger.error('metadata listener failed', { error: (err as Error).message });
        }
      }
    }
  }
}
