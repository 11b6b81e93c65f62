/**
 * Reads a topic back with raw Fetch requests (no consumer group), to check what producers wrote:
 * every partition from offset 0 to its high watermark.
 */

import { decodeRecords, iterateRecordBatches } from '@samsa/protocol';
import type { Cluster } from '../../src/cluster/cluster.js';

export interface ReadRecord {
  partition: number;
  offset: bigint;
  key: string | null;
  value: string | null;
}

export async function readTopic(cluster: Cluster, topic: string): Promise<Map<number, ReadRecord[]>> {
  await cluster.metadata.refresh([topic]);
  const meta = cluster.metadata.topic(topic)!;
  const out = new Map<number, ReadRecord[]>();
  for (const p of meta.partitions) {
    const records: ReadRecord[] = [];
    let offset = 0n;
    for (let guard = 0; guard < 10_000; guard++) {
      await cluster.metadata.refresh([topic]);
      const leader = cluster.metadata.leaderFor(topic, p.partition);
      const { response } = await cluster.request(
        leader,
        1,
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
              topicId: meta.topicId,
              partitions: [
                {
                  partition: p.partition,
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
      if (part.errorCode !== 0) throw new Error(`fetch ${topic}[${p.partition}] error ${part.errorCode}`);
      const before = records.length;
      if (part.records) {
        for (const batch of iterateRecordBatches(part.records)) {
          for (const r of decodeRecords(batch)) {
            if (r.offset < offset) continue;
            records.push({
              partition: p.partition,
              offset: r.offset,
              key: r.key?.toString() ?? null,
              value: r.value?.toString() ?? null,
            });
          }
        }
      }
      if (records.length > before) offset = records[records.length - 1].offset + 1n;
      if (offset >= part.highWatermark) break;
    }
    out.set(p.partition, records);
  }
  return out;
}
