import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SchemaRegistryClient } from '../../src/client/client.js';
import { InvalidValueError, SerdeError } from '../../src/errors.js';
import { avscTypeFor as avscType } from '../../src/serde/avro-types.js';
import { AvroDeserializer, AvroSerializer } from '../../src/serde/serde.js';
import { encodeWire, readSchemaId } from '../../src/serde/wire.js';
import { type RegistryServer, startRegistryServer } from '../../src/server/http.js';

const v1 = {
  type: 'record',
  name: 'Order',
  namespace: 'com.acme',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'qty', type: 'int' },
    { name: 'tags', type: { type: 'array', items: 'string' } },
    { name: 'note', type: ['null', 'string'], default: null },
  ],
};

let server: RegistryServer;
let client: SchemaRegistryClient;
beforeAll(async () => {
  server = await startRegistryServer({ port: 0 });
  client = new SchemaRegistryClient({ url: server.url });
});
afterAll(() => server.close());

describe('AvroSerializer / AvroDeserializer', () => {
  it('round-trips in the Confluent wire format and registers under the topic strategy', async () => {
    const serializer = new AvroSerializer({ client, schema: v1 });
    const value = { id: 'o1', qty: 3, tags: ['a'], note: null };
    const bytes = await serializer.serialize('orders', value);
    expect(bytes[0]).toBe(0);
    const id = readSchemaId(bytes);
    expect((await client.getLatest('orders-value')).id).toBe(id);
    const deserializer = new AvroDeserializer({ client });
    expect(await deserializer.deserialize('orders', bytes)).toEqual(value);
    // Large values grow the scratch buffer.
    const big = { ...value, tags: Array.from({ length: 20_000 }, (_, i) => `tag-${i}`) };
    expect(await deserializer.deserialize('orders', await serializer.serialize('orders', big))).toEqual(big);
  });

  it('hands out messages that stay intact while later ones are written, small and large', async () => {
    const serializer = new AvroSerializer({ client, schema: v1 });
    const deserializer = new AvroDeserializer({ client });
    const values = Array.from({ length: 300 }, (_, i) => ({
      id: `o-${i}`,
      qty: i,
      tags: Array.from({ length: i % 7 === 0 ? 600 : i % 5 }, (_, j) => `t${j}`),
      note: i % 2 ? null : 'é'.repeat(i % 70),
    }));
    const messages = [];
    for (const value of values) messages.push(await serializer.serialize('slabs', value));
    for (const [i, message] of messages.entries()) {
      expect(await deserializer.deserialize('slabs', message)).toEqual(values[i]);
      expect(message.length).toBe(5 + avscType(v1).toBuffer(values[i]).length);
    }
  });

  it('gives each message bytes of its own across slab changes, for messages of one size and of growing size', async () => {
    const serializer = new AvroSerializer({ client, schema: v1 });
    const deserializer = new AvroDeserializer({ client });
    // Same-size messages (a new slab is taken as soon as the next one would not fit), then ones outgrowing the last.
    const values = [
      ...Array.from({ length: 200 }, (_, i) => ({
        id: `o-${1000 + i}`,
        qty: i,
        tags: ['x'.repeat(90)],
        note: null,
      })),
      ...Array.from({ length: 60 }, (_, i) => ({ id: 'g', qty: i, tags: ['y'.repeat(i * 40)], note: null })),
    ];
    const messages = [];
    for (const value of values) messages.push(await serializer.serialize('same-size', value));
    const regions = messages.map((m) => [m.buffer, m.byteOffset, m.byteOffset + m.length] as const);
    for (const [i, [memory, from, to]] of regions.entries()) {
      for (const [other, start, end] of regions.slice(i + 1)) {
        if (other === memory) expect(start >= to || end <= from).toBe(true);
      }
    }
    for (const [i, message] of messages.entries()) {
      expect(await deserializer.deserialize('same-size', message)).toEqual(values[i]);
    }
  });

  it('writes what avsc writes for values the compiled writer leaves to it, and reads what avsc reads', async () => {
    const serializer = new AvroSerializer({ client, schema: v1 });
    const kafkajs = new SchemaRegistry({ host: server.url });
    const { id } = await kafkajs.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(v1) },
      { subject: 'fallback-value' },
    );
    // A lone surrogate: avsc writes its three bytes as they are in a short string.
    const value = { id: 'x\ud800', qty: 1, tags: [], note: null };
    const ours = await serializer.serialize('fallback', value);
    expect(Buffer.compare(ours, await kafkajs.encode(id, value))).toBe(0);
    expect(await new AvroDeserializer({ client }).deserialize('fallback', ours)).toEqual(
      await kafkajs.decode(ours),
    );
  });

  it('interoperates with @kafkajs/confluent-schema-registry in both directions', async () => {
    const kafkajs = new SchemaRegistry({ host: server.url });
    const serializer = new AvroSerializer({ client, schema: v1 });
    const value = { id: 'o2', qty: 1, tags: [], note: 'hi' };
    const ours = await serializer.serialize('interop', value);
    expect(await kafkajs.decode(ours)).toEqual(value);
    const { id } = await kafkajs.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(v1) },
      { subject: 'interop-value' },
    );
    const theirs = await kafkajs.encode(id, value);
    expect(Buffer.compare(theirs, ours)).toBe(0);
    expect(await new AvroDeserializer({ client }).deserialize('interop', theirs)).toEqual(value);
  });

  it('resolves old data into a newer reader schema (defaults, promotions, namespace changes)', async () => {
    const writer = new AvroSerializer({ client, schema: v1 });
    const bytes = await writer.serialize('evolve', { id: 'o3', qty: 7, tags: ['x'], note: null });
    const reader = {
      type: 'record',
      name: 'Order',
      namespace: 'com.other',
      fields: [
        { name: 'id', type: 'string' },
        { name: 'quantity', type: 'long', aliases: ['qty'] },
        { name: 'currency', type: 'string', default: 'EUR' },
      ],
    };
    const deserializer = new AvroDeserializer<{ id: string; quantity: number; currency: string }>({
      client,
      readerSchema: reader,
    });
    expect(await deserializer.deserialize('evolve', bytes)).toEqual({
      id: 'o3',
      quantity: 7,
      currency: 'EUR',
    });
  });

  it('explains an unreadable writer schema with the compatibility checker', async () => {
    const bytes = await new AvroSerializer({ client, schema: v1 }).serialize('unreadable', {
      id: 'x',
      qty: 1,
      tags: [],
      note: null,
    });
    const reader = { type: 'record', name: 'Order', fields: [{ name: 'missing', type: 'int' }] };
    const error = await new AvroDeserializer({ client, readerSchema: reader })
      .deserialize('t', bytes)
      .catch((e: Error) => e);
    expect(error).toBeInstanceOf(SerdeError);
    expect((error as Error).message).toContain('READER_FIELD_MISSING_DEFAULT_VALUE at /fields/0: missing');
  });

  it('writes a top-level bytes value raw, as Java does, and reads it back', async () => {
    const serializer = new AvroSerializer<Buffer>({ client, schema: 'bytes' });
    const payload = Buffer.from([1, 2, 3, 250]);
    const bytes = await serializer.serialize('raw', payload);
    expect(bytes.subarray(5)).toEqual(payload);
    expect(bytes.length).toBe(9);
    // Exactly what Java's KafkaAvroSerializer writes for a byte[]: header + the raw bytes, no length prefix.
    expect(Buffer.compare(bytes, encodeWire(readSchemaId(bytes), payload))).toBe(0);
    expect(await new AvroDeserializer({ client }).deserialize('raw', bytes)).toEqual(payload);
    const asString = new AvroDeserializer<string>({ client, readerSchema: 'string' });
    expect(await asString.deserialize('raw', encodeWire(readSchemaId(bytes), Buffer.from('hé')))).toBe('hé');
  });

  it('serializes primitive keys with the key subject', async () => {
    const keys = new AvroSerializer<string>({ client, schema: 'string', isKey: true });
    const bytes = await keys.serialize('orders', 'k-1');
    expect((await client.getLatest('orders-key')).id).toBe(readSchemaId(bytes));
    expect(await new AvroDeserializer({ client }).deserialize('orders', bytes)).toBe('k-1');
  });

  it('uses a registered id without registering, or the latest version, when asked', async () => {
    const schema = { type: 'record', name: 'Lookup', fields: [{ name: 'a', type: 'int' }] };
    const lookupOnly = new AvroSerializer({ client, schema, autoRegister: false });
    await expect(lookupOnly.serialize('lk', { a: 1 })).rejects.toMatchObject({ errorCode: 40401 });
    const id = await client.register('lk-value', { schema });
    expect(readSchemaId(await lookupOnly.serialize('lk', { a: 1 }))).toBe(id);
    const latest = new AvroSerializer({
      client,
      schema,
      useLatestVersion: true,
      subjectNameStrategy: 'record',
    });
    await client.register('Lookup', { schema });
    expect(readSchemaId(await latest.serialize('any', { a: 2 }))).toBe(id);
  });

  it('rejects values that do not match the schema, naming the paths', async () => {
    const serializer = new AvroSerializer({ client, schema: v1 });
    const error = await serializer
      .serialize('orders', { id: 'x', qty: 'three', tags: [] })
      .catch((e: InvalidValueError) => e);
    expect(error).toBeInstanceOf(InvalidValueError);
    expect((error as InvalidValueError).paths).toContain('qty');
    // Once the topic's id is known, serialize encodes without awaiting: a bad value still rejects, never throws.
    await serializer.serialize('orders', { id: 'x', qty: 1, tags: [], note: null });
    const known = serializer.serialize('orders', { id: 'x', qty: 'three', tags: [] });
    await expect(known).rejects.toBeInstanceOf(InvalidValueError);
  });

  it('rejects messages that are not in the wire format', async () => {
    const deserializer = new AvroDeserializer({ client });
    await expect(deserializer.deserialize('t', Buffer.from([1, 0, 0, 0, 1, 2]))).rejects.toThrow(
      /magic byte 1/,
    );
    await expect(deserializer.deserialize('t', Buffer.from([0, 0]))).rejects.toThrow(/too short/);
    await expect(deserializer.deserialize('t', Buffer.from([0, 0, 0, 3, 0xe7]))).rejects.toMatchObject({
      errorCode: 40403,
    });
    const bytes = await new AvroSerializer({ client, schema: 'int' }).serialize('t', 5);
    await expect(deserializer.deserialize('t', Buffer.concat([bytes, Buffer.from([9])]))).rejects.toThrow(
      /trailing/,
    );
    // Once the writer's schema is known a message is decoded without an async frame: bad ones still reject.
    expect(await deserializer.deserialize('t', bytes)).toBe(5);
    await expect(deserializer.deserialize('t', Buffer.concat([bytes, Buffer.from([9])]))).rejects.toThrow(
      /trailing/,
    );
    await expect(deserializer.deserialize('t', bytes.subarray(0, 5))).rejects.toThrow(/truncated/);
  });
});
