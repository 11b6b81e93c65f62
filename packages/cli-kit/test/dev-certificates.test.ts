import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type TLSSocket } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import {
  generateDevCa,
  generateDevCertificates,
  issueClientCertificate,
  readDevCa,
  writeDevCertificates,
} from '../src/dev-certificates.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** A TLS handshake between a server with `server` and a client trusting `ca`; what the server saw. */
async function handshake(
  server: { cert: string; key: string; ca?: string },
  client: { ca: string; cert?: string; key?: string; host?: string },
): Promise<{ clientAuthorized: boolean; peerSubject?: string; error?: string }> {
  const tlsServer = createServer({
    ...server,
    requestCert: server.ca !== undefined,
    rejectUnauthorized: false,
  });
  const seen = new Promise<{ authorized: boolean; subject?: string }>((resolve) =>
    tlsServer.once('secureConnection', (socket: TLSSocket) => {
      resolve({ authorized: socket.authorized, subject: socket.getPeerX509Certificate()?.subject });
      socket.end();
    }),
  );
  await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
  const port = (tlsServer.address() as { port: number }).port;
  try {
    const error = await new Promise<string | undefined>((resolve) => {
      const socket = connect({
        host: client.host ?? '127.0.0.1',
        port,
        ca: client.ca,
        cert: client.cert,
        key: client.key,
      });
      socket.once('secureConnect', () => {
        socket.end();
        resolve(undefined);
      });
      socket.once('error', (err) => resolve(err.message));
    });
    if (error) return { clientAuthorized: false, error };
    const { authorized, subject } = await seen;
    return { clientAuthorized: authorized, peerSubject: subject };
  } finally {
    tlsServer.close();
  }
}

describe('dev certificates', () => {
  it('signs a server certificate clients verify for its IP address and host name', async () => {
    const { ca, server } = await generateDevCertificates({ hosts: ['127.0.0.1', 'localhost'] });
    const cert = new X509Certificate(server.cert);
    expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(cert.subjectAltName).toContain('DNS:localhost');
    expect(cert.verify(new X509Certificate(ca.cert).publicKey)).toBe(true);
    expect((await handshake(server, { ca: ca.cert })).error).toBeUndefined();
  });

  it('is refused by a client trusting another CA', async () => {
    const { server } = await generateDevCertificates({ hosts: ['127.0.0.1'] });
    const other = await generateDevCa('another CA');
    expect((await handshake(server, { ca: other.cert })).error).toMatch(
      /self.signed|unable to verify|certificate/i,
    );
  });

  it('issues client certificates the server can verify, with the subject asked for', async () => {
    const { ca, server } = await generateDevCertificates({ hosts: ['127.0.0.1'] });
    const client = await issueClientCertificate(ca, 'CN=alice, OU=payments, O=Example');
    const result = await handshake({ ...server, ca: ca.cert }, { ca: ca.cert, ...client });
    expect(result.clientAuthorized).toBe(true);
    // X.509 stores the least specific part first.
    expect(result.peerSubject?.split('\n')).toEqual(['O=Example', 'OU=payments', 'CN=alice']);
  });

  it('writes the files, keeps keys private, and reads the CA back for reuse', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'samsa-dev-certs-'));
    dirs.push(dir);
    const certs = await generateDevCertificates({ hosts: ['127.0.0.1'] });
    const files = await writeDevCertificates(dir, certs);
    expect((await stat(files.keyFile)).mode & 0o077).toBe(0);
    expect((await stat(files.caKeyFile)).mode & 0o077).toBe(0);
    const ca = await readDevCa(dir);
    expect(ca).toEqual(certs.ca);
    const again = await generateDevCertificates({ hosts: ['127.0.0.1'], ca });
    expect((await handshake(again.server, { ca: certs.ca.cert })).error).toBeUndefined();
    expect(await readDevCa(join(dir, 'missing'))).toBeUndefined();
  });
});
