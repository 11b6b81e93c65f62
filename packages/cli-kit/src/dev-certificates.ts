/**
 * Throwaway certificates for development servers (`--tls auto` of the dev broker and the registry): a CA, a
 * server certificate it signs for the hosts the server is reached at, and client certificates for mutual TLS.
 * ECDSA P-256 keys (WebCrypto generates them in milliseconds, and every TLS stack Samsa's peers use accepts
 * them), PEM output: PKCS#8 keys, X.509 certificates. Never meant for production: the CA key sits beside it.
 */
import 'reflect-metadata'; // @peculiar/x509 resolves its ASN.1 providers through tsyringe, which needs it
import { randomBytes, webcrypto } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Certificates start a little in the past, so clocks slightly behind still accept them. */
const BACKDATE_MS = 60 * 60 * 1000;

/** A certificate and its private key, both PEM. */
export interface PemKeyPair {
  cert: string;
  key: string;
}

export interface DevCertificates {
  /** The CA: clients trust `ca.cert`; `ca.key` signs more certificates (issueClientCertificate). */
  ca: PemKeyPair;
  /** The server's certificate (signed by the CA, valid for every host asked for) and key. */
  server: PemKeyPair;
}

export interface DevCertificateOptions {
  /** Host names and IP addresses clients reach the server at (subject alternative names). */
  hosts: readonly string[];
  /** Common name of the server certificate (default: the first host). */
  commonName?: string;
  /** Validity in days (default 30). */
  validityDays?: number;
  /** An existing CA to sign with, instead of a new one. */
  ca?: PemKeyPair;
}

/** Where writeDevCertificates put the files. */
export interface DevCertificateFiles {
  caCertFile: string;
  caKeyFile: string;
  certFile: string;
  keyFile: string;
}

function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f; // a positive INTEGER
  return bytes.toString('hex');
}

function validity(days: number): { notBefore: Date; notAfter: Date } {
  const now = Date.now();
  return { notBefore: new Date(now - BACKDATE_MS), notAfter: new Date(now + days * DAY_MS) };
}

async function generateKeys(): Promise<webcrypto.CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
}

async function privateKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  const lines = pkcs8.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN PRIVATE KEY-----\n${lines.join('\n')}\n-----END PRIVATE KEY-----\n`;
}

async function importCa(ca: PemKeyPair): Promise<{ cert: x509.X509Certificate; key: webcrypto.CryptoKey }> {
  const cert = new x509.X509Certificate(ca.cert);
  const body = ca.key.replace(/-----(BEGIN|END) PRIVATE KEY-----|\s/g, '');
  if (!ca.key.includes('BEGIN PRIVATE KEY') || body.length === 0) {
    throw new TypeError('The CA key must be an unencrypted PKCS#8 PEM key (BEGIN PRIVATE KEY).');
  }
  const key = await webcrypto.subtle.importKey('pkcs8', Buffer.from(body, 'base64'), ALGORITHM, true, [
    'sign',
  ]);
  return { cert, key };
}

/** A Distinguished Name attribute value, escaped as RFC 4514 asks. */
function escapeDnValue(value: string): string {
  return value
    .replace(/([,+"\\<>;=])/g, '\\$1')
    .replace(/^([ #])/, '\\$1')
    .replace(/ $/, '\\ ');
}

/**
 * An RFC 4514 Distinguished Name (most specific first, `CN=alice, O=Example`) in the order X.509 encodes it
 * (least specific first), so tools that print RFC 4514 (and Kafka's principal builder) give back the string.
 */
function distinguishedName(rfc4514: string): x509.Name {
  return new x509.Name(new x509.Name(rfc4514).toJSON().reverse());
}

/** A new self-signed CA. */
export async function generateDevCa(commonName = 'Samsa dev CA', validityDays = 30): Promise<PemKeyPair> {
  const keys = await generateKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: distinguishedName(`CN=${escapeDnValue(commonName)}, O=Samsa development`),
    ...validity(validityDays),
    keys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert: cert.toString('pem'), key: await privateKeyPem(keys.privateKey) };
}

async function issue(
  ca: PemKeyPair,
  subject: string,
  validityDays: number,
  usages: string[],
  hosts: readonly string[],
): Promise<PemKeyPair> {
  const issuer = await importCa(ca);
  const keys = await generateKeys();
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
    new x509.ExtendedKeyUsageExtension(usages),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(issuer.cert),
  ];
  if (hosts.length > 0) {
    extensions.push(
      new x509.SubjectAlternativeNameExtension(
        hosts.map((host) => ({ type: isIP(host) ? 'ip' : 'dns', value: host })),
      ),
    );
  }
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: distinguishedName(subject),
    issuer: issuer.cert.subjectName,
    ...validity(validityDays),
    publicKey: keys.publicKey,
    signingKey: issuer.key,
    signingAlgorithm: ALGORITHM,
    extensions,
  });
  return { cert: cert.toString('pem'), key: await privateKeyPem(keys.privateKey) };
}

/** A CA (or the one given) and a server certificate it signs for `hosts`. */
export async function generateDevCertificates(options: DevCertificateOptions): Promise<DevCertificates> {
  if (options.hosts.length === 0) throw new TypeError('generateDevCertificates needs at least one host.');
  const days = options.validityDays ?? 30;
  const ca = options.ca ?? (await generateDevCa(undefined, days));
  const commonName = options.commonName ?? options.hosts[0];
  const server = await issue(
    ca,
    `CN=${escapeDnValue(commonName)}, O=Samsa development`,
    days,
    [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth],
    options.hosts,
  );
  return { ca, server };
}

/**
 * A client certificate for mutual TLS, signed by `ca`. `subject` is a Distinguished Name such as
 * `CN=alice, OU=payments, O=Example` (RFC 4514 syntax); brokers derive the principal from it.
 */
export async function issueClientCertificate(
  ca: PemKeyPair,
  subject: string,
  validityDays = 30,
): Promise<PemKeyPair> {
  return issue(ca, subject, validityDays, [x509.ExtendedKeyUsage.clientAuth], []);
}

/**
 * Writes the certificates under `dir` (ca.pem, ca-key.pem, server.pem, server-key.pem; keys readable by the
 * owner only) and returns the paths.
 */
export async function writeDevCertificates(
  dir: string,
  certs: DevCertificates,
): Promise<DevCertificateFiles> {
  await mkdir(dir, { recursive: true });
  const files: DevCertificateFiles = {
    caCertFile: join(dir, 'ca.pem'),
    caKeyFile: join(dir, 'ca-key.pem'),
    certFile: join(dir, 'server.pem'),
    keyFile: join(dir, 'server-key.pem'),
  };
  await writeFile(files.caCertFile, certs.ca.cert);
  await writeFile(files.caKeyFile, certs.ca.key, { mode: 0o600 });
  await writeFile(files.certFile, certs.server.cert);
  await writeFile(files.keyFile, certs.server.key, { mode: 0o600 });
  return files;
}

/** The CA a previous writeDevCertificates left in `dir`, if both its files are there. */
export async function readDevCa(dir: string): Promise<PemKeyPair | undefined> {
  try {
    const [cert, key] = await Promise.all([
      readFile(join(dir, 'ca.pem'), 'utf8'),
      readFile(join(dir, 'ca-key.pem'), 'utf8'),
    ]);
    const parsed = new x509.X509Certificate(cert);
    // An expired (or nearly expired) CA is replaced rather than reused.
    if (parsed.notAfter.getTime() < Date.now() + DAY_MS) return undefined;
    return { cert, key };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
