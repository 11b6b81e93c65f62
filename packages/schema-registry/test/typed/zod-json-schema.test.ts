import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SchemaRegistryClient } from '../../src/client/client.js';
import { InvalidValueError } from '../../src/errors.js';
import { JsonSchemaDeserializer, JsonSchemaSerializer } from '../../src/serde/json-schema.js';
import { type RegistryServer, startRegistryServer } from '../../src/server/http.js';
import { decimal } from '../../src/typed/zod-decimal.js';
import { jsonSchemaFromZod } from '../../src/typed/zod-json-schema.js';
import { arbitraryOf } from './zod-arbitrary.js';

const Shipment = z
  .object({
    orderId: z.uuid(),
    carrier: z.enum(['DHL', 'UPS']),
    shippedAt: z.iso.datetime(),
    weightKg: z.number(),
    parcels: z.int32(),
    insured: decimal(8, 2).optional(),
    tracking: z.array(z.string()),
    note: z.string().nullable(),
    labels: z.record(z.string(), z.string()),
    address: z.union([z.object({ street: z.string() }), z.object({ pickupPoint: z.string() })]),
  })
  .meta({ title: 'com.acme.Shipment' });

let server: RegistryServer;
let client: SchemaRegistryClient;
beforeAll(async () => {
  server = await startRegistryServer({ port: 0 });
  client = new SchemaRegistryClient({ url: server.url });
});
afterAll(() => server.close());

describe('jsonSchemaFromZod', () => {
  it("derives the JSON Schema with zod 4's own z.toJSONSchema (draft-07, closed objects), with zod as validator", () => {
    const typed = jsonSchemaFromZod(Shipment);
    expect(typed.schemaType).toBe('JSON');
    expect(typed.schema).toMatchObject({
      $schema: 'http://json-schema.org/draft-07/schema#',
      title: 'com.acme.Shipment',
      type: 'object',
      additionalProperties: false,
    });
    expect(() => typed.validate({ orderId: 'x' })).toThrow(InvalidValueError);
    expect(jsonSchemaFromZod(z.string(), { target: 'draft-2020-12' }).schema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
    });
    expect(() => jsonSchemaFromZod(z.object({ at: z.date() }))).toThrow(/no JSON Schema form/);
  });

  it('registers under the title with the record strategy and writes what zod parse returns', async () => {
    const serializer = new JsonSchemaSerializer({
      client,
      schema: jsonSchemaFromZod(Shipment),
      subjectNameStrategy: 'record',
    });
    expect(serializer.subjectOf('shipments')).toBe('com.acme.Shipment');
    const value = {
      orderId: '3b241101-e2bb-4255-8caf-4136c566a962',
      carrier: 'DHL',
      shippedAt: '2026-05-01T10:00:00Z',
      weightKg: 1.5,
      parcels: 1,
      tracking: [],
      note: null,
      labels: {},
      address: { street: 'Main 1' },
      unknownKey: 'dropped by zod',
    };
    const bytes = await serializer.serialize('shipments', value as never);
    expect(JSON.parse(bytes.subarray(5).toString())).not.toHaveProperty('unknownKey');
    await expect(serializer.serialize('shipments', { ...value, parcels: 1.5 } as never)).rejects.toThrow(
      /parcels/,
    );
  });

  it('any value zod accepts round-trips through the JSON Schema serde, validated both ways (property)', async () => {
    const typed = jsonSchemaFromZod(Shipment);
    const serializer = new JsonSchemaSerializer({ client, schema: typed });
    const id = await serializer.schemaId('shipments-property');
    const deserializer = new JsonSchemaDeserializer({ client, validate: true, schema: typed });
    await fc.assert(
      fc.asyncProperty(arbitraryOf(Shipment), async (value) => {
        const expected = Shipment.parse(value);
        const decoded = await deserializer.deserialize('t', serializer.encode(id, expected));
        expect(decoded).toEqual(expected);
      }),
      { seed: 2424, numRuns: 150 },
    );
  });
});
