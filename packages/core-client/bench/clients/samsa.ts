import { Kafka, LogLevel } from '../../src/index.js';
import { samsaConsumer } from '../consumer.js';
import { type BenchClient, windowed } from './types.js';

function samsaProducer(idempotent: boolean): BenchClient['producer'] {
  return async (o) => {
    const kafka = new Kafka({ clientId: 'bench-samsa', brokers: o.bootstrap, logLevel: LogLevel.ERROR });
    const producer = kafka.producer({ acks: o.acks, lingerMs: 5, enableIdempotence: idempotent });
    const value = Buffer.alloc(o.valueSize, 120);
    const messages = Array.from({ length: o.batch }, () => ({ value }));
    return {
      async warmup() {
        await producer.connect();
        await producer.send({ topic: o.topic, messages: messages.slice(0, 10) });
      },
      async run() {
        await windowed(Math.ceil(o.count / o.batch), o.window, () =>
          producer.send({ topic: o.topic, messages }),
        );
      },
      close: () => producer.disconnect(),
    };
  };
}

export const samsa: BenchClient = {
  name: 'samsa',
  async unavailable() {
    return undefined;
  },
  producer: samsaProducer(false),
  consumer: samsaConsumer,
};

/** Java's default producer setup (idempotence on), for acks=-1 only. */
export const samsaIdempotent: BenchClient = {
  name: 'samsa-idempotent',
  onlyAcks: -1,
  async unavailable() {
    return undefined;
  },
  producer: samsaProducer(true),
};
