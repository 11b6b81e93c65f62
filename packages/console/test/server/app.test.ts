/** The HTTP application: basic auth, read-only mode, body limits, error answers, and the front end's files. */
import { type RunningBroker, startBroker } from '@samsa/broker-dev';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiErrorBody, ConsoleInfo } from '../../src/api/types.js';
import { type ConsoleServer, startConsoleServer } from '../../src/index.js';
import { call } from '../helpers/stack.js';

let broker: RunningBroker;

beforeAll(async () => {
  broker = await startBroker({ host: '127.0.0.1', port: 0, partitions: 1 });
});

afterAll(async () => {
  await broker?.stop();
});

const errorCode = (body: unknown) => (body as ApiErrorBody).error.code;

describe('a plain console', () => {
  let server: ConsoleServer;

  beforeAll(async () => {
    server = await startConsoleServer({ brokers: broker.bootstrap, port: 0, maxBodyBytes: 16 * 1024 });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('binds 127.0.0.1 by default and tells the page what it runs on', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const { body } = await call<ConsoleInfo>(server.url, 'GET', '/api/info');
    expect(body).toMatchObject({ readOnly: false, brokers: broker.bootstrap, registry: null });
  });

  it('serves the front end, with index.html for the page’s own routes and 404s for unknown API routes', async () => {
    const index = await fetch(`${server.url}/`);
    expect(index.status).toBe(200);
    const html = await index.text();
    expect(html).toContain('<div id="root">');
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const js = await fetch(`${server.url}${asset}`);
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect(js.headers.get('content-type')).toContain('javascript');
    const deep = await fetch(`${server.url}/groups/payments`);
    expect(await deep.text()).toBe(html);
    const api = await call(server.url, 'GET', '/api/nothing-here');
    expect([api.status, errorCode(api.body)]).toEqual([404, 'NOT_FOUND']);
  });

  it('refuses malformed JSON, other media types and oversized bodies with typed errors', async () => {
    const malformed = await call(server.url, 'POST', '/api/topics', '{"name": ');
    expect([malformed.status, errorCode(malformed.body)]).toEqual([400, 'MALFORMED_JSON']);
    const text = await fetch(`${server.url}/api/topics`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'x',
    });
    expect(text.status).toBe(415);
    const big = await call(server.url, 'POST', '/api/topics', {
      name: 'x',
      configs: { 'a.b': 'y'.repeat(64 * 1024) },
    });
    expect([big.status, errorCode(big.body)]).toEqual([413, 'BODY_TOO_LARGE']);
    const array = await call(server.url, 'POST', '/api/topics', [1, 2, 3]);
    expect([array.status, errorCode(array.body)]).toEqual([400, 'INVALID_REQUEST']);
    const deep = await call(server.url, 'POST', '/api/topics', `${'['.repeat(8000)}${']'.repeat(8000)}`);
    expect(deep.status).toBe(400);
    // Still answering after all that.
    expect((await call(server.url, 'GET', '/api/info')).status).toBe(200);
  });

  it('says the schema pages have no registry', async () => {
    const answer = await call(server.url, 'GET', '/api/schemas');
    expect([answer.status, errorCode(answer.body)]).toEqual([404, 'NO_REGISTRY']);
  });
});

describe('basic auth', () => {
  let server: ConsoleServer;

  beforeAll(async () => {
    server = await startConsoleServer({
      brokers: broker.bootstrap,
      port: 0,
      basicAuth: [{ username: 'ops', password: 's3cret' }],
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('requires a known user for the API and the page', async () => {
    for (const path of ['/api/info', '/']) {
      const anonymous = await fetch(`${server.url}${path}`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toContain('Basic');
    }
    const wrong = await call(server.url, 'GET', '/api/info', undefined, {
      authorization: `Basic ${btoa('ops:nope')}`,
    });
    expect(wrong.status).toBe(401);
    const right = await call(server.url, 'GET', '/api/info', undefined, {
      authorization: `Basic ${btoa('ops:s3cret')}`,
    });
    expect(right.status).toBe(200);
  });
});

describe('read-only', () => {
  let server: ConsoleServer;

  beforeAll(async () => {
    server = await startConsoleServer({ brokers: broker.bootstrap, port: 0, readOnly: true });
  });

  afterAll(async () => {
    await server?.close();
  });

  it('refuses writes before they reach Kafka and says so in /api/info', async () => {
    expect((await call<ConsoleInfo>(server.url, 'GET', '/api/info')).body.readOnly).toBe(true);
    const create = await call(server.url, 'POST', '/api/topics', { name: 'never' });
    expect([create.status, errorCode(create.body)]).toEqual([403, 'READ_ONLY']);
    const { body } = await call<{ topics: { name: string }[] }>(server.url, 'GET', '/api/topics');
    expect(body.topics.map((t) => t.name)).not.toContain('never');
  });
});
