/**
 * DescribeTransactions: v0 (KIP-664), for `kafka-transactions.sh describe` and admin clients.
 *
 * - Per id: state name (Empty, Ongoing, PrepareCommit, ...), timeout, start time (-1 when no
 *   transaction started), producer id and epoch, and the partitions in the transaction (the
 *   group offsets partitions show as `__consumer_offsets`, as in Kafka).
 * - Unknown (or expired) ids get TRANSACTIONAL_ID_NOT_FOUND; ids this broker does not coordinate
 *   NOT_COORDINATOR; an empty id INVALID_REQUEST.
 * - ACLs: DESCRIBE on the transactional id (else TRANSACTIONAL_ID_AUTHORIZATION_FAILED); topics the
 *   principal may not DESCRIBE are left out of the transaction's partitions.
 */
import { AclOperation, ApiKey, ErrorCode, ResourceType } from '@samsa/protocol';
import { authorize } from './authorization.js';
import { coordinatorError } from './common.js';
import { defineHandler } from './types.js';

const unanswered = (transactionalId: string, errorCode: number) => ({
  errorCode,
  transactionalId,
  transactionState: '',
  transactionTimeoutMs: 0,
  transactionStartTimeMs: -1n,
  producerId: -1n,
  producerEpoch: -1,
  topics: [],
});

export const describeTransactionsHandler = defineHandler({
  apiKey: ApiKey.DescribeTransactions,
  name: 'DescribeTransactions',
  minVersion: 0,
  maxVersion: 0,

  handle(ctx, request) {
    return {
      throttleTimeMs: 0,
      transactionStates: request.transactionalIds.map((transactionalId) => {
        if (!authorize(ctx, AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, transactionalId))
          return unanswered(transactionalId, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
        const notCoordinator =
          transactionalId === '' ? ErrorCode.NONE : coordinatorError(ctx, transactionalId);
        if (notCoordinator !== ErrorCode.NONE) return unanswered(transactionalId, notCoordinator);
        const d = ctx.cluster.transactions.describe(transactionalId);
        if (d.errorCode !== ErrorCode.NONE) return unanswered(transactionalId, d.errorCode);
        return {
          errorCode: ErrorCode.NONE,
          transactionalId,
          transactionState: d.state,
          transactionTimeoutMs: d.timeoutMs,
          transactionStartTimeMs: BigInt(d.startTimeMs),
          producerId: BigInt(d.producerId),
          producerEpoch: d.producerEpoch,
          topics: d.topics
            .filter((t) => authorize(ctx, AclOperation.DESCRIBE, ResourceType.TOPIC, t.topic))
            .map((t) => ({ topic: t.topic, partitions: t.partitions })),
        };
      }),
    };
  },

  errorResponse: (_ctx, request, errorCode) => ({
    throttleTimeMs: 0,
    transactionStates: request.transactionalIds.map((id) => unanswered(id, errorCode)),
  }),
});
