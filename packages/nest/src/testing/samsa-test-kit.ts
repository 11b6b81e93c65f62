import { randomUUID } from 'node:crypto';
import type { DynamicModule } from '@nestjs/common';
import { type BrokerOptions, type RunningBroker, startBroker } from '@samsa/broker-dev';
import { type RegistryServer, startRegistryServer } from '@samsa/schema-registry';
import type { ConsumedMessage, KafkaLike } from '../client/kafka-like.js';
import { createKafkaClient } from '../module/kafka-client.js';
import { SamsaModule } from '../module/samsa.module.js';
import type { SamsaModuleOptions } from '../module/samsa-module-options.js';
import { validateSamsaOptions } from '../module/validate-samsa-options.js';

export interface SamsaTestKitOptions {
  /** Partitions of auto-created topics. Default 3 (so ordering and concurrency get exercised). */
  partitions?: number;
  /** Start an in-memory schema registry too. Default true. */
  registry?: boolean;
  /** Anything else for the dev broker. */
  broker?: Omit<BrokerOptions, 'port' | 'host'>;
  /** A KafkaJS-shaped client factory for the kit and the modules it builds (default: @samsa/core-client). */
  client?: (brokers: string[]) => KafkaLike;
  /** Consumer settings added to every module the kit builds (e.g. short fetch waits for fast tests). */
  consumer?: Record<string, unknown>;
}

export interface ConsumedRecord extends ConsumedMessage {
  topic: string;
  partition: number;
}

export interface SamsaTestKit {
  readonly broker: RunningBroker;
  readonly registry: RegistryServer | undefined;
  readonly brokers: string[];
  readonly schemaRegistryUrl: string | undefined;
  /** `KAFKA_BROKERS` and `SCHEMA_REGISTRY_URL` for apps that read their options from the environment. */
  readonly env: Record<string, string>;
  /** The client the kit itself uses (to produce test input and read output). */
  readonly kafka: KafkaLike;
  /** SamsaModule options pointing at the kit's broker and registry. */
  options(overrides?: Partial<SamsaModuleOptions>): SamsaModuleOptions;
  /** `SamsaModule.forRoot(kit.options(overrides))`. */
  module(overrides?: Partial<SamsaModuleOptions>): DynamicModule;
  /** Produces raw records (values as given: strings, Buffers, or objects as JSON). */
  produce(
    topic: string,
    values: unknown[],
    options?: { key?: (value: unknown, index: number) => string },
  ): Promise<void>;
  /** Reads a topic from the beginning until `count` records arrived (or fails after `timeoutMs`). */
  consume(topic: string, count: number, timeoutMs?: number): Promise<ConsumedRecord[]>;
  /** Creates topics (idempotent). */
  createTopics(topics: string[], numPartitions?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * An in-process dev broker (and schema registry) for Nest e2e tests: no Docker, starts in
 * milliseconds, one per test file.
 *
 * ```ts
 * const kit = await startSamsaTestKit();
 * const app = await Test.createTestingModule({ imports: [kit.module({ clientId: 'test' }), OrdersModule] }).compile();
 * ```
 */
export async function startSamsaTestKit(options: SamsaTestKitOptions = {}): Promise<SamsaTestKit> {
  const broker = await startBroker({
    ...options.broker,
    host: '127.0.0.1',
    port: 0,
    partitions: options.partitions ?? 3,
  });
  let registry: RegistryServer | undefined;
  try {
    if (options.registry !== false) registry = await startRegistryServer({ host: '127.0.0.1', port: 0 });
  } catch (error) {
    await broker.stop();
    throw error;
  }
  const brokers = broker.bootstrap;
  const schemaRegistryUrl = registry?.url;
  const makeClient = (): Promise<KafkaLike> | KafkaLike =>
    options.client
      ? options.client(brokers)
      : createKafkaClient(validateSamsaOptions({ brokers, clientId: 'samsa-test-kit', logger: false }));
  const kafka = await makeClient();
  let producer: ReturnType<KafkaLike['producer']> | undefined;

  const kit: SamsaTestKit = {
    broker,
    registry,
    brokers,
    schemaRegistryUrl,
    env: {
      KAFKA_BROKERS: brokers.join(','),
      ...(schemaRegistryUrl ? { SCHEMA_REGISTRY_URL: schemaRegistryUrl } : {}),
    },
    kafka,
    options(overrides = {}) {
      return {
        clientId: 'samsa-test',
        brokers,
        ...(schemaRegistryUrl ? { schemaRegistry: { url: schemaRegistryUrl } } : {}),
        ...(options.client ? { client: options.client(brokers) } : {}),
        ...overrides,
        consumer: { ...options.consumer, ...overrides.consumer },
      };
    },
    module(overrides) {
      return SamsaModule.forRoot(kit.options(overrides));
    },
    async produce(topic, values, produceOptions = {}) {
      if (!producer) {
        producer = kafka.producer();
        await producer.connect();
      }
      await producer.send({
        topic,
        messages: values.map((value, index) => ({
          value:
            value === null
              ? null
              : typeof value === 'string' || Buffer.isBuffer(value)
                ? value
                : JSON.stringify(value),
          ...(produceOptions.key ? { key: produceOptions.key(value, index) } : {}),
        })),
      });
    },
    async consume(topic, count, timeoutMs = 15_000) {
      const consumer = kafka.consumer({ ...options.consumer, groupId: `samsa-test-kit-${randomUUID()}` });
      const records: ConsumedRecord[] = [];
      await consumer.connect();
      try {
        await consumer.subscribe({ topics: [topic], fromBeginning: true });
        let done!: () => void;
        const enough = new Promise<void>((resolve) => {
          done = resolve;
        });
        await consumer.run({
          eachBatch: async ({ batch, resolveOffset }) => {
            for (const message of batch.messages) {
              records.push({ ...message, topic: batch.topic, partition: batch.partition });
              resolveOffset(message.offset);
            }
            if (records.length >= count) done();
          },
        });
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          enough,
          new Promise((_, reject) => {
            timer = setTimeout(
              () =>
                reject(
                  new Error(
                    `expected ${count} record(s) in ${topic} within ${timeoutMs} ms, got ${records.length}`,
                  ),
                ),
              timeoutMs,
            );
          }),
        ]).finally(() => clearTimeout(timer));
        return records;
      } finally {
        await consumer.disconnect();
      }
    },
    async createTopics(topics, numPartitions) {
      const admin = kafka.admin();
      await admin.connect();
      try {
        const existing = new Set(admin.listTopics ? await admin.listTopics() : []);
        const missing = topics.filter((t) => !existing.has(t));
        if (missing.length > 0) {
          await admin.createTopics({
            waitForLeaders: true,
            topics: missing.map((topic) => ({ topic, ...(numPartitions ? { numPartitions } : {}) })),
          });
        }
      } finally {
        await admin.disconnect();
      }
    },
    async stop() {
      await producer?.disconnect().catch(() => undefined);
      await registry?.close();
      await broker.stop();
    },
  };
  return kit;
}
