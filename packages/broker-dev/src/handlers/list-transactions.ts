/**
 * ListTransactions: v0-1 (KIP-664; v1 adds DurationFilter, KIP-994).
 *
 * - Each broker lists the transactional ids it coordinates (admin clients ask every broker and
 *   merge), filtered by state names (unknown names come back in UnknownStateFilters), producer
 *   ids and, v1, a minimum time since the transaction started. Expired ids are left out.
 * - ACLs: only transactional ids the principal may DESCRIBE are listed.
 */
import { AclOperation, ApiKey, ResourceType } from '@samsa/protocol';
import { authorize } from './authorization.js';
import { defineHandler } from './types.js';

export const listTransactionsHandler = defineHandler({
  apiKey: ApiKey.ListTransactions,
  name: 'ListTransactions',
  minVersion: 0,
  maxVersion: 1,

  handle(ctx, request) {
    const listed = ctx.cluster.transactions.list({
      states: request.stateFilters,
      producerIds: request.producerIdFilters.map(Number),
      minDurationMs: ctx.apiVersion >= 1 ? Number(request.durationFilter ?? -1n) : -1,
    });
    return {
      throttleTimeMs: 0,
      errorCode: listed.errorCode,
      unknownStateFilters: listed.unknownStateFilters,
      transactionStates: listed.transactions
        .filter((t) => ctx.cluster.coordinatorFor(t.transactionalId)?.id === ctx.node.id)
        .filter((t) =>
          authorize(ctx, AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, t.transactionalId),
        )
        .map((t) => ({
          transactionalId: t.transactionalId,
          producerId: BigInt(t.producerId),
          transactionState: t.state,
        })),
    };
  },

  errorResponse: (_ctx, _request, errorCode) => ({
    throttleTimeMs: 0,
    errorCode,
    unknownStateFilters: [],
    transactionStates: [],
  }),
});
