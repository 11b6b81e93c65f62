import type { FetchRequest, FetchResponse } from '@samsa/protocol';
import { ErrorCode } from '@samsa/protocol';
import { describe, expect, it } from 'vitest';
import {
  FETCH_SESSION_EVICTION_MS,
  FetchSessionCache,
  nextEpoch,
} from '../../src/fetch/fetch-session-cache.js';

type Partitions = Record<string, Record<number, number>>;

/** A fetch of `partitions` (topic -> partition -> fetch offset), forgetting `forget`. */
function request(
  sessionId: number,
  sessionEpoch: number,
  partitions: Partitions = {},
  forget: Record<string, number[]> = {},
): FetchRequest {
  return {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 1,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId,
    sessionEpoch,
    topics: Object.entries(partitions).map(([topic, ps]) => ({
      topic,
      partitions: Object.entries(ps).map(([partition, offset]) => ({
        partition: Number(partition),
        currentLeaderEpoch: -1,
        fetchOffset: BigInt(offset),
        lastFetchedEpoch: -1,
        logStartOffset: -1n,
        partitionMaxBytes: 1 << 20,
      })),
    })),
    forgottenTopicsData: Object.entries(forget).map(([topic, ps]) => ({ topic, partitions: ps })),
    rackId: '',
  };
}

interface Answer {
  hw?: bigint;
  records?: number;
  error?: number;
  logStart?: bigint;
}

/** What the handler would answer for the context's request: every partition, with `answers` applied. */
function respond(req: FetchRequest, answers: Record<string, Answer> = {}, hw = 10n): FetchResponse {
  return {
    throttleTimeMs: 0,
    errorCode: 0,
    sessionId: 0,
    responses: req.topics.map((t) => ({
      topic: t.topic,
      topicId: t.topicId,
      partitions: t.partitions.map((p) => {
        const a = answers[`${t.topic}-${p.partition}`] ?? {};
        return {
          partitionIndex: p.partition,
          errorCode: a.error ?? 0,
          highWatermark: a.hw ?? hw,
          lastStableOffset: a.hw ?? hw,
          logStartOffset: a.logStart ?? 0n,
          abortedTransactions: null,
          preferredReadReplica: -1,
          records: Buffer.alloc(a.records ?? 0),
        };
      }),
    })),
  };
}

const names = (response: FetchResponse) =>
  response.responses.flatMap((t) => t.partitions.map((p) => `${t.topic}-${p.partitionIndex}`));

function fetch(cache: FetchSessionCache, req: FetchRequest, answers?: Record<string, Answer>, version = 12) {
  const context = cache.open(req, version);
  return { context, response: context.finish(respond(context.request, answers)) };
}

/** Opens a session of `partitions` and returns its id. */
function open(cache: FetchSessionCache, partitions: Partitions, version = 12): number {
  const { response } = fetch(cache, request(0, 0, partitions), undefined, version);
  expect(response.sessionId).toBeGreaterThan(0);
  return response.sessionId ?? 0;
}

describe('FetchSessionCache', () => {
  it('opens a session on a full fetch (epoch 0) and none with epoch -1', () => {
    const cache = new FetchSessionCache();
    const id = open(cache, { a: { 0: 0, 1: 0 } });
    expect(cache.get(id)?.epoch).toBe(1);
    expect(cache.get(id)?.partitions.size).toBe(2);
    const sessionless = fetch(cache, request(0, -1, { a: { 0: 0 } })).response;
    expect(sessionless.sessionId).toBe(0);
    expect(names(sessionless)).toEqual(['a-0']);
    expect(cache.size).toBe(1);
  });

  it('fetches every partition of the session but answers only those with something new', () => {
    const cache = new FetchSessionCache();
    const id = open(cache, { a: { 0: 0, 1: 0, 2: 0 } });
    const { context, response } = fetch(cache, request(id, 1), { 'a-1': { records: 100, hw: 11n } });
    expect(context.request.topics.flatMap((t) => t.partitions.map((p) => p.partition))).toEqual([0, 1, 2]);
    expect(response.sessionId).toBe(id);
    expect(names(response)).toEqual(['a-1']);
    // Nothing changed: an empty answer.
    expect(names(fetch(cache, request(id, 2), { 'a-1': { hw: 11n } }).response)).toEqual([]);
    // A high watermark, log start offset or error change is news.
    const changed = fetch(cache, request(id, 3), {
      'a-0': { hw: 12n },
      'a-1': { hw: 11n, logStart: 5n },
      'a-2': { error: ErrorCode.NOT_LEADER_OR_FOLLOWER, hw: -1n },
    }).response;
    expect(names(changed).sort()).toEqual(['a-0', 'a-1', 'a-2']);
    // An error is repeated while it lasts, and the partition is answered again once it clears.
    const after = fetch(cache, request(id, 4), {
      'a-0': { hw: 12n },
      'a-1': { hw: 11n, logStart: 5n },
      'a-2': { error: ErrorCode.NOT_LEADER_OR_FOLLOWER, hw: -1n },
    }).response;
    expect(names(after)).toEqual(['a-2']);
    const cleared = fetch(cache, request(id, 5), { 'a-0': { hw: 12n }, 'a-1': { hw: 11n, logStart: 5n } });
    expect(names(cleared.response)).toEqual(['a-2']);
  });

  it('adds and updates the partitions an incremental fetch names and drops the forgotten ones', () => {
    const cache = new FetchSessionCache();
    const id = open(cache, { a: { 0: 0, 1: 0 } });
    const { context } = fetch(cache, request(id, 1, { a: { 1: 7 }, b: { 0: 3 } }, { a: [0] }));
    const fetched = context.request.topics.flatMap((t) =>
      t.partitions.map((p) => `${t.topic}-${p.partition}@${p.fetchOffset}`),
    );
    expect(fetched).toEqual(['a-1@7', 'b-0@3']);
    // The session remembers the new offsets for the fetches that do not name them.
    const next = cache.open(request(id, 2), 12);
    expect(next.request.topics.flatMap((t) => t.partitions.map((p) => p.fetchOffset))).toEqual([7n, 3n]);
  });

  it('moves partitions that returned records to the back, so none is starved', () => {
    const cache = new FetchSessionCache();
    const id = open(cache, { a: { 0: 0, 1: 0 }, b: { 0: 0 } });
    fetch(cache, request(id, 1), { 'a-0': { records: 10 } });
    const order = cache
      .open(request(id, 2), 12)
      .request.topics.map((t) => [t.topic, t.partitions.map((p) => p.partition)]);
    expect(order).toEqual([
      ['a', [1]],
      ['b', [0]],
      ['a', [0]],
    ]);
  });

  it('answers session errors with no partitions', () => {
    const cache = new FetchSessionCache();
    const id = open(cache, { a: { 0: 0 } });
    const unknown = fetch(cache, request(id + 1, 1, { a: { 0: 0 } })).response;
    expect(unknown).toMatchObject({
      errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND,
      sessionId: 0,
      responses: [],
    });
    const stale = fetch(cache, request(id, 5)).response;
    expect(stale).toMatchObject({
      errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH,
      sessionId: 0,
      responses: [],
    });
    const byId = fetch(cache, request(id, 1), undefined, 13).response;
    expect(byId.errorCode).toBe(ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR);
    // The session itself is unharmed: the right epoch still works.
    expect(fetch(cache, request(id, 1)).response.errorCode).toBe(0);
  });

  it('refuses a response when another request of the session got in between', () => {
    const cache = new FetchSessionCache();
    const id = open(cache, { a: { 0: 0 } });
    const first = cache.open(request(id, 1), 12);
    const second = cache.open(request(id, 2), 12);
    expect(second.finish(respond(second.request)).errorCode).toBe(0);
    expect(first.finish(respond(first.request))).toMatchObject({
      errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH,
      sessionId: id,
    });
  });

  it('closes a session on epoch -1 and on a full fetch naming it, and when its last partition goes', () => {
    const cache = new FetchSessionCache();
    const closed = open(cache, { a: { 0: 0 } });
    expect(fetch(cache, request(closed, -1, { a: { 0: 0 } })).response.sessionId).toBe(0);
    expect(cache.get(closed)).toBeUndefined();
    const replaced = open(cache, { a: { 0: 0 } });
    const { response } = fetch(cache, request(replaced, 0, { a: { 0: 0 } }));
    expect(response.sessionId).not.toBe(replaced);
    expect(cache.get(replaced)).toBeUndefined();
    const emptied = response.sessionId ?? 0;
    expect(fetch(cache, request(emptied, 1, {}, { a: [0] })).response.sessionId).toBe(0);
    expect(cache.get(emptied)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('evicts as Kafka does: an idle session first, then a smaller old one, never a young one', () => {
    let now = 0;
    const cache = new FetchSessionCache(2, FETCH_SESSION_EVICTION_MS, () => now);
    const small = open(cache, { a: { 0: 0 } });
    const big = open(cache, { a: { 0: 0, 1: 0, 2: 0 } });
    // Full, and both young: the new fetch goes sessionless.
    expect(fetch(cache, request(0, 0, { b: { 0: 0, 1: 0, 2: 0, 3: 0 } })).response.sessionId).toBe(0);
    // Both old, both in use: a bigger session takes the smallest one's slot; a smaller one takes none.
    now += FETCH_SESSION_EVICTION_MS + 1;
    fetch(cache, request(small, 1));
    fetch(cache, request(big, 1));
    expect(fetch(cache, request(0, 0, { b: { 0: 0 } })).response.sessionId).toBe(0);
    const bigger = fetch(cache, request(0, 0, { b: { 0: 0, 1: 0 } })).response.sessionId ?? 0;
    expect(bigger).toBeGreaterThan(0);
    expect(cache.get(small)).toBeUndefined();
    expect(cache.get(big)).toBeDefined();
    // An idle session loses its slot to any new one.
    now += 1000;
    fetch(cache, request(bigger, 1));
    now += FETCH_SESSION_EVICTION_MS;
    expect(fetch(cache, request(0, 0, { c: { 0: 0 } })).response.sessionId).toBeGreaterThan(0);
    expect(cache.get(big)).toBeUndefined();
    expect(cache.get(bigger)).toBeDefined();
  });

  it('keeps no session with 0 slots', () => {
    const cache = new FetchSessionCache(0);
    expect(fetch(cache, request(0, 0, { a: { 0: 0 } })).response.sessionId).toBe(0);
    expect(() => new FetchSessionCache(-1)).toThrow(/cache.slots/);
  });

  it('wraps the epoch to 1', () => {
    expect(nextEpoch(0)).toBe(1);
    expect(nextEpoch(0x7fffffff)).toBe(1);
    expect(nextEpoch(-1)).toBe(-1);
  });
});
