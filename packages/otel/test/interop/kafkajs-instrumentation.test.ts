/**
 * Traces across KafkaJS and Samsa: a KafkaJS producer instrumented by the real
 * @opentelemetry/instrumentation-kafkajs and a Samsa consumer make one trace, and so do a Samsa
 * producer and an instrumented KafkaJS consumer. W3C trace context travels in the record headers.
 */
import { createRequire } from 'node:module';
import { SpanKind, trace } from '@opentelemetry/api';
import { isWrapped } from '@opentelemetry/instrumentation';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { startBroker } from '@samsa/broker-dev';
import { Kafka, LogLevel } from '@samsa/core-client';
import { waitFor } from '@samsa/test-support';
import type * as KafkaJS from 'kafkajs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SamsaInstrumentation } from '../../src/index.js';
import { named, parentOf, startTelemetry, type TestTelemetry } from '../support/otel.js';

let broker: Awaited<ReturnType<typeof startBroker>>;
let telemetry: TestTelemetry;
let samsa: SamsaInstrumentation;
let kafkajsInstrumentation: KafkaJsInstrumentation;
let kafkajs: typeof KafkaJS;

beforeAll(async () => {
  telemetry = startTelemetry();
  samsa = new SamsaInstrumentation();
  samsa.setTracerProvider(telemetry.tracerProvider);
  kafkajsInstrumentation = new KafkaJsInstrumentation();
  kafkajsInstrumentation.setTracerProvider(telemetry.tracerProvider);
  // Patched the way the instrumentation patches it when Node loads it (vitest's module runner loads
  // packages past require-in-the-middle's hook).
  const require = createRequire(import.meta.url);
  kafkajs = require('kafkajs');
  const version = require('kafkajs/package.json').version as string;
  const [definition] = kafkajsInstrumentation.getModuleDefinitions();
  definition.patch?.(kafkajs, version);
  expect(isWrapped(kafkajs.Kafka.prototype.producer)).toBe(true);
  broker = await startBroker({ brokers: 1, port: 0, partitions: 1, groupMinSessionTimeoutMs: 500 });
});

afterEach(() => telemetry.spans.reset());

afterAll(async () => {
  const [definition] = kafkajsInstrumentation.getModuleDefinitions();
  definition.unpatch?.(kafkajs);
  samsa.disable();
  kafkajsInstrumentation.disable();
  await broker?.stop();
  await telemetry?.shutdown();
});

const kafkaJsClient = () =>
  new kafkajs.Kafka({
    clientId: 'kafkajs-peer',
    brokers: broker.bootstrap,
    logLevel: kafkajs.logLevel.NOTHING,
  });
const samsaClient = () =>
  new Kafka({ clientId: 'samsa', brokers: broker.bootstrap, logLevel: LogLevel.NOTHING });

describe('traces across KafkaJS (instrumentation-kafkajs) and Samsa', () => {
  it('KafkaJS producer -> Samsa consumer is one trace', async () => {
    const producer = kafkaJsClient().producer();
    await producer.connect();
    await trace.getTracer('test').startActiveSpan('checkout', async (span) => {
      await producer.send({ topic: 'x-kafkajs-to-samsa', messages: [{ key: 'k', value: 'from kafkajs' }] });
      span.end();
    });
    await producer.disconnect();

    const consumer = samsaClient().consumer({ groupId: 'x-samsa', autoOffsetReset: 'earliest' });
    let handled = 0;
    await consumer.subscribe({ topics: ['x-kafkajs-to-samsa'] });
    await consumer.run({
      eachMessage: async () => {
        handled++;
      },
    });
    await waitFor('the record', () => handled === 1);
    await consumer.disconnect();

    const spans = telemetry.spans.getFinishedSpans();
    const [checkout] = named(spans, 'checkout');
    const [send] = named(spans, 'send x-kafkajs-to-samsa');
    const [process] = named(spans, 'process x-kafkajs-to-samsa');
    expect(send.instrumentationScope.name).toBe('@opentelemetry/instrumentation-kafkajs');
    expect(process.instrumentationScope.name).toBe('@samsa/otel');
    expect(send.kind).toBe(SpanKind.PRODUCER);
    expect(process.kind).toBe(SpanKind.CONSUMER);
    expect(new Set([checkout, send, process].map((s) => s.spanContext().traceId)).size).toBe(1);
    expect(parentOf(process)).toBe(send.spanContext().spanId);
  });

  it('Samsa producer -> KafkaJS consumer is one trace', async () => {
    const producer = samsaClient().producer();
    await producer.connect();
    await trace.getTracer('test').startActiveSpan('checkout', async (span) => {
      await producer.send({ topic: 'x-samsa-to-kafkajs', messages: [{ key: 'k', value: 'from samsa' }] });
      span.end();
    });
    await producer.disconnect();

    const consumer = kafkaJsClient().consumer({ groupId: 'x-kafkajs' });
    let handled = 0;
    await consumer.connect();
    await consumer.subscribe({ topic: 'x-samsa-to-kafkajs', fromBeginning: true });
    await consumer.run({
      eachMessage: async () => {
        handled++;
      },
    });
    await waitFor('the record', () => handled === 1);
    await consumer.disconnect();

    const spans = telemetry.spans.getFinishedSpans();
    const [checkout] = named(spans, 'checkout');
    const [send] = named(spans, 'send x-samsa-to-kafkajs');
    const [process] = named(spans, 'process x-samsa-to-kafkajs');
    expect(send.instrumentationScope.name).toBe('@samsa/otel');
    expect(process.instrumentationScope.name).toBe('@opentelemetry/instrumentation-kafkajs');
    expect(new Set([checkout, send, process].map((s) => s.spanContext().traceId)).size).toBe(1);
    expect(parentOf(process)).toBe(send.spanContext().spanId);
  });
});
