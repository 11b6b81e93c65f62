/**
 * A consumer group's committed offsets: OffsetCommit and OffsetFetch against the group coordinator.
 *
 * - The requests and the reading of OffsetFetch answers (v8+ answers per group) are shared by the
 *   consumer, which commits as a member of the current generation, and the admin, which commits
 *   from outside the group (generation -1, no member id) for a group with no active members.
 * - `commitOffsets` / `fetchCommittedOffsets` are the member's calls, with the retries Java does:
 *   coordinator moves and loading are retried until the deadline, and so is a stale member epoch
 *   (KIP-848: the next heartbeat brings the current one); a lost generation is a CommitFailedError. The admin retries with its own policy (admin/groups-and-offsets.ts).
 */
import {
  ApiKey,
  type OffsetCommitRequest,
  type OffsetFetchRequest,
  type OffsetFetchResponse,
  type RequestBodies,
  type ResponseBodies,
} from '@samsa/protocol/on-demand';
import {
  createKafkaError,
  ErrorCode,
  isRetriable,
  KafkaTimeoutError,
  RequestAbortedError,
} from '../errors.js';
import { sleep } from '../retry.js';
import { CommitFailedError, FencedInstanceIdError, RebalanceInProgressError } from './group-errors.js';

export interface OffsetToCommit {
  topic: string;
  partition: number;
  /** The next offset to consume: one past the last handled message. */
  offset: bigint;
  leaderEpoch?: number;
  metadata?: string | null;
}

export interface CommittedOffset {
  /** -1n when the group has no offset for the partition. */
  offset: bigint;
  leaderEpoch: number;
  metadata: string | null;
}

/** Who commits: a member under its generation (classic) or epoch (KIP-848), or no one (see OUTSIDE_THE_GROUP). */
export interface Committer {
  generationIdOrMemberEpoch: number;
  memberId: string;
  groupInstanceId: string | null;
}

/** Commits from outside the group (admin): the broker takes them only while the group has no members. */
export const OUTSIDE_THE_GROUP: Committer = {
  generationIdOrMemberEpoch: -1,
  memberId: '',
  groupInstanceId: null,
};

/** Partitions to fetch committed offsets for, by topic; null fetches every partition the group has. */
export type OffsetFetchTopics = { name: string; partitionIndexes: number[] }[] | null;

/** An OffsetFetch answer for one group, whatever the version. */
export interface GroupOffsetsAnswer {
  errorCode: number;
  topics: {
    name: string;
    partitions: {
      partitionIndex: number;
      committedOffset: bigint;
      committedLeaderEpoch?: number;
      metadata: string | null;
      errorCode: number;
    }[];
  }[];
}

function groupByTopic<T extends { topic: string }>(items: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    let list = out.get(item.topic);
    if (!list) {
      list = [];
      out.set(item.topic, list);
    }
    list.push(item);
  }
  return out;
}

export function offsetCommitRequest(
  groupId: string,
  committer: Committer,
  offsets: readonly OffsetToCommit[],
): OffsetCommitRequest {
  return {
    groupId,
    generationIdOrMemberEpoch: committer.generationIdOrMemberEpoch,
    memberId: committer.memberId,
    groupInstanceId: committer.groupInstanceId,
    retentionTimeMs: -1n,
    topics: [...groupByTopic(offsets)].map(([name, list]) => ({
      name,
      partitions: list.map((o) => ({
        partitionIndex: o.partition,
        committedOffset: o.offset,
        committedLeaderEpoch: o.leaderEpoch ?? -1,
        commitTimestamp: -1n,
        committedMetadata: o.metadata ?? null,
      })),
    })),
  };
}

/** `requireStable` waits out pending transactional commits (KIP-447). */
export function offsetFetchRequest(
  version: number,
  groupId: string,
  topics: OffsetFetchTopics,
  requireStable: boolean,
): OffsetFetchRequest {
  return version >= 8
    ? { groups: [{ groupId, memberId: null, memberEpoch: -1, topics }], requireStable }
    : { groupId, topics, requireStable };
}

/** The group's part of an OffsetFetch answer: v8+ answers per group, older versions for the one group asked. */
export function groupOffsetsAnswer(
  version: number,
  groupId: string,
  response: OffsetFetchResponse,
): GroupOffsetsAnswer {
  if (version >= 8) {
    const g = response.groups?.find((x) => x.groupId === groupId) ?? response.groups?.[0];
    return { errorCode: g?.errorCode ?? ErrorCode.NONE, topics: g?.topics ?? [] };
  }
  return { errorCode: response.errorCode ?? ErrorCode.NONE, topics: response.topics ?? [] };
}

// ------------------------------------------------------------------ as a group member (the consumer)

/** The group member committing: what it needs of the consumer's group membership. */
export interface GroupMember {
  readonly groupId: string;
  readonly inGroup: boolean;
  readonly generationId: number;
  readonly memberId: string;
  /** One request to the group coordinator. */
  request<K extends keyof RequestBodies>(
    apiKey: K,
    build: (version: number) => RequestBodies[K],
    options?: { signal?: AbortSignal },
  ): Promise<{ version: number; response: ResponseBodies[K] }>;
  /** Look the coordinator up again before the next request. */
  coordinatorFailed(): void;
}

interface CallOptions {
  signal?: AbortSignal;
  timeoutMs: number;
  retryBackoffMs: number;
}

const COORDINATOR_CODES = new Set<number>([
  ErrorCode.NOT_COORDINATOR,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
  ErrorCode.REQUEST_TIMED_OUT,
]);

const RETRY = Symbol('retry');

/** Retries `attempt` on retriable failures (with back-off) until `options.timeoutMs` passes. */
async function retrying<T>(
  what: string,
  options: CallOptions,
  attempt: () => Promise<T | typeof RETRY>,
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (let i = 0; ; i++) {
    if (options.signal?.aborted) throw new RequestAbortedError(what, options.signal.reason);
    try {
      const result = await attempt();
      if (result !== RETRY) return result;
      lastError = undefined;
    } catch (err) {
      // A rebalance is for the consumer to sit out, not for this loop.
      if (err instanceof RequestAbortedError || err instanceof RebalanceInProgressError || !isRetriable(err))
        throw err;
      lastError = err;
    }
    const backoff = Math.min(1000, options.retryBackoffMs * 2 ** Math.min(i, 10));
    if (Date.now() + backoff >= deadline) {
      throw new KafkaTimeoutError(`${what} did not succeed within ${options.timeoutMs} ms`, {
        cause: lastError,
      });
    }
    await sleep(backoff, options.signal);
  }
}

export async function commitOffsets(
  membership: GroupMember,
  offsets: readonly OffsetToCommit[],
  options: CallOptions & { groupInstanceId: string | null },
): Promise<void> {
  if (offsets.length === 0) return;
  const groupId = membership.groupId;
  await retrying(`Committing offsets for group ${groupId}`, options, async () => {
    if (!membership.inGroup) throw new RebalanceInProgressError(groupId);
    const generationId = membership.generationId;
    const memberId = membership.memberId;
    const committer = {
      generationIdOrMemberEpoch: generationId,
      memberId,
      groupInstanceId: options.groupInstanceId,
    };
    const { response } = await membership.request(
      ApiKey.OffsetCommit,
      () => offsetCommitRequest(groupId, committer, offsets),
      { signal: options.signal },
    );
    let retry = false;
    for (const t of response.topics) {
      for (const p of t.partitions) {
        const code = p.errorCode;
        if (code === ErrorCode.NONE) continue;
        if (COORDINATOR_CODES.has(code)) {
          if (code !== ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) membership.coordinatorFailed();
          retry = true;
          continue;
        }
        switch (code) {
          case ErrorCode.REBALANCE_IN_PROGRESS:
            throw new RebalanceInProgressError(groupId);
          case ErrorCode.STALE_MEMBER_EPOCH:
            // KIP-848: the epoch moved on while the commit was out; retry with the current one.
            retry = true;
            continue;
          case ErrorCode.GROUP_ID_NOT_FOUND:
          case ErrorCode.UNKNOWN_MEMBER_ID:
          case ErrorCode.ILLEGAL_GENERATION:
            // If we rejoined while the commit was out, it only lost a race with the rebalance (Java's rule).
            if (membership.generationId !== generationId || membership.memberId !== memberId) {
              throw new RebalanceInProgressError(groupId);
            }
            throw new CommitFailedError(
              groupId,
              `the member is no longer part of generation ${generationId}`,
              {
                cause: createKafkaError(code, { apiName: 'OffsetCommit', groupId }),
              },
            );
          case ErrorCode.FENCED_INSTANCE_ID:
            throw new FencedInstanceIdError(groupId, options.groupInstanceId ?? '');
        }
        const err = createKafkaError(code, {
          apiName: 'OffsetCommit',
          groupId,
          topic: t.name,
          partition: p.partitionIndex,
        });
        if (err.retriable) retry = true;
        else throw err;
      }
    }
    return retry ? RETRY : undefined;
  });
}

/** Committed offsets of `partitions`, waiting out pending transactional commits (requireStable, KIP-447). */
export async function fetchCommittedOffsets(
  membership: GroupMember,
  partitions: readonly { topic: string; partition: number }[],
  options: CallOptions,
): Promise<Map<string, Map<number, CommittedOffset>>> {
  const groupId = membership.groupId;
  const topics = [...groupByTopic(partitions)].map(([name, list]) => ({
    name,
    partitionIndexes: list.map((p) => p.partition),
  }));
  return retrying(`Fetching committed offsets for group ${groupId}`, options, async () => {
    const { version, response } = await membership.request(
      ApiKey.OffsetFetch,
      (v) => offsetFetchRequest(v, groupId, topics, true),
      { signal: options.signal },
    );
    const answer = groupOffsetsAnswer(version, groupId, response);
    if (answer.errorCode !== ErrorCode.NONE) return handleFetchError(membership, answer.errorCode);
    const out = new Map<string, Map<number, CommittedOffset>>();
    for (const t of answer.topics) {
      const m = new Map<number, CommittedOffset>();
      out.set(t.name, m);
      for (const p of t.partitions) {
        if (p.errorCode !== ErrorCode.NONE) {
          const r = handleFetchError(membership, p.errorCode, t.name, p.partitionIndex);
          if (r === RETRY) return RETRY;
        }
        m.set(p.partitionIndex, {
          offset: p.committedOffset,
          leaderEpoch: p.committedLeaderEpoch ?? -1,
          metadata: p.metadata,
        });
      }
    }
    return out;
  });
}

function handleFetchError(
  membership: GroupMember,
  code: number,
  topic?: string,
  partition?: number,
): typeof RETRY {
  if (COORDINATOR_CODES.has(code)) {
    if (code !== ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) membership.coordinatorFailed();
    return RETRY;
  }
  // UNSTABLE_OFFSET_COMMIT: a transaction holding offsets for the partition is still open.
  if (code === ErrorCode.UNSTABLE_OFFSET_COMMIT) return RETRY;
  throw createKafkaError(code, { apiName: 'OffsetFetch', groupId: membership.groupId, topic, partition });
}
