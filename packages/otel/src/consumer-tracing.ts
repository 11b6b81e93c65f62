/**
 * Consumer spans from `samsa:consumer:process`: one `process {topic}` span (kind CONSUMER) per
 * eachMessage call, and one per eachBatch call with a link to every message's producer context. The
 * handler runs inside the span (context-binding.ts), so spans it starts nest under it.
 *
 * An eachMessage span continues the producer's trace (the producer's span is its parent, as
 * @opentelemetry/instrumentation-kafkajs does, so a record's journey is one trace), or with
 * `processContext: 'link'` starts in the handler's surrounding context and links to it.
 */
import {
  type Attributes,
  type Context,
  context,
  type Link,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type { Batch, KafkaMessage, ProcessEvent } from '@samsa/core-client';
import { bodySize, errorType, keyText } from './producer-tracing.js';
import { producerLinks, recordParent } from './propagation.js';
import {
  ATTR_ERROR_TYPE,
  ATTR_MESSAGING_BATCH_MESSAGE_COUNT,
  ATTR_MESSAGING_CLIENT_ID,
  ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_DESTINATION_PARTITION_ID,
  ATTR_MESSAGING_KAFKA_MESSAGE_KEY,
  ATTR_MESSAGING_KAFKA_MESSAGE_TOMBSTONE,
  ATTR_MESSAGING_KAFKA_OFFSET,
  ATTR_MESSAGING_MESSAGE_BODY_SIZE,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  ATTR_SAMSA_DELIVERY_ATTEMPT,
  MESSAGING_SYSTEM_KAFKA,
  OPERATION_TYPE,
} from './semconv.js';

export type ConsumerHook = (
  span: Span,
  info: {
    topic: string;
    partition: number;
    message?: KafkaMessage<unknown, unknown>;
    batch?: Batch<unknown, unknown>;
  },
) => void;

export interface ConsumerTracingOptions {
  tracer: () => Tracer;
  processContext: 'continue' | 'link';
  captureMessageKey: boolean;
  hook?: ConsumerHook;
  onHookError: (error: unknown) => void;
}

const SPAN = Symbol('samsa.otel.processSpan');
const CONTEXT = Symbol('samsa.otel.processContext');
type TracedProcess = ProcessEvent & { [SPAN]?: Span; [CONTEXT]?: Context };

export class ConsumerTracing {
  constructor(private readonly options: ConsumerTracingOptions) {}

  /** Starts the event's span (once) and returns the context the handler runs in (the bindStore transform). */
  readonly enter = (event: ProcessEvent): Context => {
    const traced = event as TracedProcess;
    if (traced[CONTEXT] === undefined) this.startSpan(traced);
    return traced[CONTEXT]!;
  };

  /** For when no store is bound: the span is still recorded, just not active in the handler. */
  readonly start = (event: ProcessEvent): void => {
    if ((event as TracedProcess)[SPAN] === undefined) this.startSpan(event as TracedProcess);
  };

  readonly asyncEnd = (event: ProcessEvent): void => {
    const traced = event as TracedProcess;
    const span = traced[SPAN];
    if (span === undefined) return;
    traced[SPAN] = undefined;
    traced[CONTEXT] = undefined;
    if (event.error !== undefined) {
      span.setAttribute(ATTR_ERROR_TYPE, errorType(event.error));
      if (event.error instanceof Error) span.recordException(event.error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (event.error as Error)?.message });
    }
    span.end();
  };

  private startSpan(event: TracedProcess): void {
    const tracer = this.options.tracer();
    const active = context.active();
    let parent = active;
    let links: Link[] | undefined;
    const attributes: Attributes = {
      [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM_KAFKA,
      [ATTR_MESSAGING_DESTINATION_NAME]: event.topic,
      [ATTR_MESSAGING_DESTINATION_PARTITION_ID]: String(event.partition),
      [ATTR_MESSAGING_CONSUMER_GROUP_NAME]: event.groupId,
      [ATTR_MESSAGING_OPERATION_NAME]: 'process',
      [ATTR_MESSAGING_OPERATION_TYPE]: OPERATION_TYPE.process,
      [ATTR_MESSAGING_CLIENT_ID]: event.client.clientId,
    };
    if (event.attempt > 1) attributes[ATTR_SAMSA_DELIVERY_ATTEMPT] = event.attempt;
    const message = event.message;
    if (message !== undefined) {
      ({ parent, links } = recordParent(message.headers, parent, this.options.processContext));
      attributes[ATTR_MESSAGING_KAFKA_OFFSET] = Number(message.offset);
      const key = keyText(message.key);
      if (key !== undefined && this.options.captureMessageKey)
        attributes[ATTR_MESSAGING_KAFKA_MESSAGE_KEY] = key;
      if (message.value === null) attributes[ATTR_MESSAGING_KAFKA_MESSAGE_TOMBSTONE] = true;
      const size = bodySize(message.value);
      if (size !== undefined) attributes[ATTR_MESSAGING_MESSAGE_BODY_SIZE] = size;
    } else if (event.batch !== undefined) {
      links = producerLinks(event.batch.messages);
      attributes[ATTR_MESSAGING_BATCH_MESSAGE_COUNT] = event.batch.messages.length;
    }
    const span = tracer.startSpan(
      `process ${event.topic}`,
      { kind: SpanKind.CONSUMER, attributes, links },
      parent,
    );
    const hook = this.options.hook;
    if (hook) {
      try {
        hook(span, { topic: event.topic, partition: event.partition, message, batch: event.batch });
      } catch (err) {
        this.options.onHookError(err);
      }
    }
    event[SPAN] = span;
    event[CONTEXT] = trace.setSpan(parent, span);
  }
}
