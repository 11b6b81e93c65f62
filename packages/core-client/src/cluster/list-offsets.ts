/**
 * ListOffsets for many partitions at once: one request per partition leader, retried (with a
 * metadata refresh) when leaders moved. Used by admin offsets, lag and offset resets, and by the
 * consumer for offset resets.
 *
 * Quirk handled: librdkafka 2.0.2's mock broker advertises ListOffsets v5 but does not read
 * CurrentLeaderEpoch (v4+), so with several partitions it answers for partitions never asked
 * about. Such an answer caps ListOffsets at v3 for that broker and the request is retried.
 */

import { ApiKey, ErrorCode } from '@samsa/protocol/on-demand';
import type { ResolvedRetry } from '../config/client-options.js';
import { ConnectionError, createKafkaError, type KafkaProtocolError } from '../errors.js';
import { withRetry } from '../retry.js';
import type { Cluster } from './cluster.js';
import { isStaleMetadataError } from './metadata.js';

export const LATEST_TIMESTAMP = -1n;
export const EARLIEST_TIMESTAMP = -2n;

export interface OffsetQuery {
  topic: string;
  partition: number;
  timestamp: bigint;
}

/** Offset (and timestamp, -1 when unknown) per `topic\0partition`. */
export type OffsetAnswers = Map<string, { offset: bigint; timestamp: bigint }>;

export const tpKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export async function listOffsets(
  cluster: Cluster,
  retry: ResolvedRetry,
  queries: OffsetQuery[],
  options: { isolationLevel?: 0 | 1; signal?: AbortSignal } = {},
): Promise<OffsetAnswers> {
  const answers: OffsetAnswers = new Map();
  let remaining = queries;
  await withRetry(
    retry,
    async () => {
      await cluster.metadata.refreshIfStale();
      const byLeader = new Map<number, OffsetQuery[]>();
      for (const q of remaining) {
        const leader = cluster.metadata.leaderFor(q.topic, q.partition);
        if (leader < 0) {
          cluster.metadata.invalidate();
          throw createKafkaError(ErrorCode.LEADER_NOT_AVAILABLE, {
            apiName: 'ListOffsets',
            topic: q.topic,
            partition: q.partition,
          });
        }
        let list = byLeader.get(leader);
        if (!list) {
          list = [];
          byLeader.set(leader, list);
        }
        list.push(q);
      }
      const failed: OffsetQuery[] = [];
      let lastError: KafkaProtocolError | null = null;
      await Promise.all(
        [...byLeader].map(async ([leader, qs]) => {
          const byTopic = new Map<string, OffsetQuery[]>();
          for (const q of qs) {
            let l = byTopic.get(q.topic);
            if (!l) {
              l = [];
              byTopic.set(q.topic, l);
            }
            l.push(q);
          }
          const { version, response } = await cluster.request(
            leader,
            ApiKey.ListOffsets,
            () => ({
              replicaId: -1,
              isolationLevel: options.isolationLevel ?? 0,
              topics: [...byTopic].map(([name, ps]) => ({
                name,
                partitions: ps.map((q) => ({
                  partitionIndex: q.partition,
                  currentLeaderEpoch: -1,
                  timestamp: q.timestamp,
                  maxNumOffsets: 1,
                })),
              })),
            }),
            { purpose: 'admin', signal: options.signal },
          );
          const misparsed = response.topics.some((t) =>
            t.partitions.some((p) => !byTopic.get(t.name)?.some((x) => x.partition === p.partitionIndex)),
          );
          if (misparsed && version >= 4) {
            cluster.capApiVersion(leader, ApiKey.ListOffsets, 3);
            throw new ConnectionError(
              `node ${leader}`,
              `ListOffsets v${version} answer names partitions that were not asked for; retrying at v3`,
            );
          }
          for (const t of response.topics) {
            for (const p of t.partitions) {
              const q = byTopic.get(t.name)?.find((x) => x.partition === p.partitionIndex);
              if (!q) continue;
              if (p.errorCode !== 0) {
                const err = createKafkaError(p.errorCode, {
                  apiName: 'ListOffsets',
                  topic: t.name,
                  partition: p.partitionIndex,
                });
                if (isStaleMetadataError(p.errorCode)) cluster.metadata.invalidate();
                if (!err.retriable) throw err;
                lastError = err;
                failed.push(q);
                continue;
              }
              const offset = p.offset ?? p.oldStyleOffsets?.[0] ?? -1n;
              answers.set(tpKey(t.name, p.partitionIndex), { offset, timestamp: p.timestamp ?? -1n });
            }
          }
        }),
      );
      remaining = failed;
      if (lastError) throw lastError;
    },
    { signal: options.signal, what: 'ListOffsets' },
  );
  return answers;
}
