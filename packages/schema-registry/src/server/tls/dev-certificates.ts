/**
 * `serve --tls auto`: a throwaway CA and a server certificate it signs, for development only, written to a
 * directory so that clients can be told to trust the CA (`ca.pem`).
 *
 * Generated with `selfsigned` (5.x: Node's own WebCrypto underneath, through @peculiar/x509, so no JavaScript
 * crypto and no OpenSSL binary; runs on Node >= 18), with ECDSA P-256 keys: made in well under a second, and
 * accepted by every TLS client Samsa is tested with. The dev broker's `--tls auto` is meant to use the same
 * library, so that the two can share this function.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface DevCertificates {
  /** PEM of the CA to trust, and where it was written. */
  ca: string;
  caPath: string;
  /** The server's certificate and key (PEM), and where they were written. */
  cert: string;
  certPath: string;
  key: string;
  keyPath: string;
}

export interface DevCertificateOptions {
  /** Names and addresses the certificate is valid for. Default `localhost`, `127.0.0.1`, `::1`. */
  hosts?: string[];
  /** Days the CA and certificate are valid. Default 30. */
  days?: number;
}

const DEFAULT_HOSTS = ['localhost', '127.0.0.1', '::1'];
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Makes a CA and a server certificate for `hosts` signed by it, and writes `ca.pem`, `server.pem` and
 * `server-key.pem` (the keys readable by the owner only) into `dir`, creating it.
 */
export async function generateDevCertificates(
  dir: string,
  options: DevCertificateOptions = {},
): Promise<DevCertificates> {
  const hosts = options.hosts && options.hosts.length > 0 ? options.hosts : DEFAULT_HOSTS;
  // Valid from a minute ago, so that a client whose clock is a little behind still accepts it.
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(notBeforeDate.getTime() + (options.days ?? 30) * DAY_MS);
  const common = { keyType: 'ec', curve: 'P-256', algorithm: 'sha256', notBeforeDate, notAfterDate } as const;
  const ca = await generate([{ name: 'commonName', value: 'Samsa development CA (throwaway)' }], {
    ...common,
    extensions: [
      { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  const server = await generate([{ name: 'commonName', value: hosts[0]! }], {
    ...common,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: hosts.map((host) => (isIP(host) ? { type: 7, ip: host } : { type: 2, value: host })),
      },
    ],
  });
  await mkdir(dir, { recursive: true });
  const caPath = join(dir, 'ca.pem');
  const certPath = join(dir, 'server.pem');
  const keyPath = join(dir, 'server-key.pem');
  await writeFile(caPath, ca.cert);
  await writeFile(certPath, server.cert);
  await writeFile(keyPath, server.private, { mode: 0o600 });
  return { ca: ca.cert, caPath, cert: server.cert, certPath, key: server.private, keyPath };
}
