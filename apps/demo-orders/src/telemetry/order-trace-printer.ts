/**
 * Prints one order's trace, compactly, when no OpenTelemetry collector is configured: the spans of
 * the first trace in which a handler of `lastTopic` finished (the HTTP request, each publish, each
 * handler attempt), as a tree with each span's start (from the trace's first span) and duration.
 */
import { SpanKind } from '@opentelemetry/api';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-node';

/** Traces kept while waiting for one to finish; older ones are dropped first. */
const MAX_TRACES = 256;

export interface OrderTracePrinterOptions {
  /** The topic whose handler ends an order's journey. */
  lastTopic: string;
  write: (text: string) => void;
  /** How long to wait after that handler for spans still ending. Default 100 ms. */
  settleMs?: number;
}

export class OrderTracePrinter implements SpanProcessor {
  private readonly traces = new Map<string, ReadableSpan[]>();
  private done = false;

  constructor(private readonly options: OrderTracePrinterOptions) {}

  onStart(): void {}

  onEnd(span: ReadableSpan): void {
    if (this.done) return;
    const { traceId } = span.spanContext();
    let spans = this.traces.get(traceId);
    if (spans === undefined) {
      if (this.traces.size >= MAX_TRACES) this.traces.delete(this.traces.keys().next().value!);
      spans = [];
      this.traces.set(traceId, spans);
    }
    spans.push(span);
    if (this.finishesAnOrder(span, spans)) {
      this.done = true;
      setTimeout(() => {
        this.options.write(renderTrace(this.traces.get(traceId) ?? spans));
        this.traces.clear();
      }, this.options.settleMs ?? 100).unref();
    }
  }

  private finishesAnOrder(span: ReadableSpan, spans: readonly ReadableSpan[]): boolean {
    return (
      span.kind === SpanKind.CONSUMER &&
      span.attributes['messaging.destination.name'] === this.options.lastTopic &&
      span.attributes['samsa.nest.outcome'] === 'handled' &&
      spans.some((s) => s.kind === SpanKind.SERVER)
    );
  }

  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {
    this.traces.clear();
  }
}

const millis = (time: [number, number]) => time[0] * 1e3 + time[1] / 1e6;

/** The trace as an indented tree, children in start order. */
export function renderTrace(spans: readonly ReadableSpan[]): string {
  const ids = new Set(spans.map((s) => s.spanContext().spanId));
  const children = new Map<string | undefined, ReadableSpan[]>();
  for (const span of spans) {
    const parent = span.parentSpanContext?.spanId;
    const key = parent !== undefined && ids.has(parent) ? parent : undefined;
    children.set(key, [...(children.get(key) ?? []), span]);
  }
  for (const list of children.values()) list.sort((a, b) => millis(a.startTime) - millis(b.startTime));
  const roots = children.get(undefined) ?? [];
  const t0 = Math.min(...spans.map((s) => millis(s.startTime)));
  const end = Math.max(...spans.map((s) => millis(s.endTime)));
  const orderId = spans.find((s) => s.attributes['order.id'] !== undefined)?.attributes['order.id'];
  const lines = [
    `trace of order ${orderId ?? '?'} (${spans[0]!.spanContext().traceId}): ${spans.length} spans, ${(end - t0).toFixed(1)} ms`,
    '   start ms took ms  span',
  ];
  const ms = (value: number) => `${value.toFixed(1)}`.padStart(8);
  const visit = (span: ReadableSpan, depth: number) => {
    const start = ms(millis(span.startTime) - t0);
    const took = ms(millis(span.endTime) - millis(span.startTime));
    lines.push(`${start}${took}  ${'  '.repeat(depth)}${depth > 0 ? '└ ' : ''}${label(span)}`);
    for (const child of children.get(span.spanContext().spanId) ?? []) visit(child, depth + 1);
  };
  for (const root of roots) visit(root, 0);
  return `${lines.join('\n')}\n`;
}

function label(span: ReadableSpan): string {
  const a = span.attributes;
  if (span.kind === SpanKind.SERVER)
    return `${a['http.request.method'] ?? span.name} ${a['url.path'] ?? a['http.target'] ?? ''} -> ${a['http.response.status_code'] ?? a['http.status_code'] ?? '?'}`;
  if (span.kind === SpanKind.PRODUCER) {
    const where = a['messaging.destination.partition.id'];
    return where === undefined ? span.name : `${span.name} [${where}]@${a['messaging.kafka.offset']}`;
  }
  const handler = a['samsa.nest.handler'];
  if (span.kind === SpanKind.CONSUMER && handler !== undefined)
    return `${span.name}  ${handler}, attempt ${a['samsa.delivery.attempt']}: ${a['samsa.nest.outcome']}`;
  return span.name;
}
