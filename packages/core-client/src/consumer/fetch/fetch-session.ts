/**
 * The client half of a fetch session (KIP-227) with one broker, after Java's FetchSessionHandler.
 *
 * The first fetch is full (epoch 0) and names every partition; if the broker answers with a
 * session id, later fetches are incremental: they carry the id and the next epoch, name only the
 * partitions that were added or whose fetch parameters changed (offset, leader epoch, max bytes),
 * and list in forgottenTopicsData those no longer fetched. The broker answers only partitions with
 * something new; the others had nothing and keep their state.
 *
 * The session starts over with a full fetch after a session error (FETCH_SESSION_ID_NOT_FOUND: a
 * new one; INVALID_FETCH_SESSION_EPOCH and the others: closing the old one), after a fetch that
 * failed (connection lost, timeout: the broker's state is unknown), when the fetch version moves
 * between topic names and topic ids, and when a topic's id changes (it was recreated).
 * Requests of one session go one at a time: each is built from the state the previous left. When
 * the consumer stops, a last fetch with epoch -1 closes the session, as Java's consumer does.
 */
import { ErrorCode } from '../../errors.js';

const INVALID_SESSION_ID = 0;
const INITIAL_EPOCH = 0;
const FINAL_EPOCH = -1;
const MAX_EPOCH = 0x7fffffff;

/** One partition as a fetch asks for it. */
export interface SessionPartition {
  readonly topic: string;
  /** Known for Fetch v13+, which names topics by id. */
  readonly topicId: string | undefined;
  readonly partition: number;
  readonly fetchOffset: bigint;
  readonly currentLeaderEpoch: number;
  readonly partitionMaxBytes: number;
}

export interface SessionFetch {
  readonly sessionId: number;
  readonly sessionEpoch: number;
  /** Every partition (full fetch) or only the added and changed ones (incremental). */
  readonly toSend: SessionPartition[];
  readonly toForget: SessionPartition[];
  readonly incremental: boolean;
}

/** What a response meant for the session. */
export type SessionOutcome =
  /** Use the partitions it carries; the others had nothing new. */
  | { ok: true }
  /** A session error or a confused answer: the session starts over, the partitions are fetched again. */
  | { ok: false; reason: string };

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

function sameRequest(a: SessionPartition, b: SessionPartition): boolean {
  return (
    a.fetchOffset === b.fetchOffset &&
    a.currentLeaderEpoch === b.currentLeaderEpoch &&
    a.partitionMaxBytes === b.partitionMaxBytes
  );
}

export class FetchSessionHandler {
  private sessionId = INVALID_SESSION_ID;
  /** The epoch of the next request: 0 opens a session, -1 (sessions off) never does. */
  private epoch: number;
  /** What the broker's session holds, as of the last request built. */
  private partitions = new Map<string, SessionPartition>();
  private usesTopicIds = false;
  /** The last request built was incremental (its answer may leave partitions out). */
  private lastIncremental = false;

  constructor(private readonly enabled: boolean) {
    this.epoch = enabled ? INITIAL_EPOCH : FINAL_EPOCH;
  }

  /** The open session's id, 0 when there is none. */
  get id(): number {
    return this.sessionId;
  }

  /** The request for fetching `next` (the partitions wanted now, in order). */
  build(next: readonly SessionPartition[], usesTopicIds: boolean): SessionFetch {
    if (this.sessionId !== INVALID_SESSION_ID && usesTopicIds !== this.usesTopicIds) this.closeExisting();
    this.usesTopicIds = usesTopicIds;
    if (this.sessionId === INVALID_SESSION_ID || this.epoch === INITIAL_EPOCH || this.epoch === FINAL_EPOCH) {
      return this.full(next);
    }
    const wanted = new Map<string, SessionPartition>();
    for (const p of next) wanted.set(key(p.topic, p.partition), p);
    const toForget: SessionPartition[] = [];
    for (const [k, held] of this.partitions) {
      const p = wanted.get(k);
      if (p === undefined) toForget.push(held);
      else if (p.topicId !== held.topicId) {
        // The topic was recreated under the same name: start over rather than mix the two.
        this.closeExisting();
        return this.full(next);
      }
    }
    const toSend: SessionPartition[] = [];
    for (const [k, p] of wanted) {
      const held = this.partitions.get(k);
      if (held === undefined || !sameRequest(held, p)) toSend.push(p);
    }
    this.partitions = wanted;
    this.lastIncremental = true;
    return { sessionId: this.sessionId, sessionEpoch: this.epoch, toSend, toForget, incremental: true };
  }

  private full(next: readonly SessionPartition[]): SessionFetch {
    this.partitions = new Map(next.map((p) => [key(p.topic, p.partition), p]));
    this.lastIncremental = false;
    return {
      sessionId: this.sessionId,
      sessionEpoch: this.epoch,
      toSend: [...next],
      toForget: [],
      incremental: false,
    };
  }

  /**
   * Takes the answer to the last request built: the broker's top-level error and session id, and
   * the partitions it carried (topic name, partition).
   */
  handleResponse(
    errorCode: number,
    sessionId: number,
    answered: Iterable<readonly [string, number]>,
  ): SessionOutcome {
    if (!this.enabled) return { ok: true };
    if (errorCode !== ErrorCode.NONE) {
      if (errorCode === ErrorCode.FETCH_SESSION_ID_NOT_FOUND) this.reset();
      else this.closeExisting();
      return { ok: false, reason: `fetch session ${sessionId} error ${errorCode}` };
    }
    if (this.lastIncremental) {
      for (const [topic, partition] of answered) {
        if (!this.partitions.has(key(topic, partition))) {
          this.closeExisting();
          return {
            ok: false,
            reason: `incremental fetch answered ${topic}[${partition}], not in the session`,
          };
        }
      }
      if (sessionId === INVALID_SESSION_ID) this.reset();
      else this.epoch = this.epoch === MAX_EPOCH ? 1 : this.epoch + 1;
      return { ok: true };
    }
    if (sessionId === INVALID_SESSION_ID) {
      // No session (the broker keeps none, or its cache is full): the next fetch is full again.
      this.reset();
    } else {
      this.sessionId = sessionId;
      this.epoch = 1;
    }
    return { ok: true };
  }

  /** The request failed without an answer (connection lost, timeout): the broker's state is unknown. */
  handleError(): void {
    if (this.enabled) this.closeExisting();
  }

  /**
   * Ends the session on this side. Returns the session fields of the fetch that tells the broker to
   * drop it (its id with epoch -1), or undefined when none is open.
   */
  close(): { sessionId: number; sessionEpoch: number } | undefined {
    const sessionId = this.sessionId;
    this.reset();
    return sessionId === INVALID_SESSION_ID ? undefined : { sessionId, sessionEpoch: FINAL_EPOCH };
  }

  /** Next fetch full, creating a new session. */
  private reset(): void {
    this.sessionId = INVALID_SESSION_ID;
    this.epoch = INITIAL_EPOCH;
    this.partitions.clear();
  }

  /** Next fetch full, naming the old session so the broker drops it and opens a new one. */
  private closeExisting(): void {
    this.epoch = INITIAL_EPOCH;
    this.partitions.clear();
  }
}
