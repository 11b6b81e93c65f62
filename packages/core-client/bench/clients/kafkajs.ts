import { Kafka, logLevel } from 'kafkajs';
import { type BenchClient, windowed } from './types.js';

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
