/**
 * The client metrics `SamsaModule`'s `healthMetrics` adds to the health details: a compact view of
 * `consumer.metrics()` / `producer.metrics()` from @samsa/core-client (clients without `metrics()`,
 * such as KafkaJS, give none).
 */
import type { ConsumerMetrics, ProducerMetrics } from '@samsa/core-client';

export interface ConsumerHealthMetrics {
  recordsConsumedTotal: number;
  recordsConsumedRate: number;
  /** Lag per partition as the consumer sees it (its position against the high watermark). */
  partitions: { topic: string; partition: number; recordsLag: number | null }[];
  recordsLagMax: number | null;
  fetchLatencyAvg: number | null;
  commitLatencyAvg: number | null;
  rebalanceTotal: number;
  lastHeartbeatSecondsAgo: number | null;
  requestLatencyAvg: number | null;
}

export interface ProducerHealthMetrics {
  recordSendTotal: number;
  recordSendRate: number;
  recordErrorTotal: number;
  requestLatencyAvg: number | null;
  bufferAvailableBytes: number;
}

type WithMetrics<T> = { metrics?: () => T };

export function consumerHealthMetrics(consumer: unknown): ConsumerHealthMetrics | undefined {
  const m = read<ConsumerMetrics>(consumer);
  if (m === undefined) return undefined;
  return {
    recordsConsumedTotal: m.recordsConsumedTotal,
    recordsConsumedRate: m.recordsConsumedRate,
    partitions: m.partitions.map(({ topic, partition, recordsLag }) => ({ topic, partition, recordsLag })),
    recordsLagMax: m.recordsLagMax,
    fetchLatencyAvg: m.fetchLatencyAvg,
    commitLatencyAvg: m.commitLatencyAvg,
    rebalanceTotal: m.rebalanceTotal,
    lastHeartbeatSecondsAgo: m.lastHeartbeatSecondsAgo,
    requestLatencyAvg: m.requestLatencyAvg,
  };
}

export function producerHealthMetrics(producer: unknown): ProducerHealthMetrics | undefined {
  const m = read<ProducerMetrics>(producer);
  if (m === undefined) return undefined;
  return {
    recordSendTotal: m.recordSendTotal,
    recordSendRate: m.recordSendRate,
    recordErrorTotal: m.recordErrorTotal,
    requestLatencyAvg: m.requestLatencyAvg,
    bufferAvailableBytes: m.bufferAvailableBytes,
  };
}

function read<T>(client: unknown): T | undefined {
  const metrics = (client as WithMetrics<T> | undefined)?.metrics;
  if (typeof metrics !== 'function') return undefined;
  try {
    return metrics.call(client);
  } catch {
    return undefined;
  }
}
