/**
 * EndTxn: v0-4 (v5, transaction version 2's epoch bump on every EndTxn, is not served).
 *
 * - Ongoing: PrepareCommit/PrepareAbort is persisted and NONE answered; the markers follow and
 *   the transaction completes in the background (meanwhile the id answers CONCURRENT_TRANSACTIONS).
 * - A retry after completion: NONE for the same outcome, INVALID_TXN_STATE for the other; while
 *   completing: CONCURRENT_TRANSACTIONS for the same outcome, INVALID_TXN_STATE for the other;
 *   no transaction (Empty): INVALID_TXN_STATE.
 * - INVALID_PRODUCER_ID_MAPPING (unknown id or another producer id), PRODUCER_FENCED (another
 *   epoch; INVALID_PRODUCER_EPOCH below v2). Only the id's coordinator answers (NOT_COORDINATOR).
 * - ACLs: WRITE on the transactional id, else TRANSACTIONAL_ID_AUTHORIZATION_FAILED.
 */
import { AclOperation, ApiKey, ErrorCode, ResourceType } from '@samsa/protocol';
import { authorize } from './authorization.js';
import { coordinatorError } from './common.js';
import { fencingCode } from './txn-errors.js';
import { defineHandler } from './types.js';

export const endTxnHandler = defineHandler({
  apiKey: ApiKey.EndTxn,
  name: 'EndTxn',
  minVersion: 0,
  maxVersion: 4,

  handle(ctx, request) {
    const { transactionalId, producerEpoch, committed } = request;
    if (!authorize(ctx, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, transactionalId))
      return { throttleTimeMs: 0, errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED };
    const notCoordinator = transactionalId === '' ? ErrorCode.NONE : coordinatorError(ctx, transactionalId);
    if (notCoordinator !== ErrorCode.NONE) return { throttleTimeMs: 0, errorCode: notCoordinator };
    const errorCode = ctx.cluster.transactions.endTransaction(
      transactionalId,
      Number(request.producerId),
      producerEpoch,
      committed,
    );
    return { throttleTimeMs: 0, errorCode: fencingCode(errorCode, ctx.apiVersion, 2) };
  },

  errorResponse: (_ctx, _request, errorCode) => ({ throttleTimeMs: 0, errorCode }),
});
