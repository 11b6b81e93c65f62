import { type RunningBroker, startBroker } from '@samsa/broker-dev';
import { type RegistryServer, startRegistryServer } from '@samsa/schema-registry';
import type { DemoConfig } from './config.js';

export interface Infrastructure {
  brokers: string[];
  schemaRegistryUrl: string;
  embeddedBroker: boolean;
  embeddedRegistry: boolean;
  stop(): Promise<void>;
}

/**
 * Kafka and the schema registry: the ones named by KAFKA_BROKERS / SCHEMA_REGISTRY_URL, or, when
 * unset, Samsa's dev broker and registry started in this process (in memory, gone at exit).
 */
export async function startInfrastructure(config: DemoConfig): Promise<Infrastructure> {
  let broker: RunningBroker | undefined;
  let registry: RegistryServer | undefined;
  try {
    if (!config.brokers) broker = await startBroker({ host: '127.0.0.1', port: 0, partitions: 3 });
    if (!config.schemaRegistryUrl) registry = await startRegistryServer({ host: '127.0.0.1', port: 0 });
  } catch (error) {
    await broker?.stop();
    throw error;
  }
  return {
    brokers: config.brokers ?? broker!.bootstrap,
    schemaRegistryUrl: config.schemaRegistryUrl ?? registry!.url,
    embeddedBroker: broker !== undefined,
    embeddedRegistry: registry !== undefined,
    async stop() {
      await registry?.close();
      await broker?.stop();
    },
  };
}
