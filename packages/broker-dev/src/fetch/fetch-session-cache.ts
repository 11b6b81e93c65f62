/**
 * Incremental fetch sessions (KIP-227), as Kafka's FetchSession.scala keeps them.
 *
 * A full fetch (epoch 0) opens a session holding every partition it named, with the fetch
 * parameters the client sent and what the broker last answered for each (high watermark, last
 * stable offset, log start offset). An incremental fetch (the session's id and its next epoch)
 * names only the partitions it adds or changes and lists those it drops in forgottenTopicsData;
 * the broker fetches every partition of the session and answers only those with something new:
 * records, an error, or a changed offset. Epoch -1 closes the session (the request itself is then
 * an ordinary sessionless fetch), and id 0 with epoch -1 never opens one.
 *
 * Each broker has its own cache of `max.incremental.fetch.session.cache.slots` sessions. When it
 * is full, a new session may take the slot of one unused for two minutes, else of the smallest
 * session older than two minutes that has fewer partitions than the new one; otherwise the full
 * fetch is answered without a session (id 0) and the client stays sessionless.
 */
import type { FetchRequest, FetchRequestFetchTopic, FetchResponse } from '@samsa/protocol';
import { ErrorCode } from '@samsa/protocol';

/** Kafka's max.incremental.fetch.session.cache.slots default. */
export const DEFAULT_FETCH_SESSION_CACHE_SLOTS = 1000;
/** Kafka's MIN_INCREMENTAL_FETCH_SESSION_EVICTION_MS: younger sessions keep their slot. */
export const FETCH_SESSION_EVICTION_MS = 120_000;

const INVALID_SESSION_ID = 0;
const INITIAL_EPOCH = 0;
const FINAL_EPOCH = -1;
const MAX_SESSION_ID = 0x7fffffff;

/** The epoch after `epoch` (FetchMetadata.nextEpoch): wraps to 1, never back to 0. */
export function nextEpoch(epoch: number): number {
  if (epoch < 0) return FINAL_EPOCH;
  return epoch === MAX_SESSION_ID ? 1 : epoch + 1;
}

type RequestPartition = FetchRequestFetchTopic['partitions'][number];
type ResponsePartition = FetchResponse['responses'][number]['partitions'][number];

/** One partition of a session: the request's parameters and what was last answered. */
interface CachedPartition {
  readonly topic: string;
  readonly topicId: string | undefined;
  request: RequestPartition;
  highWatermark: bigint;
  lastStableOffset: bigint;
  logStartOffset: bigint;
}

export interface FetchSession {
  readonly id: number;
  /** Fetch v13+ sessions name topics by id; a request of the other kind gets FETCH_SESSION_TOPIC_ID_ERROR. */
  readonly usesTopicIds: boolean;
  /** In fetch order; partitions that returned records move to the back, so none is starved. */
  readonly partitions: Map<string, CachedPartition>;
  /** The epoch the next incremental request must carry. */
  epoch: number;
  readonly createdMs: number;
  lastUsedMs: number;
}

/**
 * What the fetch handler works with: the partitions to fetch, and how to turn the answer for them
 * into the response (keeping the session's cache in step).
 */
export interface FetchContext {
  /** A session error (FETCH_SESSION_ID_NOT_FOUND, ...): answer it with no partitions. */
  readonly errorCode: number;
  /** The request to evaluate: the client's own, or for an incremental one every partition of the session. */
  readonly request: FetchRequest;
  /** Sets the session id and, for incremental fetches, leaves out the partitions with nothing new. */
  finish(response: FetchResponse): FetchResponse;
}

function topicKey(usesTopicIds: boolean, name: string | undefined, id: string | undefined): string {
  return usesTopicIds ? (id ?? '') : (name ?? '');
}

function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

function recordsSize(data: ResponsePartition): number {
  const records = data.records as Buffer | Buffer[] | null;
  if (records === null) return 0;
  if (Array.isArray(records)) {
    let size = 0;
    for (const slice of records) size += slice.length;
    return size;
  }
  return records.length;
}

function sessionErrorResponse(errorCode: number, sessionId: number): FetchResponse {
  return { throttleTimeMs: 0, errorCode, sessionId, responses: [] };
}

export class FetchSessionCache {
  private readonly sessions = new Map<number, FetchSession>();

  constructor(
    readonly maxSessions: number = DEFAULT_FETCH_SESSION_CACHE_SLOTS,
    private readonly evictionMs: number = FETCH_SESSION_EVICTION_MS,
    private readonly now: () => number = Date.now,
  ) {
    if (!Number.isInteger(maxSessions) || maxSessions < 0) {
      throw new RangeError(
        `max.incremental.fetch.session.cache.slots must be a non-negative integer, got ${maxSessions}.`,
      );
    }
  }

  get size(): number {
    return this.sessions.size;
  }

  get(id: number): FetchSession | undefined {
    return this.sessions.get(id);
  }

  /** Drops every session (the broker stopped: its clients must start over). */
  clear(): void {
    this.sessions.clear();
  }

  /**
   * Reads the session fields of `request` (Fetch v7+; older versions decode as sessionless) and
   * applies an incremental request's changes to its session.
   */
  open(request: FetchRequest, apiVersion: number): FetchContext {
    const sessionId = request.sessionId ?? INVALID_SESSION_ID;
    const epoch = request.sessionEpoch ?? FINAL_EPOCH;
    const usesTopicIds = apiVersion >= 13;
    if (epoch === INITIAL_EPOCH || epoch === FINAL_EPOCH) {
      // A full fetch closes the session it names, if any.
      if (sessionId !== INVALID_SESSION_ID) this.sessions.delete(sessionId);
      if (epoch === FINAL_EPOCH) return this.sessionless(request);
      return this.full(request, usesTopicIds);
    }
    const session = this.sessions.get(sessionId);
    if (!session) return this.error(ErrorCode.FETCH_SESSION_ID_NOT_FOUND, request, INVALID_SESSION_ID);
    if (session.epoch !== epoch)
      return this.error(ErrorCode.INVALID_FETCH_SESSION_EPOCH, request, INVALID_SESSION_ID);
    if (session.usesTopicIds !== usesTopicIds) {
      return this.error(ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR, request, INVALID_SESSION_ID);
    }
    this.update(session, request);
    if (session.partitions.size === 0) {
      this.sessions.delete(session.id);
      return this.sessionless(request);
    }
    session.lastUsedMs = this.now();
    session.epoch = nextEpoch(session.epoch);
    return this.incremental(session, request, epoch);
  }

  private error(errorCode: number, request: FetchRequest, sessionId: number): FetchContext {
    return {
      errorCode,
      request: { ...request, topics: [] },
      finish: () => sessionErrorResponse(errorCode, sessionId),
    };
  }

  private sessionless(request: FetchRequest): FetchContext {
    return {
      errorCode: ErrorCode.NONE,
      request,
      finish: (response) => {
        response.sessionId = INVALID_SESSION_ID;
        return response;
      },
    };
  }

  private full(request: FetchRequest, usesTopicIds: boolean): FetchContext {
    return {
      errorCode: ErrorCode.NONE,
      request,
      finish: (response) => {
        response.sessionId = this.create(request, response, usesTopicIds);
        return response;
      },
    };
  }

  /** Opens a session for a full fetch's partitions; INVALID_SESSION_ID when no slot can be had. */
  private create(request: FetchRequest, response: FetchResponse, usesTopicIds: boolean): number {
    const now = this.now();
    let size = 0;
    for (const t of request.topics) size += t.partitions.length;
    if (this.sessions.size >= this.maxSessions && !this.evictFor(size, now)) return INVALID_SESSION_ID;
    const partitions = new Map<string, CachedPartition>();
    for (const t of request.topics) {
      const topic = topicKey(usesTopicIds, t.topic, t.topicId);
      for (const p of t.partitions) {
        partitions.set(partitionKey(topic, p.partition), {
          topic: t.topic ?? '',
          topicId: t.topicId,
          request: p,
          highWatermark: -1n,
          lastStableOffset: -1n,
          logStartOffset: -1n,
        });
      }
    }
    for (const t of response.responses) {
      const topic = topicKey(usesTopicIds, t.topic, t.topicId);
      for (const data of t.partitions) {
        const cached = partitions.get(partitionKey(topic, data.partitionIndex));
        if (cached) remember(cached, data);
      }
    }
    const session: FetchSession = {
      id: this.newSessionId(),
      usesTopicIds,
      partitions,
      epoch: nextEpoch(INITIAL_EPOCH),
      createdMs: now,
      lastUsedMs: now,
    };
    this.sessions.set(session.id, session);
    return session.id;
  }

  /**
   * Frees a slot for a new session of `size` partitions (FetchSessionCacheShard.tryEvict): the
   * session unused longest if it has been idle past the eviction time, else the smallest session
   * past that age if it holds fewer partitions than the new one would.
   */
  private evictFor(size: number, now: number): boolean {
    let leastRecent: FetchSession | undefined;
    let smallest: FetchSession | undefined;
    for (const session of this.sessions.values()) {
      if (!leastRecent || session.lastUsedMs < leastRecent.lastUsedMs) leastRecent = session;
      if (now - session.createdMs <= this.evictionMs) continue;
      if (
        !smallest ||
        session.partitions.size < smallest.partitions.size ||
        (session.partitions.size === smallest.partitions.size && session.id < smallest.id)
      ) {
        smallest = session;
      }
    }
    if (!leastRecent) return false;
    if (now - leastRecent.lastUsedMs > this.evictionMs) {
      this.sessions.delete(leastRecent.id);
      return true;
    }
    if (smallest && size > smallest.partitions.size) {
      this.sessions.delete(smallest.id);
      return true;
    }
    return false;
  }

  private newSessionId(): number {
    let id: number;
    do id = 1 + Math.floor(Math.random() * MAX_SESSION_ID);
    while (this.sessions.has(id));
    return id;
  }

  /** Adds or updates the partitions the request names, drops the forgotten ones. */
  private update(session: FetchSession, request: FetchRequest): void {
    const { usesTopicIds, partitions } = session;
    for (const t of request.topics) {
      const topic = topicKey(usesTopicIds, t.topic, t.topicId);
      for (const p of t.partitions) {
        const key = partitionKey(topic, p.partition);
        const cached = partitions.get(key);
        if (cached) cached.request = p;
        else {
          partitions.set(key, {
            topic: t.topic ?? '',
            topicId: t.topicId,
            request: p,
            highWatermark: -1n,
            lastStableOffset: -1n,
            logStartOffset: -1n,
          });
        }
      }
    }
    for (const t of request.forgottenTopicsData ?? []) {
      const topic = topicKey(usesTopicIds, t.topic, t.topicId);
      for (const partition of t.partitions) partitions.delete(partitionKey(topic, partition));
    }
  }

  private incremental(session: FetchSession, request: FetchRequest, requestEpoch: number): FetchContext {
    // Every partition of the session, in its order; a topic appears once per run of its partitions.
    // The response lists them in the same order (the handler answers the request partition by
    // partition), so `order` pairs each answer with its cache entry without a lookup.
    const topics: FetchRequestFetchTopic[] = [];
    const order: [string, CachedPartition][] = [];
    let current: FetchRequestFetchTopic | undefined;
    let currentKey: string | undefined;
    for (const entry of session.partitions) {
      const cached = entry[1];
      order.push(entry);
      const key = session.usesTopicIds ? cached.topicId : cached.topic;
      if (!current || key !== currentKey) {
        current = { topic: cached.topic, topicId: cached.topicId, partitions: [] };
        currentKey = key;
        topics.push(current);
      }
      current.partitions.push(cached.request);
    }
    return {
      errorCode: ErrorCode.NONE,
      request: { ...request, topics },
      finish: (response) => {
        // Another request of this session got in between (a client that pipelines them).
        if (session.epoch !== nextEpoch(requestEpoch)) {
          return sessionErrorResponse(ErrorCode.INVALID_FETCH_SESSION_EPOCH, session.id);
        }
        response.sessionId = session.id;
        response.responses = changesOnly(session, order, response);
        return response;
      },
    };
  }
}

/** The response's partitions that have something new for the client, remembering what it was told. */
function changesOnly(
  session: FetchSession,
  order: readonly [string, CachedPartition][],
  response: FetchResponse,
): FetchResponse['responses'] {
  const kept: FetchResponse['responses'] = [];
  const movedToBack: [string, CachedPartition][] = [];
  let i = 0;
  for (const t of response.responses) {
    const partitions: ResponsePartition[] = [];
    for (const data of t.partitions) {
      const entry = order[i++];
      const cached = entry?.[1];
      const hasRecords = recordsSize(data) > 0;
      if (cached && cached.request.partition === data.partitionIndex) {
        if (!mustRespond(cached, data, hasRecords)) continue;
        remember(cached, data);
        if (hasRecords) movedToBack.push(entry);
      }
      partitions.push(data);
    }
    if (partitions.length > 0) kept.push({ ...t, partitions });
  }
  for (const [key, cached] of movedToBack) {
    session.partitions.delete(key);
    session.partitions.set(key, cached);
  }
  return kept;
}

/** CachedPartition.maybeUpdateResponseData's test, plus the last stable offset (read_committed consumers wait on it). */
function mustRespond(cached: CachedPartition, data: ResponsePartition, hasRecords: boolean): boolean {
  return (
    hasRecords ||
    data.errorCode !== ErrorCode.NONE ||
    cached.highWatermark !== data.highWatermark ||
    cached.lastStableOffset !== (data.lastStableOffset ?? -1n) ||
    cached.logStartOffset !== (data.logStartOffset ?? -1n) ||
    (data.preferredReadReplica ?? -1) >= 0 ||
    (data.divergingEpoch !== undefined && data.divergingEpoch.epoch >= 0)
  );
}

function remember(cached: CachedPartition, data: ResponsePartition): void {
  // After an error the high watermark is forgotten, so the partition is answered again once it clears.
  cached.highWatermark = data.errorCode === ErrorCode.NONE ? data.highWatermark : -1n;
  cached.lastStableOffset = data.lastStableOffset ?? -1n;
  cached.logStartOffset = data.logStartOffset ?? -1n;
}

/** The fetch session caches of the cluster's brokers: each broker has its own, as in Kafka. */
export class FetchSessions {
  private readonly byNode = new Map<number, FetchSessionCache>();

  constructor(readonly slotsPerBroker: number = DEFAULT_FETCH_SESSION_CACHE_SLOTS) {
    // Validates the slot count once, up front.
    new FetchSessionCache(slotsPerBroker);
  }

  forNode(nodeId: number): FetchSessionCache {
    let cache = this.byNode.get(nodeId);
    if (!cache) {
      cache = new FetchSessionCache(this.slotsPerBroker);
      this.byNode.set(nodeId, cache);
    }
    return cache;
  }

  /** A broker stopped: sessions live in its memory, so they are gone. */
  nodeStopped(nodeId: number): void {
    this.byNode.get(nodeId)?.clear();
  }
}
