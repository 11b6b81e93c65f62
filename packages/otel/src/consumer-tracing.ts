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
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type { Batch, KafkaMessage, ProcessEvent } from '@samsa/core-client';
import { HandlerSpans, recordAttributes } from './handler-spans.js';
import { bodySize } from './producer-tracing.js';
import { producerLinks } from './propagation.js';
import {
  ATTR_MESSAGING_BATCH_MESSAGE_COUNT,
  ATTR_MESSAGING_CLIENT_ID,
  ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_DESTINATION_PARTITION_ID,
  ATTR_MESSAGING_KAFKA_MESSAGE_TOMBSTONE,
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

export class ConsumerTracing extends HandlerSpans<ProcessEvent> {
  constructor(private readonly options: ConsumerTracingOptions) {
    super();
  }

  protected startSpan(event: ProcessEvent): { span: Span; context: Context } {
    let parent = context.active();
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
      ({ parent, links } = recordAttributes(message, attributes, parent, this.options));
      if (message.value === null) attributes[ATTR_MESSAGING_KAFKA_MESSAGE_TOMBSTONE] = true;
      const size = bodySize(message.value);
      if (size !== undefined) attributes[ATTR_MESSAGING_MESSAGE_BODY_SIZE] = size;
    } else if (event.batch !== undefined) {
      links = producerLinks(event.batch.messages);
      attributes[ATTR_MESSAGING_BATCH_MESSAGE_COUNT] = event.batch.messages.length;
    }
    const span = this.options
      .tracer()
      .startSpan(`process ${event.topic}`, { kind: SpanKind.CONSUMER, attributes, links }, parent);
    const hook = this.options.hook;
    if (hook) {
      try {
        hook(span, { topic: event.topic, partition: event.partition, message, batch: event.batch });
      } catch (err) {
        this.options.onHookError(err);
      }
    }
    return { span, context: trace.setSpan(parent, span) };
  }
}
