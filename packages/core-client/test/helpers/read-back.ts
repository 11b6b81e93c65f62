/**
 * Reads a topic back with raw Fetch requests (no consumer group), to check what producers wrote:
 * every partition from offset 0 to its high watermark, the records and the batches as stored.
 */

import { ApiKey, type RecordBatchHeader } from '@samsa/protocol';
import { type ReadRecord, readBatchHeaders, readRecords } from '@samsa/test-support/record-batches';
import type { Cluster } from '../../src/cluster/cluster.js';

export type { ReadRecord };

export interface StoredPartition {
  records: ReadRecord[];
  /** The batches as the broker stored them (a producer's batches, since the broker keeps them verbatim). */
  batches: RecordBatchHeader[];
}

/** Every partition of `topic`, read from offset 0 to its high watermark. */
export async function readTopic(cluster: Cluster, topic: string): Promise<Map<number, StoredPartition>> {
  await cluster.metadata.refresh([topic]);
  const meta = cluster.metadata.topic(topic)!;
  const out = new Map<number, StoredPartition>();
  for (const { partition } of meta.partitions)
    out.set(partition, await readPartition(cluster, topic, partition));
  return out;
}

export async function readPartition(
  cluster: Cluster,
  topic: string,
  partition: number,
): Promise<StoredPartition> {
  const stored: StoredPartition = { records: [], batches: [] };
  let offset = 0n;
  for (let guard = 0; guard < 10_000; guard++) {
    await cluster.metadata.refresh([topic]);
    const leader = cluster.metadata.leaderFor(topic, partition);
    const { response } = await cluster.request(
      leader,
      ApiKey.Fetch,
      () => ({
        replicaId: -1,
        maxWaitMs: 0,
        minBytes: 0,
        maxBytes: 8 << 20,
        isolationLevel: 0,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [
          {
            topic,
            topicId: cluster.metadata.topic(topic)!.topicId,
            partitions: [
              {
                partition,
                currentLeaderEpoch: -1,
                fetchOffset: offset,
                lastFetchedEpoch: -1,
                logStartOffset: -1n,
                partitionMaxBytes: 4 << 20,
              },
            ],
          },
        ],
        forgottenTopicsData: [],
        rackId: '',
      }),
      { purpose: 'fetch' },
    );
    const part = response.responses[0].partitions[0];
    if (part.errorCode !== 0) throw new Error(`fetch ${topic}[${partition}] error ${part.errorCode}`);
    const records = readRecords(part.records).filter((r) => BigInt(r.offset) >= offset);
    stored.records.push(...records);
    stored.batches.push(...readBatchHeaders(part.records).filter((b) => b.baseOffset >= offset));
    if (records.length > 0) offset = BigInt(records[records.length - 1].offset) + 1n;
    if (offset >= part.highWatermark) break;
  }
  return stored;
}
