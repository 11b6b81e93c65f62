/**
 * InitProducerId: v0-5, for idempotent producers (Java's default since 3.0, librdkafka and
 * KafkaJS when enabled). Transactions are not supported: a transactional id gets
 * TRANSACTIONAL_ID_AUTHORIZATION_FAILED with a message saying so.
 *
 * - A new producer gets a fresh producer id at epoch 0. v3+ re-initialisation with a known id and
 *   its current epoch bumps the epoch (KIP-360) and resets its sequence state.
 * - Produce then deduplicates retried batches (last five per producer and partition) and refuses
 *   sequence gaps (OUT_OF_ORDER_SEQUENCE_NUMBER) and old epochs (INVALID_PRODUCER_EPOCH).
 */
import { ApiKey, ErrorCode } from '@samsa/protocol';
import { defineHandler } from './types.js';

export const initProducerIdHandler = defineHandler({
  apiKey: ApiKey.InitProducerId,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 5,

  handle(ctx, request) {
    if (request.transactionalId !== null && request.transactionalId !== undefined) {
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
        producerId: -1n,
        producerEpoch: -1,
      };
    }
    const { producerId, producerEpoch } = ctx.cluster.producerIds.initialize(
      Number(request.producerId ?? -1n),
      request.producerEpoch ?? -1,
    );
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: BigInt(producerId), producerEpoch };
  },

  errorResponse: (_ctx, _request, errorCode) => ({
    throttleTimeMs: 0,
    errorCode,
    producerId: -1n,
    producerEpoch: -1,
  }),
});
