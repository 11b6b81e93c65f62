/**
 * Spans and metrics for @samsa/schema-registry, from its channels (documented in its README,
 * "Diagnostics channels"; nothing of the package is imported):
 *
 * - `samsa:registry:request`: a SERVER span per request the registry server answers, named
 *   `{method} {route}`, continuing the caller's W3C context; `http.server.request.duration` by method,
 *   route and status.
 * - `samsa:registry:lookup`: a CLIENT span per serde lookup that asked the registry (its cache missed).
 * - `samsa:registry:cache`: `samsa.schema_registry.serde.lookups`, every serialize and deserialize
 *   call's schema resolution, counted by operation and cache hit.
 */
import type { IncomingHttpHeaders } from 'node:http';
import {
  type Attributes,
  type Counter,
  context,
  defaultTextMapGetter,
  type Histogram,
  type Meter,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
} from '@opentelemetry/api';
import { errorType } from './producer-tracing.js';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_REGISTRY_CACHE_HIT,
  ATTR_REGISTRY_LOOKUP_MODE,
  ATTR_REGISTRY_OPERATION,
  ATTR_REGISTRY_SCHEMA_ID,
  ATTR_REGISTRY_SUBJECT,
  ATTR_URL_FULL,
  ATTR_URL_PATH,
  DURATION_BUCKETS,
  METRIC_HTTP_SERVER_REQUEST_DURATION,
  METRIC_REGISTRY_SERDE_LOOKUPS,
} from './semconv.js';

/** @samsa/schema-registry's channel names. */
export const RegistryChannels = {
  request: 'samsa:registry:request',
  lookup: 'samsa:registry:lookup',
  cache: 'samsa:registry:cache',
} as const;

/** The payload of `samsa:registry:request`, as far as spans and metrics need it. */
export interface RegistryRequestEvent {
  method: string;
  path: string;
  route?: string;
  headers: IncomingHttpHeaders;
  status?: number;
  error?: unknown;
}

export interface RegistryLookupEvent {
  operation: 'schemaId' | 'schema';
  registry: string;
  subject?: string;
  mode?: 'register' | 'lookup' | 'latest';
  id?: number;
  error?: unknown;
}

export interface RegistryCacheEvent {
  operation: 'schemaId' | 'schema';
  hit: boolean;
  topic: string;
}

const SPAN = Symbol('samsa.otel.registrySpan');
const STARTED = Symbol('samsa.otel.registryStarted');
type Traced<T> = T & { [SPAN]?: Span; [STARTED]?: number };

export class RegistryTelemetry {
  private requestDuration: Histogram | undefined;
  private serdeLookups: Counter | undefined;

  constructor(private readonly tracer: () => Tracer) {}

  /** (Re)creates the instruments on `meter`. */
  update(meter: Meter): void {
    this.requestDuration = meter.createHistogram(METRIC_HTTP_SERVER_REQUEST_DURATION, {
      description: 'Duration of the schema registry server’s HTTP requests',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    });
    this.serdeLookups = meter.createCounter(METRIC_REGISTRY_SERDE_LOOKUPS, {
      description:
        'Schema resolutions of Avro serialize and deserialize calls, by whether the serde’s cache answered',
      unit: '{lookup}',
    });
  }

  readonly requestStart = (event: RegistryRequestEvent): void => {
    const traced = event as Traced<RegistryRequestEvent>;
    traced[STARTED] = performance.now();
    const parent = propagation.extract(ROOT_CONTEXT, event.headers, defaultTextMapGetter);
    traced[SPAN] = this.tracer().startSpan(
      event.method,
      {
        kind: SpanKind.SERVER,
        attributes: { [ATTR_HTTP_REQUEST_METHOD]: event.method, [ATTR_URL_PATH]: event.path },
      },
      parent,
    );
  };

  readonly requestEnd = (event: RegistryRequestEvent): void => {
    const traced = event as Traced<RegistryRequestEvent>;
    const span = traced[SPAN];
    const started = traced[STARTED];
    traced[SPAN] = undefined;
    const attributes: Attributes = { [ATTR_HTTP_REQUEST_METHOD]: event.method };
    if (event.route !== undefined) attributes[ATTR_HTTP_ROUTE] = event.route;
    if (event.status !== undefined) attributes[ATTR_HTTP_RESPONSE_STATUS_CODE] = event.status;
    // Server spans are errors for 5xx only: 4xx is the caller's mistake, answered as designed.
    const failed = event.status === undefined || event.status >= 500;
    if (failed)
      attributes[ATTR_ERROR_TYPE] =
        event.status !== undefined ? String(event.status) : errorType(event.error);
    if (started !== undefined) this.requestDuration?.record((performance.now() - started) / 1000, attributes);
    if (span === undefined) return;
    if (event.route !== undefined) span.updateName(`${event.method} ${event.route}`);
    span.setAttributes(attributes);
    if (event.error instanceof Error) span.recordException(event.error);
    if (failed) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  };

  readonly lookupStart = (event: RegistryLookupEvent): void => {
    const attributes: Attributes = {
      [ATTR_REGISTRY_OPERATION]: event.operation,
      [ATTR_URL_FULL]: event.registry,
    };
    if (event.subject !== undefined) attributes[ATTR_REGISTRY_SUBJECT] = event.subject;
    if (event.mode !== undefined) attributes[ATTR_REGISTRY_LOOKUP_MODE] = event.mode;
    if (event.id !== undefined) attributes[ATTR_REGISTRY_SCHEMA_ID] = event.id;
    const name =
      event.operation === 'schema'
        ? `schema-registry get schema ${event.id}`
        : `schema-registry ${event.mode} ${event.subject}`;
    (event as Traced<RegistryLookupEvent>)[SPAN] = this.tracer().startSpan(
      name,
      { kind: SpanKind.CLIENT, attributes },
      context.active(),
    );
  };

  readonly lookupEnd = (event: RegistryLookupEvent): void => {
    const traced = event as Traced<RegistryLookupEvent>;
    const span = traced[SPAN];
    if (span === undefined) return;
    traced[SPAN] = undefined;
    if (event.id !== undefined) span.setAttribute(ATTR_REGISTRY_SCHEMA_ID, event.id);
    if (event.error !== undefined) {
      span.setAttribute(ATTR_ERROR_TYPE, errorType(event.error));
      if (event.error instanceof Error) span.recordException(event.error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (event.error as Error)?.message });
    }
    span.end();
  };

  readonly cache = (message: unknown): void => {
    const { operation, hit, topic } = message as RegistryCacheEvent;
    this.serdeLookups?.add(1, {
      [ATTR_REGISTRY_OPERATION]: operation,
      [ATTR_REGISTRY_CACHE_HIT]: hit,
      [ATTR_MESSAGING_DESTINATION_NAME]: topic,
    });
  };
}
