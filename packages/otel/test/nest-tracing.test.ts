/**
 * Spans from @samsa/nest's `samsa:nest:handle` channel, driven here by publishing its documented
 * payload directly (the Nest end to end lives in @samsa/nest's test/interop/otel-tracing.e2e.test.ts).
 */
import diagnostics_channel from 'node:diagnostics_channel';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ATTR_NEST_HANDLER,
  ATTR_NEST_OUTCOME,
  NEST_HANDLE_CHANNEL,
  type NestHandleEvent,
} from '../src/index.js';
import { SamsaInstrumentation } from '../src/instrumentation.js';
import { parentOf, startTelemetry, type TestTelemetry } from './support/otel.js';

let telemetry: TestTelemetry;
let instrumentation: SamsaInstrumentation;
const channel = diagnostics_channel.tracingChannel<unknown, NestHandleEvent>(NEST_HANDLE_CHANNEL);

beforeAll(() => {
  telemetry = startTelemetry();
  instrumentation = new SamsaInstrumentation();
  instrumentation.setTracerProvider(telemetry.tracerProvider);
});

afterAll(async () => {
  instrumentation.disable();
  await telemetry.shutdown();
});

/** What @samsa/nest publishes around one handler call that fails or not. */
async function invoke(
  event: NestHandleEvent,
  handler: () => Promise<void>,
  outcome: NestHandleEvent['outcome'],
) {
  await channel.start
    .runStores(event, async () => {
      channel.end.publish(event);
      try {
        await handler();
      } catch (error) {
        event.error = error;
        event.outcome = outcome;
        channel.error.publish(event);
        throw error;
      }
      event.outcome = outcome;
    })
    .catch(() => undefined)
    .finally(() => {
      channel.asyncStart.publish(event);
      channel.asyncEnd.publish(event);
    });
}

function recordFrom(producerTraceparent: Record<string, string>): NestHandleEvent {
  return {
    handler: 'Payments.charge',
    groupId: 'payments',
    topic: 'orders',
    partition: 1,
    attempt: 2,
    maxAttempts: 2,
    message: { key: Buffer.from('o-1'), headers: producerTraceparent, offset: '41' },
  };
}

describe('@samsa/nest handler spans', () => {
  it("runs the handler in a CONSUMER span continuing the producer's trace, with handler, attempt and outcome", async () => {
    const headers: Record<string, string> = {};
    const producer = trace.getTracer('test').startSpan('send orders');
    propagation.inject(trace.setSpan(context.active(), producer), headers);
    producer.end();

    let inside: string | undefined;
    await invoke(
      recordFrom(headers),
      async () => {
        inside = trace.getActiveSpan()?.spanContext().spanId;
        throw new Error('card declined');
      },
      'dead-letter',
    );
    const event = { ...recordFrom(headers), deadLetterTopic: 'orders.dlq' };
    await invoke(event, async () => {}, 'handled');

    const [failed, handled] = telemetry.spans.getFinishedSpans().filter((s) => s.name === 'process orders');
    expect(failed!.kind).toBe(SpanKind.CONSUMER);
    expect(inside).toBe(failed!.spanContext().spanId);
    expect(failed!.spanContext().traceId).toBe(producer.spanContext().traceId);
    expect(parentOf(failed!)).toBe(producer.spanContext().spanId);
    expect(failed!.attributes).toMatchObject({
      [ATTR_NEST_HANDLER]: 'Payments.charge',
      [ATTR_NEST_OUTCOME]: 'dead-letter',
      'samsa.delivery.attempt': 2,
      'messaging.consumer.group.name': 'payments',
      'messaging.kafka.offset': 41,
      'messaging.kafka.message.key': 'o-1',
      'error.type': 'Error',
    });
    expect(failed!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'card declined' });
    expect(failed!.events.map((e) => e.name)).toEqual(['exception', 'dead-letter']);
    expect(handled!.attributes[ATTR_NEST_OUTCOME]).toBe('handled');
    expect(handled!.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('a batch handler span links every record’s producer span', async () => {
    telemetry.spans.reset();
    const producers = ['a', 'b'].map((name) => trace.getTracer('test').startSpan(`send ${name}`));
    const messages = producers.map((span, i) => {
      const headers: Record<string, string> = {};
      propagation.inject(trace.setSpan(context.active(), span), headers);
      span.end();
      return { key: null, headers, offset: String(i) };
    });
    await invoke({ ...recordFrom({}), message: undefined, messages }, async () => {}, 'handled');
    const [batch] = telemetry.spans.getFinishedSpans().filter((s) => s.name === 'process orders');
    expect(batch!.links.map((l) => l.context.spanId)).toEqual(producers.map((p) => p.spanContext().spanId));
    expect(batch!.attributes['messaging.batch.message_count']).toBe(2);
  });
});
