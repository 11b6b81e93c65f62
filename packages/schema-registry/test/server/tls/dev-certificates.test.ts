import { createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDevCertificates } from '../../../src/server/tls/dev-certificates.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'samsa-dev-certs-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('generateDevCertificates', () => {
  it('makes a CA and a server certificate it signed, for the given hosts, and writes them', async () => {
    const made = await generateDevCertificates(join(dir, 'tls'), {
      hosts: ['localhost', '127.0.0.1', 'registry.test'],
    });
    const ca = new X509Certificate(made.ca);
    const server = new X509Certificate(made.cert);
    expect(ca.ca).toBe(true);
    expect(server.ca).toBe(false);
    expect(server.checkIssued(ca)).toBe(true);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.checkHost('registry.test')).toBe('registry.test');
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkHost('elsewhere.test')).toBeUndefined();
    expect(server.checkPrivateKey(createPrivateKey(made.key))).toBe(true);

    expect(await readFile(made.caPath, 'utf8')).toBe(made.ca);
    expect(await readFile(made.certPath, 'utf8')).toBe(made.cert);
    expect(await readFile(made.keyPath, 'utf8')).toBe(made.key);
    expect((await stat(made.keyPath)).mode & 0o077).toBe(0);
  });

  it('makes a new CA each time (throwaway: trusting one never trusts another)', async () => {
    const first = await generateDevCertificates(join(dir, 'a'));
    const second = await generateDevCertificates(join(dir, 'b'));
    expect(new X509Certificate(second.cert).verify(new X509Certificate(first.ca).publicKey)).toBe(false);
    expect(new X509Certificate(second.cert).verify(new X509Certificate(second.ca).publicKey)).toBe(true);
    expect(new X509Certificate(first.cert).checkIP('::1')).toBe('::1');
  });
});
