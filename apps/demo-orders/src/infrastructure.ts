import { type RunningBroker, startBroker } from '@samsa/broker-dev';
import { type ConsoleServer, startConsoleServer } from '@samsa/console';
import { type RegistryServer, startRegistryServer } from '@samsa/schema-registry';
import type { DemoConfig } from './config.js';

export interface Infrastructure {
  brokers: string[];
  schemaRegistryUrl: string;
  embeddedBroker: boolean;
  embeddedRegistry: boolean;
  /** The Samsa Console on these brokers and registry; null with CONSOLE_PORT=off. */
  consoleUrl: string | null;
  /** Why the console runs on another port than asked (its port was taken), for the banner. */
  consoleNote: string | null;
  stop(): Promise<void>;
}

/**
 * Kafka and the schema registry: the ones named by KAFKA_BROKERS / SCHEMA_REGISTRY_URL, or, when
 * unset, Samsa's dev broker and registry started in this process (in memory, gone at exit). Beside
 * them, the Samsa Console (topics, messages, groups and their lag, schemas) on CONSOLE_PORT.
 */
export async function startInfrastructure(config: DemoConfig): Promise<Infrastructure> {
  let broker: RunningBroker | undefined;
  let registry: RegistryServer | undefined;
  let consoleServer: { server: ConsoleServer; note: string | null } | undefined;
  try {
    if (!config.brokers) broker = await startBroker({ host: '127.0.0.1', port: 0, partitions: 3 });
    if (!config.schemaRegistryUrl) registry = await startRegistryServer({ host: '127.0.0.1', port: 0 });
    const brokers = config.brokers ?? broker!.bootstrap;
    const registryUrl = config.schemaRegistryUrl ?? registry!.url;
    if (config.consolePort !== null)
      consoleServer = await startConsole(config, brokers, registryUrl, config.consolePort);
  } catch (error) {
    await registry?.close();
    await broker?.stop();
    throw error;
  }
  return {
    brokers: config.brokers ?? broker!.bootstrap,
    schemaRegistryUrl: config.schemaRegistryUrl ?? registry!.url,
    embeddedBroker: broker !== undefined,
    embeddedRegistry: registry !== undefined,
    consoleUrl: consoleServer?.server.url ?? null,
    consoleNote: consoleServer?.note ?? null,
    async stop() {
      await consoleServer?.server.close();
      await registry?.close();
      await broker?.stop();
    },
  };
}

/** The console on `port`, or on a free port when that one is taken (the demo still starts). */
async function startConsole(
  config: DemoConfig,
  brokers: string[],
  registry: string,
  port: number,
): Promise<{ server: ConsoleServer; note: string | null }> {
  const options = { brokers, registry, host: config.host };
  try {
    return { server: await startConsoleServer({ ...options, port }), note: null };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || port === 0) throw error;
    const server = await startConsoleServer({ ...options, port: 0 });
    return { server, note: `port ${port} was taken; CONSOLE_PORT picks another` };
  }
}
