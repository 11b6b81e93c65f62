import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SchemaRegistryClient } from '../../src/client/client.js';
import { AvroDeserializer, AvroSerializer } from '../../src/serde/serde.js';
import { type RegistryServer, startRegistryServer } from '../../src/server/http.js';
import { avroFromZod } from '../../src/typed/zod-avro.js';
import { decimal } from '../../src/typed/zod-decimal.js';
import { arbitraryOf } from './zod-arbitrary.js';

const Line = z.object({ sku: z.string(), quantity: z.int32() });
const Order = z.object({
  id: z.uuid(),
  status: z.enum(['NEW', 'PAID', 'SHIPPED']),
  placedAt: z.date(),
  total: decimal(10, 2),
  lines: z.array(Line),
  labels: z.record(z.string(), z.string()),
  coupon: z.string().optional(),
  note: z.string().nullable(),
  priority: z.int().default(0),
  weight: z.number(),
  ratio: z.float32(),
  gift: z.boolean(),
  payment: z.union([z.object({ card: z.string() }), z.object({ voucher: z.string(), amount: z.int32() })]),
  channel: z.union([z.string(), z.int32(), z.null()]),
});

describe('avroFromZod: the documented mapping', () => {
  it('maps objects to records, with optional and nullable fields as unions with null and a default', () => {
    const { schema } = avroFromZod(Order, { name: 'Order', namespace: 'com.acme' });
    const fields = Object.fromEntries(
      (schema as { fields: Array<{ name: string; type: unknown; default?: unknown }> }).fields.map((f) => [
        f.name,
        f,
      ]),
    );
    expect(schema).toMatchObject({ type: 'record', name: 'Order', namespace: 'com.acme' });
    expect(fields.id!.type).toEqual({ type: 'string', logicalType: 'uuid' });
    expect(fields.status!.type).toEqual({
      type: 'enum',
      name: 'OrderStatus',
      namespace: 'com.acme',
      symbols: ['NEW', 'PAID', 'SHIPPED'],
    });
    expect(fields.placedAt!.type).toEqual({ type: 'long', logicalType: 'timestamp-millis' });
    expect(fields.total!.type).toEqual({ type: 'bytes', logicalType: 'decimal', precision: 10, scale: 2 });
    expect(fields.lines!.type).toMatchObject({
      type: 'array',
      items: { type: 'record', name: 'OrderLinesItem' },
    });
    expect(fields.labels!.type).toEqual({ type: 'map', values: 'string' });
    expect(fields.coupon).toEqual({ name: 'coupon', type: ['null', 'string'], default: null });
    expect(fields.note).toEqual({ name: 'note', type: ['null', 'string'], default: null });
    expect(fields.priority).toEqual({ name: 'priority', type: 'long', default: 0 });
    expect([fields.weight!.type, fields.ratio!.type, fields.gift!.type]).toEqual([
      'double',
      'float',
      'boolean',
    ]);
    expect(fields.channel!.type).toEqual(['string', 'int', 'null']);
  });

  it('names records by .meta({ id }) and maps recursion through z.lazy to a named reference', () => {
    interface Category {
      name: string;
      children: Category[];
    }
    const Category: z.ZodType<Category> = z
      .object({ name: z.string(), children: z.array(z.lazy(() => Category)) })
      .meta({ id: 'Category' });
    const { schema } = avroFromZod(Category, { name: 'Ignored' });
    expect(schema).toEqual({
      type: 'record',
      name: 'Category',
      fields: [
        { name: 'name', type: 'string' },
        { name: 'children', type: { type: 'array', items: 'Category' } },
      ],
    });
  });

  it('refuses what Avro cannot say, naming where', () => {
    expect(() => avroFromZod(z.object({ a: z.string().transform((s) => s.length) }), { name: 'A' })).toThrow(
      /at a: a transform changes the value/,
    );
    expect(() => avroFromZod(z.object({ b: z.bigint() }), { name: 'B' })).toThrow(
      /at b: z.bigint\(\) has no Avro form/,
    );
    expect(() => avroFromZod(z.object({ 'bad-name': z.string() }), { name: 'C' })).toThrow(
      /field names must be Avro names/,
    );
    expect(() => avroFromZod(z.object({ e: z.enum(['a b']) }), { name: 'D' })).toThrow(
      /enum values must be Avro names/,
    );
  });
});

describe('avroFromZod: any value zod accepts round-trips through the Avro serde (property)', () => {
  let server: RegistryServer;
  let client: SchemaRegistryClient;
  beforeAll(async () => {
    server = await startRegistryServer({ port: 0 });
    client = new SchemaRegistryClient({ url: server.url });
  });
  afterAll(() => server.close());

  const cases: Array<[string, z.ZodType]> = [
    ['an order (records, enums, dates, decimals, unions, maps, defaults)', Order],
    ['a top-level union of records', z.union([Line, z.object({ refund: z.string() })])],
    ['nullable unions', z.object({ v: z.union([z.int32(), z.string()]).nullable(), d: z.date().optional() })],
  ];

  it.each(cases)('%s', async (name, schema) => {
    const typed = avroFromZod(schema, { name: 'Root', namespace: 'test.zod' });
    const serializer = new AvroSerializer({
      client,
      schema: typed,
      subjectNameStrategy: () => `zod-avro-${name}`,
    });
    const id = await serializer.schemaId('t');
    const deserializer = new AvroDeserializer({ client, readerSchema: typed });
    await fc.assert(
      fc.asyncProperty(arbitraryOf(schema), async (value) => {
        const expected = schema.parse(value);
        const bytes = serializer.encode(id, expected as never);
        const decoded = await deserializer.deserialize('t', bytes);
        expect(decoded).toEqual(expected);
        expect(schema.parse(decoded)).toEqual(expected);
      }),
      { seed: 2424, numRuns: 150 },
    );
  });
});
