import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SchemaRegistryClient } from '../../src/client/client.js';
import { InvalidValueError, SerdeError } from '../../src/errors.js';
import { JsonSchemaDeserializer, JsonSchemaSerializer } from '../../src/serde/json-schema.js';
import { readSchemaId } from '../../src/serde/wire.js';
import { type RegistryServer, startRegistryServer } from '../../src/server/http.js';

const ORDER = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'com.acme.Order',
  type: 'object',
  properties: {
    id: { type: 'string' },
    qty: { type: 'integer', minimum: 1 },
    placedAt: { type: 'string', format: 'date-time' },
  },
  required: ['id', 'qty'],
  additionalProperties: false,
};

let server: RegistryServer;
let client: SchemaRegistryClient;
beforeAll(async () => {
  server = await startRegistryServer({ port: 0 });
  client = new SchemaRegistryClient({ url: server.url });
});
afterAll(() => server.close());

describe('JsonSchemaSerializer / JsonSchemaDeserializer', () => {
  it('writes magic byte, schema id and compact UTF-8 JSON, registering under <topic>-value as JSON', async () => {
    const serializer = new JsonSchemaSerializer({ client, schema: ORDER });
    const value = { id: 'o-1', qty: 2, placedAt: '2026-01-02T03:04:05Z' };
    const bytes = await serializer.serialize('orders', value);
    const id = readSchemaId(bytes);
    expect(bytes.subarray(5).toString('utf8')).toBe(JSON.stringify(value));
    expect(await client.getLatest('orders-value')).toMatchObject({ id, schemaType: 'JSON' });
    expect(await new JsonSchemaDeserializer({ client }).deserialize('orders', bytes)).toEqual(value);
  });

  it('validates on write: a value the schema refuses is an InvalidValueError naming where', async () => {
    const serializer = new JsonSchemaSerializer({ client, schema: ORDER });
    await expect(serializer.serialize('orders', { id: 'o-1', qty: 0 })).rejects.toThrow(InvalidValueError);
    await expect(serializer.serialize('orders', { id: 'o-1', qty: 1, extra: true })).rejects.toThrow(
      /must NOT have additional properties/,
    );
    await expect(
      serializer.serialize('orders', { id: 'o-1', qty: 1, placedAt: 'yesterday' }),
    ).rejects.toThrow(/\/placedAt must match format "date-time"/);
    // Unless asked not to.
    const lax = new JsonSchemaSerializer({ client, schema: ORDER, validate: false });
    expect(readSchemaId(await lax.serialize('orders', { id: 'o-1', qty: 0 }))).toBeGreaterThan(0);
  });

  it('validates on read only when asked, against the schema the value was written with', async () => {
    const lax = new JsonSchemaSerializer({ client, schema: ORDER, validate: false });
    const bad = await lax.serialize('orders', { id: 'o-1', qty: 0 });
    expect(await new JsonSchemaDeserializer({ client }).deserialize('orders', bad)).toEqual({
      id: 'o-1',
      qty: 0,
    });
    await expect(
      new JsonSchemaDeserializer({ client, validate: true }).deserialize('orders', bad),
    ).rejects.toThrow(/\/qty must be >= 1/);
  });

  it('uses the title for the record name strategies', async () => {
    const serializer = new JsonSchemaSerializer({
      client,
      schema: ORDER,
      subjectNameStrategy: 'topic-record',
    });
    expect(serializer.subjectOf('orders')).toBe('orders-com.acme.Order');
    const untitled = new JsonSchemaSerializer({
      client,
      schema: { type: 'string' },
      subjectNameStrategy: 'record',
    });
    expect(() => untitled.subjectOf('t')).toThrow(/needs a record name/);
  });

  it('validates through references to other subjects once prepared', async () => {
    await client.register('customer-json', {
      schemaType: 'JSON',
      schema: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] },
    });
    const schema = {
      type: 'object',
      properties: { customer: { $ref: 'customer.json' } },
      required: ['customer'],
    };
    const serializer = new JsonSchemaSerializer({
      client,
      schema,
      references: [{ name: 'customer.json', subject: 'customer-json', version: 1 }],
    });
    expect(() => serializer.encode(1, { customer: { name: 'x' } })).toThrow(/await prepare\(\)/);
    await expect(serializer.serialize('invoices', { customer: {} })).rejects.toThrow(
      /\/customer must have required property 'name'/,
    );
    const bytes = await serializer.serialize('invoices', { customer: { name: 'Ada' } });
    expect(
      await new JsonSchemaDeserializer({ client, validate: true }).deserialize('invoices', bytes),
    ).toEqual({
      customer: { name: 'Ada' },
    });
  });

  it('refuses bodies that are not JSON and, when validating, schemas of another format', async () => {
    const notJson = Buffer.concat([Buffer.from([0, 0, 0, 0, 1]), Buffer.from('{nope')]);
    await expect(new JsonSchemaDeserializer({ client }).deserialize('t', notJson)).rejects.toThrow(
      SerdeError,
    );
    const avroId = await client.register('avro-subject', { schema: '"string"' });
    const framed = Buffer.concat([Buffer.from([0, 0, 0, 0, avroId]), Buffer.from('"x"')]);
    await expect(
      new JsonSchemaDeserializer({ client, validate: true }).deserialize('t', framed),
    ).rejects.toThrow(/is AVRO, not JSON/);
  });

  it('refuses values nested too deeply to validate instead of overflowing the stack', async () => {
    const tree = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: { child: { $ref: '#' } },
    };
    const serializer = new JsonSchemaSerializer({ client, schema: tree });
    let value: Record<string, unknown> = {};
    for (let i = 0; i < 5000; i++) value = { child: value };
    await expect(serializer.serialize('trees', value)).rejects.toThrow(/nests more than 512 levels deep/);
  });
});
