import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RegistryServer, startRegistryServer } from '../../src/server/http.js';
import type { RegistryRecord } from '../../src/server/records.js';
import { MemoryRegistryLog } from '../../src/server/store.js';
import { httpClient, recordSchema } from './helpers.js';

// Black-box HTTP tests of every endpoint and error code, after Confluent's RestApiTest scenarios.

const V1 = 'application/vnd.schemaregistry.v1+json';
const user = (fields: unknown[]) => recordSchema('User', fields);
const U1 = user([{ name: 'name', type: 'string' }]);
const U2 = user([
  { name: 'name', type: 'string' },
  { name: 'age', type: ['null', 'int'], default: null },
]);
const U_BAD = user([
  { name: 'name', type: 'string' },
  { name: 'required', type: 'int' },
]);

let server: RegistryServer;
let call: ReturnType<typeof httpClient>;

beforeEach(async () => {
  server = await startRegistryServer({ port: 0 });
  call = httpClient(server.url);
});
afterEach(() => server.close());

const register = (subject: string, schema: string, query = '') =>
  call('POST', `/subjects/${encodeURIComponent(subject)}/versions${query}`, { schema });

describe('content types and framework errors', () => {
  it('answers in the v1 media type by default and honours Accept', async () => {
    const plain = await call('GET', '/subjects');
    expect(plain.contentType).toBe(V1);
    expect((await call('GET', '/subjects', undefined, { Accept: 'application/json' })).contentType).toBe(
      'application/json',
    );
    expect(
      (await call('GET', '/subjects', undefined, { Accept: 'application/vnd.schemaregistry+json' }))
        .contentType,
    ).toBe('application/vnd.schemaregistry+json');
    const notAcceptable = await call('GET', '/subjects', undefined, { Accept: 'text/html' });
    expect(notAcceptable).toMatchObject({ status: 406, body: { error_code: 406 } });
  });

  it('accepts the registry, JSON and octet-stream request types and rejects others with 415', async () => {
    for (const type of [
      V1,
      'application/vnd.schemaregistry+json',
      'application/json',
      'application/octet-stream',
    ]) {
      const reply = await call('POST', '/subjects/ct/versions', { schema: U1 }, { 'Content-Type': type });
      expect(reply.status).toBe(200);
    }
    const bad = await call('POST', '/subjects/ct/versions', { schema: U1 }, { 'Content-Type': 'text/plain' });
    expect(bad).toMatchObject({ status: 415, body: { error_code: 415 } });
  });

  it('answers unknown paths with 404, wrong methods with 405, bad JSON with 400, never a stack trace', async () => {
    expect(await call('GET', '/nope')).toMatchObject({ status: 404, body: { error_code: 404 } });
    expect(await call('PATCH', '/subjects')).toMatchObject({ status: 405, body: { error_code: 405 } });
    const malformed = await call('POST', '/subjects/x/versions', '{"schema": ');
    expect(malformed).toMatchObject({ status: 400, body: { error_code: 400 } });
    expect(malformed.text).not.toMatch(/\bat .*\.ts:\d+/);
    const notObject = await call('POST', '/subjects/x/versions', '[1,2]');
    expect(notObject.status).toBe(422);
    expect(await call('GET', '/')).toMatchObject({ status: 200, body: {} });
  });

  it('limits the request body size', async () => {
    await server.close();
    server = await startRegistryServer({ port: 0, maxBodyBytes: 1000 });
    call = httpClient(server.url);
    const big = await call('POST', '/subjects/x/versions', { schema: 'x'.repeat(2000) });
    expect(big).toMatchObject({ status: 413, body: { error_code: 413 } });
    expect((await call('GET', '/subjects')).status).toBe(200);
  });
});

describe('basic auth', () => {
  it('rejects missing or wrong credentials and accepts the right ones', async () => {
    await server.close();
    server = await startRegistryServer({ port: 0, basicAuth: [{ username: 'ci', password: 's3cret' }] });
    const anonymous = httpClient(server.url);
    const wrong = httpClient(server.url, {
      Authorization: `Basic ${Buffer.from('ci:nope').toString('base64')}`,
    });
    const right = httpClient(server.url, {
      Authorization: `Basic ${Buffer.from('ci:s3cret').toString('base64')}`,
    });
    expect(await anonymous('GET', '/subjects')).toMatchObject({ status: 401, body: { error_code: 40101 } });
    expect((await wrong('GET', '/subjects')).status).toBe(401);
    expect(await right('GET', '/subjects')).toMatchObject({ status: 200, body: [] });
    call = right;
  });
});

describe('registering and reading', () => {
  it('registers idempotently and shares ids across subjects', async () => {
    expect(await register('a', U1)).toMatchObject({ status: 200, body: { id: 1 } });
    expect(await register('a', U1)).toMatchObject({ status: 200, body: { id: 1 } });
    // Same schema, formatted differently, is the same schema.
    expect((await register('a', JSON.stringify(JSON.parse(U1), null, 2))).body).toEqual({ id: 1 });
    expect((await register('b', U1)).body).toEqual({ id: 1 });
    expect((await register('a', U2)).body).toEqual({ id: 2 });
    expect((await call('GET', '/subjects')).body).toEqual(['a', 'b']);
    expect((await call('GET', '/subjects/a/versions')).body).toEqual([1, 2]);
    expect((await call('GET', '/subjects/b/versions')).body).toEqual([1]);
  });

  it('returns versions, latest, raw schemas and schemas by id with their subjects and versions', async () => {
    await register('a', U1);
    await register('a', U2);
    await register('b', U1);
    const v1 = await call('GET', '/subjects/a/versions/1');
    expect(v1.body).toEqual({ subject: 'a', version: 1, id: 1, schema: JSON.stringify(JSON.parse(U1)) });
    expect(v1.body.schemaType).toBeUndefined();
    expect((await call('GET', '/subjects/a/versions/latest')).body).toMatchObject({ version: 2, id: 2 });
    expect((await call('GET', '/subjects/a/versions/LATEST')).body).toMatchObject({ version: 2 });
    const raw = await call('GET', '/subjects/a/versions/2/schema');
    expect(JSON.parse(raw.text)).toEqual(JSON.parse(U2));
    expect((await call('GET', '/schemas/ids/1')).body).toEqual({ schema: JSON.stringify(JSON.parse(U1)) });
    expect((await call('GET', '/schemas/ids/2?fetchMaxId=true')).body).toMatchObject({ maxId: 2 });
    expect(JSON.parse((await call('GET', '/schemas/ids/1/schema')).text)).toEqual(JSON.parse(U1));
    expect((await call('GET', '/schemas/ids/1/subjects')).body).toEqual(['a', 'b']);
    expect((await call('GET', '/schemas/ids/1/versions')).body).toEqual([
      { subject: 'a', version: 1 },
      { subject: 'b', version: 1 },
    ]);
    expect((await call('GET', '/schemas')).body).toHaveLength(3);
    expect((await call('GET', '/schemas?latestOnly=true&subjectPrefix=a')).body).toEqual([
      expect.objectContaining({ subject: 'a', version: 2 }),
    ]);
    expect((await call('GET', '/schemas/types')).body).toEqual(['JSON', 'PROTOBUF', 'AVRO']);
    expect((await call('GET', '/subjects?subjectPrefix=b')).body).toEqual(['b']);
    expect((await call('GET', '/subjects?offset=1&limit=1')).body).toEqual(['b']);
    expect((await call('GET', '/contexts')).body).toEqual(['.']);
  });

  it('looks a schema up under a subject (POST /subjects/{subject})', async () => {
    await register('a', U1);
    await register('a', U2);
    expect((await call('POST', '/subjects/a', { schema: U1 })).body).toMatchObject({
      subject: 'a',
      version: 1,
      id: 1,
    });
    expect(await call('POST', '/subjects/a', { schema: user([{ name: 'x', type: 'int' }]) })).toMatchObject({
      status: 404,
      body: { error_code: 40403 },
    });
    expect(await call('POST', '/subjects/zz', { schema: U1 })).toMatchObject({
      status: 404,
      body: { error_code: 40401 },
    });
  });

  it('normalizes on request', async () => {
    const a = JSON.stringify({
      type: 'record',
      name: 'N',
      fields: [{ name: 'f', type: 'int', aliases: ['b', 'a'] }],
    });
    const b = JSON.stringify({
      fields: [{ aliases: ['a', 'b'], type: 'int', name: 'f' }],
      name: 'N',
      type: 'record',
    });
    const id = (await register('n', a, '?normalize=true')).body.id;
    expect((await register('n', b, '?normalize=true')).body.id).toBe(id);
    expect((await call('POST', '/subjects/n?normalize=true', { schema: b })).body.id).toBe(id);
  });

  it('rejects invalid schemas (42201), schema types it does not serve, invalid versions (42202) and subjects (42208)', async () => {
    const invalid = await register('a', '{"type":"record","name":"R","fields":[{"name":"x","type":"nope"}]}');
    expect(invalid).toMatchObject({ status: 422, body: { error_code: 42201 } });
    expect(invalid.body.message).toMatch(/Undefined name: "nope".*\/fields\/0\/type/);
    expect((await register('a', '{"type":"enum","name":"E","symbols":["A","A"]}')).body.error_code).toBe(
      42201,
    );
    expect((await register('a', 'not json')).body.error_code).toBe(42201);
    expect((await call('POST', '/subjects/a/versions', {})).body).toEqual({
      error_code: 42201,
      message: 'Empty schema',
    });
    const xml = await call('POST', '/subjects/a/versions', { schema: '<schema/>', schemaType: 'XML' });
    expect(xml).toMatchObject({ status: 422, body: { error_code: 42201 } });
    expect(xml.body.message).toMatch(
      /Invalid schema type XML: this registry serves JSON, PROTOBUF, AVRO schemas only/,
    );
    await register('a', U1);
    for (const version of ['0', '-2', 'abc', '2147483648']) {
      expect(await call('GET', `/subjects/a/versions/${version}`)).toMatchObject({
        status: 422,
        body: { error_code: 42202 },
      });
    }
    expect((await register(' ', U1)).body.error_code).toBe(42208);
  });

  it('reports missing subjects (40401), versions (40402) and ids (40403)', async () => {
    expect((await call('GET', '/subjects/none/versions')).body.error_code).toBe(40401);
    expect((await call('GET', '/subjects/none/versions/1')).body.error_code).toBe(40401);
    await register('a', U1);
    const missingVersion = await call('GET', '/subjects/a/versions/7');
    expect(missingVersion).toMatchObject({
      status: 404,
      body: { error_code: 40402, message: 'Version 7 not found.' },
    });
    expect(await call('GET', '/schemas/ids/99')).toMatchObject({
      status: 404,
      body: { error_code: 40403, message: 'Schema 99 not found' },
    });
    expect((await call('GET', '/schemas/ids/99/subjects')).body.error_code).toBe(40403);
    expect((await call('GET', '/schemas/ids/abc')).body.error_code).toBe(40403);
  });
});

describe('compatibility', () => {
  it('rejects an incompatible schema with 409 and Confluent-style details', async () => {
    await register('a', U1);
    const reply = await register('a', U_BAD);
    expect(reply.status).toBe(409);
    expect(reply.body.error_code).toBe(40901);
    expect(reply.body.message).toContain(
      'Schema being registered is incompatible with an earlier schema for subject "a"',
    );
    expect(reply.body.message).toContain("errorType:'READER_FIELD_MISSING_DEFAULT_VALUE'");
    expect(reply.body.message).toContain('oldSchemaVersion: 1');
    expect(reply.body.message).toContain('oldSchema:');
    expect(reply.body.message).toContain("compatibility: 'BACKWARD'");
    // force=true skips the check.
    expect((await register('a', U_BAD, '?force=true')).status).toBe(200);
  });

  it('can answer with error_code 409 as Confluent 7.x and Karapace do', async () => {
    await server.close();
    server = await startRegistryServer({ port: 0, incompatibleErrorCode: 409 });
    call = httpClient(server.url);
    await register('a', U1);
    expect(await register('a', U_BAD)).toMatchObject({ status: 409, body: { error_code: 409 } });
  });

  it('tests compatibility against one version or all, with verbose messages', async () => {
    await register('a', U1);
    const compatible = await call('POST', '/compatibility/subjects/a/versions/latest', { schema: U2 });
    expect(compatible.body).toEqual({ is_compatible: true });
    const verbose = await call('POST', '/compatibility/subjects/a/versions/latest?verbose=true', {
      schema: U_BAD,
    });
    expect(verbose.body.is_compatible).toBe(false);
    expect(verbose.body.messages[0]).toBe(
      "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'required' at path '/fields/1' in the new schema has no default value and is missing in the old schema', additionalInfo:'required'}",
    );
    expect((await call('POST', '/compatibility/subjects/a/versions', { schema: U_BAD })).body).toEqual({
      is_compatible: false,
    });
    expect(
      (await call('POST', '/compatibility/subjects/a/versions/1?verbose=true', { schema: U2 })).body,
    ).toEqual({
      is_compatible: true,
      messages: [],
    });
    expect((await call('POST', '/compatibility/subjects/a/versions/9', { schema: U2 })).body.error_code).toBe(
      40402,
    );
    expect((await call('POST', '/compatibility/subjects/none/versions/latest', { schema: U2 })).body).toEqual(
      {
        is_compatible: true,
      },
    );
    expect((await call('POST', '/compatibility/subjects/a/versions/x', { schema: U2 })).body.error_code).toBe(
      42202,
    );
  });

  it('checks only the given version under a transitive level, but all versions at registration', async () => {
    // After RestApiTest#testIncompatibleSchemaBySubject: FORWARD_TRANSITIVE drifts without transitivity.
    const s1 = user([
      { name: 'f1', type: 'string' },
      { name: 'f2', type: 'string' },
    ]);
    const s2 = user([{ name: 'f1', type: 'string' }]);
    const s3 = user([
      { name: 'f1', type: 'string' },
      { name: 'f3', type: 'string' },
    ]);
    await call('PUT', '/config/t', { compatibility: 'NONE' });
    await register('t', s1);
    await register('t', s2);
    await call('PUT', '/config/t', { compatibility: 'FORWARD_TRANSITIVE' });
    expect(
      (await call('POST', '/compatibility/subjects/t/versions/latest', { schema: s3 })).body.is_compatible,
    ).toBe(true);
    expect(
      (await call('POST', '/compatibility/subjects/t/versions', { schema: s3 })).body.is_compatible,
    ).toBe(false);
    const reply = await register('t', s3);
    expect(reply.status).toBe(409);
    expect(reply.body.message).toContain('oldSchemaVersion: 1');
  });
});

describe('config', () => {
  it('reads compatibilityLevel, writes compatibility, and falls back to the global level on request', async () => {
    expect((await call('GET', '/config')).body).toEqual({ compatibilityLevel: 'BACKWARD' });
    expect((await call('PUT', '/config', { compatibility: 'full' })).body).toEqual({ compatibility: 'FULL' });
    expect((await call('GET', '/config')).body).toEqual({ compatibilityLevel: 'FULL' });
    expect(await call('GET', '/config/s')).toMatchObject({ status: 404, body: { error_code: 40408 } });
    expect((await call('GET', '/config/s?defaultToGlobal=true')).body).toEqual({
      compatibilityLevel: 'FULL',
    });
    expect((await call('PUT', '/config/s', { compatibility: 'NONE' })).body).toEqual({
      compatibility: 'NONE',
    });
    expect((await call('GET', '/config/s')).body).toEqual({ compatibilityLevel: 'NONE' });
    expect((await call('DELETE', '/config/s')).body).toEqual({ compatibilityLevel: 'NONE' });
    expect((await call('GET', '/config/s')).body.error_code).toBe(40408);
    expect((await call('DELETE', '/config')).body).toEqual({ compatibilityLevel: 'FULL' });
    expect((await call('GET', '/config')).body).toEqual({ compatibilityLevel: 'BACKWARD' });
    const invalid = await call('PUT', '/config', { compatibility: 'SIDEWAYS' });
    expect(invalid).toMatchObject({ status: 422, body: { error_code: 42203 } });
  });

  it('applies the subject level to registration', async () => {
    await register('a', U1);
    await call('PUT', '/config/a', { compatibility: 'NONE' });
    expect((await register('a', U_BAD)).status).toBe(200);
  });
});

describe('mode', () => {
  it('reads and writes modes, rejects writes in READONLY and requires force for IMPORT', async () => {
    expect((await call('GET', '/mode')).body).toEqual({ mode: 'READWRITE' });
    expect((await call('GET', '/mode/s')).body.error_code).toBe(40409);
    expect((await call('GET', '/mode/s?defaultToGlobal=true')).body).toEqual({ mode: 'READWRITE' });
    expect((await call('PUT', '/mode/s', { mode: 'READONLY' })).body).toEqual({ mode: 'READONLY' });
    const readOnly = await register('s', U1);
    expect(readOnly).toMatchObject({ status: 422, body: { error_code: 42205 } });
    expect((await call('DELETE', '/mode/s')).body).toEqual({ mode: 'READONLY' });
    expect((await register('s', U1)).status).toBe(200);
    expect(await call('PUT', '/mode', { mode: 'SOMETIMES' })).toMatchObject({
      status: 422,
      body: { error_code: 42204 },
    });
    expect((await call('PUT', '/mode', { mode: 'IMPORT' })).body.error_code).toBe(42205);
    expect((await call('PUT', '/mode?force=true', { mode: 'IMPORT' })).body).toEqual({ mode: 'IMPORT' });
  });

  it('imports schemas with their ids and versions in IMPORT mode only', async () => {
    const withId = await call('POST', '/subjects/imp/versions', { schema: U1, id: 42, version: 3 });
    expect(withId).toMatchObject({ status: 422, body: { error_code: 42205 } });
    await call('PUT', '/mode/imp', { mode: 'IMPORT' });
    expect((await call('POST', '/subjects/imp/versions', { schema: U1, id: 42, version: 3 })).body).toEqual({
      id: 42,
    });
    expect((await call('GET', '/subjects/imp/versions/3')).body).toMatchObject({ id: 42, version: 3 });
    const clash = await call('POST', '/subjects/imp/versions', { schema: U2, id: 42, version: 4 });
    expect(clash.body.error_code).toBe(42207);
    await call('DELETE', '/mode/imp');
    // New ids continue after the imported one.
    expect((await register('other', U2)).body.id).toBe(43);
  });
});

describe('deletes', () => {
  it('soft-deletes a version, hides it, and permanently deletes it only after that', async () => {
    await register('a', U1);
    await register('a', U2);
    expect((await call('DELETE', '/subjects/a/versions/2?permanent=true')).body.error_code).toBe(40407);
    expect((await call('DELETE', '/subjects/a/versions/2')).body).toBe(2);
    expect((await call('DELETE', '/subjects/a/versions/2')).body.error_code).toBe(40406);
    expect((await call('GET', '/subjects/a/versions')).body).toEqual([1]);
    expect((await call('GET', '/subjects/a/versions?deleted=true')).body).toEqual([1, 2]);
    expect((await call('GET', '/subjects/a/versions?deletedOnly=true')).body).toEqual([2]);
    expect((await call('GET', '/subjects/a/versions?deletedAsNegative=true')).body).toEqual([1, -2]);
    expect((await call('GET', '/subjects/a/versions/2')).body.error_code).toBe(40402);
    expect((await call('GET', '/subjects/a/versions/2?deleted=true')).body).toMatchObject({ version: 2 });
    // The id stays readable so old data can still be decoded.
    expect((await call('GET', '/schemas/ids/2')).status).toBe(200);
    expect((await call('GET', '/schemas/ids/2/subjects')).body).toEqual([]);
    expect((await call('GET', '/schemas/ids/2/subjects?deleted=true')).body).toEqual(['a']);
    expect((await call('DELETE', '/subjects/a/versions/2?permanent=true')).body).toBe(2);
    expect((await call('GET', '/subjects/a/versions?deleted=true')).body).toEqual([1]);
    expect((await call('GET', '/schemas/ids/2')).body.error_code).toBe(40403);
    expect((await call('DELETE', '/subjects/a/versions/9')).body.error_code).toBe(40402);
    expect((await call('DELETE', '/subjects/zz/versions/1')).body.error_code).toBe(40401);
  });

  it('numbers new versions after soft-deleted ones and ignores deleted versions in compatibility checks', async () => {
    await register('a', U1);
    await register('a', U2);
    await call('DELETE', '/subjects/a/versions/2');
    const next = user([
      { name: 'name', type: 'string' },
      { name: 'age', type: 'string', default: 'x' },
    ]);
    // Incompatible with version 2 (int vs string), but version 2 is deleted.
    expect((await register('a', next)).body).toEqual({ id: 3 });
    expect((await call('GET', '/subjects/a/versions')).body).toEqual([1, 3]);
  });

  it('soft-deletes and permanently deletes a subject with their rules', async () => {
    await register('a', U1);
    await register('a', U2);
    await call('PUT', '/config/a', { compatibility: 'FULL' });
    expect((await call('DELETE', '/subjects/a?permanent=true')).body.error_code).toBe(40405);
    expect((await call('DELETE', '/subjects/a')).body).toEqual([1, 2]);
    expect((await call('DELETE', '/subjects/a')).body.error_code).toBe(40404);
    expect((await call('GET', '/subjects')).body).toEqual([]);
    expect((await call('GET', '/subjects?deleted=true')).body).toEqual(['a']);
    expect((await call('GET', '/subjects?deletedOnly=true')).body).toEqual(['a']);
    expect((await call('GET', '/subjects/a/versions')).body.error_code).toBe(40401);
    // Re-registering a soft-deleted schema gives it a new version with the same id.
    expect((await register('a', U1)).body).toEqual({ id: 1 });
    expect((await call('GET', '/subjects/a/versions')).body).toEqual([3]);
    await call('DELETE', '/subjects/a');
    expect((await call('DELETE', '/subjects/a?permanent=true')).body).toEqual([1, 2, 3]);
    expect((await call('GET', '/subjects?deleted=true')).body).toEqual([]);
    expect((await call('GET', '/config/a')).body.error_code).toBe(40408);
    expect((await call('DELETE', '/subjects/a')).body.error_code).toBe(40401);
    // Ids are never reused.
    expect((await register('b', user([{ name: 'z', type: 'int' }]))).body.id).toBe(3);
  });

  it('refuses to delete a schema other schemas reference (42206) and lists referrers', async () => {
    const money = JSON.stringify({
      type: 'record',
      name: 'Money',
      namespace: 'com.acme',
      fields: [{ name: 'u', type: 'long' }],
    });
    await register('money', money);
    const invoice = recordSchema('Invoice', [{ name: 'total', type: 'com.acme.Money' }]);
    const reply = await call('POST', '/subjects/invoice/versions', {
      schema: invoice,
      references: [{ name: 'com.acme.Money', subject: 'money', version: 1 }],
    });
    expect(reply.body).toEqual({ id: 2 });
    const stored = await call('GET', '/subjects/invoice/versions/1');
    expect(stored.body.references).toEqual([{ name: 'com.acme.Money', subject: 'money', version: 1 }]);
    // The referenced type is not inlined.
    expect(JSON.parse(stored.body.schema).fields[0].type).toBe('Money');
    expect((await call('GET', '/subjects/money/versions/1/referencedby')).body).toEqual([2]);
    expect((await call('DELETE', '/subjects/money/versions/1')).body.error_code).toBe(42206);
    expect((await call('DELETE', '/subjects/money')).body.error_code).toBe(42206);
    const missing = await call('POST', '/subjects/x/versions', {
      schema: invoice,
      references: [{ name: 'com.acme.Money', subject: 'money', version: 7 }],
    });
    expect(missing.body.error_code).toBe(42201);
  });
});

describe('store failures', () => {
  it('answers 50001 when the log cannot be written, and keeps serving', async () => {
    await server.close();
    class BrokenLog extends MemoryRegistryLog {
      override async append(_records: readonly RegistryRecord[]): Promise<void> {
        throw new Error('disk on fire');
      }
    }
    server = await startRegistryServer({ port: 0, log: new BrokenLog() });
    call = httpClient(server.url);
    const reply = await register('a', U1);
    expect(reply).toMatchObject({ status: 500, body: { error_code: 50001 } });
    expect((await call('GET', '/subjects')).status).toBe(200);
  });
});

describe('the log', () => {
  let log: MemoryRegistryLog;
  beforeAll(() => {
    log = new MemoryRegistryLog();
  });
  afterAll(() => log.close());

  it('writes records shaped like Confluent _schemas records, and a restarted server rebuilds from them', async () => {
    await server.close();
    server = await startRegistryServer({ port: 0, log });
    call = httpClient(server.url);
    await register('a', U1);
    await call('PUT', '/config/a', { compatibility: 'FULL' });
    await call('DELETE', '/subjects/a/versions/1');
    expect(log.records[0]).toMatchObject({
      key: { keytype: 'SCHEMA', subject: 'a', version: 1, magic: 1 },
      value: { subject: 'a', version: 1, id: 1, schema: JSON.stringify(JSON.parse(U1)), deleted: false },
    });
    expect(log.records[1]).toEqual({
      key: { keytype: 'CONFIG', subject: 'a', magic: 0 },
      value: { compatibilityLevel: 'FULL' },
    });
    expect(log.records[2]).toMatchObject({ value: { deleted: true } });
    await server.close();
    // A second server on the same log sees the same state.
    const replay = new MemoryRegistryLog();
    replay.records.push(...log.records);
    server = await startRegistryServer({ port: 0, log: replay });
    call = httpClient(server.url);
    expect((await call('GET', '/subjects/a/versions?deleted=true')).body).toEqual([1]);
    expect((await call('GET', '/config/a')).body).toEqual({ compatibilityLevel: 'FULL' });
    expect((await register('a', U2)).body).toEqual({ id: 2 });
  });
});
