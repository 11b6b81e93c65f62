/**
 * The registry's diagnostics channels: every request the server answers (method, route template,
 * status), and the serde's registry lookups (traced on a cache miss) and cache resolutions.
 */
import diagnostics_channel from 'node:diagnostics_channel';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SchemaRegistryClient } from '../../src/client/client.js';
import {
  type RegistryCacheEvent,
  RegistryChannelNames,
  type RegistryLookupEvent,
  registryChannels,
} from '../../src/diagnostics/channels.js';
import { AvroDeserializer, AvroSerializer } from '../../src/serde/serde.js';
import { type RegistryServer, startRegistryServer } from '../../src/server/http.js';

const schema = { type: 'record', name: 'Order', fields: [{ name: 'id', type: 'string' }] };

let server: RegistryServer;
beforeAll(async () => {
  server = await startRegistryServer({ port: 0 });
});
afterAll(() => server.close());

/** What one tracing channel published, as [phase, a copy of the payload]. */
function recordTracing<T extends object>(channel: diagnostics_channel.TracingChannel<unknown, T>) {
  const seen: [string, T][] = [];
  const on = (phase: string) => (event: T) => seen.push([phase, { ...event }]);
  const handlers = {
    start: on('start'),
    end: on('end'),
    asyncStart: on('asyncStart'),
    asyncEnd: on('asyncEnd'),
    error: on('error'),
  };
  channel.subscribe(handlers as never);
  return { seen, stop: () => channel.unsubscribe(handlers as never) };
}

const stops: (() => void)[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

describe('samsa:registry:request', () => {
  it('publishes each request with its route template and status, 404s without a route', async () => {
    const requests = recordTracing(registryChannels.request);
    stops.push(requests.stop);
    const subject = encodeURIComponent('orders-value');
    const registered = await fetch(`${server.url}/subjects/${subject}/versions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/vnd.schemaregistry.v1+json',
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      },
      body: JSON.stringify({ schema: JSON.stringify(schema) }),
    });
    expect(registered.status).toBe(200);
    expect((await fetch(`${server.url}/nowhere?x=1`)).status).toBe(404);
    const done = requests.seen.filter(([phase]) => phase === 'asyncEnd').map(([, e]) => e);
    expect(done.map(({ method, path, route, status }) => ({ method, path, route, status }))).toEqual([
      {
        method: 'POST',
        path: '/subjects/orders-value/versions',
        route: '/subjects/:subject/versions',
        status: 200,
      },
      { method: 'GET', path: '/nowhere', route: undefined, status: 404 },
    ]);
    expect(done[0]!.headers.traceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect(requests.seen[0]![0]).toBe('start');
  });
});

describe('samsa:registry:lookup and samsa:registry:cache', () => {
  it('traces a lookup when the serde cache misses, and reports every resolution as a hit or a miss', async () => {
    const lookups = recordTracing(registryChannels.lookup);
    stops.push(lookups.stop);
    const cache: RegistryCacheEvent[] = [];
    const onCache = (message: unknown) => cache.push(message as RegistryCacheEvent);
    diagnostics_channel.subscribe(RegistryChannelNames.cache, onCache);
    stops.push(() => diagnostics_channel.unsubscribe(RegistryChannelNames.cache, onCache));

    const client = new SchemaRegistryClient({ url: `${server.url}/` });
    const serializer = new AvroSerializer({ client, schema });
    const deserializer = new AvroDeserializer({ client });
    const first = await serializer.serialize('lookups', { id: 'a' });
    const second = await serializer.serialize('lookups', { id: 'b' });
    await deserializer.deserialize('lookups', first);
    await deserializer.deserialize('lookups', second);

    expect(cache.map(({ operation, hit, topic }) => `${operation} ${topic} ${hit ? 'hit' : 'miss'}`)).toEqual(
      ['schemaId lookups miss', 'schemaId lookups hit', 'schema lookups miss', 'schema lookups hit'],
    );
    const done = lookups.seen
      .filter(([phase]) => phase === 'asyncEnd')
      .map(([, e]) => e as RegistryLookupEvent);
    const id = first.readUInt32BE(1);
    expect(
      done.map(({ operation, registry, subject, mode, id }) => ({ operation, registry, subject, mode, id })),
    ).toEqual([
      { operation: 'schemaId', registry: server.url, subject: 'lookups-value', mode: 'register', id },
      { operation: 'schema', registry: server.url, subject: undefined, mode: undefined, id },
    ]);
  });

  it('publishes a failed lookup with its error', async () => {
    const lookups = recordTracing(registryChannels.lookup);
    stops.push(lookups.stop);
    const client = new SchemaRegistryClient({ url: server.url, retries: 0 });
    const serializer = new AvroSerializer({ client, schema, autoRegister: false });
    await expect(serializer.serialize('never-registered', { id: 'x' })).rejects.toThrow(/not found/i);
    const [[, failed]] = lookups.seen.filter(([phase]) => phase === 'error') as [
      string,
      RegistryLookupEvent,
    ][];
    expect(failed).toMatchObject({
      operation: 'schemaId',
      subject: 'never-registered-value',
      mode: 'lookup',
    });
    expect(failed!.error).toBeInstanceOf(Error);
  });
});
