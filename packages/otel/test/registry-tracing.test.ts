/**
 * SamsaInstrumentation over @samsa/schema-registry's channels, with the registry server in process:
 * server spans and request durations by route and status, serde lookup spans on cache misses, and
 * the serde's cache hits and misses counted.
 */
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  AvroDeserializer,
  AvroSerializer,
  type RegistryServer,
  SchemaRegistryClient,
  startRegistryServer,
} from '@samsa/schema-registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SamsaInstrumentation } from '../src/index.js';
import { named, parentOf, points, startTelemetry, type TestTelemetry } from './support/otel.js';

let telemetry: TestTelemetry;
let instrumentation: SamsaInstrumentation;
let server: RegistryServer;

beforeAll(async () => {
  telemetry = startTelemetry();
  instrumentation = new SamsaInstrumentation();
  instrumentation.setTracerProvider(telemetry.tracerProvider);
  instrumentation.setMeterProvider(telemetry.meterProvider);
  server = await startRegistryServer({ port: 0 });
});

afterAll(async () => {
  instrumentation.disable();
  await server?.close();
  await telemetry?.shutdown();
});

const schema = { type: 'record', name: 'Order', fields: [{ name: 'id', type: 'string' }] };

describe('schema registry telemetry', () => {
  it('server spans and request durations by route and status; a caller’s trace context is continued', async () => {
    const caller = trace.getTracer('test').startSpan('caller');
    const traceparent = `00-${caller.spanContext().traceId}-${caller.spanContext().spanId}-01`;
    caller.end();
    expect((await fetch(`${server.url}/subjects`, { headers: { traceparent } })).status).toBe(200);
    expect((await fetch(`${server.url}/subjects/missing/versions/1`)).status).toBe(404);
    expect((await fetch(`${server.url}/no/such/path`)).status).toBe(404);

    const servers = telemetry.spans.getFinishedSpans().filter((s) => s.kind === SpanKind.SERVER);
    expect(
      servers.map((s) => [s.name, s.attributes['http.route'], s.attributes['http.response.status_code']]),
    ).toEqual([
      ['GET /subjects', '/subjects', 200],
      ['GET /subjects/:subject/versions/:version', '/subjects/:subject/versions/:version', 404],
      ['GET', undefined, 404],
    ]);
    expect(servers[0]!.spanContext().traceId).toBe(caller.spanContext().traceId);
    expect(parentOf(servers[0]!)).toBe(caller.spanContext().spanId);
    // A 404 is the caller's mistake: not an error of the server's span.
    expect(servers.map((s) => s.status.code)).toEqual([
      SpanStatusCode.UNSET,
      SpanStatusCode.UNSET,
      SpanStatusCode.UNSET,
    ]);

    const durations = points(await telemetry.collect(), 'http.server.request.duration').map((p) => [
      p.attributes['http.request.method'],
      p.attributes['http.route'],
      p.attributes['http.response.status_code'],
      (p.value as { count: number }).count,
    ]);
    expect(durations).toEqual(
      expect.arrayContaining([
        ['GET', '/subjects', 200, 1],
        ['GET', '/subjects/:subject/versions/:version', 404, 1],
        ['GET', undefined, 404, 1],
      ]),
    );
  });

  it('serde lookups are spans when the cache misses; hits and misses are counted', async () => {
    telemetry.spans.reset();
    const client = new SchemaRegistryClient({ url: server.url });
    const serializer = new AvroSerializer({ client, schema });
    const deserializer = new AvroDeserializer({ client });
    const handler = trace.getTracer('test').startSpan('handler');
    const bytes = await context.with(trace.setSpan(context.active(), handler), async () => {
      const encoded = [];
      for (const id of ['a', 'b', 'c']) encoded.push(await serializer.serialize('reg-orders', { id }));
      for (const data of encoded) await deserializer.deserialize('reg-orders', data);
      return encoded;
    });
    handler.end();
    const id = bytes[0]!.readUInt32BE(1);

    const spans = telemetry.spans.getFinishedSpans();
    const [register] = named(spans, 'schema-registry register reg-orders-value');
    const [fetchSchema] = named(spans, `schema-registry get schema ${id}`);
    for (const span of [register!, fetchSchema!]) {
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(parentOf(span)).toBe(handler.spanContext().spanId);
      expect(span.attributes['samsa.schema_registry.schema_id']).toBe(id);
      expect(span.attributes['url.full']).toBe(server.url);
    }
    expect(register!.attributes['samsa.schema_registry.subject']).toBe('reg-orders-value');
    // Only the misses asked the registry: the POST that registered, the GET of the schema by id.
    expect(spans.filter((s) => s.kind === SpanKind.SERVER).map((s) => s.name)).toEqual([
      'POST /subjects/:subject/versions',
      'GET /schemas/ids/:id',
    ]);

    const lookups = points(await telemetry.collect(), 'samsa.schema_registry.serde.lookups')
      .filter((p) => p.attributes['messaging.destination.name'] === 'reg-orders')
      .map((p) => [
        p.attributes['samsa.schema_registry.operation'],
        p.attributes['samsa.schema_registry.cache_hit'],
        p.value,
      ])
      .sort();
    expect(lookups).toEqual([
      ['schema', false, 1],
      ['schema', true, 2],
      ['schemaId', false, 1],
      ['schemaId', true, 2],
    ]);
  });

  it('a failed lookup is an error span', async () => {
    telemetry.spans.reset();
    const client = new SchemaRegistryClient({ url: server.url, retries: 0 });
    const serializer = new AvroSerializer({ client, schema, autoRegister: false });
    await expect(serializer.serialize('reg-unknown', { id: 'x' })).rejects.toThrow();
    const [lookup] = named(telemetry.spans.getFinishedSpans(), 'schema-registry lookup reg-unknown-value');
    expect(lookup!.status.code).toBe(SpanStatusCode.ERROR);
    expect(lookup!.attributes['error.type']).toBe('RegistryResponseError');
  });
});
