/**
 * Kafka client properties (the `--command-config` file of Kafka's tools, librdkafka's names too) mapped onto the
 * client's options. Only what a command line needs to reach a cluster is known; any other key is an error with the
 * closest known key, so a typo never goes unnoticed.
 */
import { readFile } from 'node:fs/promises';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { type Property, UsageError } from '@samsa/cli-kit';
import { type SaslMechanism, unknownOptions } from '@samsa/core-client';

/** What a properties file says, before flags and the environment are applied. */
export interface PropertySettings {
  brokers?: string;
  clientId?: string;
  ssl?: TlsOptions;
  sasl?: { mechanism?: SaslMechanism; username?: string; password?: string };
  timeoutMs?: number;
  registry?: { url?: string; auth?: string };
}

export const KNOWN_PROPERTIES = [
  'bootstrap.servers',
  'client.id',
  'security.protocol',
  'sasl.mechanism',
  'sasl.mechanisms',
  'sasl.jaas.config',
  'sasl.username',
  'sasl.password',
  'ssl.ca.location',
  'ssl.certificate.location',
  'ssl.key.location',
  'ssl.key.password',
  'ssl.truststore.location',
  'ssl.truststore.type',
  'ssl.truststore.password',
  'ssl.keystore.location',
  'ssl.keystore.type',
  'ssl.keystore.password',
  'ssl.endpoint.identification.algorithm',
  'enable.ssl.certificate.verification',
  'request.timeout.ms',
  'default.api.timeout.ms',
  'schema.registry.url',
  'basic.auth.credentials.source',
  'basic.auth.user.info',
  'schema.registry.basic.auth.user.info',
] as const;

const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'];
const MECHANISMS: Record<string, SaslMechanism> = {
  PLAIN: 'plain',
  'SCRAM-SHA-256': 'scram-sha-256',
  'SCRAM-SHA-512': 'scram-sha-512',
};

/** Reads the settings out of `properties` (from `file`, named in errors). */
export async function settingsFromProperties(
  properties: Property[],
  file: string,
): Promise<PropertySettings> {
  const values = new Map<string, Property>();
  for (const property of properties) values.set(property.key, property);
  const [unknown] = unknownOptions(Object.fromEntries(values), KNOWN_PROPERTIES);
  if (unknown) {
    throw new UsageError(`${file} line ${values.get(unknown.option)!.line}: ${unknown.problem}`);
  }
  const at = (key: string) => `${file} line ${values.get(key)!.line}: ${key}`;
  const get = (key: string) => values.get(key)?.value.trim();

  const out: PropertySettings = {};
  if (get('bootstrap.servers')) out.brokers = get('bootstrap.servers');
  if (get('client.id')) out.clientId = get('client.id');

  const protocol = (get('security.protocol') ?? 'PLAINTEXT').toUpperCase();
  if (!SECURITY_PROTOCOLS.includes(protocol)) {
    throw new UsageError(
      `${at('security.protocol')} is ${protocol}; expected one of ${SECURITY_PROTOCOLS.join(', ')}`,
    );
  }
  const mechanismKey = values.has('sasl.mechanism') ? 'sasl.mechanism' : 'sasl.mechanisms';
  const mechanismName = (get(mechanismKey) ?? 'PLAIN').toUpperCase();
  if (protocol.startsWith('SASL_')) {
    const mechanism = MECHANISMS[mechanismName];
    if (!mechanism) {
      throw new UsageError(
        `${values.has(mechanismKey) ? at(mechanismKey) : `${file}: sasl.mechanism`} is ${mechanismName}; ` +
          `Samsa supports ${Object.keys(MECHANISMS).join(', ')}`,
      );
    }
    out.sasl = { mechanism, ...jaasCredentials(get('sasl.jaas.config'), () => at('sasl.jaas.config')) };
    if (get('sasl.username') !== undefined) out.sasl.username = get('sasl.username');
    if (values.has('sasl.password')) out.sasl.password = values.get('sasl.password')!.value;
  }
  if (protocol === 'SSL' || protocol === 'SASL_SSL') out.ssl = await tlsFromProperties(get, at);

  const timeoutKey = values.has('default.api.timeout.ms') ? 'default.api.timeout.ms' : 'request.timeout.ms';
  if (values.has(timeoutKey)) {
    const ms = Number(get(timeoutKey));
    if (!Number.isSafeInteger(ms) || ms < 1)
      throw new UsageError(`${at(timeoutKey)} must be a positive integer`);
    out.timeoutMs = ms;
  }

  const registryUrl = get('schema.registry.url');
  const registryAuth = get('schema.registry.basic.auth.user.info') ?? get('basic.auth.user.info');
  const source = (get('basic.auth.credentials.source') ?? 'USER_INFO').toUpperCase();
  if (source !== 'USER_INFO') {
    throw new UsageError(`${at('basic.auth.credentials.source')} is ${source}; only USER_INFO is supported`);
  }
  if (registryUrl || registryAuth) out.registry = { url: registryUrl, auth: registryAuth };
  return out;
}

/** username and password from a JAAS line: `...LoginModule required username="alice" password="secret";`. */
function jaasCredentials(
  jaas: string | undefined,
  at: () => string,
): { username?: string; password?: string } {
  if (jaas === undefined) return {};
  if (!/(PlainLoginModule|ScramLoginModule)\s+required/.test(jaas)) {
    throw new UsageError(`${at()}: only PlainLoginModule and ScramLoginModule logins are supported`);
  }
  const field = (name: string) => new RegExp(`\\b${name}\\s*=\\s*"((?:[^"\\\\]|\\\\.)*)"`).exec(jaas)?.[1];
  const username = field('username');
  const password = field('password');
  if (username === undefined || password === undefined) {
    throw new UsageError(`${at()} needs username="..." and password="..."`);
  }
  return { username, password };
}

async function tlsFromProperties(
  get: (key: string) => string | undefined,
  at: (key: string) => string,
): Promise<TlsOptions> {
  const tls: TlsOptions = {};
  const read = async (key: string) => {
    try {
      return await readFile(get(key)!);
    } catch (error) {
      throw new UsageError(`${at(key)} ${get(key)}: ${(error as Error).message}`);
    }
  };
  if (get('ssl.ca.location')) tls.ca = await read('ssl.ca.location');
  if (get('ssl.truststore.location')) {
    const type = (get('ssl.truststore.type') ?? 'JKS').toUpperCase();
    if (type !== 'PEM') {
      throw new UsageError(
        `${at('ssl.truststore.location')} is a ${type} store, which Node.js cannot read; export its CA as PEM ` +
          '(keytool -exportcert -rfc -keystore <store> -alias <ca>) and set ssl.ca.location, or ssl.truststore.type=PEM',
      );
    }
    tls.ca = await read('ssl.truststore.location');
  }
  if (get('ssl.certificate.location')) {
    if (!get('ssl.key.location'))
      throw new UsageError(`${at('ssl.certificate.location')} needs ssl.key.location`);
    tls.cert = await read('ssl.certificate.location');
    tls.key = await read('ssl.key.location');
  }
  if (get('ssl.keystore.location')) {
    const type = (get('ssl.keystore.type') ?? 'JKS').toUpperCase();
    if (type === 'PKCS12') tls.pfx = await read('ssl.keystore.location');
    else if (type === 'PEM') tls.cert = tls.key = await read('ssl.keystore.location');
    else {
      throw new UsageError(
        `${at('ssl.keystore.location')} is a ${type} store; use PKCS12 or PEM (keytool -importkeystore ` +
          '-deststoretype PKCS12 converts one)',
      );
    }
    if (get('ssl.keystore.password') !== undefined) tls.passphrase = get('ssl.keystore.password');
  }
  if (get('ssl.key.password') !== undefined) tls.passphrase = get('ssl.key.password');
  if (get('ssl.endpoint.identification.algorithm') === '') tls.checkServerIdentity = () => undefined;
  if (get('enable.ssl.certificate.verification')?.toLowerCase() === 'false') tls.rejectUnauthorized = false;
  return tls;
}
