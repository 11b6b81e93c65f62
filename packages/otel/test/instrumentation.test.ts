/**
 * SamsaInstrumentation against @samsa/broker-dev with the OpenTelemetry SDK's in-memory exporters:
 * span kinds, names, attributes and parent/link relations from produce to consume, handler context,
 * errors and redelivery, batch links, the messaging metrics (N sent, M consumed, lag N - M), disable().
 */
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { startBroker } from '@samsa/broker-dev';
import { diagnosticsChannels, Kafka, LogLevel } from '@samsa/core-client';
import { waitFor } from '@samsa/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SamsaInstrumentation } from '../src/index.js';
import { named, parentOf, points, startTelemetry, type TestTelemetry } from './support/otel.js';

let broker: Awaited<ReturnType<typeof startBroker>>;
let kafka: Kafka;
let telemetry: TestTelemetry;
let instrumentation: SamsaInstrumentation;

beforeAll(async () => {
  telemetry = startTelemetry();
  instrumentation = new SamsaInstrumentation();
  instrumentation.setTracerProvider(telemetry.tracerProvider);
  instrumentation.setMeterProvider(telemetry.meterProvider);
  broker = await startBroker({ brokers: 1, port: 0, partitions: 1, groupMinSessionTimeoutMs: 500 });
  kafka = new Kafka({ clientId: 'otel-it', brokers: broker.bootstrap, logLevel: LogLevel.NOTHING });
});

afterEach(() => {
  telemetry.spans.reset();
});

afterAll(async () => {
  instrumentation.disable();
  await broker?.stop();
  await telemetry?.shutdown();
});

const tracer = () => trace.getTracer('test');

async function produce(topic: string, messages: { key?: string; value: string | null }[]): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  await tracer().startActiveSpan('request', async (span) => {
    await producer.send({ topic, messages });
    span.end();
  });
  await producer.disconnect();
}

describe('SamsaInstrumentation', () => {
  it('traces produce to consume as one trace: send (PRODUCER) -> process (CONSUMER) -> handler work', async () => {
    await produce('o-orders', [{ key: 'order-1', value: '{"total":42}' }]);
    const consumer = kafka.consumer({ groupId: 'o-group', autoOffsetReset: 'earliest' });
    const inHandler: string[] = [];
    await consumer.subscribe({ topics: ['o-orders'] });
    await consumer.run({
      eachMessage: async () => {
        // Work the handler starts nests under the process span.
        const span = tracer().startSpan('db.query');
        inHandler.push(trace.getSpan(context.active())?.spanContext().spanId ?? 'none');
        span.end();
      },
    });
    await waitFor('the record', () => inHandler.length === 1);
    await consumer.disconnect();

    const spans = telemetry.spans.getFinishedSpans();
    const [request] = named(spans, 'request');
    const [send] = named(spans, 'send o-orders');
    const [process] = named(spans, 'process o-orders');
    const [db] = named(spans, 'db.query');
    expect(send.kind).toBe(SpanKind.PRODUCER);
    expect(process.kind).toBe(SpanKind.CONSUMER);
    // One trace: request -> send -> process -> db.query.
    const traceId = request.spanContext().traceId;
    for (const s of [send, process, db]) expect(s.spanContext().traceId).toBe(traceId);
    expect(parentOf(send)).toBe(request.spanContext().spanId);
    expect(parentOf(process)).toBe(send.spanContext().spanId);
    expect(parentOf(db)).toBe(process.spanContext().spanId);
    expect(inHandler).toEqual([process.spanContext().spanId]);

    expect(send.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.destination.name': 'o-orders',
      'messaging.operation.name': 'send',
      'messaging.operation.type': 'send',
      'messaging.kafka.message.key': 'order-1',
      'messaging.destination.partition.id': '0',
      'messaging.kafka.offset': 0,
      'messaging.client.id': 'otel-it',
      'messaging.message.body.size': 12,
    });
    expect(process.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.destination.name': 'o-orders',
      'messaging.operation.name': 'process',
      'messaging.operation.type': 'process',
      'messaging.consumer.group.name': 'o-group',
      'messaging.destination.partition.id': '0',
      'messaging.kafka.offset': 0,
      'messaging.kafka.message.key': 'order-1',
    });
    expect(process.status.code).toBe(SpanStatusCode.UNSET);
  });

  it("with processContext 'link', the process span starts a trace of its own and links to the producer's", async () => {
    const linked = new SamsaInstrumentation({ processContext: 'link' });
    instrumentation.disable();
    try {
      linked.setTracerProvider(telemetry.tracerProvider);
      await produce('o-linked', [{ value: 'a' }]);
      const consumer = kafka.consumer({ groupId: 'o-linked', autoOffsetReset: 'earliest' });
      let handled = 0;
      await consumer.subscribe({ topics: ['o-linked'] });
      await consumer.run({
        eachMessage: async () => {
          handled++;
        },
      });
      await waitFor('the record', () => handled === 1);
      await consumer.disconnect();
    } finally {
      linked.disable();
      instrumentation.enable();
    }
    const spans = telemetry.spans.getFinishedSpans();
    const [send] = named(spans, 'send o-linked');
    const [process] = named(spans, 'process o-linked');
    expect(process.spanContext().traceId).not.toBe(send.spanContext().traceId);
    expect(parentOf(process)).toBeUndefined();
    expect(process.links.map((l) => l.context.spanId)).toEqual([send.spanContext().spanId]);
  });

  it('eachBatch: one process span linking every message’s producer span', async () => {
    await produce('o-batch', [{ value: '1' }, { value: '2' }, { value: null, key: 'gone' }]);
    const consumer = kafka.consumer({ groupId: 'o-batch', autoOffsetReset: 'earliest' });
    let handled = 0;
    await consumer.subscribe({ topics: ['o-batch'] });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        handled += batch.messages.length;
      },
    });
    await waitFor('3 records', () => handled === 3);
    await consumer.disconnect();
    const spans = telemetry.spans.getFinishedSpans();
    const sends = named(spans, 'send o-batch');
    const [process] = named(spans, 'process o-batch');
    expect(sends).toHaveLength(3);
    expect(sends[2].attributes['messaging.kafka.message.tombstone']).toBe(true);
    expect(process.kind).toBe(SpanKind.CONSUMER);
    expect(process.attributes['messaging.batch.message_count']).toBe(3);
    expect(process.links.map((l) => l.context.spanId).sort()).toEqual(
      sends.map((s) => s.spanContext().spanId).sort(),
    );
  });

  it('marks a failing handler’s span as an error, and counts the redelivery attempt', async () => {
    await produce('o-fail', [{ value: 'x' }]);
    const consumer = kafka.consumer({ groupId: 'o-fail', autoOffsetReset: 'earliest', retryBackoffMs: 10 });
    let attempts = 0;
    await consumer.subscribe({ topics: ['o-fail'] });
    await consumer.run({
      eachMessage: async () => {
        if (++attempts === 1) throw new TypeError('bad payload');
      },
    });
    await waitFor('the retry', () => attempts === 2);
    await consumer.disconnect();
    const [failed, retried] = named(telemetry.spans.getFinishedSpans(), 'process o-fail');
    expect(failed.status).toEqual({ code: SpanStatusCode.ERROR, message: 'bad payload' });
    expect(failed.attributes['error.type']).toBe('TypeError');
    expect(failed.events.map((e) => e.name)).toEqual(['exception']);
    expect(retried.status.code).toBe(SpanStatusCode.UNSET);
    expect(retried.attributes['samsa.delivery.attempt']).toBe(2);
  });

  it('marks a failed send’s spans as errors', async () => {
    const producer = kafka.producer();
    await producer.connect();
    await expect(
      producer.send({ topic: 'o-orders', messages: [{ value: 'x', partition: 5 }] }),
    ).rejects.toThrow();
    await producer.disconnect();
    const [send] = named(telemetry.spans.getFinishedSpans(), 'send o-orders');
    expect(send.status.code).toBe(SpanStatusCode.ERROR);
    expect(send.attributes['error.type']).toBe('InvalidMessageError');
  });

  it('records the messaging metrics as the snapshots do: N sent, M consumed, lag N - M per partition', async () => {
    const before = await telemetry.collect();
    const sentBefore = sum(points(before, 'messaging.client.sent.messages'), 'o-metrics');
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic: 'o-metrics',
      messages: Array.from({ length: 7 }, (_, i) => ({ value: String(i) })),
    });
    const sent = producer.metrics();
    await producer.disconnect();
    const consumer = kafka.consumer({ groupId: 'o-metrics', autoOffsetReset: 'earliest' });
    let handled = 0;
    await consumer.subscribe({ topics: ['o-metrics'] });
    await consumer.run({
      eachMessage: async ({ pause }) => {
        if (++handled === 4) pause();
      },
    });
    await waitFor(
      '4 records and the high watermark',
      () => handled === 4 && consumer.metrics().recordsLagMax === 3,
    );
    const data = await telemetry.collect();
    const consumed = consumer.metrics();
    await consumer.disconnect();

    // The client's own snapshot and the OTel metrics agree, exactly.
    expect(sent.recordSendTotal).toBe(7);
    expect(sent.topics.find((t) => t.topic === 'o-metrics')?.recordSendTotal).toBe(7);
    expect(consumed.recordsConsumedTotal).toBe(4);
    expect(consumed.partitions.map((p) => [p.topic, p.partition, p.recordsLag])).toEqual([
      ['o-metrics', 0, 3],
    ]);

    expect(sum(points(data, 'messaging.client.sent.messages'), 'o-metrics') - sentBefore).toBe(7);
    expect(sum(points(data, 'messaging.client.consumed.messages'), 'o-metrics')).toBe(4);
    const lag = points(data, 'kafka.consumer.records_lag').filter(
      (p) => p.attributes['messaging.consumer.group.name'] === 'o-metrics',
    );
    expect(lag.map((p) => [p.attributes['messaging.destination.partition.id'], p.value])).toEqual([['0', 3]]);
    const process = points(data, 'messaging.process.duration').find(
      (p) => p.attributes['messaging.destination.name'] === 'o-metrics',
    )!;
    expect((process.value as { count: number }).count).toBe(4);
    const operations = new Set(
      points(data, 'messaging.client.operation.duration').map(
        (p) => p.attributes['messaging.operation.name'],
      ),
    );
    for (const op of ['send', 'poll', 'commit']) expect(operations).toContain(op);
  });

  it('unsubscribes everything when disabled', async () => {
    instrumentation.disable();
    try {
      for (const ch of [diagnosticsChannels.send, diagnosticsChannels.process, diagnosticsChannels.fetch])
        expect(ch.hasSubscribers).toBe(false);
      await produce('o-off', [{ value: 'x' }]);
      expect(named(telemetry.spans.getFinishedSpans(), 'send o-off')).toEqual([]);
    } finally {
      instrumentation.enable();
    }
    expect(diagnosticsChannels.process.hasSubscribers).toBe(true);
  });
});

function sum(list: { attributes: Record<string, unknown>; value: unknown }[], topic: string): number {
  return list
    .filter(
      (p) => p.attributes['messaging.destination.name'] === topic && p.attributes['error.type'] === undefined,
    )
    .reduce((n, p) => n + (p.value as number), 0);
}
