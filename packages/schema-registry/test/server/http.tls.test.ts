import { request } from 'node:https';
import { connect } from 'node:net';
import { type DevCertificates, generateDevCertificates } from '@samsa/cli-kit';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RegistryServer, startRegistryServer } from '../../src/server/http.js';
import { MemoryRegistryLog, StaticLeaderElection } from '../../src/server/store.js';
import { recordSchema } from './helpers.js';

// The registry over HTTPS: served with a given certificate, writes forwarded from a follower to an HTTPS leader,
// and clients speaking the wrong protocol turned away without harm.

let certificates: DevCertificates;
const servers: RegistryServer[] = [];

beforeAll(async () => {
  certificates = await generateDevCertificates({ hosts: ['localhost', '127.0.0.1', '::1'] });
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** One HTTPS request trusting the dev CA (or not); resolves with status and body. */
function call(url: string, method = 'GET', body?: unknown, ca: string | undefined = certificates.ca.cert) {
  return new Promise<{ status: number; body: unknown }>((resolve, reject) => {
    const outgoing = request(
      url,
      { method, ca, headers: body ? { 'Content-Type': 'application/vnd.schemaregistry.v1+json' } : {} },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () =>
          resolve({ status: answer.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString()) }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const tls = () => ({ ...certificates.server, ca: certificates.ca.cert });
const schema = recordSchema('Event', [{ name: 'id', type: 'string' }]);

describe('HTTPS', () => {
  it('serves https:// URLs and advertises them', async () => {
    const server = await startRegistryServer({ port: 0, tls: tls() });
    servers.push(server);
    expect(server.url).toMatch(/^https:\/\//);
    expect(server.advertisedUrl).toMatch(/^https:\/\/127\.0\.0\.1:/);
    expect(await call(`${server.url}/subjects`)).toEqual({ status: 200, body: [] });
    await expect(call(`${server.url}/subjects`, 'GET', undefined, '')).rejects.toThrow();
  });

  it('forwards a follower’s writes to an HTTPS leader, trusting tls.ca', async () => {
    const log = new MemoryRegistryLog();
    const leader = await startRegistryServer({ port: 0, log, tls: tls() });
    servers.push(leader);
    const follower = await startRegistryServer({
      port: 0,
      log,
      tls: tls(),
      election: new StaticLeaderElection({ leaderUrl: leader.url, isLeader: false }),
    });
    servers.push(follower);
    expect(await call(`${follower.url}/subjects/e/versions`, 'POST', { schema })).toEqual({
      status: 200,
      body: { id: 1 },
    });
    expect((await call(`${leader.url}/subjects/e/versions/1`)).body).toMatchObject({ id: 1 });

    // Without the CA, the follower cannot verify the leader: 50003, and the write is not applied.
    const untrusting = await startRegistryServer({
      port: 0,
      log,
      tls: certificates.server,
      election: new StaticLeaderElection({ leaderUrl: leader.url, isLeader: false }),
    });
    servers.push(untrusting);
    const refused = await call(`${untrusting.url}/subjects/f/versions`, 'POST', { schema });
    expect(refused).toMatchObject({ status: 500, body: { error_code: 50003 } });
    expect((refused.body as { message: string }).message).toMatch(/certificate/);
  });

  it('turns away plaintext and garbage on the HTTPS port and keeps serving', async () => {
    const server = await startRegistryServer({ port: 0, tls: tls() });
    servers.push(server);
    const port = Number(new URL(server.url).port);
    for (const bytes of [
      'GET /subjects HTTP/1.1\r\nHost: x\r\n\r\n',
      '\u0016\u0003\u0001\u0000\u0005garbage',
    ]) {
      await new Promise<void>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
        socket.on('data', () => {});
        socket.on('error', () => resolve());
        socket.on('close', () => resolve());
      });
    }
    expect((await call(`${server.url}/subjects`)).status).toBe(200);
  });
});
