/**
 * Produce: advertised v0-11, served v3-11.
 *
 * - v0-2 (message formats v0/v1) are advertised only because librdkafka < 2.11.1 enables
 *   gzip/snappy/lz4 only if the Produce range contains v0; like Kafka 4 (KAFKA-18659) every
 *   partition of such a request gets UNSUPPORTED_VERSION.
 * - Each partition carries one RecordBatch v2, validated as Kafka's LogValidator does (see
 *   storage/produce-validation.ts: framing, CRC32C, codec, attributes, counts, every record, keys on
 *   compacted topics, timestamps; compressed batches are decompressed within a bound) and stored
 *   verbatim with the base offset and leader epoch patched in.
 * - Internal topics (__consumer_offsets, ...) get INVALID_TOPIC_EXCEPTION, as in Kafka.
 * - acks=0 sends no response; if any partition failed, the connection is closed instead so the
 *   producer notices (Kafka does the same). acks=-1 checks min.insync.replicas against the ISR.
 * - ACLs: WRITE on the transactional id for transactional batches (else every partition gets
 *   TRANSACTIONAL_ID_AUTHORIZATION_FAILED), WRITE on each topic (TOPIC_AUTHORIZATION_FAILED, answered before
 *   anything is said about the topic's existence).
 * - Only the leader accepts writes (NOT_LEADER_OR_FOLLOWER with the KIP-951 leader hint, v10+).
 * - Idempotent and transactional producers: the producer-state checks of
 *   produce-producer-state.ts (a retried batch is answered with its original offsets and not
 *   written again; epoch, sequence and transaction-state errors; KIP-890 verification of a
 *   transaction's first batch on a partition, TRANSACTION_ABORTABLE from v11). The log then
 *   records the batch in the partition's producer state (open transactions, last stable offset).
 * - UNKNOWN_PRODUCER_ID is never answered: since KIP-360 (Kafka 2.5) a producer without state on
 *   the partition may continue at any sequence.
 */

import type {
  ProduceRequest,
  ProduceResponse,
  ProduceResponsePartitionProduceResponse,
  ProduceResponseTopicProduceResponse,
} from '@samsa/protocol';
import { AclOperation, ApiKey, ErrorCode, ResourceType } from '@samsa/protocol';
import { errorCodeOf } from '../broker-error.js';
import { mayProduceTo } from '../cluster/internal-topics.js';
import { minInsyncReplicas } from '../cluster/topic-configs.js';
import { validateProducedBatch } from '../storage/index.js';
import { authorize } from './authorization.js';
import { leaderError, nodeEndpoint } from './common.js';
import {
  checkProducerState,
  hasTransactionalRecords,
  transactionalRequestError,
} from './produce-producer-state.js';
import { CloseConnection, defineHandler, NO_RESPONSE, type RequestContext } from './types.js';

const NO_OFFSET = -1n;
const EMPTY = Buffer.alloc(0);

function partitionResult(
  index: number,
  errorCode: number,
  errorMessage: string | null = null,
): ProduceResponsePartitionProduceResponse {
  return {
    index,
    errorCode,
    baseOffset: NO_OFFSET,
    logAppendTimeMs: NO_OFFSET,
    logStartOffset: NO_OFFSET,
    recordErrors: [],
    errorMessage,
  };
}

function errorResponse(request: ProduceRequest, errorCode: number): ProduceResponse {
  return {
    responses: request.topicData.map((t) => ({
      name: t.name,
      partitionResponses: t.partitionData.map((p) => partitionResult(p.index, errorCode)),
    })),
    throttleTimeMs: 0,
  };
}

export const produceHandler = defineHandler({
  apiKey: ApiKey.Produce,
  name: 'Produce',
  minVersion: 0,
  maxVersion: 11,

  handle(ctx: RequestContext, request: ProduceRequest) {
    if (ctx.apiVersion < 3) return errorResponse(request, ErrorCode.UNSUPPORTED_VERSION);
    const acks = request.acks;
    if (acks !== 0 && acks !== 1 && acks !== -1)
      return errorResponse(request, ErrorCode.INVALID_REQUIRED_ACKS);
    const transactionalId = request.transactionalId ?? null;
    const requestError =
      transactionalId !== null &&
      !authorize(ctx, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, transactionalId) &&
      hasTransactionalRecords(request)
        ? ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED
        : transactionalRequestError(request);
    if (requestError !== ErrorCode.NONE) {
      return acks === 0
        ? new CloseConnection('a transactional produce request with acks=0 failed')
        : errorResponse(request, requestError);
    }
    const cluster = ctx.cluster;
    const nodeId = ctx.node.id;
    let failed = false;
    let leaderHints: Set<number> | undefined;
    const responses: ProduceResponseTopicProduceResponse[] = new Array(request.topicData.length);
    for (let t = 0; t < request.topicData.length; t++) {
      const topicData = request.topicData[t];
      const topic = cluster.topic(topicData.name);
      const mayWrite = authorize(ctx, AclOperation.WRITE, ResourceType.TOPIC, topicData.name);
      const partitionResponses: ProduceResponsePartitionProduceResponse[] = new Array(
        topicData.partitionData.length,
      );
      for (let i = 0; i < topicData.partitionData.length; i++) {
        const data = topicData.partitionData[i];
        if (!mayWrite) {
          partitionResponses[i] = partitionResult(data.index, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
          failed = true;
          continue;
        }
        if (!mayProduceTo(topicData.name, ctx.header.clientId)) {
          partitionResponses[i] = partitionResult(
            data.index,
            ErrorCode.INVALID_TOPIC_EXCEPTION,
            `Cannot append to internal topic ${topicData.name}.`,
          );
          failed = true;
          continue;
        }
        const partition = topic?.partitions[data.index];
        if (!partition) {
          partitionResponses[i] = partitionResult(data.index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
          failed = true;
          continue;
        }
        if (partition.leader !== nodeId) {
          const result = partitionResult(data.index, leaderError(ctx, partition));
          if (partition.leader >= 0) {
            result.currentLeader = { leaderId: partition.leader, leaderEpoch: partition.leaderEpoch };
            leaderHints ??= new Set();
            leaderHints.add(partition.leader);
          }
          partitionResponses[i] = result;
          failed = true;
          continue;
        }
        if (acks === -1 && partition.isr.length < minInsyncReplicas(topic!.configs, cluster.topicDefaults)) {
          partitionResponses[i] = partitionResult(
            data.index,
            ErrorCode.NOT_ENOUGH_REPLICAS,
            `The size of the current ISR [${partition.isr.join(', ')}] is insufficient to satisfy the min.isr requirement`,
          );
          failed = true;
          continue;
        }
        const records = data.records ?? EMPTY;
        try {
          const log = partition.log;
          const batch = validateProducedBatch(records, log.config, {
            requestVersion: ctx.apiVersion,
            nowMs: Date.now(),
            maxDecompressedBytes: cluster.maxDecompressedBatchBytes,
            codecs: cluster.recordCodecs,
          });
          if (batch.producerId >= 0) {
            const outcome = checkProducerState(ctx, request, partition, batch);
            if (outcome) {
              partitionResponses[i] = outcome;
              outcome.index = data.index;
              if (outcome.errorCode !== ErrorCode.NONE) failed = true;
              continue;
            }
          }
          const appended = log.append(records, {
            leaderEpoch: partition.leaderEpoch,
            adopt: ctx.requestBytesOwned,
          });
          partitionResponses[i] = {
            index: data.index,
            errorCode: ErrorCode.NONE,
            baseOffset: BigInt(appended.baseOffset),
            logAppendTimeMs: BigInt(appended.logAppendTimeMs),
            logStartOffset: BigInt(log.logStartOffset),
            recordErrors: [],
            errorMessage: null,
          };
          partition.wake();
        } catch (err) {
          const code = errorCodeOf(err);
          if (code === ErrorCode.UNKNOWN_SERVER_ERROR) {
            cluster.logger.error(`produce to ${partition.name} failed: ${(err as Error).stack ?? err}`);
          } else {
            cluster.logger.debug(`produce to ${partition.name} rejected: ${(err as Error).message}`);
          }
          partitionResponses[i] = partitionResult(data.index, code, (err as Error).message);
          failed = true;
        }
      }
      responses[t] = { name: topicData.name, partitionResponses };
    }
    if (acks === 0) {
      return failed ? new CloseConnection('a produce request with acks=0 failed') : NO_RESPONSE;
    }
    const response: ProduceResponse = { responses, throttleTimeMs: 0 };
    if (leaderHints) response.nodeEndpoints = [...leaderHints].flatMap((id) => nodeEndpoint(ctx, id));
    return response;
  },

  errorResponse: (_ctx, request, errorCode) => errorResponse(request, errorCode),
});
