/**
 * Principals of client certificates as Kafka's default principal builder prints them (X500Principal,
 * RFC 2253): most specific RDN first, escaped values, attributes without a keyword as OID=#hex.
 */
import { X509Certificate } from 'node:crypto';
import { generateDevCa, issueClientCertificate } from '@samsa/cli-kit';
import { beforeAll, expect, it } from 'vitest';
import { certificatePrincipal, certificateSubjectName } from '../../src/security/certificate-principal.js';

let ca: Awaited<ReturnType<typeof generateDevCa>>;
beforeAll(async () => {
  ca = await generateDevCa();
});

async function subjectOf(dn: string): Promise<Uint8Array> {
  return new X509Certificate((await issueClientCertificate(ca, dn)).cert).raw;
}

it('prints the most specific RDN first, as Kafka principals read', async () => {
  const der = await subjectOf('CN=client, OU=payments, O=Example, L=Berlin, ST=BE, C=DE');
  expect(certificatePrincipal(der)).toBe('User:CN=client,OU=payments,O=Example,L=Berlin,ST=BE,C=DE');
});

it('escapes RFC 2253 special characters', async () => {
  expect(certificateSubjectName(await subjectOf('CN=a\\,b\\+c, O=Example\\, Inc.'))).toBe(
    'CN=a\\,b\\+c,O=Example\\, Inc.',
  );
});

it('prints attributes without a keyword as OID=#hex of their DER value, as Java does', async () => {
  expect(certificateSubjectName(await subjectOf('CN=x, E=me@example.com'))).toBe(
    `CN=x,1.2.840.113549.1.9.1=#16${Buffer.from([14]).toString('hex')}${Buffer.from('me@example.com').toString('hex')}`,
  );
});

it('rejects bytes that are not a certificate', () => {
  expect(() => certificateSubjectName(Buffer.from('not a certificate'))).toThrow();
});
