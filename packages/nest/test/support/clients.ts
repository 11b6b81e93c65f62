import { Kafka, logLevel } from 'kafkajs';
import type { KafkaLike } from '../../src/index.js';

export interface E2eClient {
  name: string;
  /** Undefined means: the module's default client (@samsa/core-client). */
  client: ((brokers: string[]) => KafkaLike) | undefined;
  consumer: Record<string, unknown>;
}

/** The clients the e2e suite runs with: Samsa's own, and KafkaJS (the client Nest users come from). */
export const e2eClients: E2eClient[] = [
  { name: '@samsa/core-client', client: undefined, consumer: { maxWaitTimeInMs: 50 } },
  {
    name: 'kafkajs',
    client: (brokers) =>
      new Kafka({ clientId: 'nest-e2e', brokers, logLevel: logLevel.NOTHING }) as unknown as KafkaLike,
    consumer: {
      maxWaitTimeInMs: 50,
      sessionTimeout: 10_000,
      rebalanceTimeout: 10_000,
      heartbeatInterval: 500,
    },
  },
];
