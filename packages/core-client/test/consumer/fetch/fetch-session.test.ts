import { describe, expect, it } from 'vitest';
import { FetchSessionHandler, type SessionPartition } from '../../../src/consumer/fetch/fetch-session.js';
import { ErrorCode } from '../../../src/errors.js';

const part = (partition: number, fetchOffset = 0n, topic = 't', topicId?: string): SessionPartition => ({
  topic,
  topicId,
  partition,
  fetchOffset,
  currentLeaderEpoch: 0,
  partitionMaxBytes: 1000,
});

const ids = (ps: readonly SessionPartition[]) => ps.map((p) => `${p.topic}-${p.partition}`);

/** A handler with an open session (id 7) over partitions 0-2 at offset 0. */
function opened(): FetchSessionHandler {
  const handler = new FetchSessionHandler(true);
  const full = handler.build([part(0), part(1), part(2)], false);
  expect(full).toMatchObject({ sessionId: 0, sessionEpoch: 0, incremental: false });
  expect(
    handler.handleResponse(0, 7, [
      ['t', 0],
      ['t', 1],
      ['t', 2],
    ]),
  ).toEqual({ ok: true });
  return handler;
}

describe('FetchSessionHandler', () => {
  it('closes an open session with its id and epoch -1, then starts over with a full fetch', () => {
    const handler = opened();
    expect(handler.close()).toEqual({ sessionId: 7, sessionEpoch: -1 });
    expect(handler.close()).toBeUndefined();
    expect(handler.build([part(0)], false)).toMatchObject({
      sessionId: 0,
      sessionEpoch: 0,
      incremental: false,
    });
    expect(new FetchSessionHandler(false).close()).toBeUndefined();
  });

  it('sends a full fetch, then incremental ones naming only what changed', () => {
    const handler = opened();
    const quiet = handler.build([part(0), part(1), part(2)], false);
    expect(quiet).toMatchObject({
      sessionId: 7,
      sessionEpoch: 1,
      incremental: true,
      toSend: [],
      toForget: [],
    });
    expect(handler.handleResponse(0, 7, [])).toEqual({ ok: true });
    // Partition 1 moved on, 3 is new, 2 is no longer fetched (its buffer is full, or it was revoked).
    const changed = handler.build([part(0), part(1, 5n), part(3)], false);
    expect(changed.sessionEpoch).toBe(2);
    expect(ids(changed.toSend)).toEqual(['t-1', 't-3']);
    expect(ids(changed.toForget)).toEqual(['t-2']);
    handler.handleResponse(0, 7, [['t', 1]]);
    // A new leader epoch is a change too.
    const epoch = handler.build([part(0), { ...part(1, 5n), currentLeaderEpoch: 1 }, part(3)], false);
    expect(ids(epoch.toSend)).toEqual(['t-1']);
  });

  it('wraps the epoch to 1', () => {
    const handler = opened();
    (handler as unknown as { epoch: number }).epoch = 0x7fffffff;
    handler.build([part(0)], false);
    handler.handleResponse(0, 7, []);
    expect(handler.build([part(0)], false).sessionEpoch).toBe(1);
  });

  it('starts a new session after FETCH_SESSION_ID_NOT_FOUND', () => {
    const handler = opened();
    handler.build([part(0), part(1), part(2)], false);
    expect(handler.handleResponse(ErrorCode.FETCH_SESSION_ID_NOT_FOUND, 0, []).ok).toBe(false);
    const next = handler.build([part(0), part(1), part(2)], false);
    expect(next).toMatchObject({ sessionId: 0, sessionEpoch: 0, incremental: false });
    expect(ids(next.toSend)).toEqual(['t-0', 't-1', 't-2']);
  });

  it('closes the old session with a full fetch after INVALID_FETCH_SESSION_EPOCH and other errors', () => {
    for (const code of [ErrorCode.INVALID_FETCH_SESSION_EPOCH, ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR]) {
      const handler = opened();
      handler.build([part(0)], false);
      expect(handler.handleResponse(code, 7, []).ok).toBe(false);
      expect(handler.build([part(0), part(1)], false)).toMatchObject({
        sessionId: 7,
        sessionEpoch: 0,
        incremental: false,
      });
      expect(handler.handleResponse(0, 9, [['t', 0]]).ok).toBe(true);
      expect(handler.build([part(0), part(1)], false)).toMatchObject({ sessionId: 9, sessionEpoch: 1 });
    }
  });

  it('starts over after a failed request (connection lost)', () => {
    const handler = opened();
    handler.build([part(0)], false);
    handler.handleError();
    expect(handler.build([part(0)], false)).toMatchObject({
      sessionId: 7,
      sessionEpoch: 0,
      incremental: false,
    });
  });

  it('refuses an incremental answer naming a partition outside the session', () => {
    const handler = opened();
    handler.build([part(0)], false);
    expect(handler.handleResponse(0, 7, [['t', 1]]).ok).toBe(false);
    expect(handler.build([part(0)], false).incremental).toBe(false);
  });

  it('starts over when the fetch version moves between names and topic ids, or a topic id changes', () => {
    const handler = opened();
    expect(handler.build([part(0, 0n, 't', 'id-1')], true)).toMatchObject({ sessionId: 7, sessionEpoch: 0 });
    handler.handleResponse(0, 8, [['t', 0]]);
    expect(handler.build([part(0, 0n, 't', 'id-1')], true)).toMatchObject({ sessionId: 8, sessionEpoch: 1 });
    handler.handleResponse(0, 8, []);
    expect(handler.build([part(0, 0n, 't', 'id-2')], true)).toMatchObject({ sessionId: 8, sessionEpoch: 0 });
  });

  it('stays sessionless when the broker opens no session', () => {
    const handler = new FetchSessionHandler(true);
    handler.build([part(0)], false);
    handler.handleResponse(0, 0, [['t', 0]]);
    expect(handler.build([part(0)], false)).toMatchObject({
      sessionId: 0,
      sessionEpoch: 0,
      incremental: false,
    });
    // An incremental session the broker closes (id 0 in the answer) ends too.
    const closing = opened();
    closing.build([part(0)], false);
    closing.handleResponse(0, 0, []);
    expect(closing.build([part(0)], false)).toMatchObject({ sessionId: 0, sessionEpoch: 0 });
  });

  it('never opens a session when turned off', () => {
    const handler = new FetchSessionHandler(false);
    expect(handler.build([part(0)], false)).toMatchObject({ sessionId: 0, sessionEpoch: -1 });
    handler.handleResponse(0, 0, [['t', 0]]);
    expect(handler.build([part(0)], false)).toMatchObject({
      sessionId: 0,
      sessionEpoch: -1,
      incremental: false,
    });
  });
});
