/**
 * The lifecycle shared by spans that wrap a handler call (a consumer's eachMessage/eachBatch, a Nest
 * `@Subscribe` attempt): the tracing channel's bindStore transform (`enter`) or `start` opens the span
 * once per event, and `asyncEnd` records the error and ends it. Span and context ride on the event
 * object itself, so the hot path has no map lookup.
 */
import { type Attributes, type Context, type Link, type Span, SpanStatusCode } from '@opentelemetry/api';
import { errorType, keyText } from './producer-tracing.js';
import { recordParent } from './propagation.js';
import { ATTR_ERROR_TYPE, ATTR_MESSAGING_KAFKA_MESSAGE_KEY, ATTR_MESSAGING_KAFKA_OFFSET } from './semconv.js';

const SPAN = Symbol('samsa.otel.handlerSpan');
const CONTEXT = Symbol('samsa.otel.handlerContext');
type Carrier = { [SPAN]?: Span; [CONTEXT]?: Context };

export abstract class HandlerSpans<E extends { error?: unknown }> {
  /** Starts the event's span (once) and returns the context the handler runs in (the bindStore transform). */
  readonly enter = (event: E): Context => {
    const carrier = event as E & Carrier;
    if (carrier[CONTEXT] === undefined) this.open(carrier);
    return carrier[CONTEXT]!;
  };

  /** For when no store is bound: the span is still recorded, just not active in the handler. */
  readonly start = (event: E): void => {
    const carrier = event as E & Carrier;
    if (carrier[SPAN] === undefined) this.open(carrier);
  };

  readonly asyncEnd = (event: E): void => {
    const carrier = event as E & Carrier;
    const span = carrier[SPAN];
    if (span === undefined) return;
    carrier[SPAN] = undefined;
    carrier[CONTEXT] = undefined;
    if (event.error !== undefined) {
      span.setAttribute(ATTR_ERROR_TYPE, errorType(event.error));
      if (event.error instanceof Error) span.recordException(event.error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (event.error as Error)?.message });
    }
    this.beforeEnd(span, event);
    span.end();
  };

  /** Starts the span in the context the handler should run in; returns both. */
  protected abstract startSpan(event: E): { span: Span; context: Context };

  /** What a kind of span records once the handler has finished (outcome attributes, events). */
  protected beforeEnd(_span: Span, _event: E): void {}

  private open(carrier: E & Carrier): void {
    const { span, context } = this.startSpan(carrier);
    carrier[SPAN] = span;
    carrier[CONTEXT] = context;
  }
}

/**
 * Adds one record's offset (and key, when captured) to a process span's attributes, and says where
 * the span starts: under the record's producer context or linked to it (`recordParent`).
 */
export function recordAttributes(
  message: { key: unknown; headers?: Record<string, unknown>; offset: string },
  attributes: Attributes,
  active: Context,
  options: { processContext: 'continue' | 'link'; captureMessageKey: boolean },
): { parent: Context; links: Link[] | undefined } {
  attributes[ATTR_MESSAGING_KAFKA_OFFSET] = Number(message.offset);
  const key = keyText(message.key);
  if (key !== undefined && options.captureMessageKey) attributes[ATTR_MESSAGING_KAFKA_MESSAGE_KEY] = key;
  return recordParent(message.headers, active, options.processContext);
}
