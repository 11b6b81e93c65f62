/**
 * Resets positions with ListOffsets (earliest / latest, Java's auto.offset.reset), asking each
 * partition's leader. Partitions whose leader is unknown or moved are left for the next round.
 */
import { ApiKey, type ListOffsetsResponse } from '@samsa/protocol/on-demand';
import { createKafkaError, ErrorCode, ProtocolDecodeError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { ClusterLike } from '../cluster-like.js';
import type { IsolationLevel } from '../config.js';
import type { PartitionState } from '../partition-state.js';

const EARLIEST = -2n;
const LATEST = -1n;

export interface ResolveResult {
  /** Partitions to try again later (leader unknown, retriable errors). */
  retry: PartitionState[];
  /** Non-retriable failures. */
  errors: { partition: PartitionState; error: Error }[];
}

/**
 * Brokers whose multi-partition ListOffsets answers did not line up with the request. librdkafka's
 * mock cluster before 2.1 writes LeaderEpoch (v4+) as an int64, which shifts every partition after
 * the first: the answer names partitions that were not asked for, or, when a second topic follows,
 * cannot be decoded at all. Asking for one partition per request sidesteps it.
 */
const onePartitionPerRequest = new WeakMap<object, Set<number>>();

/**
 * Looks up the reset offset of every partition with a pending `resetStrategy` and seeks it there,
 * unless the partition moved meanwhile (its fetch epoch changed).
 */
export async function resolveOffsets(
  cluster: ClusterLike,
  partitions: readonly PartitionState[],
  isolationLevel: IsolationLevel,
  logger: Logger,
  signal?: AbortSignal,
): Promise<ResolveResult> {
  const result: ResolveResult = { retry: [], errors: [] };
  const byLeader = new Map<number, PartitionState[]>();
  for (const p of partitions) {
    if (p.resetStrategy === null || p.resetStrategy === 'none' || p.revoked) continue;
    const leader = cluster.metadata.leaderFor(p.topic, p.partition);
    if (leader < 0) {
      result.retry.push(p);
      continue;
    }
    const list = byLeader.get(leader);
    if (list) list.push(p);
    else byLeader.set(leader, [p]);
  }
  let singles = onePartitionPerRequest.get(cluster);
  if (!singles) {
    singles = new Set();
    onePartitionPerRequest.set(cluster, singles);
  }
  const requests: Promise<void>[] = [];
  for (const [leader, list] of byLeader) {
    if (singles.has(leader)) {
      for (const p of list)
        requests.push(listOffsets(cluster, leader, [p], isolationLevel, logger, result, signal));
    } else {
      requests.push(
        listOffsets(cluster, leader, list, isolationLevel, logger, result, signal).catch(async (err) => {
          if (!(err instanceof MisalignedResponse)) throw err;
          logger.warn('ListOffsets response does not match the request; asking one partition at a time', {
            node: leader,
          });
          singles.add(leader);
          await Promise.all(
            list.map((p) => listOffsets(cluster, leader, [p], isolationLevel, logger, result, signal)),
          );
        }),
      );
    }
  }
  await Promise.all(requests);
  return result;
}

class MisalignedResponse extends Error {}

async function listOffsets(
  cluster: ClusterLike,
  leader: number,
  list: PartitionState[],
  isolationLevel: IsolationLevel,
  logger: Logger,
  result: ResolveResult,
  signal?: AbortSignal,
): Promise<void> {
  const epochs = new Map(list.map((p) => [p, p.fetchEpoch] as const));
  // By partition number: the answer is matched to the request per partition, thousands of them.
  const byTopic = new Map<string, Map<number, PartitionState>>();
  for (const p of list) {
    const l = byTopic.get(p.topic);
    if (l) l.set(p.partition, p);
    else byTopic.set(p.topic, new Map([[p.partition, p]]));
  }
  let version: number;
  let response: ListOffsetsResponse;
  try {
    ({ version, response } = await cluster.request(
      leader,
      ApiKey.ListOffsets,
      () => ({
        replicaId: -1,
        isolationLevel: isolationLevel === 'read_committed' ? 1 : 0,
        topics: [...byTopic].map(([name, ps]) => ({
          name,
          partitions: [...ps.values()].map((p) => ({
            partitionIndex: p.partition,
            currentLeaderEpoch: cluster.metadata.topic(p.topic)?.partitions[p.partition]?.leaderEpoch ?? -1,
            timestamp: p.resetStrategy === 'earliest' ? EARLIEST : LATEST,
            maxNumOffsets: 1,
          })),
        })),
      }),
      { purpose: 'metadata', signal },
    ));
  } catch (err) {
    if (err instanceof ProtocolDecodeError && list.length > 1) throw new MisalignedResponse();
    logger.warn('ListOffsets failed, retrying', { node: leader, error: (err as Error).message });
    result.retry.push(...list);
    return;
  }
  for (const t of response.topics) {
    const ps = byTopic.get(t.name);
    if (!ps) continue;
    for (const r of t.partitions) {
      if (!ps.has(r.partitionIndex)) {
        if (list.length > 1) throw new MisalignedResponse();
      }
    }
  }
  for (const t of response.topics) {
    const ps = byTopic.get(t.name);
    if (!ps) continue;
    for (const r of t.partitions) {
      const p = ps.get(r.partitionIndex);
      if (!p || p.revoked || p.fetchEpoch !== epochs.get(p) || p.resetStrategy === null) continue;
      if (r.errorCode !== ErrorCode.NONE) {
        const err = createKafkaError(r.errorCode, {
          apiName: 'ListOffsets',
          topic: p.topic,
          partition: p.partition,
        });
        if (err.retriable || cluster.metadata.handleErrorCode(r.errorCode)) result.retry.push(p);
        else result.errors.push({ partition: p, error: err });
        continue;
      }
      const offset = version === 0 ? (r.oldStyleOffsets?.[0] ?? -1n) : (r.offset ?? -1n);
      if (offset < 0n) {
        result.retry.push(p);
        continue;
      }
      logger.debug('reset offset', {
        topic: p.topic,
        partition: p.partition,
        strategy: p.resetStrategy,
        offset: String(offset),
      });
      p.seek(offset);
      // Like Java, the reset position is committed, so a restart does not reset again past new records.
      p.markFinished(offset, -1, 0);
    }
  }
}
