/**
 * The messaging metrics of the semantic conventions, from the diagnostics channels:
 * `messaging.client.operation.duration` (send calls, fetches as `poll`, commits), the sent and
 * consumed message counts, `messaging.process.duration` per handler call, and each consumer's lag per
 * partition as an observable gauge (`kafka.consumer.records_lag`, read from `consumer.metrics()`).
 *
 * Message counts are kept here per attribute set and reported when the metrics are collected
 * (observable counters), so counting a record is a map lookup, not a call into the SDK; attribute
 * objects are cached for the same reason.
 */
import type {
  Attributes,
  Histogram,
  Meter,
  ObservableCounter,
  ObservableGauge,
  ObservableResult,
} from '@opentelemetry/api';
import type { CommitEvent, ConsumerMetrics, FetchEvent, ProcessEvent, SendEvent } from '@samsa/core-client';
import type { ClientRegistry } from './client-registry.js';
import { errorType } from './producer-tracing.js';
import {
  ATTR_ERROR_TYPE,
  ATTR_MESSAGING_CLIENT_ID,
  ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_DESTINATION_PARTITION_ID,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  DURATION_BUCKETS,
  MESSAGING_SYSTEM_KAFKA,
  METRIC_CLIENT_CONSUMED_MESSAGES,
  METRIC_CLIENT_OPERATION_DURATION,
  METRIC_CLIENT_SENT_MESSAGES,
  METRIC_CONSUMER_RECORDS_LAG,
  METRIC_PROCESS_DURATION,
  OPERATION_TYPE,
} from './semconv.js';

const STARTED = Symbol('samsa.otel.startedAt');
type Timed = { [STARTED]?: number };

interface Instruments {
  operationDuration: Histogram;
  processDuration: Histogram;
  sent: ObservableCounter;
  consumed: ObservableCounter;
  lag: ObservableGauge;
}

/** Counts by attribute set, reported at collection. */
class Counts {
  private readonly entries = new Map<string, { attributes: Attributes; value: number }>();

  add(key: string, make: () => Attributes, n: number): void {
    const entry = this.entries.get(key);
    if (entry !== undefined) entry.value += n;
    else this.entries.set(key, { attributes: make(), value: n });
  }

  report(result: ObservableResult): void {
    for (const { attributes, value } of this.entries.values()) result.observe(value, attributes);
  }
}

export class MessagingMetrics {
  private instruments: Instruments | null = null;
  private readonly sent = new Counts();
  private readonly consumed = new Counts();
  /** Attribute objects for process durations, by topic/partition/group/error. */
  private readonly processAttributes = new Map<string, Attributes>();

  constructor(private readonly clients: ClientRegistry) {}

  /** (Re)creates the instruments on `meter` (a new meter provider was set). */
  update(meter: Meter): void {
    const operationDuration = meter.createHistogram(METRIC_CLIENT_OPERATION_DURATION, {
      description: 'Duration of messaging operation initiated by a producer or consumer client.',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
    const processDuration = meter.createHistogram(METRIC_PROCESS_DURATION, {
      description: 'Duration of processing operation.',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
    const sent = meter.createObservableCounter(METRIC_CLIENT_SENT_MESSAGES, {
      description: 'Number of messages producer attempted to send to the broker.',
      unit: '{message}',
    });
    const consumed = meter.createObservableCounter(METRIC_CLIENT_CONSUMED_MESSAGES, {
      description: 'Number of messages that were delivered to the application.',
      unit: '{message}',
    });
    const lag = meter.createObservableGauge(METRIC_CONSUMER_RECORDS_LAG, {
      description: "Records between a consumer's position and the end of the partition.",
      unit: '{message}',
    });
    sent.addCallback((result) => this.sent.report(result));
    consumed.addCallback((result) => this.consumed.report(result));
    lag.addCallback((result) => this.reportLag(result));
    this.instruments = { operationDuration, processDuration, sent, consumed, lag };
  }

  readonly started = (event: object): void => {
    (event as Timed)[STARTED] = performance.now();
  };

  readonly sendEnded = (event: SendEvent): void => {
    const seconds = elapsed(event);
    const error = event.error === undefined ? undefined : errorType(event.error);
    const topics = event.topicMessages;
    for (const { topic, messages } of topics) {
      this.sent.add(
        `${topic}\u0000${error ?? ''}`,
        () => withError(sendAttributes(topic), error),
        messages.length,
      );
    }
    if (seconds === undefined) return;
    const attributes = withError(sendAttributes(topics.length === 1 ? topics[0].topic : undefined), error);
    this.instruments?.operationDuration.record(seconds, attributes);
  };

  readonly fetchEnded = (event: FetchEvent): void => {
    const seconds = elapsed(event);
    if (seconds === undefined) return;
    const error = event.error === undefined ? undefined : errorType(event.error);
    this.instruments?.operationDuration.record(
      seconds,
      withError(
        {
          [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM_KAFKA,
          [ATTR_MESSAGING_OPERATION_NAME]: 'poll',
          [ATTR_MESSAGING_OPERATION_TYPE]: OPERATION_TYPE.receive,
          [ATTR_MESSAGING_CONSUMER_GROUP_NAME]: event.groupId,
        },
        error,
      ),
    );
  };

  readonly commitEnded = (event: CommitEvent): void => {
    const seconds = elapsed(event);
    if (seconds === undefined) return;
    const error = event.error === undefined ? undefined : errorType(event.error);
    this.instruments?.operationDuration.record(
      seconds,
      withError(
        {
          [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM_KAFKA,
          [ATTR_MESSAGING_OPERATION_NAME]: 'commit',
          [ATTR_MESSAGING_OPERATION_TYPE]: OPERATION_TYPE.settle,
          [ATTR_MESSAGING_CONSUMER_GROUP_NAME]: event.groupId,
        },
        error,
      ),
    );
  };

  readonly processEnded = (event: ProcessEvent): void => {
    const seconds = elapsed(event);
    const error = event.error === undefined ? undefined : errorType(event.error);
    const key = `${event.topic}\u0000${event.partition}\u0000${event.groupId}\u0000${error ?? ''}`;
    let attributes = this.processAttributes.get(key);
    if (attributes === undefined) {
      attributes = withError(
        {
          [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM_KAFKA,
          [ATTR_MESSAGING_OPERATION_NAME]: 'process',
          [ATTR_MESSAGING_DESTINATION_NAME]: event.topic,
          [ATTR_MESSAGING_DESTINATION_PARTITION_ID]: String(event.partition),
          [ATTR_MESSAGING_CONSUMER_GROUP_NAME]: event.groupId,
        },
        error,
      );
      this.processAttributes.set(key, attributes);
    }
    const count = event.message !== undefined ? 1 : (event.batch?.messages.length ?? 0);
    const shared = attributes;
    this.consumed.add(key, () => shared, count);
    if (seconds !== undefined) this.instruments?.processDuration.record(seconds, attributes);
  };

  private reportLag(result: ObservableResult): void {
    for (const consumer of this.clients.consumers()) {
      let metrics: ConsumerMetrics;
      try {
        metrics = consumer.metrics();
      } catch {
        continue;
      }
      for (const p of metrics.partitions) {
        if (p.recordsLag === null) continue;
        result.observe(p.recordsLag, {
          [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM_KAFKA,
          [ATTR_MESSAGING_CONSUMER_GROUP_NAME]: metrics.client.groupId ?? '',
          [ATTR_MESSAGING_DESTINATION_NAME]: p.topic,
          [ATTR_MESSAGING_DESTINATION_PARTITION_ID]: String(p.partition),
          [ATTR_MESSAGING_CLIENT_ID]: metrics.client.clientId,
        });
      }
    }
  }
}

function elapsed(event: object): number | undefined {
  const started = (event as Timed)[STARTED];
  return started === undefined ? undefined : (performance.now() - started) / 1000;
}

function sendAttributes(topic: string | undefined): Attributes {
  const attributes: Attributes = {
    [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM_KAFKA,
    [ATTR_MESSAGING_OPERATION_NAME]: 'send',
    [ATTR_MESSAGING_OPERATION_TYPE]: OPERATION_TYPE.send,
  };
  if (topic !== undefined) attributes[ATTR_MESSAGING_DESTINATION_NAME] = topic;
  return attributes;
}

function withError(attributes: Attributes, error: string | undefined): Attributes {
  if (error !== undefined) attributes[ATTR_ERROR_TYPE] = error;
  return attributes;
}
