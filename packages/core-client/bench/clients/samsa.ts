import type * as current from '../../src/index.js';
import { baselineEntry, loadBaseline, loadCurrent } from '../baseline.js';
import { samsaConsumer } from '../consumer.js';
import { type BenchClient, inTransactions, windowed } from './types.js';

type SamsaModule = typeof current;

/** `idempotent` undefined: Samsa's defaults (idempotent at acks=-1 since 0.2). */
function samsaProducer(
  idempotent: boolean | undefined,
  load: () => Promise<SamsaModule>,
): BenchClient['producer'] {
  return async (o) => {
    const { Kafka, LogLevel } = await load();
    const kafka = new Kafka({ clientId: 'bench-samsa', brokers: o.bootstrap, logLevel: LogLevel.ERROR });
    const producer = kafka.producer({
      acks: o.acks,
      lingerMs: 5,
      ...(idempotent !== undefined && { enableIdempotence: idempotent }),
    });
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

/** Samsa as configured by default (idempotent at acks=-1, as Java since 3.0). */
export const samsa: BenchClient = {
  name: 'samsa',
  async unavailable() {
    return undefined;
  },
  producer: samsaProducer(undefined, loadCurrent),
  consumer: samsaConsumer,
};

/** Samsa's transactional producer: `recordsPerTransaction` records per transaction, then commit. */
export const samsaTransactional: BenchClient = {
  name: 'samsa-txn',
  transactional: true,
  async unavailable() {
    return undefined;
  },
  async producer(o) {
    const { Kafka, LogLevel } = await loadCurrent();
    const kafka = new Kafka({ clientId: 'bench-samsa-txn', brokers: o.bootstrap, logLevel: LogLevel.ERROR });
    const producer = kafka.producer({ lingerMs: 5, transactionalId: `bench-samsa-${o.topic}` });
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
          true,
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

/** Idempotence set explicitly, for acks=-1 only (the same setup as `samsa` there, now that it is the default). */
export const samsaIdempotent: BenchClient = {
  name: 'samsa-idempotent',
  onlyAcks: -1,
  async unavailable() {
    return undefined;
  },
  producer: samsaProducer(true, loadCurrent),
};

/** The build in BENCH_BASELINE (see bench/baseline.ts), with its own defaults like `samsa`. */
export const samsaBaseline: BenchClient = {
  name: 'samsa-baseline',
  async unavailable() {
    return baselineEntry() ? undefined : 'BENCH_BASELINE is not set';
  },
  producer: samsaProducer(undefined, loadBaseline),
};

/** The BENCH_BASELINE build with idempotence set explicitly (acks=-1 only), to compare the idempotent path across builds. */
export const samsaBaselineIdempotent: BenchClient = {
  name: 'samsa-baseline-idempotent',
  onlyAcks: -1,
  async unavailable() {
    return baselineEntry() ? undefined : 'BENCH_BASELINE is not set';
  },
  producer: samsaProducer(true, loadBaseline),
};
