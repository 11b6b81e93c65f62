/**
 * Confluent's Python client (python3-confluent-kafka 1.7.0) with its JSON Schema and Protobuf serializers, against
 * the Samsa registry and Samsa's serde both ways. Its JSON serializer needs python3-jsonschema, its Protobuf one
 * python3-protobuf; the message class is built at run time from a descriptor, as protoc's output would hold it.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PYTHON, requirePeer } from '@samsa/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SchemaRegistryClient } from '../../src/client/client.js';
import { JsonSchemaDeserializer, JsonSchemaSerializer } from '../../src/serde/json-schema.js';
import { ProtobufDeserializer, ProtobufSerializer } from '../../src/serde/protobuf.js';
import { readSchemaId } from '../../src/serde/wire.js';
import { type RegistryServer, startRegistryServer } from '../../src/server/http.js';

const SCRIPT = fileURLToPath(new URL('./fixtures/confluent_python_formats.py', import.meta.url));
const pythonPeers = requirePeer("Confluent's Python client with its JSON Schema and Protobuf serializers", {
  probe: [
    PYTHON,
    '-c',
    'import confluent_kafka.schema_registry.json_schema, confluent_kafka.schema_registry.protobuf, jsonschema, google.protobuf',
  ],
  hint: 'apt-get install -y python3-confluent-kafka python3-requests python3-jsonschema python3-protobuf',
});

async function python(url: string, step: string, ...args: string[]) {
  const { stdout } = await promisify(execFile)(PYTHON, [SCRIPT, url, step, ...args], { timeout: 60_000 });
  return JSON.parse(stdout);
}

const CUSTOMER = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Customer',
  type: 'object',
  properties: { id: { type: 'string' }, name: { type: 'string' }, vip: { type: 'boolean' } },
  required: ['id', 'name'],
  additionalProperties: false,
};

pythonPeers.describe(
  "Confluent's Python JSON Schema and Protobuf serializers against the Samsa registry",
  () => {
    let server: RegistryServer;
    let client: SchemaRegistryClient;
    beforeAll(async () => {
      server = await startRegistryServer({ port: 0 });
      client = new SchemaRegistryClient({ url: server.url });
    });
    afterAll(() => server.close());

    it('JSON Schema: registers, looks up and checks through Python; each side reads what the other writes', async () => {
      const value = { id: 'c-1', name: 'Ada', vip: true };
      const ours = await new JsonSchemaSerializer({ client, schema: CUSTOMER }).serialize('customers', value);
      const out = await python(server.url, 'json', ours.toString('hex'));
      expect(out.registered).toEqual({ id: readSchemaId(ours), type: 'JSON', title: 'Customer' });
      expect(out.lookup).toEqual({ id: readSchemaId(ours), version: 1 });
      expect(out.compatible_added).toBe(true);
      expect(out.compatible_retyped).toBe(false);
      expect(out.read).toEqual(value);
      const theirs = Buffer.from(out.hex, 'hex');
      expect(readSchemaId(theirs)).toBe(readSchemaId(ours));
      // Python's json.dumps puts spaces after separators: the same value, other bytes.
      expect(
        await new JsonSchemaDeserializer({ client, validate: true }).deserialize('customers', theirs),
      ).toEqual(value);
    });

    it('Protobuf: Python registers a base64 descriptor, stored as .proto text; each side reads what the other writes', async () => {
      const proto =
        'syntax = "proto3";\npackage acme;\n\nmessage Order {\n  string id = 1;\n  int32 quantity = 2;\n  string note = 3;\n  int64 cents = 4;\n}\nmessage Refund {\n  string order_id = 1;\n}\n';
      const value = { id: 'o-1', quantity: 3, note: 'gift', cents: String(2 ** 40 + 7) };
      const ours = await new ProtobufSerializer({ client, schema: proto }).serialize('orders', value);
      const out = await python(server.url, 'protobuf', ours.toString('hex'));
      // The descriptor Python registered is the same schema: the same id, stored as the text Confluent prints.
      expect(out.registered).toEqual({ id: readSchemaId(ours), type: 'PROTOBUF', schema: proto });
      expect(out.read).toEqual(value);
      const theirs = Buffer.from(out.hex, 'hex');
      expect(theirs.equals(ours)).toBe(true);
      expect(await new ProtobufDeserializer({ client }).deserialize('orders', theirs)).toEqual(value);
    });
  },
);
