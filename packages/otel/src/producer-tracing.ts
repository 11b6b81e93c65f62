/**
 * Producer spans from `samsa:producer:send`: one `send {topic}` span (kind PRODUCER) per message, as
 * @opentelemetry/instrumentation-kafkajs makes them, child of the caller's active context, with its
 * W3C trace context written into the message's headers before the record is appended. The spans end
 * when the send settles, with the partition and offset the broker gave each message, or the error.
 */
import {
  type Attributes,
  context,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type { Message, SendEvent } from '@samsa/core-client';
import { headerSetter } from './propagation.js';
import {
  ATTR_ERROR_TYPE,
  ATTR_MESSAGING_CLIENT_ID,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_DESTINATION_PARTITION_ID,
  ATTR_MESSAGING_KAFKA_MESSAGE_KEY,
  ATTR_MESSAGING_KAFKA_MESSAGE_TOMBSTONE,
  ATTR_MESSAGING_KAFKA_OFFSET,
  ATTR_MESSAGING_MESSAGE_BODY_SIZE,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  MESSAGING_SYSTEM_KAFKA,
  OPERATION_TYPE,
} from './semconv.js';

export type ProducerHook = (span: Span, info: { topic: string; message: Message<unknown, unknown> }) => void;

export interface ProducerTracingOptions {
  tracer: () => Tracer;
  captureMessageKey: boolean;
  hook?: ProducerHook;
  onHookError: (error: unknown) => void;
}

const SPANS = Symbol('samsa.otel.producerSpans');
type TracedSend = SendEvent & { [SPANS]?: Span[] };

export class ProducerTracing {
  constructor(private readonly options: ProducerTracingOptions) {}

  readonly start = (event: SendEvent): void => {
    const { tracer: getTracer, hook } = this.options;
    const tracer = getTracer();
    const parent = context.active();
    const spans: Span[] = [];
    for (const { topic, messages } of event.topicMessages) {
      const name = `send ${topic}`;
      for (const message of messages) {
        const span = tracer.startSpan(
          name,
          { kind: SpanKind.PRODUCER, attributes: this.attributes(event, topic, message) },
          parent,
        );
        // A copy: the application may share one headers object between messages.
        const headers: Record<string, unknown> = { ...message.headers };
        propagation.inject(trace.setSpan(parent, span), headers, headerSetter);
        message.headers = headers as Message['headers'];
        if (hook) {
          try {
            hook(span, { topic, message });
          } catch (err) {
            this.options.onHookError(err);
          }
        }
        spans.push(span);
      }
    }
    (event as TracedSend)[SPANS] = spans;
  };

  readonly asyncEnd = (event: SendEvent): void => {
    const spans = (event as TracedSend)[SPANS];
    if (!spans) return;
    (event as TracedSend)[SPANS] = undefined;
    if (event.error !== undefined) {
      const type = errorType(event.error);
      const message = (event.error as Error)?.message;
      for (const span of spans) {
        span.setAttribute(ATTR_ERROR_TYPE, type);
        span.setStatus({ code: SpanStatusCode.ERROR, message });
        span.end();
      }
      return;
    }
    // Per-message results are computed on first read; messages are in call order, as the spans are.
    const records = event.result?.records;
    for (let i = 0; i < spans.length; i++) {
      const span = spans[i];
      const r = records?.[i];
      if (r !== undefined && span.isRecording()) {
        span.setAttribute(ATTR_MESSAGING_DESTINATION_PARTITION_ID, String(r.partition));
        const offset = Number(r.offset);
        if (offset >= 0) span.setAttribute(ATTR_MESSAGING_KAFKA_OFFSET, offset);
      }
      span.end();
    }
  };

  private attributes(event: SendEvent, topic: string, message: Message<unknown, unknown>): Attributes {
    const attributes: Attributes = {
      [ATTR_MESSAGING_SYSTEM]: MESSAGING_SYSTEM_KAFKA,
      [ATTR_MESSAGING_DESTINATION_NAME]: topic,
      [ATTR_MESSAGING_OPERATION_NAME]: 'send',
      [ATTR_MESSAGING_OPERATION_TYPE]: OPERATION_TYPE.send,
      [ATTR_MESSAGING_CLIENT_ID]: event.client.clientId,
    };
    if (typeof message.partition === 'number')
      attributes[ATTR_MESSAGING_DESTINATION_PARTITION_ID] = String(message.partition);
    const key = keyText(message.key);
    if (key !== undefined && this.options.captureMessageKey)
      attributes[ATTR_MESSAGING_KAFKA_MESSAGE_KEY] = key;
    if (message.value === null) attributes[ATTR_MESSAGING_KAFKA_MESSAGE_TOMBSTONE] = true;
    const size = bodySize(message.value);
    if (size !== undefined) attributes[ATTR_MESSAGING_MESSAGE_BODY_SIZE] = size;
    return attributes;
  }
}

/** A key's text, for keys that have one (strings, and bytes read as UTF-8, as instrumentation-kafkajs does). */
export function keyText(key: unknown): string | undefined {
  if (typeof key === 'string') return key;
  if (Buffer.isBuffer(key)) return key.toString('utf8');
  return undefined;
}

export function bodySize(value: unknown): number | undefined {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (Buffer.isBuffer(value)) return value.length;
  return undefined;
}

/** `error.type`: the error's class name (a typed Samsa error says what failed), else `_OTHER`. */
export function errorType(error: unknown): string {
  if (error instanceof Error) return error.constructor.name || error.name;
  return '_OTHER';
}
