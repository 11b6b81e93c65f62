/**
 * AddOffsetsToTxn: v0-4.
 *
 * - Adds the group's `__consumer_offsets` partition (abs(hashCode(groupId)) % 50) to the
 *   transaction, as Kafka does, so the group's TxnOffsetCommit offsets are committed or dropped
 *   with it. The checks are AddPartitionsToTxn's: INVALID_PRODUCER_ID_MAPPING, PRODUCER_FENCED
 *   (INVALID_PRODUCER_EPOCH below v2), CONCURRENT_TRANSACTIONS.
 * - Only the transactional id's coordinator answers (NOT_COORDINATOR elsewhere).
 * - ACLs: WRITE on the transactional id (else TRANSACTIONAL_ID_AUTHORIZATION_FAILED), READ on the group
 *   (else GROUP_AUTHORIZATION_FAILED).
 */
import { AclOperation, ApiKey, ErrorCode, ResourceType } from '@samsa/protocol';
import { authorize } from './authorization.js';
import { coordinatorError } from './common.js';
import { fencingCode } from './txn-errors.js';
import { defineHandler } from './types.js';

export const addOffsetsToTxnHandler = defineHandler({
  apiKey: ApiKey.AddOffsetsToTxn,
  name: 'AddOffsetsToTxn',
  minVersion: 0,
  maxVersion: 4,

  handle(ctx, request) {
    const { transactionalId, groupId, producerEpoch } = request;
    if (!authorize(ctx, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, transactionalId))
      return { throttleTimeMs: 0, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED };
    if (!authorize(ctx, AclOperation.READ, ResourceType.GROUP, groupId))
      return { throttleTimeMs: 0, errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED };
    const notCoordinator = transactionalId === '' ? ErrorCode.NONE : coordinatorError(ctx, transactionalId);
    if (notCoordinator !== ErrorCode.NONE) return { throttleTimeMs: 0, errorCode: notCoordinator };
    const errorCode = ctx.cluster.transactions.addOffsets(
      transactionalId,
      Number(request.producerId),
      producerEpoch,
      groupId,
    );
    return { throttleTimeMs: 0, errorCode: fencingCode(errorCode, ctx.apiVersion, 2) };
  },

  errorResponse: (_ctx, _request, errorCode) => ({ throttleTimeMs: 0, errorCode }),
});
