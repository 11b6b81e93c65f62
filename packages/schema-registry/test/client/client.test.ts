import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSchema } from '../../src/avro/parse.js';
import { SchemaRegistryClient } from '../../src/client/client.js';
import {
  recordNameStrategy,
  subjectFor,
  topicNameStrategy,
  topicRecordNameStrategy,
} from '../../src/client/subject-names.js';
import { RegistryResponseError, SchemaRegistryError } from '../../src/errors.js';
import { type RegistryServer, startRegistryServer } from '../../src/server/http.js';

const schema = {
  type: 'record',
  name: 'Ping',
  namespace: 'com.acme',
  fields: [{ name: 'at', type: 'long' }],
};

describe('SchemaRegistryClient', () => {
  let server: RegistryServer;
  let requests: string[];
  let client: SchemaRegistryClient;

  beforeAll(async () => {
    server = await startRegistryServer({ port: 0, basicAuth: [{ username: 'u', password: 'p' }] });
  });
  afterAll(() => server.close());

  const counting: typeof fetch = (input, init) => {
    requests.push(`${init?.method ?? 'GET'} ${new URL(String(input)).pathname}`);
    return fetch(input, init);
  };

  it('registers, looks up and fetches by id, caching what is immutable', async () => {
    requests = [];
    client = new SchemaRegistryClient({
      url: `${server.url}/`,
      auth: { username: 'u', password: 'p' },
      fetch: counting,
    });
    const id = await client.register('ping-value', { schema });
    expect(await client.register('ping-value', { schema })).toBe(id);
    expect((await client.lookup('ping-value', { schema: JSON.stringify(schema) })).version).toBe(1);
    await client.lookup('ping-value', { schema: JSON.stringify(schema) });
    expect(JSON.parse((await client.getSchemaById(id)).schema)).toEqual(schema);
    await client.getSchemaById(id);
    expect(requests).toEqual([
      'POST /subjects/ping-value/versions',
      'POST /subjects/ping-value',
      `GET /schemas/ids/${id}`,
    ]);
    expect((await client.getLatest('ping-value')).id).toBe(id);
    expect(await client.listSubjects()).toEqual(['ping-value']);
    expect((await client.getAllVersions('ping-value')).map((v) => v.version)).toEqual([1]);
  });

  it('manages config and mode and tests compatibility', async () => {
    expect(await client.getCompatibility('ping-value')).toBe('BACKWARD');
    expect(await client.setCompatibility('FULL', 'ping-value')).toBe('FULL');
    expect(await client.getCompatibility('ping-value')).toBe('FULL');
    expect(await client.getCompatibility()).toBe('BACKWARD');
    expect(await client.getMode()).toBe('READWRITE');
    const evolved = { ...schema, fields: [...schema.fields, { name: 'x', type: 'int' }] };
    const verdict = await client.testCompatibility(
      'ping-value',
      { schema: evolved },
      { version: 'latest', verbose: true },
    );
    expect(verdict.is_compatible).toBe(false);
    expect(verdict.messages?.[0]).toContain('READER_FIELD_MISSING_DEFAULT_VALUE');
  });

  it('throws typed errors carrying the registry error code', async () => {
    const error = await client.getVersion('missing', 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryResponseError);
    expect(error).toMatchObject({ status: 404, errorCode: 40401 });
    const unauthenticated = new SchemaRegistryClient({ url: server.url, retries: 0 });
    await expect(unauthenticated.listSubjects()).rejects.toMatchObject({ status: 401 });
  });

  it('retries transient failures with backoff, and gives up with a clear error', async () => {
    let calls = 0;
    const flaky: typeof fetch = async (input, init) => {
      calls++;
      if (calls <= 2) throw new TypeError('socket hang up');
      return fetch(input, init);
    };
    const retrying = new SchemaRegistryClient({
      url: server.url,
      auth: { username: 'u', password: 'p' },
      fetch: flaky,
      retryBackoffMs: 1,
    });
    expect(await retrying.listSubjects()).toEqual(['ping-value']);
    expect(calls).toBe(3);

    let unavailable = 0;
    const busy: typeof fetch = async () => {
      unavailable++;
      return new Response('{"error_code":50004,"message":"Unknown leader"}', { status: 500 });
    };
    const giving = new SchemaRegistryClient({ url: server.url, fetch: busy, retries: 2, retryBackoffMs: 1 });
    await expect(giving.listSubjects()).rejects.toMatchObject({ errorCode: 50004 });
    expect(unavailable).toBe(3);

    const down = new SchemaRegistryClient({ url: 'http://127.0.0.1:1', retries: 1, retryBackoffMs: 1 });
    await expect(down.listSubjects()).rejects.toThrow(SchemaRegistryError);
  });
});

describe('subject name strategies', () => {
  const parsed = parseSchema(schema);
  it('names subjects as Confluent does', () => {
    expect(topicNameStrategy('orders', false, parsed)).toBe('orders-value');
    expect(topicNameStrategy('orders', true, parsed)).toBe('orders-key');
    expect(recordNameStrategy('orders', false, parsed)).toBe('com.acme.Ping');
    expect(topicRecordNameStrategy('orders', false, parsed)).toBe('orders-com.acme.Ping');
    expect(subjectFor('topic-record', 'orders', false, schema)).toBe('orders-com.acme.Ping');
    expect(() => subjectFor('record', 'orders', false, 'string')).toThrow(/named schema/);
  });
});
