/**
 * The Kafka clients' metrics in Prometheus form: every scrape reads `metrics()` of the app's
 * producer and of each @Subscribe consumer (@samsa/core-client's snapshots, Java client names in
 * snake case) into prom-client instruments. Totals are counters, set to the client's own total on
 * each scrape; latencies are in seconds, as Prometheus names them.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { ConsumerMetrics, ProducerMetrics, RequestMetricsSnapshot } from '@samsa/core-client';
import { SamsaConsumers, SamsaProducer } from '@samsa/nest';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';

type Labels<Names extends string> = Partial<Record<Names, string | number>>;
type Sample<Names extends string> = [labels: Labels<Names>, value: number | null];

/** One instrument whose samples come from the clients at scrape time. */
function readOnScrape<Names extends string>(
  registry: Registry,
  kind: 'counter' | 'gauge',
  name: string,
  help: string,
  labelNames: readonly Names[],
  read: () => Iterable<Sample<Names>>,
): void {
  if (kind === 'counter') {
    new Counter<Names>({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        for (const [labels, value] of read()) if (value !== null) this.inc(labels, value);
      },
    });
  } else {
    new Gauge<Names>({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        for (const [labels, value] of read()) if (value !== null) this.set(labels, value);
      },
    });
  }
}

const seconds = (ms: number | null) => (ms === null ? null : ms / 1000);

interface ClientSnapshot {
  role: 'producer' | 'consumer';
  clientId: string;
  metrics: RequestMetricsSnapshot;
}

interface Snapshot {
  /** The app's producer and the transactional subscriptions' producers, each with its client_id label. */
  producers: { clientId: string; metrics: ProducerMetrics }[];
  consumers: { group: string; metrics: ConsumerMetrics }[];
}

@Injectable()
export class KafkaMetrics {
  readonly registry = new Registry();
  private latest: Snapshot = { producers: [], consumers: [] };

  constructor(
    @Inject(SamsaProducer) private readonly producer: SamsaProducer,
    @Inject(SamsaConsumers) private readonly consumers: SamsaConsumers,
  ) {
    collectDefaultMetrics({ register: this.registry });
    this.producerMetrics();
    this.consumerMetrics();
    this.requestMetrics();
  }

  /** The exposition text (Prometheus text format 0.0.4), from one snapshot of every client. */
  async render(): Promise<string> {
    this.latest = await this.snapshot();
    return this.registry.metrics();
  }

  /**
   * The producer's metrics once something was published, each transactional subscription's producers
   * (labelled `<client id>/<transactional id>`), and each running consumer's with its group.
   */
  private async snapshot(): Promise<Snapshot> {
    const producers: Snapshot['producers'] = [];
    // KafkaJS-shaped clients have no metrics(): left out.
    const metricsOf = (client: unknown) => (client as { metrics?: () => ProducerMetrics }).metrics?.();
    if (this.producer.isConnected()) {
      const metrics = metricsOf(await this.producer.connected());
      if (metrics) producers.push({ clientId: metrics.client.clientId, metrics });
    }
    const consumers: Snapshot['consumers'] = [];
    for (const container of this.consumers.all()) {
      for (const { transactionalId, producer } of container.transactionalProducers) {
        const metrics = metricsOf(producer);
        if (metrics) producers.push({ clientId: `${metrics.client.clientId}/${transactionalId}`, metrics });
      }
      const metrics = (container.consumer as { metrics?: () => ConsumerMetrics } | undefined)?.metrics?.();
      if (metrics !== undefined) consumers.push({ group: container.spec.groupId, metrics });
    }
    return { producers, consumers };
  }

  private producerSnapshots(): Snapshot['producers'] {
    return this.latest.producers;
  }

  private consumerSnapshots(): Snapshot['consumers'] {
    return this.latest.consumers;
  }

  private producerMetrics(): void {
    const { registry } = this;
    const perTopic = (pick: (t: ProducerMetrics['topics'][number]) => number) =>
      function* (this: KafkaMetrics): Iterable<Sample<'client_id' | 'topic'>> {
        for (const { clientId, metrics } of this.producerSnapshots())
          for (const t of metrics.topics) yield [{ client_id: clientId, topic: t.topic }, pick(t)];
      }.bind(this);
    const whole = (pick: (m: ProducerMetrics) => number | null) =>
      function* (this: KafkaMetrics): Iterable<Sample<'client_id'>> {
        for (const { clientId, metrics } of this.producerSnapshots())
          yield [{ client_id: clientId }, pick(metrics)];
      }.bind(this);
    const labels = ['client_id', 'topic'] as const;
    readOnScrape(
      registry,
      'counter',
      'kafka_producer_record_send_total',
      'Records sent',
      labels,
      perTopic((t) => t.recordSendTotal),
    );
    readOnScrape(
      registry,
      'counter',
      'kafka_producer_record_error_total',
      'Records that failed to send',
      labels,
      perTopic((t) => t.recordErrorTotal),
    );
    readOnScrape(
      registry,
      'counter',
      'kafka_producer_record_retry_total',
      'Records sent again after a retriable error',
      labels,
      perTopic((t) => t.recordRetryTotal),
    );
    readOnScrape(
      registry,
      'counter',
      'kafka_producer_byte_total',
      'Bytes of record batches sent',
      labels,
      perTopic((t) => t.byteTotal),
    );
    const one = ['client_id'] as const;
    readOnScrape(
      registry,
      'gauge',
      'kafka_producer_record_send_rate',
      'Records sent per second',
      one,
      whole((m) => m.recordSendRate),
    );
    readOnScrape(
      registry,
      'gauge',
      'kafka_producer_batch_size_avg_bytes',
      'Average batch size',
      one,
      whole((m) => m.batchSizeAvg),
    );
    readOnScrape(
      registry,
      'gauge',
      'kafka_producer_records_per_request_avg',
      'Average records per Produce request',
      one,
      whole((m) => m.recordsPerRequestAvg),
    );
    readOnScrape(
      registry,
      'gauge',
      'kafka_producer_record_queue_time_avg_seconds',
      'Average time records waited in the accumulator',
      one,
      whole((m) => seconds(m.recordQueueTimeAvg)),
    );
    readOnScrape(
      registry,
      'gauge',
      'kafka_producer_buffer_total_bytes',
      'Buffer memory limit',
      one,
      whole((m) => m.bufferTotalBytes),
    );
    readOnScrape(
      registry,
      'gauge',
      'kafka_producer_buffer_available_bytes',
      'Buffer memory not in use',
      one,
      whole((m) => m.bufferAvailableBytes),
    );
  }

  private consumerMetrics(): void {
    const { registry } = this;
    const perGroup = (pick: (m: ConsumerMetrics) => number | null) =>
      function* (this: KafkaMetrics): Iterable<Sample<'group'>> {
        for (const { group, metrics } of this.consumerSnapshots()) yield [{ group }, pick(metrics)];
      }.bind(this);
    const group = ['group'] as const;
    readOnScrape(
      registry,
      'counter',
      'kafka_consumer_records_consumed_total',
      'Records handed to the handlers',
      group,
      perGroup((m) => m.recordsConsumedTotal),
    );
    readOnScrape(
      registry,
      'counter',
      'kafka_consumer_bytes_consumed_total',
      'Bytes of records fetched',
      group,
      perGroup((m) => m.bytesConsumedTotal),
    );
    readOnScrape(
      registry,
      'gauge',
      'kafka_consumer_records_consumed_rate',
      'Records consumed per second',
      group,
      perGroup((m) => m.recordsConsumedRate),
    );
    readOnScrape(
      registry,
      'counter',
      'kafka_consumer_fetch_total',
      'Fetch requests answered',
      group,
      perGroup((m) => m.fetchTotal),
    );
    readOnScrape(
      registry,
      'gauge',
      'kafka_consumer_fetch_rate',
      'Fetch requests per second',
      group,
      perGroup((m) => m.fetchRate),
    );
    readOnScrape(
      registry,
      'gauge',
      'kafka_consumer_fetch_latency_avg_seconds',
      'Average fetch latency',
      group,
      perGroup((m) => seconds(m.fetchLatencyAvg)),
    );
    readOnScrape(
      registry,
      'gauge',
      'kafka_consumer_fetch_latency_max_seconds',
      'Maximum fetch latency',
      group,
      perGroup((m) => seconds(m.fetchLatencyMax)),
    );
    readOnScrape(
      registry,
      'counter',
      'kafka_consumer_commit_total',
      'Offset commits',
      group,
      perGroup((m) => m.commitTotal),
    );
    readOnScrape(
      registry,
      'gauge',
      'kafka_consumer_commit_latency_avg_seconds',
      'Average commit latency',
      group,
      perGroup((m) => seconds(m.commitLatencyAvg)),
    );
    readOnScrape(
      registry,
      'counter',
      'kafka_consumer_rebalance_total',
      'Rebalances this member took part in',
      group,
      perGroup((m) => m.rebalanceTotal),
    );
    readOnScrape(
      registry,
      'gauge',
      'kafka_consumer_rebalance_latency_avg_seconds',
      'Average time from a rebalance to its assignment',
      group,
      perGroup((m) => seconds(m.rebalanceLatencyAvg)),
    );
    readOnScrape(
      registry,
      'gauge',
      'kafka_consumer_last_heartbeat_seconds_ago',
      'Seconds since the coordinator last accepted a heartbeat',
      group,
      perGroup((m) => m.lastHeartbeatSecondsAgo),
    );
    readOnScrape(
      registry,
      'gauge',
      'kafka_consumer_assigned_partitions',
      'Partitions assigned to this member',
      group,
      perGroup((m) => m.assignedPartitions),
    );
    readOnScrape(
      registry,
      'gauge',
      'kafka_consumer_records_lag_max',
      'Largest lag of any assigned partition',
      group,
      perGroup((m) => m.recordsLagMax),
    );
    readOnScrape(
      registry,
      'gauge',
      'kafka_consumer_records_lag',
      'Records between the consumer position and the end of the partition',
      ['group', 'topic', 'partition'] as const,
      function* (this: KafkaMetrics): Iterable<Sample<'group' | 'topic' | 'partition'>> {
        for (const { group, metrics } of this.consumerSnapshots())
          for (const p of metrics.partitions)
            yield [{ group, topic: p.topic, partition: p.partition }, p.recordsLag];
      }.bind(this),
    );
  }

  /** Request metrics per broker, for the producer and every consumer. */
  private requestMetrics(): void {
    const { registry } = this;
    const clients = (): ClientSnapshot[] => {
      const all: ClientSnapshot[] = [];
      for (const { clientId, metrics } of this.producerSnapshots())
        all.push({ role: 'producer', clientId, metrics });
      for (const { group, metrics } of this.consumerSnapshots())
        all.push({ role: 'consumer', clientId: `${metrics.client.clientId}/${group}`, metrics });
      return all;
    };
    const labels = ['role', 'client_id', 'broker'] as const;
    const perBroker = (pick: (b: RequestMetricsSnapshot['brokers'][number]) => number | null) =>
      function* (): Iterable<Sample<(typeof labels)[number]>> {
        for (const { role, clientId, metrics } of clients())
          for (const b of metrics.brokers)
            yield [{ role, client_id: clientId, broker: `${b.host}:${b.port}` }, pick(b)];
      };
    readOnScrape(
      registry,
      'counter',
      'kafka_client_request_total',
      'Requests answered, per broker',
      labels,
      perBroker((b) => b.requestTotal),
    );
    readOnScrape(
      registry,
      'counter',
      'kafka_client_request_error_total',
      'Requests that failed, per broker',
      labels,
      perBroker((b) => b.requestErrorTotal),
    );
    readOnScrape(
      registry,
      'gauge',
      'kafka_client_request_latency_avg_seconds',
      'Average request latency (last 30 to 60 s)',
      labels,
      perBroker((b) => seconds(b.requestLatencyAvg)),
    );
    readOnScrape(
      registry,
      'gauge',
      'kafka_client_request_latency_max_seconds',
      'Maximum request latency (last 30 to 60 s)',
      labels,
      perBroker((b) => seconds(b.requestLatencyMax)),
    );
    readOnScrape(
      registry,
      'gauge',
      'kafka_client_request_latency_p99_seconds',
      '99th percentile request latency (last 30 to 60 s)',
      labels,
      perBroker((b) => seconds(b.requestLatencyP99)),
    );
    readOnScrape(
      registry,
      'gauge',
      'kafka_client_requests_in_flight',
      'Requests sent and not answered yet',
      labels,
      perBroker((b) => b.requestsInFlight),
    );
  }
}
