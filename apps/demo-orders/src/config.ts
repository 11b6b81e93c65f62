import { readFileSync } from 'node:fs';

/** How the demo's Kafka client reaches a secured cluster: `clientConfig` of @samsa/nest (core-client's ssl, sasl). */
export interface KafkaSecurity {
  ssl?: true | { ca: string };
  sasl?: { mechanism: SaslMechanism; username: string; password: string };
}

const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
type SaslMechanism = (typeof SASL_MECHANISMS)[number];

export interface DemoConfig {
  /** HTTP port; 0 picks a free one. */
  port: number;
  host: string;
  /** External Kafka; undefined starts the embedded dev broker. */
  brokers: string[] | undefined;
  /** External registry; undefined starts the embedded one. */
  schemaRegistryUrl: string | undefined;
  /** Place a few orders at start so the flow shows without typing anything. */
  sampleOrders: boolean;
  /** The Samsa Console's port (0 picks a free one); null runs the demo without it. */
  consolePort: number | null;
  /** SASL and TLS for KAFKA_BROKERS; undefined connects in plaintext. */
  kafkaSecurity: KafkaSecurity | undefined;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Reads the environment: PORT, HOST, KAFKA_BROKERS, SCHEMA_REGISTRY_URL, SAMPLE_ORDERS, CONSOLE_PORT, and for a
 * secured Kafka KAFKA_SSL, KAFKA_SSL_CA, KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD.
 */
export function readConfig(env: NodeJS.ProcessEnv): DemoConfig {
  const portText = env.PORT?.trim() || '3000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) {
    throw new ConfigError(`PORT must be a TCP port from 0 to 65535 (got '${env.PORT}')`);
  }
  const brokersText = env.KAFKA_BROKERS?.trim();
  const brokers = brokersText
    ? brokersText
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean)
    : undefined;
  const registry = env.SCHEMA_REGISTRY_URL?.trim() || undefined;
  if (registry !== undefined) {
    try {
      new URL(registry);
    } catch {
      throw new ConfigError(
        `SCHEMA_REGISTRY_URL must be a URL such as http://127.0.0.1:8081 (got '${registry}')`,
      );
    }
  }
  const kafkaSecurity = readKafkaSecurity(env);
  if (kafkaSecurity && brokers === undefined) {
    throw new ConfigError('KAFKA_SSL, KAFKA_SSL_CA and KAFKA_SASL_* apply to KAFKA_BROKERS, which is unset');
  }
  // The Samsa Console takes no SASL or TLS settings, so it cannot reach a secured cluster.
  if (kafkaSecurity && env.CONSOLE_PORT?.trim() && env.CONSOLE_PORT.trim() !== 'off') {
    throw new ConfigError(
      'CONSOLE_PORT: the Samsa Console cannot connect to a secured Kafka; leave it unset or off',
    );
  }
  const consoleText = kafkaSecurity ? 'off' : env.CONSOLE_PORT?.trim() || '8080';
  const consolePort = Number(consoleText);
  if (consoleText !== 'off' && (!/^\d+$/.test(consoleText) || consolePort > 65535)) {
    throw new ConfigError(
      `CONSOLE_PORT must be a TCP port from 0 to 65535, or off (got '${env.CONSOLE_PORT}')`,
    );
  }
  return {
    port,
    host: env.HOST?.trim() || '127.0.0.1',
    brokers,
    schemaRegistryUrl: registry,
    sampleOrders: env.SAMPLE_ORDERS !== '0',
    consolePort: consoleText === 'off' ? null : consolePort,
    kafkaSecurity,
  };
}

function readKafkaSecurity(env: NodeJS.ProcessEnv): KafkaSecurity | undefined {
  const security: KafkaSecurity = {};
  const caFile = env.KAFKA_SSL_CA?.trim();
  if (caFile) {
    try {
      security.ssl = { ca: readFileSync(caFile, 'utf8') };
    } catch (error) {
      throw new ConfigError(`KAFKA_SSL_CA: cannot read ${caFile} (${(error as Error).message})`);
    }
  } else if (env.KAFKA_SSL?.trim() === '1') {
    security.ssl = true;
  } else if (env.KAFKA_SSL?.trim() && env.KAFKA_SSL.trim() !== '0') {
    throw new ConfigError(`KAFKA_SSL must be 1 or 0 (got '${env.KAFKA_SSL}')`);
  }
  const mechanism = env.KAFKA_SASL_MECHANISM?.trim().toLowerCase();
  const username = env.KAFKA_SASL_USERNAME?.trim();
  const password = env.KAFKA_SASL_PASSWORD;
  if (mechanism) {
    if (!(SASL_MECHANISMS as readonly string[]).includes(mechanism)) {
      throw new ConfigError(
        `KAFKA_SASL_MECHANISM must be one of ${SASL_MECHANISMS.join(', ')} (got '${env.KAFKA_SASL_MECHANISM}')`,
      );
    }
    if (!username || !password) {
      throw new ConfigError('KAFKA_SASL_MECHANISM needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD');
    }
    security.sasl = { mechanism: mechanism as SaslMechanism, username, password };
  } else if (username || password) {
    throw new ConfigError('KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD need KAFKA_SASL_MECHANISM');
  }
  return security.ssl || security.sasl ? security : undefined;
}
