import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SchemaRegistryClient } from '../../../src/client/client.js';
import { SerdeError } from '../../../src/errors.js';
import { AvroDeserializer } from '../../../src/serde/serde.js';
import { encodeWire } from '../../../src/serde/wire.js';
import { type RegistryServer, startRegistryServer } from '../../../src/server/http.js';
import { decodeRecord, encodeKey, type RegistryRecord, schemaKey } from '../../../src/server/records.js';
import { MemoryRegistryLog } from '../../../src/server/store.js';
import { FAMILIES, unions } from '../../fixtures/deep-schemas.js';
import { httpClient } from '../helpers.js';

// The nesting limit on submitted schemas, end to end: what the reader refuses is answered 42201 over HTTP, what it
// admits works everywhere, and versions stored deeper than the limit still load and are checked.

let server: RegistryServer;
let call: ReturnType<typeof httpClient>;
const logged: string[] = [];

async function start(log = new MemoryRegistryLog()) {
  server = await startRegistryServer({ port: 0, log, logger: (line) => logged.push(line) });
  call = httpClient(server.url);
}

beforeEach(() => {
  logged.length = 0;
});
afterEach(() => server.close());

const TOO_DEEP = /^Invalid schema: Schema is nested too deeply: .*at most 1000 levels are allowed$/;

describe.each(FAMILIES)('schemas nested $name', (family) => {
  beforeEach(() => start());

  const subject = 'deep';
  const v1 = family.schema(family.atLimit, 'int');
  const compatible = family.schema(family.atLimit, 'long');
  const incompatible = family.schema(family.atLimit, 'string');
  const tooDeep = family.schema(family.pastLimit, 'long');

  it('are registered, looked up and checked at the limit, and compatible versions follow', async () => {
    const registered = await call('POST', `/subjects/${subject}/versions`, { schema: v1 });
    expect(registered).toMatchObject({ status: 200, body: { id: 1 } });
    expect(await call('POST', `/subjects/${subject}`, { schema: v1 })).toMatchObject({
      status: 200,
      body: { subject, version: 1, id: 1 },
    });
    const check = (schema: string) =>
      call('POST', `/compatibility/subjects/${subject}/versions/latest?verbose=true`, { schema });
    expect(await check(compatible)).toMatchObject({ status: 200, body: { is_compatible: true } });
    expect(await check(incompatible)).toMatchObject({ status: 200, body: { is_compatible: false } });
    // Before the limit, a compatible next version of a deep subject failed with 500 until compatibility was NONE.
    expect(await call('POST', `/subjects/${subject}/versions`, { schema: compatible })).toMatchObject({
      status: 200,
      body: { id: 2 },
    });
    expect((await call('POST', `/subjects/${subject}/versions`, { schema: incompatible })).status).toBe(409);
    expect(logged).toEqual([]);
  });

  it('are refused past the limit with 42201 and a message naming it, by register, lookup and compatibility', async () => {
    await call('POST', `/subjects/${subject}/versions`, { schema: v1 });
    for (const [method, path] of [
      ['POST', `/subjects/${subject}/versions`],
      ['POST', `/subjects/${subject}`],
      ['POST', `/compatibility/subjects/${subject}/versions/latest`],
      ['POST', `/compatibility/subjects/${subject}/versions`],
    ] as const) {
      const reply = await call(method, path, { schema: tooDeep });
      expect(reply.status, `${method} ${path}`).toBe(422);
      expect(reply.body.error_code).toBe(42201);
      expect(reply.body.message).toMatch(TOO_DEEP);
    }
    expect(logged).toEqual([]);
    expect((await call('GET', `/subjects/${subject}/versions`)).body).toEqual([1]);
  });
});

describe('versions stored deeper than the limit (by an older registry, or by Confluent in a shared topic)', () => {
  // A record whose `deep` field nests 6000 levels, as written to `_schemas` before the limit existed.
  const DEEP_FIELD = unions.schema(3000);
  const storedSchema = `{"type":"record","name":"Order","fields":[{"name":"id","type":"string"},{"name":"deep","type":${DEEP_FIELD}}]}`;
  const withoutDeep = '{"type":"record","name":"Order","fields":[{"name":"id","type":"string"}]}';
  const deepChanged =
    '{"type":"record","name":"Order","fields":[{"name":"id","type":"string"},{"name":"deep","type":["null","string"]}]}';

  beforeEach(async () => {
    const log = new MemoryRegistryLog();
    const key = encodeKey(schemaKey('orders', 1));
    const value = JSON.stringify({
      subject: 'orders',
      version: 1,
      id: 1,
      schema: storedSchema,
      deleted: false,
    });
    log.records.push(decodeRecord(key, value) as RegistryRecord);
    await start(log);
  });

  it('load and are served as stored', async () => {
    const version = await call('GET', '/subjects/orders/versions/1');
    expect(version).toMatchObject({ status: 200, body: { id: 1, schema: storedSchema } });
    expect((await call('GET', '/schemas/ids/1')).body.schema).toBe(storedSchema);
  });

  it('are what new versions are checked against, safely: an incompatible one is 409, a compatible one registers', async () => {
    const check = await call('POST', '/compatibility/subjects/orders/versions/latest?verbose=true', {
      schema: deepChanged,
    });
    expect(check).toMatchObject({ status: 200, body: { is_compatible: false } });
    expect(check.body.messages[0]).toMatch(/TYPE_MISMATCH|MISSING_UNION_BRANCH/);
    expect((await call('POST', '/subjects/orders/versions', { schema: deepChanged })).status).toBe(409);
    expect(
      await call('POST', '/compatibility/subjects/orders/versions/latest', { schema: withoutDeep }),
    ).toMatchObject({ status: 200, body: { is_compatible: true } });
    expect(await call('POST', '/subjects/orders/versions', { schema: withoutDeep })).toMatchObject({
      status: 200,
      body: { id: 2 },
    });
    expect(logged).toEqual([]);
  });

  it('are refused when submitted again, as any schema past the limit is', async () => {
    const lookup = await call('POST', '/subjects/orders', { schema: storedSchema });
    expect(lookup).toMatchObject({ status: 422, body: { error_code: 42201 } });
    expect(lookup.body.message).toMatch(TOO_DEEP);
  });

  it('cannot be read by the deserializer, which says so instead of overflowing', async () => {
    const client = new SchemaRegistryClient({ url: server.url });
    // Order { id: "a", deep: null }.
    const message = encodeWire(1, Buffer.from([0x02, 0x61, 0x00]));
    const failure = await new AvroDeserializer({ client }).deserialize('orders', message).catch((e) => e);
    expect(failure).toBeInstanceOf(SerdeError);
    expect((failure as Error).message).toMatch(/^Schema 1 cannot be read: Schema is nested too deeply/);
  });
});
