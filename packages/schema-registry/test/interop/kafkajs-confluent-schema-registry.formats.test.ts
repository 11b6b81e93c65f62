import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SchemaRegistryClient } from '../../src/client/client.js';
import { JsonSchemaDeserializer, JsonSchemaSerializer } from '../../src/serde/json-schema.js';
import { ProtobufDeserializer, ProtobufSerializer } from '../../src/serde/protobuf.js';
import { readSchemaId } from '../../src/serde/wire.js';
import { type RegistryServer, startRegistryServer } from '../../src/server/http.js';

// @kafkajs/confluent-schema-registry 4.1.0 (a devDependency, so always here) with JSON Schema and Protobuf against
// the Samsa registry, and its bytes against Samsa's serde both ways.

const CUSTOMER = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Customer',
  type: 'object',
  properties: { id: { type: 'string' }, name: { type: 'string' }, vip: { type: 'boolean' } },
  required: ['id', 'name'],
  additionalProperties: false,
};

const ORDER_PROTO = `syntax = "proto3";
package acme;

message Order {
  string id = 1;
  int32 quantity = 2;
  string note = 3;
}
message Refund {
  string order_id = 1;
}
`;

/** kafkajs's raw REST client (private in its types), for the compatibility endpoint it has no method for. */
interface KafkajsApi {
  Subject: {
    compatible(request: { subject: string; version: string; body: object }): Promise<{ data(): unknown }>;
  };
}
const apiOf = (registry: SchemaRegistry) => (registry as unknown as { api: KafkajsApi }).api;

describe('@kafkajs/confluent-schema-registry with JSON Schema and Protobuf against the Samsa registry', () => {
  let server: RegistryServer;
  let kafkajs: SchemaRegistry;
  let client: SchemaRegistryClient;

  beforeAll(async () => {
    server = await startRegistryServer({ port: 0 });
    kafkajs = new SchemaRegistry({ host: server.url });
    client = new SchemaRegistryClient({ url: server.url });
  });
  afterAll(() => server.close());

  it('registers, looks up and fetches a JSON schema', async () => {
    const schema = JSON.stringify(CUSTOMER);
    const { id } = await kafkajs.register({ type: SchemaType.JSON, schema }, { subject: 'customers-value' });
    expect(
      (await kafkajs.register({ type: SchemaType.JSON, schema }, { subject: 'customers-value' })).id,
    ).toBe(id);
    expect(await kafkajs.getRegistryIdBySchema('customers-value', { type: SchemaType.JSON, schema })).toBe(
      id,
    );
    expect(await kafkajs.getLatestSchemaId('customers-value')).toBe(id);
    expect(await client.getSchemaById(id)).toMatchObject({ schemaType: 'JSON', schema });
    // kafkajs reads the schema back and validates with it.
    await expect(new SchemaRegistry({ host: server.url }).encode(id, { id: 'c', name: 1 })).rejects.toThrow(
      /invalid payload/,
    );
  });

  it("answers kafkajs's JSON compatibility checks with Confluent's rules", async () => {
    const compatible = (schema: object) =>
      apiOf(kafkajs).Subject.compatible({
        subject: 'customers-value',
        version: 'latest',
        body: { schemaType: 'JSON', schema: JSON.stringify(schema) },
      });
    const added = { ...CUSTOMER, properties: { ...CUSTOMER.properties, email: { type: 'string' } } };
    expect((await compatible(added)).data()).toEqual({ is_compatible: true });
    const { name: _dropped, ...withoutName } = CUSTOMER.properties;
    const removed = { ...CUSTOMER, properties: withoutName, required: ['id'] };
    expect((await compatible(removed)).data()).toEqual({ is_compatible: false });
  });

  it('writes the same JSON bytes as kafkajs, and each reads the other', async () => {
    const id = await kafkajs.getLatestSchemaId('customers-value');
    const value = { id: 'c-1', name: 'Ada', vip: true };
    const theirs = await kafkajs.encode(id, value);
    const ours = await new JsonSchemaSerializer({ client, schema: CUSTOMER, autoRegister: false }).serialize(
      'customers',
      value,
    );
    expect(readSchemaId(ours)).toBe(id);
    expect(ours.equals(theirs)).toBe(true);
    expect(
      await new JsonSchemaDeserializer({ client, validate: true }).deserialize('customers', theirs),
    ).toEqual(value);
    expect(await new SchemaRegistry({ host: server.url }).decode(ours)).toEqual(value);
  });

  it('registers, looks up and fetches a Protobuf schema, and checks compatibility', async () => {
    const { id } = await kafkajs.register(
      { type: SchemaType.PROTOBUF, schema: ORDER_PROTO },
      { subject: 'orders-value' },
    );
    expect(
      await kafkajs.getRegistryIdBySchema('orders-value', { type: SchemaType.PROTOBUF, schema: ORDER_PROTO }),
    ).toBe(id);
    expect(await client.getSchemaById(id)).toMatchObject({ schemaType: 'PROTOBUF', schema: ORDER_PROTO });
    const retyped = ORDER_PROTO.replace('int32 quantity = 2;', 'string quantity = 2;');
    const verdict = await apiOf(kafkajs).Subject.compatible({
      subject: 'orders-value',
      version: 'latest',
      body: { schemaType: 'PROTOBUF', schema: retyped },
    });
    expect(verdict.data()).toEqual({ is_compatible: false });
  });

  it('reads Protobuf kafkajs writes (without message indexes), and kafkajs reads what Samsa writes', async () => {
    const id = await kafkajs.getLatestSchemaId('orders-value');
    const value = { id: 'o-1', quantity: 3, note: 'gift' };
    const theirs = await kafkajs.encode(id, value);
    // kafkajs writes the message straight after the id; Confluent's clients write message indexes first.
    expect(theirs.subarray(5)).not.toEqual(Buffer.from([0]));
    expect(await new ProtobufDeserializer({ client }).deserialize('orders', theirs)).toEqual(value);

    const ours = await new ProtobufSerializer({ client, schema: ORDER_PROTO, autoRegister: false }).serialize(
      'orders',
      value,
    );
    expect(readSchemaId(ours)).toBe(id);
    expect(ours[5]).toBe(0);
    expect(ours.subarray(6).equals(theirs.subarray(5))).toBe(true);
    const decoded = (await new SchemaRegistry({ host: server.url }).decode(ours)) as { toJSON(): unknown };
    expect(decoded.toJSON()).toEqual(value);
  });
});
