/**
 * InitProducerId: v0-5.
 *
 * - Without a transactional id (idempotent producers) every call gets a new producer id at epoch 0;
 *   a producer id and epoch sent with it (v3+) are ignored, as Kafka does (Java producers bump
 *   their epoch locally and ask for a new id only when it runs out).
 * - With a transactional id the transaction coordinator answers, on the id's coordinator only
 *   (NOT_COORDINATOR elsewhere): the same producer id with the next epoch, fencing (and aborting
 *   the open transaction of) the previous instance, KIP-360 re-initialisation with the current
 *   pid/epoch (v3+), a new producer id once the epochs run out, CONCURRENT_TRANSACTIONS while a
 *   transaction is being completed. The timeout must be 1..transaction.max.timeout.ms
 *   (INVALID_TRANSACTION_TIMEOUT); an empty id is INVALID_REQUEST.
 * - Only one of ProducerId and ProducerEpoch given: INVALID_REQUEST. PRODUCER_FENCED is answered as
 *   INVALID_PRODUCER_EPOCH below v4.
 * - ACLs: WRITE on the transactional id (else TRANSACTIONAL_ID_AUTHORIZATION_FAILED); an idempotent
 *   producer needs IDEMPOTENT_WRITE on the cluster or WRITE on some topic (KIP-679; else
 *   CLUSTER_AUTHORIZATION_FAILED).
 */
import { AclOperation, ApiKey, ErrorCode, ResourceType } from '@samsa/protocol';
import { authorize, authorizeAnyOfType, authorizeCluster } from './authorization.js';
import { coordinatorError } from './common.js';
import { fencingCode } from './txn-errors.js';
import { defineHandler } from './types.js';

const NO_PRODUCER_ID = -1;
const NO_PRODUCER_EPOCH = -1;

export const initProducerIdHandler = defineHandler({
  apiKey: ApiKey.InitProducerId,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 5,

  handle(ctx, request) {
    const fail = (errorCode: number) => ({
      throttleTimeMs: 0,
      errorCode,
      producerId: BigInt(NO_PRODUCER_ID),
      producerEpoch: NO_PRODUCER_EPOCH,
    });
    const transactionalId = request.transactionalId ?? null;
    if (transactionalId !== null) {
      if (!authorize(ctx, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, transactionalId))
        return fail(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    } else if (
      !authorizeCluster(ctx, AclOperation.IDEMPOTENT_WRITE) &&
      !authorizeAnyOfType(ctx, AclOperation.WRITE, ResourceType.TOPIC)
    ) {
      return fail(ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
    }
    const producerId = Number(request.producerId ?? BigInt(NO_PRODUCER_ID));
    const producerEpoch = request.producerEpoch ?? NO_PRODUCER_EPOCH;
    if ((producerId === NO_PRODUCER_ID) !== (producerEpoch === NO_PRODUCER_EPOCH)) {
      return fail(ErrorCode.INVALID_REQUEST);
    }
    if (transactionalId) {
      const notCoordinator = coordinatorError(ctx, transactionalId);
      if (notCoordinator !== ErrorCode.NONE) return fail(notCoordinator);
    }
    const result = ctx.cluster.transactions.initProducerId(
      transactionalId,
      request.transactionTimeoutMs,
      producerId === NO_PRODUCER_ID ? undefined : { producerId, producerEpoch },
    );
    if (result.errorCode !== ErrorCode.NONE) return fail(fencingCode(result.errorCode, ctx.apiVersion, 4));
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      producerId: BigInt(result.producerId),
      producerEpoch: result.producerEpoch,
    };
  },

  errorResponse: (_ctx, _request, errorCode) => ({
    throttleTimeMs: 0,
    errorCode,
    producerId: BigInt(NO_PRODUCER_ID),
    producerEpoch: NO_PRODUCER_EPOCH,
  }),
});
