import { type BenchClient, windowed } from './types.js';

/** @platformatic/kafka 1.35.0: the newest version that runs on Node 20 (2.x needs Node 22). */
export const platformatic: BenchClient = {
  name: 'platformatic',
  async unavailable() {
    try {
      await import('@platformatic/kafka');
      return undefined;
    } catch (err) {
      return `@platformatic/kafka does not load: ${(err as Error).message}`;
    }
  },
  async producer(o) {
    const { Producer } = await import('@platformatic/kafka');
    const producer = new Producer({
      clientId: 'bench-platformatic',
      bootstrapBrokers: o.bootstrap,
      acks: o.acks,
    });
    const value = Buffer.alloc(o.valueSize, 120);
    const messages = Array.from({ length: o.batch }, () => ({ topic: o.topic, value }));
    return {
      async warmup() {
        await producer.send({ messages: messages.slice(0, 10) });
      },
      async run() {
        await windowed(Math.ceil(o.count / o.batch), o.window, () => producer.send({ messages }));
      },
      close: () => producer.close(),
    };
  },
  async consumer(o) {
    const { Consumer } = await import('@platformatic/kafka');
    const consumer = new Consumer({
      clientId: 'bench-platformatic',
      groupId: o.groupId,
      bootstrapBrokers: o.bootstrap,
    });
    return {
      async run() {
        const stream = await consumer.consume({
          topics: [o.topic],
          mode: 'earliest',
          autocommit: true,
        } as never);
        let seen = 0;
        for await (const _ of stream as AsyncIterable<unknown>) {
          if (++seen >= o.count) break;
        }
        await (stream as unknown as { close(): Promise<void> }).close?.();
        return seen;
      },
      close: async () => {
        await consumer.close(true);
      },
    };
  },
};
