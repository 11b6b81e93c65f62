/** Transactional requests over a RawClient, for handler tests of the transaction coordinator. */
import {
  ApiKey,
  type ControlRecord,
  ErrorCode,
  iterateRecordBatches,
  readControlRecord,
} from '@samsa/protocol';
import { buildBatch, type TestRecord } from '@samsa/test-support/record-batches';
import { coordinatorPartition } from '../../src/cluster/coordinator-partitions.js';
import { fetchRequestBody } from './kafka.js';
import type { RawClient } from './raw-client.js';

export interface Producer {
  transactionalId: string;
  producerId: bigint;
  producerEpoch: number;
}

/** A transactional id starting with `prefix` whose coordinator is broker `nodeId` (1-based) of two. */
export function coordinatedBy(nodeId: 1 | 2, prefix: string): string {
  for (let i = 0; ; i++) {
    const id = `${prefix}-${i}`;
    if (coordinatorPartition(id) % 2 === nodeId - 1) return id;
  }
}

/** InitProducerId for a transactional id; fails the test unless it succeeds. */
export async function initTransactions(
  client: RawClient,
  transactionalId: string,
  options: { version?: number; timeoutMs?: number } = {},
): Promise<Producer> {
  const response = await client.request(ApiKey.InitProducerId, options.version ?? 4, {
    transactionalId,
    transactionTimeoutMs: options.timeoutMs ?? 60_000,
    producerId: -1n,
    producerEpoch: -1,
  });
  if (response.errorCode !== ErrorCode.NONE) {
    throw new Error(`InitProducerId(${transactionalId}) failed with error ${response.errorCode}`);
  }
  return { transactionalId, producerId: response.producerId, producerEpoch: response.producerEpoch };
}

/** AddPartitionsToTxn v0-3; resolves with the code of every partition, in request order. */
export async function addPartitions(
  client: RawClient,
  p: Producer,
  topics: { name: string; partitions: number[] }[],
  version = 1,
): Promise<number[]> {
  const response = await client.request(ApiKey.AddPartitionsToTxn, version, {
    v3AndBelowTransactionalId: p.transactionalId,
    v3AndBelowProducerId: p.producerId,
    v3AndBelowProducerEpoch: p.producerEpoch,
    v3AndBelowTopics: topics,
  });
  return (response.resultsByTopicV3AndBelow ?? []).flatMap((t) =>
    t.resultsByPartition.map((r) => r.partitionErrorCode),
  );
}

export async function addOffsets(
  client: RawClient,
  p: Producer,
  groupId: string,
  version = 1,
): Promise<number> {
  const response = await client.request(ApiKey.AddOffsetsToTxn, version, {
    transactionalId: p.transactionalId,
    producerId: p.producerId,
    producerEpoch: p.producerEpoch,
    groupId,
  });
  return response.errorCode;
}

export async function endTxn(
  client: RawClient,
  p: Producer,
  committed: boolean,
  version = 1,
): Promise<number> {
  const response = await client.request(ApiKey.EndTxn, version, {
    transactionalId: p.transactionalId,
    producerId: p.producerId,
    producerEpoch: p.producerEpoch,
    committed,
  });
  return response.errorCode;
}

/** Produces a transactional batch (sequence `baseSequence`) to one partition; resolves with its error code. */
export async function produceTransactional(
  client: RawClient,
  p: Producer,
  topic: string,
  partition: number,
  records: TestRecord[],
  baseSequence = 0,
): Promise<number> {
  const response = await client.request(ApiKey.Produce, 9, {
    transactionalId: p.transactionalId,
    acks: -1,
    timeoutMs: 5000,
    topicData: [
      {
        name: topic,
        partitionData: [
          {
            index: partition,
            records: buildBatch(records, {
              producerId: p.producerId,
              producerEpoch: p.producerEpoch,
              baseSequence,
              transactional: true,
            }),
          },
        ],
      },
    ],
  });
  return response.responses[0].partitionResponses[0].errorCode;
}

export async function describeTransaction(client: RawClient, transactionalId: string) {
  const response = await client.request(ApiKey.DescribeTransactions, 0, {
    transactionalIds: [transactionalId],
  });
  return response.transactionStates[0];
}

/** The transaction markers (control records) in a partition, read uncommitted from offset 0. */
export async function markersIn(
  client: RawClient,
  topic: string,
  partition: number,
): Promise<ControlRecord[]> {
  const response = await client.request(
    ApiKey.Fetch,
    11,
    fetchRequestBody(topic, [{ partition, offset: 0 }], { isolationLevel: 0 }),
  );
  const records = response.responses[0].partitions[0].records;
  if (!records) return [];
  return [...iterateRecordBatches(records)].filter((b) => b.isControl).map((b) => readControlRecord(b));
}
