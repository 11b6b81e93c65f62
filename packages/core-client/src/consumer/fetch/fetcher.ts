/**
 * The fetch pipeline. At most one Fetch is in flight per broker (Java's rule), each covering every
 * partition that broker leads which has room in its buffer, so fetching runs ahead of the handlers:
 * a partition is fetched again while it holds less than two responses' worth
 * (2 × `maxPartitionFetchBytes`), and all partitions together stay under `maxBufferedBytes`
 * (principle 5).
 * Fetches go over the 'fetch' connection, never the one heartbeats use (principle 3).
 *
 * Errors are handled per partition: leader moves and unknown partitions refresh metadata and retry
 * after a back-off, OFFSET_OUT_OF_RANGE asks for a reset, anything fatal goes to `onError`.
 *
 * With `fetchSessions` (KIP-227, the default) each broker gets a fetch session (fetch-session.ts):
 * after a first full fetch, requests name only the partitions that changed and answers carry only
 * the partitions with news, so a consumer of many quiet partitions sends and receives little. A
 * session's requests go one at a time, each built from the state the previous one left.
 */
import {
  ApiKey,
  BatchField,
  type FetchRequest,
  type FetchResponse,
  ZERO_UUID,
} from '@samsa/protocol/on-demand';
import { channels, type FetchEvent, type FetchedPartition } from '../../diagnostics/channels.js';
import type { ConsumerDiagnostics } from '../../diagnostics/consumer-diagnostics.js';
import { settled, started } from '../../diagnostics/trace.js';
import { createKafkaError, ErrorCode, RequestAbortedError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { ClusterLike } from '../cluster-like.js';
import type { AutoOffsetReset, IsolationLevel } from '../config.js';
import { NoOffsetForPartitionError } from '../errors.js';
import { ConsumerEvents } from '../events.js';
import type { PartitionState } from '../partition-state.js';
import { scanBatches } from './batch-scan.js';
import { BatchDecodeFailure } from './corrupt-batches.js';
import { FetchSessionHandler, type SessionFetch, type SessionPartition } from './fetch-session.js';

export interface FetcherConfig {
  fetchMinBytes: number;
  fetchMaxBytes: number;
  maxPartitionFetchBytes: number;
  fetchMaxWaitMs: number;
  isolationLevel: IsolationLevel;
  clientRack: string | null;
  retryBackoffMs: number;
  maxBufferedBytes: number;
  requestTimeoutMs: number;
  autoOffsetReset: AutoOffsetReset;
  /** Incremental fetch sessions (KIP-227) with brokers that offer them. */
  fetchSessions: boolean;
  /** Record batch CRCs are checked (`checkCrcs`): then as each response arrives, while it is in the CPU cache. */
  checkCrcs?: boolean;
  logger: Logger;
  /** Events and metrics of the consumer (left out in tests). */
  diagnostics?: ConsumerDiagnostics;
}

export interface FetcherHooks {
  /** Assigned partitions, in a stable order. */
  partitions(): Iterable<PartitionState>;
  /** New data was appended to `partition`. */
  onData(partition: PartitionState): void;
  /** Partitions need their position looked up (reset); the consumer runs ListOffsets. */
  onResetNeeded(): void;
  /** An error the consumer must surface (authorization, reset 'none'). */
  onError(error: Error, partition: PartitionState): void;
  /** The fetched bytes are not record batches one can even frame (see corrupt-batches.ts). */
  onCorruptData(failure: BatchDecodeFailure, partition: PartitionState): void;
}

/** Partition errors after which the metadata is stale: refresh and retry. */
const REFRESH_CODES = new Set<number>([
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.FENCED_LEADER_EPOCH,
  ErrorCode.UNKNOWN_LEADER_EPOCH,
  ErrorCode.KAFKA_STORAGE_ERROR,
  ErrorCode.REPLICA_NOT_AVAILABLE,
  ErrorCode.UNKNOWN_TOPIC_ID,
  ErrorCode.INCONSISTENT_TOPIC_ID,
  ErrorCode.OFFSET_NOT_AVAILABLE,
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
]);

/** Top-level errors that only mean the session must start over (with a full fetch, at once). */
const SESSION_ERRORS = new Set<number>([
  ErrorCode.NONE,
  ErrorCode.FETCH_SESSION_ID_NOT_FOUND,
  ErrorCode.INVALID_FETCH_SESSION_EPOCH,
  ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR,
]);

/** How long the broker may hold a fetch of caught-up partitions while other partitions wait. */
const SHORT_POLL_MS = 10;
/** How long stopping waits for brokers to acknowledge the closing of fetch sessions. */
const SESSION_CLOSE_TIMEOUT_MS = 1000;

/**
 * Fetches in flight per broker. The broker answers a connection's requests in order, but a second
 * request already waiting there hides the round trip: the broker starts on it while the client
 * decodes the first response. Only fetches the broker answers at once are pipelined this way.
 */
const MAX_FETCHES_IN_FLIGHT = 2;

/** Whether the last fetch found nothing past `position` (the broker would hold a fetch of it). */
const caughtUp = (p: PartitionState): boolean => p.highWatermark >= 0n && p.position! >= p.highWatermark;

/** How long a preferred read replica (KIP-392) is used before asking the leader again. */
const PREFERRED_REPLICA_TTL_MS = 5 * 60_000;

interface InFlight {
  abort: AbortController;
  done: Promise<void>;
  /** The broker may hold it up to its max wait (every partition in it was caught up). */
  mayWait: boolean;
}

export class Fetcher {
  private running = false;
  /** A pump is due at the end of this event-loop turn (see `released`). */
  private pumpScheduled = false;
  private readonly inFlight = new Map<number, Set<InFlight>>();
  private retryTimer: NodeJS.Timeout | null = null;
  private retryTimerAt = 0;
  private refreshing: Promise<void> | null = null;
  private unsubscribe: (() => void) | null = null;
  private readonly preferredReplica = new Map<string, { nodeId: number; until: number }>();
  /** Brokers whose caught-up partitions wait for draining ones, since when. */
  private readonly deferredSince = new Map<number, number>();
  /** Total bytes buffered over all partitions, kept by the consumer through `released`. */
  private totalBuffered = 0;
  /** What the response being handled brought: bytes and record batches appended. */
  private responseBytes = 0;
  private responseBatches = 0;
  /** One fetch session per broker. */
  private readonly sessions = new Map<number, FetchSessionHandler>();

  constructor(
    private readonly cluster: ClusterLike,
    private readonly config: FetcherConfig,
    private readonly hooks: FetcherHooks,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.cluster.metadata.subscribe(() => this.pump());
    this.pump();
  }

  /** Stops fetching: in-flight fetches are abandoned (their responses dropped) and fetch sessions closed. */
  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const pending = [...this.inFlight.values()].flatMap((set) => [...set]);
    for (const f of pending) f.abort.abort();
    await Promise.all(pending.map((f) => f.done));
    await this.closeSessions();
  }

  /**
   * Tells each broker holding a fetch session of ours to drop it (a fetch with epoch -1 and no
   * partitions), so its cache slot is free now rather than when it is evicted. Best effort, and
   * bounded: a broker that does not answer in time keeps the session until eviction.
   */
  private async closeSessions(): Promise<void> {
    const open: [node: number, closing: { sessionId: number; sessionEpoch: number }][] = [];
    for (const [node, session] of this.sessions) {
      const closing = session.close();
      if (closing !== undefined) open.push([node, closing]);
    }
    this.sessions.clear();
    const signal = AbortSignal.timeout(Math.min(SESSION_CLOSE_TIMEOUT_MS, this.config.requestTimeoutMs));
    await Promise.all(
      open.map(([node, closing]) =>
        this.cluster
          .request(
            node,
            ApiKey.Fetch,
            () =>
              this.fetchRequest({
                maxWaitMs: 0,
                minBytes: 0,
                ...closing,
                topics: [],
                forgottenTopicsData: [],
              }),
            { purpose: 'fetch', signal },
          )
          .then(
            ({ response }) => releaseRecords(response),
            (err) =>
              this.config.logger.debug('closing a fetch session failed', { node, ...closing, error: err }),
          ),
      ),
    );
  }

  /** A consumer's Fetch request: what varies per request, plus the fields fixed by the config. */
  private fetchRequest(
    fields: Pick<
      FetchRequest,
      'maxWaitMs' | 'minBytes' | 'sessionId' | 'sessionEpoch' | 'topics' | 'forgottenTopicsData'
    >,
  ): FetchRequest {
    const { config } = this;
    return {
      clusterId: null,
      replicaId: -1,
      maxBytes: config.fetchMaxBytes,
      isolationLevel: config.isolationLevel === 'read_committed' ? 1 : 0,
      rackId: config.clientRack ?? '',
      ...fields,
    };
  }

  /**
   * The runner delivered `bytes` of buffered data: there may be room to fetch again. Deliveries come
   * one partition at a time, as many per fetch response as it has partitions, and a pump passes over
   * every assigned partition: one pump per event-loop turn, not one per delivery (which was
   * quadratic in the partitions, seconds per response at 10,000), and partitions drained together
   * are fetched again together.
   */
  released(bytes: number): void {
    this.totalBuffered = Math.max(0, this.totalBuffered - bytes);
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /** Buffers were dropped wholesale (seek, revoke); recount. */
  recount(): void {
    let total = 0;
    for (const p of this.hooks.partitions()) total += p.bufferedBytes;
    this.totalBuffered = total;
    this.pump();
  }

  get bufferedBytes(): number {
    return this.totalBuffered;
  }

  /**
   * Starts a fetch to every broker that has fetchable partitions and no fetch in flight.
   *
   * A broker holds a fetch of caught-up partitions for up to `fetchMaxWaitMs`, and it answers a
   * connection's requests in order, so such a long poll would keep partitions whose buffers are
   * draining from being fetched until it returns. Caught-up partitions therefore only go out alone
   * when no partition on that broker is waiting for its buffer to drain; otherwise they ride along
   * with the next fetch those partitions need.
   */
  pump(): void {
    if (!this.running) return;
    if (this.totalBuffered >= this.config.maxBufferedBytes) return;
    const now = Date.now();
    // Room for one more full response while the runner works through the buffered one.
    const bound = 2 * this.config.maxPartitionFetchBytes;
    const byNode = new Map<number, PartitionState[]>();
    const draining = new Set<number>();
    let needMetadata = false;
    let nextRetry = Number.POSITIVE_INFINITY;
    for (const p of this.hooks.partitions()) {
      if (!p.fetchable(bound, now)) {
        if (p.revoked || p.paused || p.position === null) continue;
        if (p.retryAt > now) nextRetry = Math.min(nextRetry, p.retryAt);
        else if (p.bufferedBytes >= bound) {
          const node = this.nodeFor(p, now);
          if (node >= 0) draining.add(node);
        }
        continue;
      }
      const node = this.nodeFor(p, now);
      if (node < 0) {
        needMetadata = true;
        continue;
      }
      if (!this.canSend(node)) continue;
      const list = byNode.get(node);
      if (list) list.push(p);
      else byNode.set(node, [p]);
    }
    for (const [node, partitions] of byNode) {
      let maxWaitMs = this.config.fetchMaxWaitMs;
      const allCaughtUp = partitions.every(caughtUp);
      if (allCaughtUp && (this.inFlight.get(node)?.size ?? 0) > 0) {
        // Another fetch to this broker is out, for partitions that had data. A long poll sent now
        // would be answered only after up to fetchMaxWaitMs and, being a long poll, keep those
        // partitions from being fetched again meanwhile. Ride along with their next fetch
        // instead: the answer to the one in flight calls pump() again.
        continue;
      }
      if (draining.has(node) && allCaughtUp) {
        // Wait for the draining partitions, but poll the caught-up ones at least every
        // fetchMaxWaitMs, briefly, so new records there are not stuck behind a slow handler.
        const since = this.deferredSince.get(node) ?? now;
        this.deferredSince.set(node, since);
        if (now - since < this.config.fetchMaxWaitMs) {
          nextRetry = Math.min(nextRetry, since + this.config.fetchMaxWaitMs);
          continue;
        }
        maxWaitMs = Math.min(maxWaitMs, SHORT_POLL_MS);
      }
      this.deferredSince.delete(node);
      this.fetch(node, partitions, maxWaitMs);
    }
    if (needMetadata) this.refreshMetadata();
    if (
      nextRetry !== Number.POSITIVE_INFINITY &&
      (this.retryTimer === null || nextRetry < this.retryTimerAt)
    ) {
      if (this.retryTimer) clearTimeout(this.retryTimer);
      this.retryTimerAt = nextRetry;
      this.retryTimer = setTimeout(
        () => {
          this.retryTimer = null;
          this.pump();
        },
        Math.max(1, nextRetry - now),
      );
    }
  }

  private nodeFor(p: PartitionState, now: number): number {
    const preferred = this.preferredReplica.get(p.key);
    if (preferred) {
      if (preferred.until > now && this.cluster.metadata.broker(preferred.nodeId)) return preferred.nodeId;
      this.preferredReplica.delete(p.key);
    }
    return this.cluster.metadata.leaderFor(p.topic, p.partition);
  }

  private refreshMetadata(): void {
    if (this.refreshing) return;
    this.cluster.metadata.invalidate();
    this.refreshing = this.cluster.metadata
      .refresh()
      .catch((err) => this.config.logger.warn('metadata refresh failed', { error: (err as Error).message }))
      .then(() => new Promise<void>((r) => setTimeout(r, this.config.retryBackoffMs)))
      .finally(() => {
        this.refreshing = null;
        this.pump();
      });
  }

  /** Whether another fetch may go to `node` now (see MAX_FETCHES_IN_FLIGHT). */
  private canSend(node: number): boolean {
    const set = this.inFlight.get(node);
    if (!set) return true;
    if (set.size >= (this.config.fetchSessions ? 1 : MAX_FETCHES_IN_FLIGHT)) return false;
    for (const f of set) if (f.mayWait) return false;
    return true;
  }

  private fetch(node: number, partitions: PartitionState[], maxWaitMs: number): void {
    const abort = new AbortController();
    const entry: InFlight = {
      abort,
      done: Promise.resolve(),
      mayWait: maxWaitMs > SHORT_POLL_MS && partitions.every(caughtUp),
    };
    let set = this.inFlight.get(node);
    if (!set) {
      set = new Set();
      this.inFlight.set(node, set);
    }
    set.add(entry);
    const epochs = new Map<string, number>();
    const offsets = new Map<string, bigint>();
    for (const p of partitions) {
      p.fetchInFlight = true;
      epochs.set(p.key, p.fetchEpoch);
      offsets.set(p.key, p.position!);
    }
    const done = this.doFetch(node, partitions, epochs, offsets, maxWaitMs, abort.signal)
      .catch((err) => {
        // The broker may or may not have seen the request: the session's next epoch is unknown.
        this.sessions.get(node)?.handleError();
        if (err instanceof RequestAbortedError || abort.signal.aborted) return;
        this.config.logger.warn('fetch failed', { node, error: (err as Error).message });
        const retryAt = Date.now() + this.config.retryBackoffMs;
        for (const p of partitions) {
          p.retryAt = retryAt;
          this.preferredReplica.delete(p.key);
        }
        this.refreshMetadata();
      })
      .finally(() => {
        for (const p of partitions) p.fetchInFlight = false;
        set.delete(entry);
        if (set.size === 0 && this.inFlight.get(node) === set) this.inFlight.delete(node);
        this.pump();
      });
    entry.done = done;
  }

  private async doFetch(
    node: number,
    partitions: PartitionState[],
    epochs: Map<string, number>,
    offsets: Map<string, bigint>,
    maxWaitMs: number,
    signal: AbortSignal,
  ): Promise<void> {
    const { config } = this;
    // Group by topic, remembering topic ids for Fetch v13+.
    const byTopic = new Map<string, PartitionState[]>();
    for (const p of partitions) {
      let list = byTopic.get(p.topic);
      if (!list) {
        list = [];
        byTopic.set(p.topic, list);
      }
      list.push(p);
    }
    const nameById = new Map<string, string>();
    const session = this.sessionFor(node);
    let sent: SessionFetch | undefined;
    const build = (version: number): FetchRequest => {
      const wanted: SessionPartition[] = [];
      for (const [topic, list] of byTopic) {
        let topicId: string | undefined;
        if (version >= 13) {
          topicId = this.cluster.metadata.topic(topic)?.topicId;
          if (!topicId || topicId === ZERO_UUID) {
            throw new Error(
              `no topic id known for ${topic}; Fetch v${version} needs one (refreshing metadata)`,
            );
          }
          nameById.set(topicId, topic);
        }
        for (const p of list) {
          wanted.push({
            topic,
            topicId,
            partition: p.partition,
            fetchOffset: p.position!,
            currentLeaderEpoch: p.leaderEpoch,
            partitionMaxBytes: config.maxPartitionFetchBytes,
          });
        }
      }
      // Fetch v7 brought sessions; before it the fields are not sent and the answer never opens one.
      sent = session.build(wanted, version >= 13);
      return this.fetchRequest({
        maxWaitMs,
        minBytes: config.fetchMinBytes,
        sessionId: sent.sessionId,
        sessionEpoch: sent.sessionEpoch,
        topics: groupByTopic(sent.toSend, (p) => ({
          partition: p.partition,
          currentLeaderEpoch: p.currentLeaderEpoch,
          fetchOffset: p.fetchOffset,
          lastFetchedEpoch: -1,
          logStartOffset: -1n,
          partitionMaxBytes: p.partitionMaxBytes,
        })),
        forgottenTopicsData: groupByTopic(sent.toForget, (p) => p.partition),
      });
    };
    for (const p of partitions) p.leaderEpoch = this.leaderEpochOf(p);
    const diagnostics = config.diagnostics;
    diagnostics?.events.emit(ConsumerEvents.FETCH_START, { nodeId: node });
    const trace = channels.fetch.hasSubscribers ? this.fetchEvent(node, partitions, maxWaitMs) : null;
    const startedAt = performance.now();
    let fetched: Awaited<ReturnType<typeof this.cluster.request<typeof ApiKey.Fetch>>>;
    try {
      fetched = await this.cluster.request(node, ApiKey.Fetch, build, {
        purpose: 'fetch',
        timeoutMs: config.requestTimeoutMs + maxWaitMs,
        signal,
        scanBatchCrcs: config.checkCrcs !== false,
      });
    } catch (err) {
      if (trace !== null) settled(channels.fetch, trace.event, err);
      throw err;
    }
    const { version, response } = fetched;
    this.responseBytes = 0;
    this.responseBatches = 0;
    try {
      if (!this.running || signal.aborted) return;
      if (!this.sessionAccepts(session, sent!, response, version >= 13, nameById, byTopic)) return;
      this.handleResponse(
        node,
        response,
        version >= 13,
        byTopic,
        nameById,
        epochs,
        offsets,
        trace?.byPartition,
      );
    } finally {
      releaseRecords(response);
      const ms = performance.now() - startedAt;
      diagnostics?.metrics.fetched(ms, this.responseBytes);
      diagnostics?.events.emit(ConsumerEvents.FETCH, {
        numberOfBatches: this.responseBatches,
        duration: Math.round(ms),
        nodeId: node,
      });
      if (trace !== null) {
        trace.event.bytes = this.responseBytes;
        settled(channels.fetch, trace.event);
      }
    }
  }

  /** The samsa:consumer:fetch event of a fetch going out, and its entries by partition. */
  private fetchEvent(node: number, partitions: PartitionState[], maxWaitMs: number) {
    const diagnostics = this.config.diagnostics;
    const byPartition = new Map<PartitionState, FetchedPartition>();
    const event: FetchEvent = {
      client: diagnostics?.client ?? { type: 'consumer', clientId: '' },
      groupId: diagnostics?.groupId ?? '',
      nodeId: node,
      maxWaitMs,
      partitions: partitions.map((p) => {
        const entry: FetchedPartition = {
          topic: p.topic,
          partition: p.partition,
          fetchOffset: String(p.position),
          highWatermark: '-1',
          bytes: 0,
          errorCode: 0,
        };
        byPartition.set(p, entry);
        return entry;
      }),
      bytes: 0,
    };
    started(channels.fetch, event);
    return { event, byPartition };
  }

  private sessionFor(node: number): FetchSessionHandler {
    let session = this.sessions.get(node);
    if (!session) {
      session = new FetchSessionHandler(this.config.fetchSessions);
      this.sessions.set(node, session);
    }
    return session;
  }

  /**
   * Lets the session see the answer. A session error (or an incremental answer naming a partition
   * outside the session) drops the answer: the session starts over with a full fetch, at once after
   * an incremental request, after the back-off after a full one.
   */
  private sessionAccepts(
    session: FetchSessionHandler,
    sent: SessionFetch,
    response: FetchResponse,
    byTopicId: boolean,
    nameById: Map<string, string>,
    byTopic: Map<string, PartitionState[]>,
  ): boolean {
    const answered: [string, number][] = [];
    for (const t of response.responses) {
      const topic = byTopicId ? (nameById.get(t.topicId ?? '') ?? `id:${t.topicId}`) : (t.topic ?? '');
      for (const data of t.partitions) answered.push([topic, data.partitionIndex]);
    }
    const outcome = session.handleResponse(
      response.errorCode ?? ErrorCode.NONE,
      response.sessionId ?? 0,
      answered,
    );
    if (outcome.ok) return true;
    this.config.logger.info('fetch session reset', { reason: outcome.reason });
    if (!sent.incremental || !SESSION_ERRORS.has(response.errorCode ?? ErrorCode.NONE)) {
      const retryAt = Date.now() + this.config.retryBackoffMs;
      for (const list of byTopic.values()) for (const p of list) p.retryAt = retryAt;
    }
    return false;
  }

  private leaderEpochOf(p: PartitionState): number {
    const meta = this.cluster.metadata.topic(p.topic)?.partitions[p.partition];
    return meta?.leaderEpoch ?? -1;
  }

  private handleResponse(
    node: number,
    response: FetchResponse,
    byTopicId: boolean,
    byTopic: Map<string, PartitionState[]>,
    nameById: Map<string, string>,
    epochs: Map<string, number>,
    offsets: Map<string, bigint>,
    traced: Map<PartitionState, FetchedPartition> | undefined,
  ): void {
    const topLevel = response.errorCode ?? ErrorCode.NONE;
    if (topLevel !== ErrorCode.NONE) {
      // Sessions off (their errors were handled above): rare, e.g. FETCH_SESSION_ID_NOT_FOUND from a confused broker.
      this.config.logger.warn('fetch failed', {
        node,
        error: createKafkaError(topLevel, { apiName: 'Fetch' }).message,
      });
      const retryAt = Date.now() + this.config.retryBackoffMs;
      for (const list of byTopic.values()) for (const p of list) p.retryAt = retryAt;
      return;
    }
    const now = Date.now();
    for (const t of response.responses) {
      // Fetch v13+ names topics by id only (the decoded name is then the empty default).
      const topic = byTopicId ? nameById.get(t.topicId ?? '') : t.topic;
      if (topic === undefined) continue;
      const list = byTopic.get(topic);
      if (!list) continue;
      for (const data of t.partitions) {
        const p = list.find((x) => x.partition === data.partitionIndex);
        if (!p || p.revoked || p.fetchEpoch !== epochs.get(p.key)) continue;
        const fetchOffset = offsets.get(p.key)!;
        if (p.position !== fetchOffset) continue;
        const bytesBefore = this.responseBytes;
        this.handlePartition(node, p, data, fetchOffset, now);
        const entry = traced?.get(p);
        if (entry !== undefined) {
          entry.highWatermark = data.highWatermark.toString();
          entry.bytes = this.responseBytes - bytesBefore;
          entry.errorCode = data.errorCode;
        }
      }
    }
  }

  private handlePartition(
    node: number,
    p: PartitionState,
    data: FetchResponse['responses'][number]['partitions'][number],
    fetchOffset: bigint,
    now: number,
  ): void {
    const code = data.errorCode;
    if (code === ErrorCode.NONE) {
      p.highWatermark = data.highWatermark;
      if (data.lastStableOffset !== undefined && data.lastStableOffset >= 0n)
        p.lastStableOffset = data.lastStableOffset;
      if (data.logStartOffset !== undefined && data.logStartOffset >= 0n)
        p.logStartOffset = data.logStartOffset;
      const preferred = data.preferredReadReplica ?? -1;
      if (preferred >= 0 && preferred !== node) {
        this.preferredReplica.set(p.key, { nodeId: preferred, until: now + PREFERRED_REPLICA_TTL_MS });
      }
      const records = data.records;
      if (records === null || records.length === 0) return;
      const scan = scanBatches(records);
      if (scan.bytes === 0 && scan.invalidLengthAt === 0) {
        const length = records.readInt32BE(BatchField.length);
        this.corrupt(
          p,
          fetchOffset,
          `the record batch at the fetch offset has an impossible length of ${length}`,
        );
        return;
      }
      if (scan.bytes === 0) {
        // Only possible with pre-KIP-74 brokers (Fetch < v3): a single batch larger than the limit.
        p.retryAt = now + this.config.retryBackoffMs;
        this.hooks.onError(
          new Error(
            `${p.topic}[${p.partition}] at offset ${fetchOffset} holds a record batch larger than ` +
              `maxPartitionFetchBytes (${this.config.maxPartitionFetchBytes}); raise maxPartitionFetchBytes`,
          ),
          p,
        );
        return;
      }
      if (scan.nextOffset <= fetchOffset) {
        this.corrupt(
          p,
          fetchOffset,
          `the broker answered a fetch at offset ${fetchOffset} with batches that end at offset ${scan.nextOffset - 1n}`,
        );
        return;
      }
      p.append({
        records: scan.bytes === records.length ? records : records.subarray(0, scan.bytes),
        fetchOffset,
        nextOffset: scan.nextOffset,
        abortedTransactions: data.abortedTransactions ?? null,
        highWatermark: data.highWatermark,
        bytes: scan.bytes,
      });
      p.position = scan.nextOffset;
      this.totalBuffered += scan.bytes;
      this.responseBytes += scan.bytes;
      this.responseBatches += scan.batches;
      this.hooks.onData(p);
      return;
    }
    if (code === ErrorCode.OFFSET_OUT_OF_RANGE) {
      const strategy = this.config.autoOffsetReset;
      this.config.logger.info('fetch offset out of range, resetting', {
        topic: p.topic,
        partition: p.partition,
        offset: String(fetchOffset),
        strategy,
      });
      if (strategy === 'none') {
        p.retryAt = Number.POSITIVE_INFINITY;
        this.hooks.onError(
          new NoOffsetForPartitionError(p.topic, p.partition, `offset ${fetchOffset} is out of range`),
          p,
        );
        return;
      }
      p.requestReset(strategy);
      this.hooks.onResetNeeded();
      return;
    }
    if (REFRESH_CODES.has(code)) {
      this.config.logger.debug('fetch partition error, refreshing metadata', {
        topic: p.topic,
        partition: p.partition,
        error: createKafkaError(code).type,
      });
      this.preferredReplica.delete(p.key);
      p.retryAt = now + this.config.retryBackoffMs;
      this.refreshMetadata();
      return;
    }
    const err = createKafkaError(code, { apiName: 'Fetch', topic: p.topic, partition: p.partition });
    if (code === ErrorCode.CORRUPT_MESSAGE) {
      // Kafka found the stored data corrupt while reading it: like bytes that do not decode here.
      this.corrupt(p, fetchOffset, err.message);
      return;
    }
    p.retryAt =
      now + (err.retriable ? this.config.retryBackoffMs : Math.max(1000, this.config.retryBackoffMs));
    if (!err.retriable) this.hooks.onError(err, p);
    else this.config.logger.warn('fetch partition error, retrying', { error: err.message });
  }

  /** Bytes that cannot be framed as record batches: the consumer fetches them again a few times, then fails. */
  private corrupt(p: PartitionState, offset: bigint, why: string): void {
    this.hooks.onCorruptData(new BatchDecodeFailure(offset, null, false, new Error(why)), p);
  }
}

/** Fetch's topic -> partitions shape, in the order the partitions come. */
function groupByTopic<T>(
  partitions: readonly SessionPartition[],
  entry: (p: SessionPartition) => T,
): { topic: string; topicId: string | undefined; partitions: T[] }[] {
  const topics: { topic: string; topicId: string | undefined; partitions: T[] }[] = [];
  const byName = new Map<string, T[]>();
  for (const p of partitions) {
    let list = byName.get(p.topic);
    if (!list) {
      list = [];
      byName.set(p.topic, list);
      topics.push({ topic: p.topic, topicId: p.topicId, partitions: list });
    }
    list.push(entry(p));
  }
  return topics;
}

/**
 * Cuts the decoded response off from the frame it views once the partitions took their chunks.
 * The promises and async frames that carried the response (the request's, `cluster.request`'s,
 * `doFetch`'s) were created when the fetch was sent, and may have reached the old generation by the
 * time it is answered. Dead, they still hold the response until the next full GC, and the young
 * generation GC treats them as live: through `records`, every response frame would then survive
 * until a mark-compact (V8 starts one per ~64 MiB of external memory), the heap grows by that much
 * with fresh memory, and first-touch page faults cost more than decoding (measured with 1 KB
 * records: peak ArrayBuffer memory 50 MB → 22 MB, page faults ÷3, client CPU per record ÷2).
 */
function releaseRecords(response: FetchResponse): void {
  for (const t of response.responses ?? []) for (const data of t.partitions ?? []) data.records = null;
}
