import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { SchemaRegistryClient } from '../../src/client/client.js';
import { checkCompatibility } from '../../src/compatibility/reader-writer.js';
import { AvroDeserializer, AvroSerializer } from '../../src/serde/serde.js';
import { type RegistryServer, startRegistryServer } from '../../src/server/http.js';
import { avro, defineAvro } from '../../src/typed/define.js';
import type { Infer } from '../../src/typed/typed-schema.js';

const Money = avro.record(
  'Money',
  { units: avro.long(), currency: avro.enum('Currency', ['EUR', 'USD'], { default: 'EUR' }) },
  { namespace: 'com.acme' },
);

const OrderCreated = avro.record(
  'OrderCreated',
  {
    orderId: avro.string(),
    total: Money,
    refund: avro.optional(Money),
    lines: avro.array(avro.record('Line', { sku: avro.string(), qty: avro.int() })),
    labels: avro.field(avro.map(avro.string()), { default: {}, doc: 'Free-form labels.' }),
    createdAt: avro.timestampMillis(),
    source: avro.union(avro.null(), avro.string(), avro.int()),
  },
  { namespace: 'com.acme', doc: 'An order was placed.' },
);
type OrderCreated = Infer<typeof OrderCreated>;

describe('avro.* schemas defined in TypeScript', () => {
  it('derives the Avro schema, referencing a named type by name after its first use', () => {
    expect(OrderCreated.schema).toEqual({
      type: 'record',
      name: 'OrderCreated',
      namespace: 'com.acme',
      doc: 'An order was placed.',
      fields: [
        { name: 'orderId', type: 'string' },
        {
          name: 'total',
          type: {
            type: 'record',
            name: 'Money',
            namespace: 'com.acme',
            fields: [
              { name: 'units', type: 'long' },
              {
                name: 'currency',
                type: { type: 'enum', name: 'Currency', symbols: ['EUR', 'USD'], default: 'EUR' },
              },
            ],
          },
        },
        { name: 'refund', type: ['null', 'com.acme.Money'], default: null },
        {
          name: 'lines',
          type: {
            type: 'array',
            items: {
              type: 'record',
              name: 'Line',
              fields: [
                { name: 'sku', type: 'string' },
                { name: 'qty', type: 'int' },
              ],
            },
          },
        },
        { name: 'labels', type: { type: 'map', values: 'string' }, doc: 'Free-form labels.', default: {} },
        { name: 'createdAt', type: { type: 'long', logicalType: 'timestamp-millis' } },
        { name: 'source', type: ['null', 'string', 'int'] },
      ],
    });
    expect(OrderCreated.fullName).toBe('com.acme.OrderCreated');
  });

  it('derives the TypeScript type', () => {
    expectTypeOf<OrderCreated>().toEqualTypeOf<{
      orderId: string;
      total: { units: number; currency: 'EUR' | 'USD' };
      refund: { units: number; currency: 'EUR' | 'USD' } | null;
      lines: { sku: string; qty: number }[];
      labels: Record<string, string>;
      createdAt: number;
      source: string | number | null;
    }>();
    // @ts-expect-error: an unknown currency does not type-check
    const wrong: OrderCreated['total'] = { units: 1, currency: 'JPY' };
    void wrong;
  });

  it('validates at runtime', () => {
    const value: OrderCreated = {
      orderId: 'o',
      total: { units: 5, currency: 'USD' },
      refund: null,
      lines: [{ sku: 's', qty: 1 }],
      labels: {},
      createdAt: 0,
      source: 3,
    };
    expect(OrderCreated.is(value)).toBe(true);
    expect(OrderCreated.is({ ...value, lines: [{ sku: 's', qty: 2 ** 40 }] })).toBe(false);
    expect(() => OrderCreated.validate({ ...value, orderId: 7 })).toThrow(/orderId/);
  });

  it('rejects unions avsc would have to wrap', () => {
    expect(() => defineAvro(avro.union(avro.int(), avro.long()))).toThrow(/differ in JavaScript type/);
  });

  it('feeds typed serializers, and evolves under the compatibility checker like any schema', async () => {
    const V2 = avro.record(
      'OrderCreated',
      { orderId: avro.string(), channel: avro.field(avro.string(), { default: 'web' }) },
      { namespace: 'com.acme' },
    );
    expect(checkCompatibility(V2.parsed, OrderCreated.parsed).compatible).toBe(true);
    expect(checkCompatibility(OrderCreated.parsed, V2.parsed).compatible).toBe(false);
  });
});

describe('typed serde', () => {
  let server: RegistryServer;
  beforeAll(async () => {
    server = await startRegistryServer({ port: 0 });
  });
  afterAll(() => server.close());

  it('serializes exactly the defined type and reads it back', async () => {
    const client = new SchemaRegistryClient({ url: server.url });
    const serializer = new AvroSerializer({ client, schema: OrderCreated });
    expectTypeOf(serializer.serialize).parameter(1).toEqualTypeOf<OrderCreated>();
    const value: OrderCreated = {
      orderId: 'o-9',
      total: { units: 100, currency: 'EUR' },
      refund: { units: 5, currency: 'EUR' },
      lines: [],
      labels: { a: 'b' },
      createdAt: 1_700_000_000_000,
      source: 'pos',
    };
    const bytes = await serializer.serialize('orders', value);
    const deserializer = new AvroDeserializer({ client, readerSchema: OrderCreated });
    expectTypeOf(deserializer.deserialize).returns.resolves.toEqualTypeOf<OrderCreated>();
    expect(await deserializer.deserialize('orders', bytes)).toEqual(value);
    // @ts-expect-error: a missing field is a compile-time error
    await expect(serializer.serialize('orders', { orderId: 'x' })).rejects.toThrow();
  });
});
