/**
 * DescribeProducers: v0 (KIP-664), for `kafka-transactions.sh describe-producers`, and to find the
 * producer and coordinator epoch of a hanging transaction before aborting it with WriteTxnMarkers.
 *
 * - Per partition, every producer the partition's state keeps: producer id and epoch, last sequence
 *   (-1 when its last write was a marker), the timestamp of its last write, the coordinator epoch of
 *   its last marker (-1 if none), and the first offset of its open transaction (-1 if none).
 * - An illegal topic name gets INVALID_TOPIC_EXCEPTION, an unknown topic or partition
 *   UNKNOWN_TOPIC_OR_PARTITION; a broker holding no replica of the partition answers
 *   NOT_LEADER_OR_FOLLOWER (replicas share the leader's log here, so each one answers as Kafka's do).
 * - ACLs: READ on the topic, else TOPIC_AUTHORIZATION_FAILED.
 */
import type { DescribeProducersResponsePartitionResponse } from '@samsa/protocol';
import { AclOperation, ApiKey, ErrorCode, ResourceType } from '@samsa/protocol';
import { topicNameProblem } from '../cluster/topic.js';
import { authorize } from './authorization.js';
import { defineHandler } from './types.js';

function failed(
  partitionIndex: number,
  errorCode: number,
  errorMessage: string | null = null,
): DescribeProducersResponsePartitionResponse {
  return { partitionIndex, errorCode, errorMessage, activeProducers: [] };
}

export const describeProducersHandler = defineHandler({
  apiKey: ApiKey.DescribeProducers,
  name: 'DescribeProducers',
  minVersion: 0,
  maxVersion: 0,

  handle(ctx, request) {
    return {
      throttleTimeMs: 0,
      topics: request.topics.map((t) => {
        const problem = topicNameProblem(t.name);
        const topic = ctx.cluster.topic(t.name);
        const mayRead = authorize(ctx, AclOperation.READ, ResourceType.TOPIC, t.name);
        return {
          name: t.name,
          partitions: t.partitionIndexes.map((index) => {
            if (problem) return failed(index, ErrorCode.INVALID_TOPIC_EXCEPTION, problem);
            if (!mayRead) return failed(index, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
            const partition = topic?.partitions[index];
            if (!partition) return failed(index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
            if (!partition.replicas.includes(ctx.node.id))
              return failed(index, ErrorCode.NOT_LEADER_OR_FOLLOWER);
            const activeProducers = [...partition.log.producers.entries()].map((entry) => ({
              producerId: BigInt(entry.producerId),
              producerEpoch: entry.epoch,
              lastSequence: entry.lastSeq,
              lastTimestamp: BigInt(entry.lastTimestamp),
              coordinatorEpoch: entry.coordinatorEpoch,
              currentTxnStartOffset: BigInt(entry.currentTxnFirstOffset),
            }));
            return { partitionIndex: index, errorCode: ErrorCode.NONE, errorMessage: null, activeProducers };
          }),
        };
      }),
    };
  },

  errorResponse: (_ctx, request, errorCode) => ({
    throttleTimeMs: 0,
    topics: request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((index) => failed(index, errorCode)),
    })),
  }),
});
