/**
 * AddPartitionsToTxn: v0-5.
 *
 * - v0-3: one transaction, a code per partition. v4+: several transactions (`Transactions[]`,
 *   results per transaction, a top-level code), as brokers verifying a produce request send it
 *   (VerifyOnly, KIP-890 part 1) and as @platformatic/kafka sends it as a client.
 * - Adding: partitions of unknown topics get UNKNOWN_TOPIC_OR_PARTITION and the others
 *   OPERATION_NOT_ATTEMPTED, nothing is added; then the coordinator's checks, one code for all:
 *   INVALID_PRODUCER_ID_MAPPING (unknown id or another producer id), PRODUCER_FENCED (another epoch;
 *   INVALID_PRODUCER_EPOCH below v2), CONCURRENT_TRANSACTIONS (the previous transaction is still
 *   being completed); NONE once the partitions are in the transaction, persisted.
 * - VerifyOnly: NONE per partition in the transaction, TRANSACTION_ABORTABLE (INVALID_TXN_STATE
 *   below v5) per partition not in it; nothing is added.
 * - Only the transactional id's coordinator answers (NOT_COORDINATOR elsewhere).
 * - ACLs: v4+ is broker-to-broker and needs CLUSTER_ACTION on the cluster (else CLUSTER_AUTHORIZATION_FAILED
 *   at the top). v0-3 need WRITE on the transactional id (else TRANSACTIONAL_ID_AUTHORIZATION_FAILED for
 *   every partition) and on each topic (else TOPIC_AUTHORIZATION_FAILED for its partitions, and
 *   OPERATION_NOT_ATTEMPTED for the others).
 */
import type {
  AddPartitionsToTxnRequest,
  AddPartitionsToTxnRequestAddPartitionsToTxnTopic,
  AddPartitionsToTxnResponse,
  AddPartitionsToTxnResponseAddPartitionsToTxnTopicResult,
} from '@samsa/protocol';
import { AclOperation, ApiKey, ErrorCode, ResourceType } from '@samsa/protocol';
import type { TopicPartition } from '../txn/topic-partitions.js';
import { authorize, authorizeCluster, authorizedNames } from './authorization.js';
import { coordinatorError } from './common.js';
import { abortableCode, fencingCode } from './txn-errors.js';
import { defineHandler, type RequestContext } from './types.js';

type Topics = readonly AddPartitionsToTxnRequestAddPartitionsToTxnTopic[];
type TopicResults = AddPartitionsToTxnResponseAddPartitionsToTxnTopicResult[];

function partitionsOf(topics: Topics): TopicPartition[] {
  return topics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.name, partition })));
}

/** Results in the request's shape, the code of each partition from `codeOf`. */
function resultsFor(
  topics: Topics,
  codeOf: (topic: string, partition: number, index: number) => number,
): TopicResults {
  let index = 0;
  return topics.map((t) => ({
    name: t.name,
    resultsByPartition: t.partitions.map((partitionIndex) => ({
      partitionIndex,
      partitionErrorCode: codeOf(t.name, partitionIndex, index++),
    })),
  }));
}

function handleTransaction(
  ctx: RequestContext,
  transaction: {
    transactionalId: string;
    producerId: bigint;
    producerEpoch: number;
    verifyOnly: boolean;
    topics: Topics;
  },
): TopicResults {
  const { transactionalId, producerEpoch, topics } = transaction;
  const producerId = Number(transaction.producerId);
  const translate = (code: number) => abortableCode(fencingCode(code, ctx.apiVersion, 2), ctx.apiVersion, 5);
  if (ctx.apiVersion < 4) {
    if (!authorize(ctx, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, transactionalId))
      return resultsFor(topics, () => ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    const writable = authorizedNames(
      ctx,
      AclOperation.WRITE,
      ResourceType.TOPIC,
      topics.map((t) => t.name),
    );
    if (writable.size < new Set(topics.map((t) => t.name)).size) {
      return resultsFor(topics, (topic, partition) => {
        if (!writable.has(topic)) return ErrorCode.TOPIC_AUTHORIZATION_FAILED;
        if (!ctx.cluster.partition(topic, partition)) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        return ErrorCode.OPERATION_NOT_ATTEMPTED;
      });
    }
  }
  const notCoordinator = transactionalId === '' ? ErrorCode.NONE : coordinatorError(ctx, transactionalId);
  if (notCoordinator !== ErrorCode.NONE) return resultsFor(topics, () => notCoordinator);
  const partitions = partitionsOf(topics);
  const coordinator = ctx.cluster.transactions;
  if (transaction.verifyOnly) {
    const codes = coordinator.verifyPartitions(transactionalId, producerId, producerEpoch, partitions);
    return resultsFor(topics, (_t, _p, i) => translate(codes[i]));
  }
  const unknown = (topic: string, partition: number) => !ctx.cluster.partition(topic, partition);
  if (partitions.some((p) => unknown(p.topic, p.partition))) {
    return resultsFor(topics, (topic, partition) =>
      unknown(topic, partition) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.OPERATION_NOT_ATTEMPTED,
    );
  }
  const code = translate(coordinator.addPartitions(transactionalId, producerId, producerEpoch, partitions));
  return resultsFor(topics, () => code);
}

function errorResponse(ctx: RequestContext, request: AddPartitionsToTxnRequest, errorCode: number) {
  if (ctx.apiVersion >= 4) return { throttleTimeMs: 0, errorCode, resultsByTransaction: [] };
  return {
    throttleTimeMs: 0,
    resultsByTopicV3AndBelow: resultsFor(request.v3AndBelowTopics ?? [], () => errorCode),
  };
}

export const addPartitionsToTxnHandler = defineHandler({
  apiKey: ApiKey.AddPartitionsToTxn,
  name: 'AddPartitionsToTxn',
  minVersion: 0,
  maxVersion: 5,

  handle(ctx, request): AddPartitionsToTxnResponse {
    if (ctx.apiVersion >= 4) {
      if (!authorizeCluster(ctx, AclOperation.CLUSTER_ACTION))
        return errorResponse(ctx, request, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.NONE,
        resultsByTransaction: (request.transactions ?? []).map((t) => ({
          transactionalId: t.transactionalId,
          topicResults: handleTransaction(ctx, { ...t, verifyOnly: t.verifyOnly ?? false }),
        })),
      };
    }
    return {
      throttleTimeMs: 0,
      resultsByTopicV3AndBelow: handleTransaction(ctx, {
        transactionalId: request.v3AndBelowTransactionalId ?? '',
        producerId: request.v3AndBelowProducerId ?? -1n,
        producerEpoch: request.v3AndBelowProducerEpoch ?? -1,
        verifyOnly: false,
        topics: request.v3AndBelowTopics ?? [],
      }),
    };
  },

  errorResponse,
});
