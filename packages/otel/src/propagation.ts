/**
 * Trace context in record headers: W3C `traceparent` / `tracestate` (and `baggage`) as string headers,
 * readable whether a header arrives as a string, a Buffer (the consumer's view) or repeated.
 */
import {
  type Context,
  type Link,
  propagation,
  ROOT_CONTEXT,
  type TextMapGetter,
  type TextMapSetter,
  trace,
} from '@opentelemetry/api';

type Headers = Record<string, unknown>;

function text(value: unknown): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first === 'string') return first;
  if (Buffer.isBuffer(first)) return first.toString('utf8');
  return undefined;
}

export const headerGetter: TextMapGetter<Headers | undefined> = {
  get(carrier, key) {
    if (!carrier) return undefined;
    const exact = carrier[key];
    if (exact !== undefined) return text(exact);
    for (const name of Object.keys(carrier)) if (name.toLowerCase() === key) return text(carrier[name]);
    return undefined;
  },
  keys(carrier) {
    return carrier ? Object.keys(carrier) : [];
  },
};

export const headerSetter: TextMapSetter<Headers> = {
  set(carrier, key, value) {
    carrier[key] = value;
  },
};

/**
 * Where the process span of one record starts: under the producer's context carried in its headers
 * (`continue`), or in `active` with a link to it (`link`); in `active` alone when it carries none.
 */
export function recordParent(
  headers: Headers | undefined,
  active: Context,
  mode: 'continue' | 'link',
): { parent: Context; links: Link[] | undefined } {
  const extracted = propagation.extract(ROOT_CONTEXT, headers, headerGetter);
  const producer = trace.getSpanContext(extracted);
  if (producer === undefined || !trace.isSpanContextValid(producer))
    return { parent: active, links: undefined };
  return mode === 'continue'
    ? { parent: extracted, links: undefined }
    : { parent: active, links: [{ context: producer }] };
}

/** Links to the producer contexts of the messages that carry one (a batch span's links). */
export function producerLinks(messages: readonly { headers?: Headers | undefined }[]): Link[] {
  const links: Link[] = [];
  for (const m of messages) {
    const producer = trace.getSpanContext(propagation.extract(ROOT_CONTEXT, m.headers, headerGetter));
    if (producer !== undefined && trace.isSpanContextValid(producer)) links.push({ context: producer });
  }
  return links;
}
