/**
 * The principal of a mutual-TLS client as Kafka's DefaultKafkaPrincipalBuilder makes it (with the default
 * ssl.principal.mapping.rules): `User:` and the certificate's subject as Java's X500Principal.getName()
 * prints it, RFC 2253: most specific RDN first (`CN=client,OU=eng,O=Example,C=US`), multi-valued RDNs joined
 * with `+`, special characters escaped, attributes without an RFC 2253 keyword as `OID=#<hex DER>`.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';

/** The attribute keywords RFC 2253 (and so X500Principal.RFC2253) prints by name. */
const KEYWORDS: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.9': 'STREET',
  '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
};

function escapeValue(value: string): string {
  return value
    .replace(/([,+"\\<>;])/g, '\\$1')
    .replace(/^([ #])/, '\\$1')
    .replace(/ $/, '\\ ');
}

/** The subject Distinguished Name of a DER certificate in RFC 2253 form. */
export function certificateSubjectName(der: Uint8Array): string {
  const certificate = AsnConvert.parse(der, Certificate);
  const rdns = certificate.tbsCertificate.subject;
  return [...rdns]
    .reverse()
    .map((rdn) =>
      [...rdn]
        .map((attribute) => {
          const keyword = KEYWORDS[attribute.type];
          if (keyword) return `${keyword}=${escapeValue(attribute.value.toString())}`;
          const der = Buffer.from(AsnConvert.serialize(attribute.value));
          return `${attribute.type}=#${der.toString('hex')}`;
        })
        .join('+'),
    )
    .join(',');
}

/** `User:<subject>`, Kafka's principal for a client certificate. */
export function certificatePrincipal(der: Uint8Array): string {
  return `User:${certificateSubjectName(der)}`;
}
