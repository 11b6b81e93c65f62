/**
 * Trace context in record headers: W3C `traceparent` / `tracestate` (and `baggage`) as string headers,
 * readable whether a header arrives as a string, a Buffer (the consumer's view) or repeated.
 */
import type { TextMapGetter, TextMapSetter } from '@opentelemetry/api';

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
