import { Kafka, logLevel } from 'kafkajs';
import { type BenchClient, inTransactions, windowed } from './types.js';

export const kafkajs: BenchClient = {
  name: 'kafkajs',
  async unavailable() {
    return undefined;
  },
  async producer(o) {
    const kafka = new Kafka({ clientId: 'bench-kafkajs', brokers: o.bootstrap, logLevel: logLevel.ERROR });
    const producer = kafka.producer({ allowAutoTopicCreation: true });
    const value = Buffer.alloc(o.valueSize, 120);
    const messages = Array.from({ length: o.batch }, () => ({ value }));
    return {
      async warmup() {
        await producer.connect();
        await producer.send({ topic: o.topic, acks: o.acks, messages: messages.slice(0, 10) });
      },
      async run() {
        await windowed(Math.ceil(o.count / o.batch), o.window, () =>
          producer.send({ topic: o.topic, acks: o.acks, messages }),
        );
      },
      close: () => producer.disconnect(),
    };
  },
  async consumer(o) {
    const kafka = new Kafka({ clientId: 'bench-kafkajs', brokers: o.bootstrap, logLevel: logLevel.ERROR });
    const consumer = kafka.consumer({ groupId: o.groupId });
    return {
      async run() {
        await consumer.connect();
        await consumer.subscribe({ topic: o.topic, fromBeginning: true });
        let seen = 0;
        await new Promise<void>((resolve) => {
          consumer.run({
            eachBatch: async ({ batch }) => {
              seen += batch.messages.length;
              if (seen >= o.count) resolve();
            },
          });
        });
        return seen;
      },
      close: () => consumer.disconnect(),
    };
  },
};

/**
 * KafkaJS 2.2.4's transactional producer (`idempotent: true`, `maxInFlightRequests: 1` as its docs
 * ask), `recordsPerTransaction` records per transaction, then commit.
 */
export const kafkajsTransactional: BenchClient = {
  name: 'kafkajs-txn',
  transactional: true,
  async unavailable() {
    return undefined;
  },
  async producer(o) {
    const kafka = new Kafka({
      clientId: 'bench-kafkajs-txn',
      brokers: o.bootstrap,
      logLevel: logLevel.ERROR,
    });
    const producer = kafka.producer({
      allowAutoTopicCreation: true,
      // connect() of an idempotent KafkaJS producer asks the controller for a producer id, and the
      // librdkafka mock names no controller KafkaJS can find; transactions number their batches anyway.
      idempotent: process.env.BENCH_BROKER !== 'librdkafka-mock',
      maxInFlightRequests: 1,
      transactionalId: `bench-kafkajs-${o.topic}`,
    });
    const value = Buffer.alloc(o.valueSize, 120);
    const messages = Array.from({ length: o.batch }, () => ({ value }));
    return {
      async warmup() {
        await producer.connect();
        const txn = await producer.transaction();
        await txn.send({ topic: o.topic, messages: messages.slice(0, 10) });
        await txn.commit();
      },
      async run() {
        await inTransactions(
          o.count,
          o.recordsPerTransaction ?? o.count,
          o.batch,
          o.window,
          false,
          async () => {
            const txn = await producer.transaction();
            return {
              send: (n) =>
                txn.send({
                  topic: o.topic,
                  messages: n === messages.length ? messages : messages.slice(0, n),
                }),
              commit: () => txn.commit(),
            };
          },
        );
      },
      close: () => producer.disconnect(),
    };
  },
};
