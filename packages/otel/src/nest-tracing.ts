/**
 * Spans for @samsa/nest's `@Subscribe` invocations, from its `samsa:nest:handle` channel (documented in
 * @samsa/nest's README; nothing of @samsa/nest is imported): one `process {topic}` span (kind CONSUMER)
 * per attempt, continuing the record's producer trace like an eachMessage span, with the handler's
 * name, the attempt, and the outcome (handled, retry, dead-letter, skip) as attribute and event. The
 * handler runs inside it, so what it publishes through `SamsaProducer` continues the trace.
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
import { HandlerSpans, recordAttributes } from './handler-spans.js';
import { producerLinks } from './propagation.js';
import {
  ATTR_MESSAGING_BATCH_MESSAGE_COUNT,
  ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_DESTINATION_PARTITION_ID,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  ATTR_SAMSA_DELIVERY_ATTEMPT,
  MESSAGING_SYSTEM_KAFKA,
  OPERATION_TYPE,
} from './semconv.js';

/** @samsa/nest's channel name. */
export const NEST_HANDLE_CHANNEL = 'samsa:nest:handle';
export const ATTR_NEST_HANDLER = 'samsa.nest.handler';
export const ATTR_NEST_OUTCOME = 'samsa.nest.outcome';

interface NestMessage {
  key: Buffer | string | null;
  headers?: Record<string, unknown>;
  offset: string;
}

/** The payload of `samsa:nest:handle` (@samsa/nest's HandleEvent), as far as spans need it. */
export interface NestHandleEvent {
  handler: string;
  groupId: string;
  topic: string;
  partition: number;
  attempt: number;
  maxAttempts: number;
  message?: NestMessage;
  messages?: readonly NestMessage[];
  outcome?: 'handled' | 'retry' | 'dead-letter' | 'skip';
  deadLetterTopic?: string;
  error?: unknown;
}

export class NestTracing extends HandlerSpans<NestHandleEvent> {
  constructor(
    private readonly options: {
      tracer: () => Tracer;
      processContext: 'continue' | 'link';
      captureMessageKey: boolean;
    },
  ) {
    super();
  }

  protected startSpan(event: NestHandleEvent): { span: Span; context: Context } {
    let parent = context.active();
    let links: Link[] | undefined;
    const attributes: Attributes = {
      [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM_KAFKA,
      [ATTR_MESSAGING_DESTINATION_NAME]: event.topic,
      [ATTR_MESSAGING_DESTINATION_PARTITION_ID]: String(event.partition),
      [ATTR_MESSAGING_CONSUMER_GROUP_NAME]: event.groupId,
      [ATTR_MESSAGING_OPERATION_NAME]: 'process',
      [ATTR_MESSAGING_OPERATION_TYPE]: OPERATION_TYPE.process,
      [ATTR_NEST_HANDLER]: event.handler,
      [ATTR_SAMSA_DELIVERY_ATTEMPT]: event.attempt,
    };
    if (event.message !== undefined) {
      ({ parent, links } = recordAttributes(event.message, attributes, parent, this.options));
    } else if (event.messages !== undefined) {
      links = producerLinks(event.messages);
      attributes[ATTR_MESSAGING_BATCH_MESSAGE_COUNT] = event.messages.length;
    }
    const span = this.options
      .tracer()
      .startSpan(`process ${event.topic}`, { kind: SpanKind.CONSUMER, attributes, links }, parent);
    return { span, context: trace.setSpan(parent, span) };
  }

  /** The outcome as attribute, and as an event where the record goes on elsewhere. */
  protected override beforeEnd(span: Span, event: NestHandleEvent): void {
    const outcome = event.outcome ?? 'handled';
    span.setAttribute(ATTR_NEST_OUTCOME, outcome);
    if (outcome === 'retry') span.addEvent('retry', { [ATTR_SAMSA_DELIVERY_ATTEMPT]: event.attempt + 1 });
    else if (outcome === 'dead-letter')
      span.addEvent('dead-letter', { [ATTR_MESSAGING_DESTINATION_NAME]: event.deadLetterTopic ?? '' });
    else if (outcome === 'skip') span.addEvent('skipped');
  }
}
