import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthorizationFileError } from '../../src/errors.js';
import { type RegistryServer, startRegistryServer } from '../../src/server/http.js';
import {
  basicAuthHeader,
  KARAPACE_TEST_PERMISSIONS,
  type PASSWORDS,
  writeAuthorizationFile,
} from './fixtures-auth.js';
import { httpClient, recordSchema } from './helpers.js';

// The registry with an authorization file (Karapace's format), over HTTP: who may call which route.

let dir: string;
let file: string;
let server: RegistryServer;
const as = (user: keyof typeof PASSWORDS) => httpClient(server.url, { Authorization: basicAuthHeader(user) });
const schema = (name: string) => ({ schema: recordSchema(name, [{ name: 'id', type: 'string' }]) });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'samsa-registry-authz-'));
  file = join(dir, 'auth.json');
  await writeAuthorizationFile(file);
  server = await startRegistryServer({ port: 0, authorizationFile: file });
  // admin registers one schema under a cave- and a carpet- subject (one id), and one under cave- only.
  const admin = as('admin');
  expect((await admin('POST', '/subjects/cave-shared/versions', schema('Shared'))).body).toEqual({ id: 1 });
  expect((await admin('POST', '/subjects/carpet-shared/versions', schema('Shared'))).body).toEqual({ id: 1 });
  expect((await admin('POST', '/subjects/cave-only/versions', schema('CaveOnly'))).body).toEqual({ id: 2 });
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('authentication', () => {
  it('answers 401 with a Basic challenge and a Confluent body, on every route', async () => {
    const anonymous = httpClient(server.url);
    for (const [method, path] of [
      ['GET', '/'],
      ['GET', '/schemas/types'],
      ['GET', '/subjects'],
      ['POST', '/subjects/cave-x/versions'],
      ['GET', '/schemas/ids/1'],
      ['PUT', '/config'],
      ['GET', '/mode/cave-x'],
      ['GET', '/no/such/route'],
    ] as const) {
      const reply = await anonymous(method, path, method === 'GET' ? undefined : schema('X'));
      expect(reply, `${method} ${path}`).toMatchObject({
        status: 401,
        body: { error_code: 40101, message: expect.stringContaining('requires HTTP basic authentication') },
      });
    }
    const response = await fetch(`${server.url}/subjects`);
    expect(response.headers.get('www-authenticate')).toBe('Basic realm="SchemaRegistry", charset="UTF-8"');
  });

  it.each([
    [
      'a wrong password',
      `Basic ${Buffer.from('reader:Secret').toString('base64')}`,
      /wrong user name or password/,
    ],
    [
      'an unknown user',
      `Basic ${Buffer.from('nobody:secret').toString('base64')}`,
      /wrong user name or password/,
    ],
    ['a bearer token', 'Bearer eyJhbGciOiJub25lIn0.e30.', /only the Basic authentication scheme/],
    ['malformed credentials', 'Basic %%%%', /not base64 of user:password/],
    ['credentials without a colon', `Basic ${Buffer.from('reader').toString('base64')}`, /not base64/],
    ['10 KiB of garbage', `Basic ${'A'.repeat(10 * 1024)}`, /not base64 of user:password/],
  ])('answers %s with 401', async (_case, authorization, message) => {
    const reply = await httpClient(server.url, { Authorization: authorization })('GET', '/subjects');
    expect(reply).toMatchObject({
      status: 401,
      body: { error_code: 40101, message: expect.stringMatching(message) },
    });
  });

  it('refuses headers larger than Node accepts with 431, and keeps serving', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL('/subjects', server.url);
      const outgoing = request(
        url,
        { headers: { Authorization: `Basic ${'A'.repeat(100 * 1024)}` } },
        (answer) => {
          answer.resume();
          resolve(answer.statusCode ?? 0);
        },
      );
      outgoing.on('error', reject);
      outgoing.end();
    });
    expect(status).toBe(431);
    expect((await as('admin')('GET', '/subjects')).status).toBe(200);
  });
});

describe('authorization', () => {
  it('lets a user register only where it may write, with 403 and 40301 elsewhere', async () => {
    const aladdin = as('aladdin');
    expect((await aladdin('POST', '/subjects/cave-new/versions', schema('New'))).status).toBe(200);
    expect(await aladdin('POST', '/subjects/carpet-new/versions', schema('New'))).toMatchObject({
      status: 403,
      body: { error_code: 40301, message: 'User aladdin is denied operation Write on Subject:carpet-new' },
    });
    expect((await aladdin('DELETE', '/subjects/carpet-shared')).status).toBe(403);
  });

  it('refuses a read-only user every write, and shows it only the subjects it may read', async () => {
    const reader = as('reader');
    expect(await reader('POST', '/subjects/carpet-shared/versions', schema('Other'))).toMatchObject({
      status: 403,
      body: { error_code: 40301, message: 'User reader is denied operation Write on Subject:carpet-shared' },
    });
    expect((await reader('DELETE', '/subjects/carpet-shared/versions/1')).status).toBe(403);
    expect((await reader('PUT', '/config/carpet-shared', { compatibility: 'NONE' })).status).toBe(403);
    expect((await reader('PUT', '/mode/carpet-shared', { mode: 'READONLY' })).status).toBe(403);

    expect((await reader('GET', '/subjects')).body).toEqual(['carpet-shared']);
    expect((await as('admin')('GET', '/subjects')).body).toEqual(
      ['carpet-new', 'carpet-shared', 'cave-new', 'cave-only', 'cave-shared'].filter(
        (subject) => subject !== 'carpet-new',
      ),
    );
    expect((await reader('GET', '/subjects/carpet-shared/versions/latest')).body).toMatchObject({ id: 1 });
    expect((await reader('GET', '/subjects/cave-only/versions')).status).toBe(403);
    expect((await reader('POST', '/subjects/cave-only', schema('CaveOnly'))).status).toBe(403);
    expect(
      (await reader('POST', '/compatibility/subjects/cave-only/versions/latest', schema('X'))).status,
    ).toBe(403);
    expect(
      (await reader('POST', '/compatibility/subjects/carpet-shared/versions', schema('Shared'))).body,
    ).toEqual({
      is_compatible: true,
    });
  });

  it('serves a schema id to users who may read one of its subjects, and filters the lists', async () => {
    const reader = as('reader');
    expect((await reader('GET', '/schemas/ids/1')).status).toBe(200);
    expect((await reader('GET', '/schemas/ids/1/schema')).status).toBe(200);
    expect(await reader('GET', '/schemas/ids/2')).toMatchObject({
      status: 403,
      body: { error_code: 40301, message: 'User reader is denied operation Read on a subject of schema 2' },
    });
    expect((await reader('GET', '/schemas/ids/1/subjects')).body).toEqual(['carpet-shared']);
    expect((await reader('GET', '/schemas/ids/1/versions')).body).toEqual([
      { subject: 'carpet-shared', version: 1 },
    ]);
    expect(
      ((await reader('GET', '/schemas')).body as Array<{ subject: string }>).map((s) => s.subject),
    ).toEqual(['carpet-shared']);
    // A missing id stays a 404 (ids are sequential: its absence tells nothing).
    expect((await reader('GET', '/schemas/ids/99')).body.error_code).toBe(40403);
  });

  it('guards the global config and mode with Config:, subject config and mode with the subject', async () => {
    const aladdin = as('aladdin');
    expect(await aladdin('GET', '/config')).toMatchObject({
      status: 200,
      body: { compatibilityLevel: 'BACKWARD' },
    });
    expect((await aladdin('GET', '/mode')).status).toBe(200);
    expect(await aladdin('PUT', '/config', { compatibility: 'NONE' })).toMatchObject({
      status: 403,
      body: { error_code: 40301, message: 'User aladdin is denied operation Write on Config:' },
    });
    expect((await aladdin('PUT', '/mode', { mode: 'READONLY' })).status).toBe(403);
    expect((await aladdin('DELETE', '/contexts/.x')).status).toBe(403);
    expect((await aladdin('PUT', '/config/cave-shared', { compatibility: 'FULL' })).status).toBe(200);
    expect((await as('reader')('GET', '/config')).status).toBe(403);
    expect((await as('admin')('PUT', '/config', { compatibility: 'FORWARD' })).status).toBe(200);
    expect((await as('admin')('DELETE', '/config')).status).toBe(200);
  });

  it('answers routes about no subject to any authenticated user', async () => {
    for (const path of ['/', '/schemas/types', '/contexts', '/v1/metadata/id']) {
      expect((await as('reader')('GET', path)).status, path).toBe(200);
    }
  });
});

describe('reloading the authorization file', () => {
  it('applies a changed file, and keeps the rules in force when the new file is bad', async () => {
    const reader = as('reader');
    await writeAuthorizationFile(file, [
      ...KARAPACE_TEST_PERMISSIONS,
      { username: 'reader', operation: 'Write', resource: 'Subject:carpet-.*' },
    ]);
    await server.reloadAuthorization();
    expect((await reader('POST', '/subjects/carpet-reloaded/versions', schema('Reloaded'))).status).toBe(200);

    await writeFile(file, '{"users": [');
    await expect(server.reloadAuthorization()).rejects.toBeInstanceOf(AuthorizationFileError);
    expect((await reader('POST', '/subjects/carpet-reloaded-2/versions', schema('Reloaded2'))).status).toBe(
      200,
    );
    await writeAuthorizationFile(file);
    await server.reloadAuthorization();
    expect((await reader('POST', '/subjects/carpet-reloaded-3/versions', schema('Reloaded3'))).status).toBe(
      403,
    );
  });

  it('does not start with a bad file', async () => {
    const bad = join(dir, 'bad.json');
    await writeFile(
      bad,
      JSON.stringify({ users: [], permissions: [{ username: 'x', operation: 'Admin', resource: '' }] }),
    );
    await expect(startRegistryServer({ port: 0, authorizationFile: bad })).rejects.toMatchObject({
      name: 'AuthorizationFileError',
      location: 'permissions[0].operation',
    });
  });
});
