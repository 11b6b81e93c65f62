import { mkdtemp, rm } from 'node:fs/promises';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { generateDevCertificates } from '@samsa/cli-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RegistryServer, startRegistryServer } from '../../src/server/http.js';
import { PASSWORDS, writeAuthorizationFile } from '../server/fixtures-auth.js';

// @kafkajs/confluent-schema-registry (a client no one here wrote) against the registry over HTTPS, logging in
// with basic auth as users of an authorization file in Karapace's format (see fixtures-auth.ts).

const order = JSON.stringify({
  type: 'record',
  name: 'Order',
  namespace: 'com.acme',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'amount', type: 'double' },
  ],
});

let dir: string;
let server: RegistryServer;
let agent: Agent;
const client = (user: keyof typeof PASSWORDS, options: { agent?: Agent } = { agent }) =>
  new SchemaRegistry({
    host: server.url,
    auth: { username: user, password: PASSWORDS[user] },
    agent: options.agent,
    retry: { retries: 0 },
  });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'samsa-registry-https-'));
  const certificates = await generateDevCertificates({ hosts: ['localhost', '127.0.0.1', '::1'] });
  await writeAuthorizationFile(join(dir, 'auth.json'));
  server = await startRegistryServer({
    port: 0,
    tls: certificates.server,
    authorizationFile: join(dir, 'auth.json'),
  });
  agent = new Agent({ ca: certificates.ca.cert });
});
afterAll(async () => {
  agent?.destroy();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('@kafkajs/confluent-schema-registry over HTTPS with basic auth', () => {
  it('registers, encodes and decodes as a user who may write the subject', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const aladdin = client('aladdin');
    const { id } = await aladdin.register(
      { type: SchemaType.AVRO, schema: order },
      { subject: 'cave-orders' },
    );
    expect(id).toBe(1);
    const bytes = await aladdin.encode(id, { id: 'o-1', amount: 12.5 });
    expect(bytes[0]).toBe(0);
    expect(bytes.readInt32BE(1)).toBe(id);
    // Another client, fetching the writer's schema by id over HTTPS.
    expect(await client('admin').decode(bytes)).toEqual({ id: 'o-1', amount: 12.5 });
  });

  it('refuses a read-only user on register with 403, and shows it only what it may read', async () => {
    const admin = client('admin');
    await admin.register({ type: SchemaType.AVRO, schema: order }, { subject: 'carpet-orders' });
    const reader = client('reader');
    const refused = await reader
      .register({ type: SchemaType.AVRO, schema: order }, { subject: 'carpet-orders' })
      .then(
        () => undefined,
        (error: { status?: number; message: string }) => error,
      );
    expect(refused).toMatchObject({ status: 403 });
    expect(refused?.message).toContain('User reader is denied operation Write on Subject:carpet-orders');
    expect(await reader.getLatestSchemaId('carpet-orders')).toBe(1);
    await expect(reader.getLatestSchemaId('cave-orders')).rejects.toMatchObject({ status: 403 });
  });

  it('fails without credentials (401) and without trusting the CA', async () => {
    const anonymous = new SchemaRegistry({ host: server.url, agent, retry: { retries: 0 } });
    await expect(anonymous.getLatestSchemaId('carpet-orders')).rejects.toMatchObject({ status: 401 });
    const untrusting = client('admin', { agent: new Agent() });
    await expect(untrusting.getLatestSchemaId('carpet-orders')).rejects.toThrow(/certificate/i);
  });
});
