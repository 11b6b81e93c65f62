import { createRequire } from 'node:module';
import type { BenchClient } from './types.js';

const require = createRequire(import.meta.url);

/** node-rdkafka (librdkafka), when installed: `npm install --foreground-scripts node-rdkafka` (~3 min build). */
export const nodeRdkafka: BenchClient = {
  name: 'node-rdkafka',
  async unavailable() {
    try {
      require.resolve('node-rdkafka');
      return undefined;
    } catch {
      return 'node-rdkafka is not installed (npm install --foreground-scripts node-rdkafka builds it in ~3 min)';
    }
  },
  async producer(o) {
    // biome-ignore lint/suspicious/noExplicitAny: optional peer without types here
    const Kafka: any = require('node-rdkafka');
    const producer = new Kafka.HighLevelProducer({
      'bootstrap.servers': o.bootstrap.join(','),
      'linger.ms': 5,
      acks: o.acks,
      'queue.buffering.max.messages': 1_000_000,
    });
    const value = Buffer.alloc(o.valueSize, 120);
    const produce = () =>
      new Promise<void>((resolve, reject) =>
        producer.produce(o.topic, null, value, null, Date.now(), (err: Error | null) =>
          err ? reject(err) : resolve(),
        ),
      );
    return {
      async warmup() {
        await new Promise((resolve, reject) =>
          producer.connect({}, (err: Error | null) => (err ? reject(err) : resolve(null))),
        );
        await produce();
      },
      async run() {
        const all: Promise<void>[] = [];
        for (let i = 0; i < o.count; i++) all.push(produce());
        await Promise.all(all);
      },
      close: () => new Promise((resolve) => producer.disconnect(() => resolve())),
    };
  },
};
