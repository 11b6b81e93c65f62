/** A three-broker dev cluster and an in-memory schema registry for end-to-end tests of the commands. */
import { type RunningBroker, startBroker } from '@samsa/broker-dev';
import { type RegistryServer, startRegistryServer } from '@samsa/schema-registry';

export interface TestCluster {
  broker: RunningBroker;
  registry: RegistryServer;
  stop(): Promise<void>;
}

export async function startTestCluster(): Promise<TestCluster> {
  const broker = await startBroker({ brokers: 3, partitions: 3, groupMinSessionTimeoutMs: 500 });
  const registry = await startRegistryServer({ port: 0 });
  return {
    broker,
    registry,
    async stop() {
      await registry.close();
      await broker.stop();
    },
  };
}
