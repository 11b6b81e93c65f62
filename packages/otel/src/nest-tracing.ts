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
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { errorType, keyText } from './producer-tracing.js';
import { producerLinks, recordParent } from './propagation.js';
import {
  ATTR_ERROR_TYPE,
  ATTR_MESSAGING_BATCH_MESSAGE_COUNT,
  ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_DESTINATION_PARTITION_ID,
  ATTR_MESSAGING_KAFKA_MESSAGE_KEY,
  ATTR_MESSAGING_KAFKA_OFFSET,
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

const SPAN = Symbol('samsa.otel.nestSpan');
const CONTEXT = Symbol('samsa.otel.nestContext');
type Traced = NestHandleEvent & { [SPAN]?: Span; [CONTEXT]?: Context };

export class NestTracing {
  constructor(
    private readonly options: {
      tracer: () => Tracer;
      processContext: 'continue' | 'link';
      captureMessageKey: boolean;
    },
  ) {}

  readonly enter = (event: NestHandleEvent): Context => {
    const traced = event as Traced;
    if (traced[CONTEXT] === undefined) this.startSpan(traced);
    return traced[CONTEXT]!;
  };

  readonly start = (event: NestHandleEvent): void => {
    if ((event as Traced)[SPAN] === undefined) this.startSpan(event as Traced);
  };

  readonly asyncEnd = (event: NestHandleEvent): void => {
    const traced = event as Traced;
    const span = traced[SPAN];
    if (span === undefined) return;
    traced[SPAN] = undefined;
    traced[CONTEXT] = undefined;
    const outcome = event.outcome ?? 'handled';
    span.setAttribute(ATTR_NEST_OUTCOME, outcome);
    if (event.error !== undefined) {
      span.setAttribute(ATTR_ERROR_TYPE, errorType(event.error));
      if (event.error instanceof Error) span.recordException(event.error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (event.error as Error)?.message });
    }
    if (outcome === 'retry') span.addEvent('retry', { [ATTR_SAMSA_DELIVERY_ATTEMPT]: event.attempt + 1 });
    else if (outcome === 'dead-letter')
      span.addEvent('dead-letter', { [ATTR_MESSAGING_DESTINATION_NAME]: event.deadLetterTopic ?? '' });
    else if (outcome === 'skip') span.addEvent('skipped');
    span.end();
  };

  private startSpan(event: Traced): void {
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
    const message = event.message;
    if (message !== undefined) {
      ({ parent, links } = recordParent(message.headers, parent, this.options.processContext));
      attributes[ATTR_MESSAGING_KAFKA_OFFSET] = Number(message.offset);
      const key = keyText(message.key);
      if (key !== undefined && this.options.captureMessageKey)
        attributes[ATTR_MESSAGING_KAFKA_MESSAGE_KEY] = key;
    } else if (event.messages !== undefined) {
      links = producerLinks(event.messages);
      attributes[ATTR_MESSAGING_BATCH_MESSAGE_COUNT] = event.messages.length;
    }
    const span = this.options
      .tracer()
      .startSpan(`process ${event.topic}`, { kind: SpanKind.CONSUMER, attributes, links }, parent);
    event[SPAN] = span;
    event[CONTEXT] = trace.setSpan(parent, span);
  }
}
