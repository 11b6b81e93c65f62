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
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads the environment: PORT, HOST, KAFKA_BROKERS, SCHEMA_REGISTRY_URL, SAMPLE_ORDERS, CONSOLE_PORT. */
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
  const consoleText = env.CONSOLE_PORT?.trim() || '8080';
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
  };
}
