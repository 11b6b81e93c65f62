import type * as current from '../../src/index.js';
import { baselineEntry, loadBaseline, loadCurrent } from '../baseline.js';
import { samsaConsumer } from '../consumer.js';
import { type BenchClient, windowed } from './types.js';

type SamsaModule = typeof current;

function samsaProducer(idempotent: boolean, load: () => Promise<SamsaModule>): BenchClient['producer'] {
  return async (o) => {
    const { Kafka, LogLevel } = await load();
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
  producer: samsaProducer(false, loadCurrent),
  consumer: samsaConsumer,
};

/** Java's default producer setup (idempotence on), for acks=-1 only. */
export const samsaIdempotent: BenchClient = {
  name: 'samsa-idempotent',
  onlyAcks: -1,
  async unavailable() {
    return undefined;
  },
  producer: samsaProducer(true, loadCurrent),
};

/** The build in BENCH_BASELINE (see bench/baseline.ts), Samsa's defaults like `samsa`. */
export const samsaBaseline: BenchClient = {
  name: 'samsa-baseline',
  async unavailable() {
    return baselineEntry() ? undefined : 'BENCH_BASELINE is not set';
  },
  producer: samsaProducer(false, loadBaseline),
};
