/**
 * The producer-state part of Produce, in Kafka's order (KafkaApis.handleProduceRequest,
 * ReplicaManager.handleProduceAppend, AddPartitionsToTxnManager, UnifiedLog.analyzeAndValidateProducerState):
 *
 * 1. Request: transactional batches need a transactional id (else TRANSACTIONAL_ID_AUTHORIZATION_FAILED
 *    for the whole request, as Kafka's authorizer check answers) and one producer id (else
 *    INVALID_PRODUCER_ID_MAPPING).
 * 2. KIP-890 part 1: a transactional batch of a producer with no transaction open on the partition is
 *    checked with the transaction coordinator (AddPartitionsToTxn VerifyOnly). A partition not in the
 *    transaction: TRANSACTION_ABORTABLE for Produce v11+, INVALID_TXN_STATE before; a fenced producer:
 *    INVALID_PRODUCER_EPOCH; a coordinator busy completing the transaction: NOT_ENOUGH_REPLICAS, which
 *    every client retries. The coordinator runs in this process, so the answer is immediate and no
 *    marker can slip in between (what Kafka's VerificationGuard protects against).
 * 3. The partition's producer state (storage/producer-state.ts): a retry is answered with the original
 *    batch's offsets; epoch, sequence and transaction-state errors.
 */
import type { ProduceRequest, ProduceResponsePartitionProduceResponse } from '@samsa/protocol';
import {
  BatchField,
  CURRENT_MAGIC,
  ErrorCode,
  errorCodeName,
  RECORD_BATCH_OVERHEAD,
  TRANSACTIONAL_FLAG_MASK,
} from '@samsa/protocol';
import type { PartitionState } from '../cluster/topic.js';
import { BatchMetadata, lastSequenceOf, type ProducedBatch } from '../storage/index.js';
import type { RequestContext } from './types.js';

/** The first Produce version that knows TRANSACTION_ABORTABLE (KIP-890). */
const TRANSACTION_ABORTABLE_PRODUCE_VERSION = 11;

/** Coordinator answers an older client would not retry: Kafka turns them into NOT_ENOUGH_REPLICAS. */
const RETRY_VERIFICATION = new Set<number>([
  ErrorCode.CONCURRENT_TRANSACTIONS,
  ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
  ErrorCode.COORDINATOR_NOT_AVAILABLE,
  ErrorCode.NOT_COORDINATOR,
  ErrorCode.NETWORK_EXCEPTION,
]);

/** A partition result with only an error code and message; the caller sets the index. */
export type PartitionOutcome = ProduceResponsePartitionProduceResponse;

function outcome(errorCode: number, errorMessage: string | null): PartitionOutcome {
  return {
    index: 0,
    errorCode,
    baseOffset: -1n,
    logAppendTimeMs: -1n,
    logStartOffset: -1n,
    recordErrors: [],
    errorMessage,
  };
}

/**
 * Step 1: the error every partition of the request gets, or NONE. Reads two header bytes per partition,
 * so plain and idempotent requests pay next to nothing.
 */
export function transactionalRequestError(request: ProduceRequest): number {
  let producerId: bigint | undefined;
  for (const topic of request.topicData) {
    for (const data of topic.partitionData) {
      const records = data.records;
      if (!records || records.length < RECORD_BATCH_OVERHEAD || records[BatchField.magic] !== CURRENT_MAGIC) {
        continue;
      }
      if ((records.readInt16BE(BatchField.attributes) & TRANSACTIONAL_FLAG_MASK) === 0) continue;
      if ((request.transactionalId ?? null) === null) return ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
      const id = records.readBigInt64BE(BatchField.producerId);
      if (producerId !== undefined && id !== producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
      producerId = id;
    }
  }
  return ErrorCode.NONE;
}

/** Whether any partition of the request carries a transactional batch (Kafka's hasTransactionalRecords). */
export function hasTransactionalRecords(request: ProduceRequest): boolean {
  for (const topic of request.topicData) {
    for (const data of topic.partitionData) {
      const records = data.records;
      if (!records || records.length < RECORD_BATCH_OVERHEAD || records[BatchField.magic] !== CURRENT_MAGIC) {
        continue;
      }
      if ((records.readInt16BE(BatchField.attributes) & TRANSACTIONAL_FLAG_MASK) !== 0) return true;
    }
  }
  return false;
}

/** Step 2: the coordinator's word on a transactional batch starting a transaction on this partition. */
function verifyTransaction(
  ctx: RequestContext,
  transactionalId: string,
  partition: PartitionState,
  batch: ProducedBatch,
): PartitionOutcome | undefined {
  const [code] = ctx.cluster.transactions.verifyPartitions(
    transactionalId,
    batch.producerId,
    batch.producerEpoch,
    [{ topic: partition.topic.name, partition: partition.index }],
  );
  switch (code) {
    case ErrorCode.NONE:
      return undefined;
    case ErrorCode.PRODUCER_FENCED:
      return outcome(
        ErrorCode.INVALID_PRODUCER_EPOCH,
        `Producer ${batch.producerId} epoch ${batch.producerEpoch} is fenced by a newer instance of transactional id ${transactionalId}.`,
      );
    case ErrorCode.TRANSACTION_ABORTABLE:
      return ctx.apiVersion >= TRANSACTION_ABORTABLE_PRODUCE_VERSION
        ? outcome(
            ErrorCode.TRANSACTION_ABORTABLE,
            `Partition ${partition.name} was not added to the transaction of ${transactionalId}; abort it.`,
          )
        : outcome(ErrorCode.INVALID_TXN_STATE, 'Partition was not added to the transaction');
    default:
      if (RETRY_VERIFICATION.has(code)) {
        return outcome(
          ErrorCode.NOT_ENOUGH_REPLICAS,
          `Unable to verify the partition has been added to the transaction. Underlying error: ${errorCodeName(code)}`,
        );
      }
      return outcome(
        code,
        `Transaction verification for ${partition.name} failed with ${errorCodeName(code)}.`,
      );
  }
}

/**
 * Steps 2 and 3 for a validated batch with a producer id: undefined to append it, else the partition's
 * result (the original offsets of a retried batch, or an error). The caller sets the index.
 */
export function checkProducerState(
  ctx: RequestContext,
  request: ProduceRequest,
  partition: PartitionState,
  batch: ProducedBatch,
): PartitionOutcome | undefined {
  const log = partition.log;
  const producers = log.producers;
  const transactionalId = request.transactionalId ?? null;
  if (batch.transactional && transactionalId !== null) {
    if (!producers.hasOngoingTransaction(batch.producerId)) {
      const refused = verifyTransaction(ctx, transactionalId, partition, batch);
      if (refused) return refused;
    }
  }
  const check = producers.checkClientBatch(
    batch.producerId,
    batch.producerEpoch,
    batch.baseSequence,
    lastSequenceOf(batch.baseSequence, batch.lastOffsetDelta),
    batch.transactional,
  );
  if (check === undefined) return undefined;
  if (check instanceof BatchMetadata) {
    // A retry of a batch already written: where it went, as Kafka answers (its timestamp included).
    const result = outcome(ErrorCode.NONE, null);
    result.baseOffset = BigInt(check.firstOffset);
    result.logAppendTimeMs = BigInt(check.timestamp);
    result.logStartOffset = BigInt(log.logStartOffset);
    return result;
  }
  return outcome(check.errorCode, check.message);
}
