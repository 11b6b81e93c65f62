import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RegistryServer, startRegistryServer } from '../../src/server/http.js';

// @kafkajs/confluent-schema-registry (4.1.0), a client no one here wrote, against our server (Avro).

const order = (fields: unknown[]) =>
  JSON.stringify({ type: 'record', name: 'Order', namespace: 'com.acme', fields });

describe('@kafkajs/confluent-schema-registry against the Samsa registry', () => {
  let server: RegistryServer;
  let registry: SchemaRegistry;

  beforeAll(async () => {
    server = await startRegistryServer({ port: 0 });
    registry = new SchemaRegistry({ host: server.url });
  });
  afterAll(() => server.close());

  it('registers, fetches, encodes and decodes', async () => {
    const schema = order([
      { name: 'id', type: 'string' },
      { name: 'amount', type: 'double' },
    ]);
    const { id } = await registry.register({ type: SchemaType.AVRO, schema }, { subject: 'orders-value' });
    expect(id).toBe(1);
    // Registering again is idempotent.
    expect((await registry.register({ type: SchemaType.AVRO, schema }, { subject: 'orders-value' })).id).toBe(
      1,
    );
    // The client set the subject's level after the first registration (PUT /config/{subject}).
    expect(server.registry.config.compatibility('orders-value')).toBe('BACKWARD');

    const fresh = new SchemaRegistry({ host: server.url });
    expect(await fresh.getLatestSchemaId('orders-value')).toBe(1);
    expect(await fresh.getRegistryId('orders-value', 1)).toBe(1);
    expect(await fresh.getRegistryIdBySchema('orders-value', { type: SchemaType.AVRO, schema })).toBe(1);
    const fetched = await fresh.getSchema(1);
    expect((fetched as unknown as { name: string }).name).toBe('com.acme.Order');

    const payload = { id: 'o-1', amount: 12.5 };
    const encoded = await registry.encode(id, payload);
    expect(encoded[0]).toBe(0);
    expect(encoded.readInt32BE(1)).toBe(1);
    expect(await fresh.decode(encoded)).toEqual(payload);
  });

  it('evolves a schema compatibly and decodes old data with a reader schema', async () => {
    const v1 = order([{ name: 'id', type: 'string' }]);
    const v2 = order([
      { name: 'id', type: 'string' },
      { name: 'note', type: ['null', 'string'], default: null },
    ]);
    const { id: id1 } = await registry.register(
      { type: SchemaType.AVRO, schema: v1 },
      { subject: 'evolve-value' },
    );
    const { id: id2 } = await registry.register(
      { type: SchemaType.AVRO, schema: v2 },
      { subject: 'evolve-value' },
    );
    expect(id2).not.toBe(id1);
    const old = await registry.encode(id1, { id: 'a' });
    const decoded = await registry.decode(old, { [SchemaType.AVRO]: { readerSchema: JSON.parse(v2) } });
    expect(decoded).toEqual({ id: 'a', note: null });
  });

  it('surfaces an incompatible registration as a 409 error', async () => {
    const v1 = order([{ name: 'id', type: 'string' }]);
    const bad = order([
      { name: 'id', type: 'string' },
      { name: 'required', type: 'int' },
    ]);
    await registry.register({ type: SchemaType.AVRO, schema: v1 }, { subject: 'strict-value' });
    await expect(
      registry.register({ type: SchemaType.AVRO, schema: bad }, { subject: 'strict-value' }),
    ).rejects.toThrow(/incompatible with an earlier schema/);
  });

  it('honours the compatibility config check the client makes before registering', async () => {
    const schema = order([{ name: 'id', type: 'string' }]);
    await registry.register(
      { type: SchemaType.AVRO, schema },
      { subject: 'full-value', compatibility: COMPATIBILITY.FULL },
    );
    expect(server.registry.config.compatibility('full-value')).toBe('FULL');
    await expect(
      registry.register(
        { type: SchemaType.AVRO, schema },
        { subject: 'full-value', compatibility: COMPATIBILITY.BACKWARD },
      ),
    ).rejects.toThrow(/Compatibility does not match/);
  });

  it('uses the same id for the same schema under another subject', async () => {
    const schema = order([{ name: 'sku', type: 'string' }]);
    const a = await registry.register({ type: SchemaType.AVRO, schema }, { subject: 'shared-a' });
    const b = await registry.register({ type: SchemaType.AVRO, schema }, { subject: 'shared-b' });
    expect(b.id).toBe(a.id);
  });

  it('registers schemas with references and decodes through them', async () => {
    const money = JSON.stringify({
      type: 'record',
      name: 'Money',
      namespace: 'com.acme',
      fields: [
        { name: 'units', type: 'long' },
        { name: 'currency', type: 'string' },
      ],
    });
    await registry.register({ type: SchemaType.AVRO, schema: money }, { subject: 'money' });
    const invoice = JSON.stringify({
      type: 'record',
      name: 'Invoice',
      namespace: 'com.acme',
      fields: [{ name: 'total', type: 'com.acme.Money' }],
    });
    const { id } = await registry.register(
      {
        type: SchemaType.AVRO,
        schema: invoice,
        references: [{ name: 'com.acme.Money', subject: 'money', version: 1 }],
      },
      { subject: 'invoices-value' },
    );
    const value = { total: { units: 10, currency: 'EUR' } };
    const fresh = new SchemaRegistry({ host: server.url });
    expect(await fresh.decode(await registry.encode(id, value))).toEqual(value);
  });
});
