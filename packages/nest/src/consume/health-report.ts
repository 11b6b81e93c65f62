import type { AdminLike } from '../client/kafka-like.js';
import type { ConsumerHealthMetrics, ProducerHealthMetrics } from '../health/client-metrics.js';
import type { ContainerState, ContainerStats } from './container-stats.js';
import type { SubscriptionContainer } from './subscription-container.js';

export interface ConsumerHealth {
  handler: string;
  groupId: string;
  state: ContainerState;
  topics: string[];
  /** Records between the group's committed offset and the end of each partition, summed over partitions. */
  lag: number;
  stats: ContainerStats;
  error?: string;
  /** With `healthMetrics`: the consumer's client metrics (lag as it sees it, rates, latencies). */
  metrics?: ConsumerHealthMetrics;
}

export interface SamsaHealthReport {
  brokersReachable: boolean;
  brokerError?: string;
  consumers: ConsumerHealth[];
  totalLag: number;
  /** Every consumer is running and the brokers answered. */
  healthy: boolean;
  /** With `healthMetrics`: the producer's client metrics, once it is connected. */
  producer?: ProducerHealthMetrics;
}

/** Broker connectivity, each consumer's state, and its group's lag, read through the admin client. */
export async function buildHealthReport(
  admin: AdminLike,
  containers: readonly SubscriptionContainer[],
): Promise<SamsaHealthReport> {
  let brokersReachable = true;
  let brokerError: string | undefined;
  const ends = new Map<string, Map<number, bigint>>();
  const topics = new Set<string>();
  for (const container of containers) {
    for (const topic of container.spec.topics) if (typeof topic === 'string') topics.add(topic);
    for (const topic of container.topicsSeen) topics.add(topic);
  }
  try {
    for (const topic of topics) {
      const offsets = await admin.fetchTopicOffsets(topic);
      ends.set(topic, new Map(offsets.map((o) => [o.partition, BigInt(o.high ?? o.offset)])));
    }
    if (topics.size === 0) await (admin.listTopics?.() ?? Promise.resolve());
  } catch (error) {
    brokersReachable = false;
    brokerError = (error as Error).message;
  }
  const consumers: ConsumerHealth[] = [];
  for (const container of containers) {
    const own = [
      ...new Set([...container.spec.topics.filter((t) => typeof t === 'string'), ...container.topicsSeen]),
    ];
    let lag = 0n;
    if (brokersReachable && own.length > 0) {
      try {
        const committed = await admin.fetchOffsets({ groupId: container.spec.groupId, topics: own });
        for (const { topic, partitions } of committed) {
          for (const { partition, offset } of partitions) {
            const end = ends.get(topic)?.get(partition) ?? 0n;
            const at = BigInt(offset) < 0n ? 0n : BigInt(offset);
            if (end > at) lag += end - at;
          }
        }
      } catch (error) {
        brokersReachable = false;
        brokerError = (error as Error).message;
      }
    }
    consumers.push({
      handler: container.spec.id,
      groupId: container.spec.groupId,
      state: container.state,
      topics: own,
      lag: Number(lag),
      stats: { ...container.stats },
      ...(container.lastError
        ? { error: String((container.lastError as Error).message ?? container.lastError) }
        : {}),
    });
  }
  const totalLag = consumers.reduce((sum, c) => sum + c.lag, 0);
  return {
    brokersReachable,
    ...(brokerError ? { brokerError } : {}),
    consumers,
    totalLag,
    healthy: brokersReachable && consumers.every((c) => c.state === 'running'),
  };
}
