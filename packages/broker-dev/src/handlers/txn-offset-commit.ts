/**
 * TxnOffsetCommit: v0-4, answered by the group's coordinator.
 *
 * - The transaction must hold the group's offsets partition (AddOffsetsToTxn first; KIP-890 part
 *   1 verification): otherwise TRANSACTION_ABORTABLE (INVALID_TXN_STATE below v4); an unknown
 *   transactional id or another producer id INVALID_PRODUCER_ID_MAPPING; a stale epoch
 *   INVALID_PRODUCER_EPOCH.
 * - Partitions of unknown topics get UNKNOWN_TOPIC_OR_PARTITION, metadata over
 *   offset.metadata.max.bytes OFFSET_METADATA_TOO_LARGE.
 * - The group: a missing one is created with generation -1 (ILLEGAL_GENERATION otherwise); with
 *   member information (v3+, KIP-447) an unknown member gets UNKNOWN_MEMBER_ID, another static
 *   member FENCED_INSTANCE_ID, another generation ILLEGAL_GENERATION; v0-2 carry none and are
 *   accepted in any group state.
 * - The offsets wait for the transaction: visible to OffsetFetch once it commits, dropped if it
 *   aborts; meanwhile OffsetFetch with RequireStable gets UNSTABLE_OFFSET_COMMIT for them.
 * - ACLs: WRITE on the transactional id (else TRANSACTIONAL_ID_AUTHORIZATION_FAILED), READ on the group
 *   (else GROUP_AUTHORIZATION_FAILED), both for every partition; READ on each topic (else
 *   TOPIC_AUTHORIZATION_FAILED for its partitions).
 */
import type { TxnOffsetCommitRequest, TxnOffsetCommitResponse } from '@samsa/protocol';
import { AclOperation, ApiKey, ErrorCode, ResourceType } from '@samsa/protocol';
import type { CommitEntry } from '../groups/group-offsets.js';
import { authorize } from './authorization.js';
import { coordinatorError } from './common.js';
import { abortableCode } from './txn-errors.js';
import { defineHandler, type RequestContext } from './types.js';

function respond(
  request: TxnOffsetCommitRequest,
  codeOf: (ti: number, pi: number) => number,
): TxnOffsetCommitResponse {
  return {
    throttleTimeMs: 0,
    topics: request.topics.map((t, ti) => ({
      name: t.name,
      partitions: t.partitions.map((p, pi) => ({
        partitionIndex: p.partitionIndex,
        errorCode: codeOf(ti, pi),
      })),
    })),
  };
}

/** The transaction coordinator's verification, in the codes a TxnOffsetCommit answers with. */
function verificationError(ctx: RequestContext, request: TxnOffsetCommitRequest): number {
  const code = ctx.cluster.transactions.verifyOffsets(
    request.transactionalId,
    Number(request.producerId),
    request.producerEpoch,
    request.groupId,
  );
  // A partition leader turns the coordinator's PRODUCER_FENCED into INVALID_PRODUCER_EPOCH.
  if (code === ErrorCode.PRODUCER_FENCED) return ErrorCode.INVALID_PRODUCER_EPOCH;
  return abortableCode(code, ctx.apiVersion, 4);
}

export const txnOffsetCommitHandler = defineHandler({
  apiKey: ApiKey.TxnOffsetCommit,
  name: 'TxnOffsetCommit',
  minVersion: 0,
  maxVersion: 4,

  handle(ctx, request): TxnOffsetCommitResponse {
    if (!authorize(ctx, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, request.transactionalId))
      return respond(request, () => ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    if (!authorize(ctx, AclOperation.READ, ResourceType.GROUP, request.groupId))
      return respond(request, () => ErrorCode.GROUP_AUTHORIZATION_FAILED);
    const notCoordinator = coordinatorError(ctx, request.groupId);
    if (notCoordinator !== ErrorCode.NONE) return respond(request, () => notCoordinator);
    const notVerified = verificationError(ctx, request);
    if (notVerified !== ErrorCode.NONE) return respond(request, () => notVerified);
    const codes = request.topics.map((t) => t.partitions.map((): number => ErrorCode.NONE));
    const entries: CommitEntry[] = [];
    const positions: [number, number][] = [];
    request.topics.forEach((t, ti) => {
      const mayRead = authorize(ctx, AclOperation.READ, ResourceType.TOPIC, t.name);
      t.partitions.forEach((p, pi) => {
        if (!mayRead) {
          codes[ti][pi] = ErrorCode.TOPIC_AUTHORIZATION_FAILED;
          return;
        }
        if (!ctx.cluster.partition(t.name, p.partitionIndex)) {
          codes[ti][pi] = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
          return;
        }
        entries.push({
          topic: t.name,
          partition: p.partitionIndex,
          offset: Number(p.committedOffset),
          leaderEpoch: p.committedLeaderEpoch ?? -1,
          metadata: p.committedMetadata,
        });
        positions.push([ti, pi]);
      });
    });
    if (entries.length > 0) {
      const results = ctx.cluster.groups.commitTransactionalOffsets(
        request.groupId,
        Number(request.producerId),
        request.memberId ?? '',
        request.groupInstanceId ?? null,
        request.generationId ?? -1,
        entries,
      );
      results.forEach((code, i) => {
        const [ti, pi] = positions[i];
        codes[ti][pi] = code;
      });
    }
    return respond(request, (ti, pi) => codes[ti][pi]);
  },

  errorResponse: (_ctx, request, errorCode) => respond(request, () => errorCode),
});
