import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SchemaRegistryClient } from '../../src/client/client.js';
import { SchemaRegistryError } from '../../src/errors.js';
import { DisplayDecoder } from '../../src/serde/display.js';
import { AvroSerializer } from '../../src/serde/serde.js';
import { encodeWire } from '../../src/serde/wire.js';
import { type RegistryServer, startRegistryServer } from '../../src/server/http.js';

const order = {
  type: 'record',
  name: 'Order',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'note', type: ['null', 'string'], default: null },
    { name: 'blob', type: 'bytes' },
  ],
};

let server: RegistryServer;
let client: SchemaRegistryClient;
beforeAll(async () => {
  server = await startRegistryServer({ port: 0 });
  client = new SchemaRegistryClient({ url: server.url, retries: 0 });
});
afterAll(() => server.close());

describe('DisplayDecoder', () => {
  it('decodes Avro through the registry by magic byte and schema id, as JSON', async () => {
    const serializer = new AvroSerializer({ client, schema: order });
    const data = await serializer.serialize('orders', {
      id: 'o-1',
      note: 'hi',
      blob: Buffer.from([0xff, 0x41]),
    });
    const shown = await new DisplayDecoder({ registry: client }).decode('orders', data);
    expect(shown).toEqual({
      format: 'avro',
      schemaId: await serializer.schemaId('orders'),
      subject: 'orders-value',
      version: 1,
      value: { id: 'o-1', note: 'hi', blob: '\u00ffA' },
      text: '{"id":"o-1","note":"hi","blob":"ÿA"}',
    });
  });

  it('names the first subject and version a schema id is registered under', async () => {
    const shared = { type: 'record', name: 'Shared', fields: [{ name: 'n', type: 'int' }] };
    await client.register('first-value', { schema: shared });
    const id = await client.register('second-value', { schema: shared });
    const decoder = new DisplayDecoder({ registry: client });
    const data = encodeWire(id, Buffer.from([2]));
    expect(await decoder.decode('second', data)).toMatchObject({
      format: 'avro',
      value: { n: 1 },
      subject: 'first-value',
      version: 1,
    });
  });

  it('decodes without subject and version where the registry cannot look them up', async () => {
    const serializer = new AvroSerializer({ client, schema: order });
    const data = await serializer.serialize('orders', { id: 'o-3', note: null, blob: Buffer.alloc(0) });
    // A registry without GET /schemas/ids/{id}/versions answers 404 there.
    const older = new SchemaRegistryClient({
      url: server.url,
      retries: 0,
      fetch: (input, init) =>
        /\/schemas\/ids\/\d+\/versions$/.test(String(input))
          ? Promise.resolve(
              new Response(JSON.stringify({ error_code: 404, message: 'HTTP 404 Not Found' }), {
                status: 404,
                headers: { 'content-type': 'application/json' },
              }),
            )
          : fetch(input, init),
    });
    const shown = await new DisplayDecoder({ registry: older }).decode('orders', data);
    expect(shown).toMatchObject({ format: 'avro', value: { id: 'o-3', note: null, blob: '' } });
    expect(shown).not.toHaveProperty('subject');
    expect(shown).not.toHaveProperty('version');
  });

  it('shows wire-format data as bytes with a note without a registry, or when the id is unknown', async () => {
    const data = encodeWire(4242, Buffer.from([2, 0x61]));
    const withoutRegistry = await new DisplayDecoder().decode('t', data);
    expect(withoutRegistry).toEqual({
      format: 'bytes',
      text: data.toString('hex'),
      value: data.toString('hex'),
      note: 'looks like Avro (schema id 4242); give a schema registry to decode it',
    });
    const unknownId = await new DisplayDecoder({ registry: client }).decode('t', data);
    expect(unknownId.format).toBe('bytes');
    expect(unknownId.note).toMatch(/^schema id 4242: .*404/);
  });

  it('tells JSON documents, text, bytes and null apart', async () => {
    const decoder = new DisplayDecoder();
    expect(await decoder.decode('t', Buffer.from('{"a":[1,2]}'))).toEqual({
      format: 'json',
      text: '{"a":[1,2]}',
      value: { a: [1, 2] },
    });
    // Scalars and text that only starts like JSON stay text.
    expect(await decoder.decode('t', Buffer.from('42'))).toEqual({
      format: 'string',
      text: '42',
      value: '42',
    });
    expect((await decoder.decode('t', Buffer.from('{not json'))).format).toBe('string');
    expect(await decoder.decode('t', Buffer.from('héllo\tworld'))).toEqual({
      format: 'string',
      text: 'héllo\tworld',
      value: 'héllo\tworld',
    });
    expect(await decoder.decode('t', Buffer.from([0xc3, 0x28]))).toEqual({
      format: 'bytes',
      text: 'c328',
      value: 'c328',
    });
    expect((await decoder.decode('t', Buffer.from('a\u0001b'))).format).toBe('bytes');
    expect(await decoder.decode('t', null)).toEqual({ format: 'null', text: '', value: null });
  });

  it('reads data without the registry on request (headers): wire-format bytes stay bytes', async () => {
    const data = encodeWire(1, Buffer.from([0]));
    expect(DisplayDecoder.plain(data)).toEqual({
      format: 'bytes',
      text: '000000000100',
      value: '000000000100',
    });
    expect(DisplayDecoder.plain(Buffer.from('[1]'))).toEqual({ format: 'json', text: '[1]', value: [1] });
    expect(DisplayDecoder.plain(null)).toEqual({ format: 'null', text: '', value: null });
  });

  it('fails when the registry cannot be reached, rather than hiding every value', async () => {
    const unreachable = new SchemaRegistryClient({ url: 'http://127.0.0.1:1', retries: 0 });
    const err = await new DisplayDecoder({ registry: unreachable })
      .decode('t', encodeWire(1, Buffer.from([0])))
      .catch((e) => e);
    expect(err).toBeInstanceOf(SchemaRegistryError);
    expect(err.message).toMatch(/Could not reach the schema registry/);
  });
});

describe('AvroSerializer.fromJson', () => {
  it('turns a JSON input line into a value the serializer encodes', async () => {
    const serializer = new AvroSerializer({ client, schema: order });
    const value = serializer.fromJson({ id: 'o-2', note: { string: 'n' }, blob: 'AB' });
    const data = await serializer.serialize('orders', value);
    const shown = await new DisplayDecoder({ registry: client }).decode('orders', data);
    expect(shown.value).toEqual({ id: 'o-2', note: 'n', blob: 'AB' });
  });
});
