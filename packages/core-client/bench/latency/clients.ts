/**
 * The Node clients of the latency benchmark: each one's producer sending one record per call, and
 * its consumer handing each record's value to a handler as it delivers it. Every client runs with its
 * own defaults except acks=-1 (all) on every producer, Samsa's `lingerMs` (0 and 5, the two rows)
 * and a start from the earliest offset on a fresh topic. The Python client (librdkafka) is in
 * librdkafka.py.
 */
// The built package (the workers run without the @samsa/source condition; see harness.ts).
import { Kafka, LogLevel } from '@samsa/core-client';

export interface LatencyProducerOptions {
  bootstrap: string[];
  topic: string;
}

export interface LatencyConsumerOptions extends LatencyProducerOptions {
  groupId: string;
}

export interface LatencyProducer {
  send(value: Buffer): Promise<unknown>;
  close(): Promise<void>;
}

export interface LatencyNodeClient {
  producer(o: LatencyProducerOptions): Promise<LatencyProducer>;
  /** Starts consuming; `handle` gets every record's value when the client delivers it. */
  consumer(
    o: LatencyConsumerOptions,
    handle: (value: Buffer | null) => void,
  ): Promise<{ close(): Promise<void> }>;
}

function samsaProducer(lingerMs: number, idempotent = true): LatencyNodeClient['producer'] {
  return async (o) => {
    const kafka = new Kafka({ clientId: 'latency-samsa', brokers: o.bootstrap, logLevel: LogLevel.ERROR });
    const producer = kafka.producer({ acks: -1, lingerMs, idempotent });
    await producer.connect();
    return {
      send: (value) => producer.send({ topic: o.topic, messages: [{ value }] }),
      close: () => producer.disconnect(),
    };
  };
}

const samsaConsumer: LatencyNodeClient['consumer'] = async (o, handle) => {
  const kafka = new Kafka({ clientId: 'latency-samsa', brokers: o.bootstrap, logLevel: LogLevel.ERROR });
  const consumer = kafka.consumer({ groupId: o.groupId, autoOffsetReset: 'earliest' });
  await consumer.subscribe({ topics: [o.topic] });
  await consumer.run({
    eachMessage: async ({ message }) => {
      handle(message.value);
    },
  });
  return { close: () => consumer.disconnect() };
};

const kafkajs: LatencyNodeClient = {
  async producer(o) {
    const { Kafka: KafkaJs, logLevel } = await import('kafkajs');
    const kafka = new KafkaJs({
      clientId: 'latency-kafkajs',
      brokers: o.bootstrap,
      logLevel: logLevel.ERROR,
    });
    const producer = kafka.producer();
    await producer.connect();
    return {
      send: (value) => producer.send({ topic: o.topic, acks: -1, messages: [{ value }] }),
      close: () => producer.disconnect(),
    };
  },
  async consumer(o, handle) {
    const { Kafka: KafkaJs, logLevel } = await import('kafkajs');
    const kafka = new KafkaJs({
      clientId: 'latency-kafkajs',
      brokers: o.bootstrap,
      logLevel: logLevel.ERROR,
    });
    const consumer = kafka.consumer({ groupId: o.groupId });
    await consumer.connect();
    await consumer.subscribe({ topic: o.topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        handle(message.value);
      },
    });
    return { close: () => consumer.disconnect() };
  },
};

const platformatic: LatencyNodeClient = {
  async producer(o) {
    const { Producer } = await import('@platformatic/kafka');
    const producer = new Producer({
      clientId: 'latency-platformatic',
      bootstrapBrokers: o.bootstrap,
      acks: -1,
    });
    return {
      send: (value) => producer.send({ messages: [{ topic: o.topic, value }] }),
      close: () => producer.close(),
    };
  },
  async consumer(o, handle) {
    const { Consumer } = await import('@platformatic/kafka');
    const consumer = new Consumer({
      clientId: 'latency-platformatic',
      groupId: o.groupId,
      bootstrapBrokers: o.bootstrap,
    });
    const stream = await consumer.consume({ topics: [o.topic], mode: 'earliest', autocommit: true } as never);
    (stream as unknown as NodeJS.EventEmitter).on('data', (message: { value: Buffer | null }) =>
      handle(message.value),
    );
    return {
      async close() {
        await (stream as unknown as { close(): Promise<void> }).close?.();
        await consumer.close(true);
      },
    };
  },
};

/**
 * No Kafka at all: send() resolves at once. Its row is the open loop's own send lag, how late Node's
 * timers fire on this machine at this rate and load: a floor no Node client can beat.
 */
export const OPEN_LOOP_ALONE = 'open loop alone (no client)';
const openLoopAlone: LatencyNodeClient = {
  async producer() {
    return { send: () => Promise.resolve(), close: async () => {} };
  },
  async consumer() {
    throw new Error(`${OPEN_LOOP_ALONE} has no consumer`);
  },
};

export const nodeClients: Record<string, LatencyNodeClient> = {
  [OPEN_LOOP_ALONE]: openLoopAlone,
  'samsa lingerMs=0': { producer: samsaProducer(0), consumer: samsaConsumer },
  'samsa lingerMs=5': { producer: samsaProducer(5), consumer: samsaConsumer },
  // librdkafka's row runs with its default enable.idempotence=false: this is the like-for-like row.
  'samsa lingerMs=0 idempotent=false': { producer: samsaProducer(0, false), consumer: samsaConsumer },
  kafkajs,
  platformatic,
};
