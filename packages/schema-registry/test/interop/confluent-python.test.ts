/**
 * Clients no one here wrote, against the Samsa registry: Confluent's Python SchemaRegistryClient (confluent-kafka,
 * Debian's python3-confluent-kafka with python3-requests) for the REST API, and Apache Avro's own Python library
 * (python3-avro) writing and reading the Confluent wire format that Samsa's serde reads and writes.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PYTHON, requirePeer } from '@samsa/test-support';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SchemaRegistryClient } from '../../src/client/client.js';
import { AvroDeserializer, AvroSerializer } from '../../src/serde/serde.js';
import { readSchemaId } from '../../src/serde/wire.js';
import { type RegistryServer, startRegistryServer } from '../../src/server/http.js';

const SCRIPT = fileURLToPath(new URL('./fixtures/confluent_python_client.py', import.meta.url));
const pythonPeers = requirePeer("Confluent's Python client and Apache Avro (Python)", {
  probe: [PYTHON, '-c', 'import confluent_kafka.schema_registry, avro.io'],
  hint: 'apt-get install -y python3-confluent-kafka python3-requests python3-avro',
});

/** Runs one step of the Python script; asynchronously, since the registry answers from this same process. */
async function python(url: string, step: string, ...args: string[]) {
  const { stdout } = await promisify(execFile)(PYTHON, [SCRIPT, url, step, ...args], { timeout: 60_000 });
  return JSON.parse(stdout);
}

const payment = {
  type: 'record',
  name: 'Payment',
  namespace: 'com.acme',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'cents', type: 'long' },
    { name: 'tags', type: { type: 'array', items: 'string' } },
    { name: 'note', type: ['null', 'string'], default: null },
    { name: 'method', type: { type: 'enum', name: 'Method', symbols: ['CARD', 'SEPA'] } },
  ],
};

pythonPeers.describe("Confluent's Python client and Apache Avro (Python) against the Samsa registry", () => {
  let server: RegistryServer;
  beforeAll(async () => {
    server = await startRegistryServer({ port: 0 });
  });
  afterAll(() => server.close());

  it('runs the REST API calls of confluent-kafka’s SchemaRegistryClient with Confluent’s answers', async () => {
    const out = await python(server.url, 'api');
    expect(out.id1).toBe(1);
    expect(out.id1_again).toBe(1);
    expect(out.id1_other_subject).toBe(1);
    expect(out.subjects).toEqual(['payments-value', 'refunds-value']);
    expect(out.global_level).toBe('BACKWARD');
    expect(out.set_level).toEqual({ compatibility: 'FULL' });
    expect(out.subject_level).toBe('FULL');
    expect(out.v2_compatible).toBe(true);
    expect(out.breaking_compatible).toBe(false);
    expect(out.id2).toBe(2);
    // Confluent 8.0.4+ answers 40901 (older versions and Karapace: 409); the client only needs the HTTP status.
    expect(out.register_breaking).toEqual({ status: 409, code: 40901 });
    expect(out.latest).toEqual({ id: 2, version: 2, subject: 'payments-value' });
    expect(out.lookup_v1).toEqual({ id: 1, version: 1 });
    expect(out.versions).toEqual([1, 2]);
    expect(out.version1_schema.fields.map((f: { name: string }) => f.name)).toEqual(['id', 'cents']);
    expect(out.schema_by_id.fields.map((f: { name: string }) => f.name)).toEqual(['id', 'cents', 'currency']);
    expect(out.missing_subject).toEqual({ status: 404, code: 40401 });
    expect(out.missing_id).toEqual({ status: 404, code: 40403 });
    expect(out.invalid_schema).toEqual({ status: 422, code: 42201 });
    expect(out.deleted_version).toBe(1);
    expect(out.deleted_subject).toEqual([1, 2]);
    // Both subjects are soft-deleted now (refunds-value lost its only version): GET /subjects lists neither.
    expect(out.subjects_after).toEqual([]);
  });

  it('reads what Apache Avro writes, and Apache Avro reads what Samsa writes, resolving to a newer reader', async () => {
    const client = new SchemaRegistryClient({ url: server.url });
    const serializer = new AvroSerializer({ client, schema: payment });
    const value = { id: 'p-1', cents: 2 ** 40 + 7, tags: ['gift', 'eu'], note: null, method: 'SEPA' };
    const ours = await serializer.serialize('wire', value);

    const written = await python(server.url, 'encode', 'wire-value', JSON.stringify(value));
    const theirs = Buffer.from(written.hex, 'hex');
    expect(readSchemaId(theirs)).toBe(readSchemaId(ours));
    expect(theirs.equals(ours)).toBe(true);
    expect(await new AvroDeserializer({ client }).deserialize('wire', theirs)).toEqual(value);

    const reader = {
      ...payment,
      fields: [
        ...payment.fields.filter((f) => f.name !== 'tags'),
        { name: 'currency', type: 'string', default: 'EUR' },
      ],
    };
    const read = await python(server.url, 'decode', ours.toString('hex'), JSON.stringify(reader));
    expect(read).toEqual({
      magic: 0,
      id: readSchemaId(ours),
      value: { id: 'p-1', cents: 2 ** 40 + 7, note: null, method: 'SEPA', currency: 'EUR' },
    });
  });
});
