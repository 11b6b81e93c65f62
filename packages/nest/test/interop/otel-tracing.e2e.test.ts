/**
 * Tracing a Nest service end to end on the in-process dev broker, with the real OpenTelemetry SDK,
 * @opentelemetry/instrumentation-http for the HTTP server and @samsa/otel for Kafka: an HTTP request
 * that publishes, a @Subscribe handler that publishes, and the handler of that are one trace; a
 * record retried and then dead-lettered shows each attempt with its outcome.
 */
import 'reflect-metadata';
import { createRequire } from 'node:module';
import { Body, Controller, HttpCode, Inject, Injectable, Module, Post } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import {
  InMemorySpanExporter,
  NodeTracerProvider,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import { SamsaInstrumentation } from '@samsa/otel';
import { waitFor } from '@samsa/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeadLetterHeaders, Payload, SamsaProducer, Subscribe } from '../../src/index.js';
import { type SamsaTestKit, startSamsaTestKit } from '../../src/testing/index.js';

const spans = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
const http = new HttpInstrumentation();
const samsa = new SamsaInstrumentation();
let kit: SamsaTestKit;

beforeAll(async () => {
  provider.register();
  http.setTracerProvider(provider);
  samsa.setTracerProvider(provider);
  // Patch node:http the way the instrumentation does when Node loads it (the test runner loaded it first).
  for (const definition of http.getModuleDefinitions()) {
    definition.patch?.(createRequire(import.meta.url)(`node:${definition.name}`));
  }
  kit = await startSamsaTestKit({ partitions: 1, registry: false, consumer: { maxWaitTimeInMs: 50 } });
  await kit.createTopics(['t.orders', 't.payments', 't.orders.dlq'], 1);
});

afterAll(async () => {
  samsa.disable();
  http.disable();
  await kit?.stop();
  await provider.shutdown();
});

const attempts: string[] = [];
let notified = 0;

@Controller('orders')
class OrdersController {
  constructor(@Inject(SamsaProducer) private readonly producer: SamsaProducer) {}

  @Post()
  @HttpCode(202)
  async create(@Body() order: { id: string }) {
    await this.producer.publish('t.orders', order, { key: order.id });
    return { accepted: order.id };
  }
}

@Injectable()
class Payments {
  constructor(@Inject(SamsaProducer) private readonly producer: SamsaProducer) {}

  @Subscribe('t.orders', { groupId: 'payments' })
  async charge(@Payload() order: { id: string }) {
    await this.producer.publish('t.payments', { orderId: order.id }, { key: order.id });
  }
}

@Injectable()
class Notifications {
  @Subscribe('t.payments', { groupId: 'notifications' })
  notify() {
    notified++;
  }
}

@Injectable()
class Audit {
  @Subscribe('t.orders', { groupId: 'audit', retry: { attempts: 2, backoff: 10 } })
  record(@Payload() order: { id: string }) {
    attempts.push(order.id);
    throw new Error('the audit store is down');
  }
}

const byName = (name: string, filter: (s: ReadableSpan) => boolean = () => true) =>
  spans.getFinishedSpans().filter((s) => s.name === name && filter(s));
const handler = (name: string) => (s: ReadableSpan) => s.attributes['samsa.nest.handler'] === name;
const parent = (s: ReadableSpan) => s.parentSpanContext?.spanId;

describe('tracing a Nest service with @samsa/otel', () => {
  it('HTTP request -> publish -> @Subscribe -> publish -> @Subscribe is one trace; retries and the dead letter show', async () => {
    @Module({
      imports: [kit.module({ clientId: 'traced', logger: false })],
      controllers: [OrdersController],
      providers: [Payments, Notifications, Audit],
    })
    class AppModule {}
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    try {
      const response = await fetch(`${await app.getUrl()}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'order-1' }),
      });
      expect(response.status).toBe(202);
      await waitFor('the notification and the dead letter', () => notified === 1 && attempts.length === 2, {
        timeoutMs: 25_000,
      });
      const [dead] = await kit.consume('t.orders.dlq', 1);
      expect(String(dead.headers?.[DeadLetterHeaders.ATTEMPTS])).toBe('2');
    } finally {
      await app.close();
    }

    const [server] = spans.getFinishedSpans().filter((s) => s.kind === SpanKind.SERVER);
    const [sendOrder] = byName('send t.orders');
    const [charge] = byName('process t.orders', handler('Payments.charge'));
    const [sendPayment] = byName('send t.payments');
    const [notify] = byName('process t.payments', handler('Notifications.notify'));
    expect(server.attributes['http.route'] ?? server.name).toMatch(/POST|orders/);
    const traceId = server.spanContext().traceId;
    for (const s of [sendOrder, charge, sendPayment, notify]) expect(s.spanContext().traceId).toBe(traceId);
    expect(parent(sendOrder)).toBe(server.spanContext().spanId);
    expect(parent(charge)).toBe(sendOrder.spanContext().spanId);
    expect(parent(sendPayment)).toBe(charge.spanContext().spanId);
    expect(parent(notify)).toBe(sendPayment.spanContext().spanId);
    expect(charge.kind).toBe(SpanKind.CONSUMER);
    expect(charge.attributes).toMatchObject({
      'messaging.consumer.group.name': 'payments',
      'samsa.delivery.attempt': 1,
      'samsa.nest.outcome': 'handled',
    });

    // The audit handler failed twice: two attempts in the record's trace, then the dead letter.
    const audit = byName('process t.orders', handler('Audit.record')).sort(
      (a, b) =>
        (a.attributes['samsa.delivery.attempt'] as number) -
        (b.attributes['samsa.delivery.attempt'] as number),
    );
    expect(
      audit.map((s) => [s.attributes['samsa.delivery.attempt'], s.attributes['samsa.nest.outcome']]),
    ).toEqual([
      [1, 'retry'],
      [2, 'dead-letter'],
    ]);
    for (const s of audit) {
      expect(s.spanContext().traceId).toBe(traceId);
      expect(parent(s)).toBe(sendOrder.spanContext().spanId);
      expect(s.status).toEqual({ code: SpanStatusCode.ERROR, message: 'the audit store is down' });
      expect(s.events.map((e) => e.name)).toContain('exception');
    }
    expect(audit[0].events.find((e) => e.name === 'retry')?.attributes).toEqual({
      'samsa.delivery.attempt': 2,
    });
    expect(audit[1].events.find((e) => e.name === 'dead-letter')?.attributes).toEqual({
      'messaging.destination.name': 't.orders.dlq',
    });
    // The dead letter is published in the last attempt's context: the record's trace shows where it went.
    const [sendDead] = byName('send t.orders.dlq');
    expect(sendDead!.spanContext().traceId).toBe(traceId);
    expect(parent(sendDead!)).toBe(audit[1].spanContext().spanId);
  });
});
