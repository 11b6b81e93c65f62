/**
 * Fetch: v4-16 (RecordBatch v2 only, so v0-3 are not advertised).
 *
 * - Fetch sessions (KIP-227, v7+): a full fetch (epoch 0) opens a session, incremental fetches
 *   name only what changed and are answered with only the partitions that have something new;
 *   session errors (FETCH_SESSION_ID_NOT_FOUND, INVALID_FETCH_SESSION_EPOCH,
 *   FETCH_SESSION_TOPIC_ID_ERROR) come with no partitions. See fetch/fetch-session-cache.ts.
 * - Long poll: if fewer than minBytes are available (and nothing failed), the request waits up
 *   to maxWaitMs and is re-evaluated whenever one of its partitions gets data or changes leader.
 * - Limits: response maxBytes (capped at Kafka's fetch.max.bytes, 55 MiB) and per-partition
 *   partitionMaxBytes; the first batch of the first non-empty partition is returned even if it
 *   is larger (KIP-74). Records are zero-copy slices of the log.
 * - isolation_level read_committed (1) reads up to the last stable offset (the first offset of
 *   the earliest open transaction, else the high watermark) and lists the aborted transactions
 *   overlapping the batches returned (producer id and first offset, from the partition's
 *   aborted-transaction index), so the consumer can drop their records; read_uncommitted (0)
 *   reads to the high watermark with a null list. LastStableOffset is always set.
 * - v9+ checks currentLeaderEpoch (FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH); v12+ adds the
 *   current leader on NOT_LEADER_OR_FOLLOWER; v13+ addresses topics by id (UNKNOWN_TOPIC_ID).
 * - ACLs: READ on each topic, else TOPIC_AUTHORIZATION_FAILED (before existence, except that an unknown
 *   topic id is UNKNOWN_TOPIC_ID: there is no name to check).
 */

import type {
  FetchRequest,
  FetchResponse,
  FetchResponseFetchableTopicResponse,
  FetchResponsePartitionData,
} from '@samsa/protocol';
import { AclOperation, ApiKey, ErrorCode, ResourceType } from '@samsa/protocol';
import { errorCodeOf } from '../broker-error.js';
import type { PartitionState, Topic } from '../cluster/topic.js';
import type { FetchContext } from '../fetch/fetch-session-cache.js';
import type { PartitionLog } from '../storage/index.js';
import { batchLastOffset } from '../storage/record-batch.js';
import { authorize } from './authorization.js';
import { leaderEpochError, leaderError, nodeEndpoint } from './common.js';
import { defineHandler, type RequestContext } from './types.js';

/** Kafka's broker-side fetch.max.bytes default. */
const FETCH_MAX_BYTES = 55 * 1024 * 1024;
const READ_COMMITTED = 1;
const EMPTY_RECORDS = Buffer.alloc(0);

function errorPartition(partitionIndex: number, errorCode: number): FetchResponsePartitionData {
  return {
    partitionIndex,
    errorCode,
    highWatermark: -1n,
    lastStableOffset: -1n,
    logStartOffset: -1n,
    abortedTransactions: null,
    preferredReadReplica: -1,
    records: EMPTY_RECORDS,
  };
}

/** The aborted transactions overlapping [fetchOffset, the end of the last batch returned). */
function abortedTransactionsIn(log: PartitionLog, fetchOffset: number, slices: readonly Buffer[]) {
  if (slices.length === 0) return [];
  const last = slices[slices.length - 1];
  const upperBound = batchLastOffset(last, 0) + 1;
  return log
    .collectAbortedTransactions(fetchOffset, upperBound)
    .map((txn) => ({ producerId: BigInt(txn.producerId), firstOffset: BigInt(txn.firstOffset) }));
}

interface Evaluation {
  response: FetchResponse;
  bytes: number;
  /** Some partition failed: answer now rather than wait. */
  failed: boolean;
  partitions: PartitionState[];
}

function resolveTopic(
  ctx: RequestContext,
  byId: boolean,
  name: string | undefined,
  id: string | undefined,
): Topic | undefined {
  return byId ? ctx.cluster.topicById(id ?? '') : ctx.cluster.topic(name ?? '');
}

function evaluate(ctx: RequestContext, request: FetchRequest): Evaluation {
  const byId = ctx.apiVersion >= 13;
  const readCommitted = request.isolationLevel === READ_COMMITTED;
  let remaining = Math.min(request.maxBytes ?? FETCH_MAX_BYTES, FETCH_MAX_BYTES);
  let bytes = 0;
  let failed = false;
  const partitions: PartitionState[] = [];
  const leaderHints = new Set<number>();
  const responses: FetchResponseFetchableTopicResponse[] = request.topics.map((fetchTopic) => {
    const topic = resolveTopic(ctx, byId, fetchTopic.topic, fetchTopic.topicId);
    const unknown = byId ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    const name = byId ? topic?.name : fetchTopic.topic;
    const mayRead = name === undefined || authorize(ctx, AclOperation.READ, ResourceType.TOPIC, name);
    return {
      topic: fetchTopic.topic,
      topicId: fetchTopic.topicId,
      partitions: fetchTopic.partitions.map((p): FetchResponsePartitionData => {
        if (!mayRead) {
          failed = true;
          return errorPartition(p.partition, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
        }
        const partition = topic?.partitions[p.partition];
        if (!partition) {
          failed = true;
          return errorPartition(p.partition, topic ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : unknown);
        }
        partitions.push(partition);
        const notLeader = leaderError(ctx, partition);
        if (notLeader !== ErrorCode.NONE) {
          failed = true;
          const result = errorPartition(p.partition, notLeader);
          if (partition.leader >= 0) {
            result.currentLeader = { leaderId: partition.leader, leaderEpoch: partition.leaderEpoch };
            leaderHints.add(partition.leader);
          }
          return result;
        }
        const epochError = leaderEpochError(partition, p.currentLeaderEpoch);
        if (epochError !== ErrorCode.NONE) {
          failed = true;
          return errorPartition(p.partition, epochError);
        }
        const log = partition.log;
        const highWatermark = log.highWatermark;
        const lastStableOffset = log.lastStableOffset;
        const fetchOffset = Number(p.fetchOffset);
        const result: FetchResponsePartitionData = {
          partitionIndex: p.partition,
          errorCode: ErrorCode.NONE,
          highWatermark: BigInt(highWatermark),
          lastStableOffset: BigInt(lastStableOffset),
          logStartOffset: BigInt(log.logStartOffset),
          abortedTransactions: readCommitted ? [] : null,
          preferredReadReplica: -1,
          records: EMPTY_RECORDS,
        };
        if (fetchOffset < log.logStartOffset || fetchOffset > highWatermark) {
          failed = true;
          result.errorCode = ErrorCode.OFFSET_OUT_OF_RANGE;
          return result;
        }
        const limit = Math.min(p.partitionMaxBytes, remaining);
        if (limit <= 0 && bytes > 0) return result;
        try {
          const slices = log.read(fetchOffset, Math.max(limit, 0), {
            minOneBatch: bytes === 0,
            maxOffset: readCommitted ? lastStableOffset : highWatermark,
            readBuffers: ctx.cluster.readBuffers,
          });
          let size = 0;
          for (const slice of slices) size += slice.length;
          if (readCommitted) result.abortedTransactions = abortedTransactionsIn(log, fetchOffset, slices);
          if (size > 0) {
            result.records = slices.length === 1 ? slices[0] : (slices as unknown as Buffer);
            bytes += size;
            remaining -= size;
          }
        } catch (err) {
          failed = true;
          result.errorCode = errorCodeOf(err);
          if (result.errorCode === ErrorCode.UNKNOWN_SERVER_ERROR) {
            ctx.cluster.logger.error(`fetch from ${partition.name} failed: ${(err as Error).stack ?? err}`);
          }
        }
        return result;
      }),
    };
  });
  const response: FetchResponse = { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses };
  if (leaderHints.size > 0) response.nodeEndpoints = [...leaderHints].flatMap((id) => nodeEndpoint(ctx, id));
  return { response, bytes, failed, partitions };
}

function waitForData(ctx: RequestContext, request: FetchRequest, first: Evaluation): Promise<FetchResponse> {
  return new Promise((resolve) => {
    let done = false;
    const watched = first.partitions;
    const finish = (evaluation?: Evaluation) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      for (const partition of watched) partition.waiters.delete(onWake);
      ctx.signal.removeEventListener('abort', onAbort);
      resolve((evaluation ?? evaluate(ctx, request)).response);
    };
    const onWake = () => {
      if (done) return;
      if (ctx.cluster.shuttingDown) return finish(first);
      const evaluation = evaluate(ctx, request);
      if (evaluation.bytes >= request.minBytes || evaluation.failed) finish(evaluation);
    };
    const onAbort = () => finish(first);
    const timer = setTimeout(() => finish(ctx.cluster.shuttingDown ? first : undefined), request.maxWaitMs);
    for (const partition of watched) partition.waiters.add(onWake);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
  });
}

function emptyResponse(): FetchResponse {
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses: [] };
}

/** Reads the context's partitions, waiting for minBytes if need be, and answers through its session. */
function fetchPartitions(ctx: RequestContext, session: FetchContext): FetchResponse | Promise<FetchResponse> {
  const { request } = session;
  const first = evaluate(ctx, request);
  const enough = first.bytes >= request.minBytes || first.failed;
  if (enough || request.maxWaitMs <= 0 || first.partitions.length === 0 || ctx.cluster.shuttingDown) {
    return session.finish(first.response);
  }
  return waitForData(ctx, request, first).then((response) => session.finish(response));
}

export const fetchHandler = defineHandler({
  apiKey: ApiKey.Fetch,
  name: 'Fetch',
  minVersion: 4,
  maxVersion: 16,

  handle(ctx, request) {
    const session = ctx.cluster.fetchSessions.forNode(ctx.node.id).open(request, ctx.apiVersion);
    if (session.errorCode !== ErrorCode.NONE) return session.finish(emptyResponse());
    return fetchPartitions(ctx, session);
  },

  errorResponse(ctx, request, errorCode) {
    // Through the session, so that an incremental fetch gets the error on every partition of its
    // session (not just the few it named) and the session's epoch moves on as for any answer.
    const session = ctx.cluster.fetchSessions.forNode(ctx.node.id).open(request, ctx.apiVersion);
    if (session.errorCode !== ErrorCode.NONE) return session.finish(emptyResponse());
    return session.finish({
      ...emptyResponse(),
      responses: session.request.topics.map((t) => ({
        topic: t.topic,
        topicId: t.topicId,
        partitions: t.partitions.map((p) => errorPartition(p.partition, errorCode)),
      })),
    });
  },
});
