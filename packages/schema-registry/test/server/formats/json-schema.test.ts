import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RegistryServer, startRegistryServer } from '../../../src/server/http.js';
import { encodeValue } from '../../../src/server/records.js';
import { MemoryRegistryLog } from '../../../src/server/store.js';
import { httpClient } from '../helpers.js';

// JSON Schema through the REST API: stored, returned, looked up, referenced, normalized and checked as Confluent does.

let log: MemoryRegistryLog;
let server: RegistryServer;
let call: ReturnType<typeof httpClient>;

beforeEach(async () => {
  log = new MemoryRegistryLog();
  server = await startRegistryServer({ port: 0, log });
  call = httpClient(server.url);
});
afterEach(() => server.close());

const register = (subject: string, schema: string, extra: Record<string, unknown> = {}, query = '') =>
  call('POST', `/subjects/${subject}/versions${query}`, { schemaType: 'JSON', schema, ...extra });

const ORDER = `{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "title": "Order",
  "type": "object",
  "properties": {
    "id": { "type": "string" },
    "total": { "type": "number", "multipleOf": 0.010 }
  },
  "required": ["id"],
  "additionalProperties": false
}`;

describe('JSON Schema in the registry', () => {
  it('stores the schema compact, keys as written and number literals kept, with schemaType JSON', async () => {
    const { body } = await register('orders-value', ORDER);
    expect(body).toEqual({ id: 1 });
    const stored =
      '{"$schema":"http://json-schema.org/draft-07/schema#","title":"Order","type":"object","properties":{"id":{"type":"string"},"total":{"type":"number","multipleOf":0.010}},"required":["id"],"additionalProperties":false}';
    expect((await call('GET', '/subjects/orders-value/versions/1')).body).toEqual({
      subject: 'orders-value',
      version: 1,
      id: 1,
      schemaType: 'JSON',
      schema: stored,
    });
    expect((await call('GET', '/schemas/ids/1')).body).toEqual({ schemaType: 'JSON', schema: stored });
    // The _schemas record is Confluent's: schemaType named, the compact text.
    expect(encodeValue(log.records[0]!)).toContain('"schemaType":"JSON"');
    expect(log.records[0]!.value).toMatchObject({
      subject: 'orders-value',
      version: 1,
      id: 1,
      schema: stored,
    });
  });

  it('looks the schema up whatever its layout, and registers it idempotently', async () => {
    await register('orders-value', ORDER);
    const compact = JSON.stringify(JSON.parse(ORDER)).replace('0.01', '0.010');
    expect(
      (await call('POST', '/subjects/orders-value', { schemaType: 'JSON', schema: compact })).body,
    ).toMatchObject({
      version: 1,
      id: 1,
      schemaType: 'JSON',
    });
    expect((await register('orders-value', ORDER)).body).toEqual({ id: 1 });
    // The same text as Avro is another schema altogether.
    expect((await call('POST', '/subjects/orders-value', { schema: compact })).status).toBe(422);
  });

  it('normalize=true sorts keys, so a reordered schema is the same one', async () => {
    const a = '{"type":"object","properties":{"b":{"type":"string"},"a":{"type":"integer"}}}';
    const b = '{"properties":{"a":{"type":"integer"},"b":{"type":"string"}},"type":"object"}';
    const { id } = (await register('n', a, {}, '?normalize=true')).body;
    expect((await call('GET', `/schemas/ids/${id}`)).body.schema).toBe(
      '{"properties":{"a":{"type":"integer"},"b":{"type":"string"}},"type":"object"}',
    );
    expect((await register('n', b, {}, '?normalize=true')).body.id).toBe(id);
    expect(
      (await call('POST', '/subjects/n?normalize=true', { schemaType: 'JSON', schema: b })).body.id,
    ).toBe(id);
  });

  it('resolves $refs to other subjects through references, and refuses unresolvable ones', async () => {
    const customer = '{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}';
    await register('customer', customer);
    const order = '{"type":"object","properties":{"customer":{"$ref":"customer.json"}}}';
    const references = [{ name: 'customer.json', subject: 'customer', version: 1 }];
    const { body } = await register('orders', order, { references });
    expect(body.id).toBe(2);
    expect((await call('GET', '/schemas/ids/2')).body).toMatchObject({ schemaType: 'JSON', references });
    expect((await call('GET', '/subjects/customer/versions/1/referencedby')).body).toEqual([2]);
    const missing = await register('orders2', order);
    expect(missing).toMatchObject({ status: 422, body: { error_code: 42201 } });
    expect(missing.body.message).toMatch(/Cannot resolve "\$ref": "customer.json"/);
    // A changed referenced schema is compared through the reference.
    await call('PUT', '/config/customer', { compatibility: 'NONE' });
    await register(
      'customer',
      '{"type":"object","properties":{"name":{"type":"string"}},"required":["name"],"additionalProperties":false}',
    );
    const check = await call('POST', '/compatibility/subjects/orders/versions/latest?verbose=true', {
      schemaType: 'JSON',
      schema: order,
      references: [{ name: 'customer.json', subject: 'customer', version: 2 }],
    });
    expect(check.body).toMatchObject({ is_compatible: false });
    expect(check.body.messages[0]).toContain('ADDITIONAL_PROPERTIES_REMOVED');
  });

  it("applies Confluent's rules per level, naming and locating each problem", async () => {
    await register('c', ORDER);
    // Removing a property from a closed content model: old data may carry it, the new schema refuses it.
    const removed = ORDER.replace('"id": { "type": "string" },', '').replace('["id"]', '[]');
    const refused = await register('c', removed);
    expect(refused).toMatchObject({ status: 409, body: { error_code: 40901 } });
    expect(refused.body.message).toContain(
      `{errorType:"PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", description:"The new has a closed content model and is missing a property or item present at path '#/properties/id' in the old schema'}`,
    );
    expect(refused.body.message).toContain('{oldSchemaVersion: 1}');
    // Adding an optional property to a closed model is BACKWARD compatible but not FORWARD.
    const added = ORDER.replace('"properties": {', '"properties": { "note": { "type": "string" },');
    const backward = await call('POST', '/compatibility/subjects/c/versions/latest', {
      schemaType: 'JSON',
      schema: added,
    });
    expect(backward.body).toEqual({ is_compatible: true });
    await call('PUT', '/config/c', { compatibility: 'FORWARD' });
    const forward = await call('POST', '/compatibility/subjects/c/versions/latest?verbose=true', {
      schemaType: 'JSON',
      schema: added,
    });
    expect(forward.body.is_compatible).toBe(false);
    expect(forward.body.messages[0]).toContain('PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL');
    expect(forward.body.messages[0]).toContain("'#/properties/note' in the new schema");
  });

  it('refuses a JSON schema after an Avro version (different schema type) unless the level is NONE', async () => {
    await call('POST', '/subjects/mixed/versions', { schema: '"string"' });
    const refused = await register('mixed', '{"type":"string"}');
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain('Incompatible because of different schema type');
    await call('PUT', '/config/mixed', { compatibility: 'NONE' });
    expect((await register('mixed', '{"type":"string"}')).body.id).toBe(2);
  });

  it('refuses invalid schemas with 42201: not JSON, not a schema, against its meta-schema, too deep', async () => {
    for (const schema of [
      '{',
      '[1]',
      '{"type":"strong"}',
      '{"properties":{"$$x":{}}}',
      `${'{"items":'.repeat(200)}{}${'}'.repeat(200)}`,
    ]) {
      const reply = await register('bad', schema);
      expect(reply, schema.slice(0, 30)).toMatchObject({ status: 422, body: { error_code: 42201 } });
    }
    const deep = await register('bad', `${'{"items":'.repeat(200)}{}${'}'.repeat(200)}`);
    expect(deep.body.message).toMatch(/more than 128 levels deep/);
  });

  it('reads drafts 4 to 2020-12', async () => {
    const drafts = [
      ['http://json-schema.org/draft-04/schema#', '{"type":"number","minimum":0,"exclusiveMinimum":true}'],
      ['http://json-schema.org/draft-06/schema#', '{"type":"number","exclusiveMinimum":0}'],
      ['https://json-schema.org/draft/2019-09/schema', '{"type":"object","dependentRequired":{"a":["b"]}}'],
      [
        'https://json-schema.org/draft/2020-12/schema',
        '{"type":"array","prefixItems":[{"type":"string"}],"items":false}',
      ],
    ] as const;
    for (const [url, body] of drafts) {
      const schema = `{"$schema":"${url}",${body.slice(1)}`;
      expect((await register(`draft-${drafts.findIndex(([u]) => u === url)}`, schema)).status, url).toBe(200);
    }
  });
});
