/**
 * Throwaway PKI for TLS tests, made at run time: a CA, a broker certificate for localhost/127.0.0.1 and
 * client certificates, all signed by that CA (ECDSA P-256), as PEM.
 */
import 'reflect-metadata'; // @peculiar/x509 needs a Reflect metadata polyfill
import { webcrypto } from 'node:crypto';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[1]);

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

export interface Pem {
  cert: string;
  key: string;
}

export interface TestPki {
  ca: Pem;
  broker: Pem;
  /** A client certificate with this CN, signed by the CA. */
  client(commonName: string): Promise<Pem>;
}

async function keyPem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  const lines = der
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n');
  return `-----BEGIN PRIVATE KEY-----\n${lines}\n-----END PRIVATE KEY-----\n`;
}

function validity(): { notBefore: Date; notAfter: Date } {
  const notBefore = new Date(Date.now() - 60_000);
  return { notBefore, notAfter: new Date(notBefore.getTime() + 24 * 3600_000) };
}

let serial = 1;

/** Creates a CA and issues certificates from it; `caName` distinguishes several CAs in one test. */
export async function createTestPki(caName = 'Samsa Test CA'): Promise<TestPki> {
  const caKeys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: (serial++).toString(16).padStart(2, '0'),
    name: `CN=${caName}`,
    ...validity(),
    keys: caKeys,
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  const issue = async (commonName: string, usage: x509.ExtendedKeyUsage, names: x509.JsonGeneralName[]) => {
    const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as CryptoKeyPair;
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: (serial++).toString(16).padStart(2, '0'),
      subject: `CN=${commonName}`,
      issuer: caCert.subject,
      ...validity(),
      publicKey: keys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([usage]),
        ...(names.length > 0 ? [new x509.SubjectAlternativeNameExtension(names)] : []),
      ],
    });
    return { cert: cert.toString('pem'), key: await keyPem(keys.privateKey) };
  };
  return {
    ca: { cert: caCert.toString('pem'), key: await keyPem(caKeys.privateKey) },
    broker: await issue('localhost', x509.ExtendedKeyUsage.serverAuth, [
      { type: 'dns', value: 'localhost' },
      { type: 'ip', value: '127.0.0.1' },
    ]),
    client: (commonName) => issue(commonName, x509.ExtendedKeyUsage.clientAuth, []),
  };
}
