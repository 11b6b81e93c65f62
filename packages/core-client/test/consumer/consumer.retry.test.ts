/**
 * KafkaJS's consumer `retry`: a record whose handler keeps failing is delivered again on `retry`'s back-off,
 * and once `retries` redeliveries failed, `restartOnFailure` decides whether the consumer goes on (KafkaJS
 * restarts it at the same record) or stops. Also the consumer's `metadataMaxAge` and `maxInFlightRequests`.
 */
import { waitFor } from '@samsa/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, Kafka, LogLevel, RetriesExhaustedError } from '../../src/index.js';
import { type Fixture, startFixture } from '../helpers/broker-fixture.js';

let fx: Fixture;
let topicSeq = 0;

beforeAll(async () => {
  fx = await startFixture({ brokers: 1, partitions: 1 });
});

afterAll(async () => {
  await fx?.stop();
});

/** A topic with one record, and a consumer whose handler fails `failures` times before it succeeds. */
async function failingHandler(options: { failures: number; retry?: Record<string, unknown>; kafka?: Kafka }) {
  const topic = `retry-${++topicSeq}`;
  await fx.produce(topic, 1);
  const kafka = options.kafka ?? fx.kafka;
  const consumer = kafka.consumer({
    groupId: topic,
    autoOffsetReset: 'earliest',
    ...(options.retry ? { retry: options.retry } : {}),
  });
  const attempts: number[] = [];
  const crashes: { error: unknown; restart: unknown }[] = [];
  consumer.on(consumer.events.CRASH, (event) =>
    crashes.push({ error: event.payload.error, restart: event.payload.restart }),
  );
  let handled = false;
  await consumer.subscribe({ topics: [topic] });
  await consumer.run({
    eachMessage: async () => {
      attempts.push(Date.now());
      if (attempts.length <= options.failures) throw new Error(`attempt ${attempts.length} failed`);
      handled = true;
    },
  });
  return { consumer, attempts, crashes, handled: () => handled };
}

describe('consumer retry', () => {
  it('restartOnFailure resolving false stops the consumer once retries are exhausted', async () => {
    const asked: unknown[] = [];
    const { consumer, attempts, crashes } = await failingHandler({
      failures: Number.POSITIVE_INFINITY,
      retry: {
        retries: 2,
        initialRetryTime: 10,
        maxRetryTime: 20,
        restartOnFailure: async (error: unknown) => {
          asked.push(error);
          return false;
        },
      },
    });
    const stopped = new Promise((resolve) => consumer.on(consumer.events.STOP, resolve));
    await stopped;
    // The first delivery and two retries.
    expect(attempts).toHaveLength(3);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toBeInstanceOf(RetriesExhaustedError);
    expect((asked[0] as Error).message).toBe('the message handler failed after 3 attempts: attempt 3 failed');
    const last = crashes[crashes.length - 1];
    expect(last).toMatchObject({ restart: false });
    expect(last.error).toBe(asked[0]);
    await consumer.disconnect();
  });

  it('restartOnFailure resolving true (or left out) goes on retrying the record, which then succeeds', async () => {
    let asked = 0;
    const { consumer, attempts, crashes, handled } = await failingHandler({
      failures: 4,
      retry: {
        retries: 1,
        initialRetryTime: 10,
        maxRetryTime: 20,
        restartOnFailure: async () => {
          asked++;
          return true;
        },
      },
    });
    await waitFor('the record to be handled', handled);
    await consumer.disconnect();
    expect(attempts).toHaveLength(5);
    // Failures 2 and 4 exhausted the one retry; each time the consumer was told to go on.
    expect(asked).toBe(2);
    expect(crashes.filter((c) => c.error instanceof RetriesExhaustedError).map((c) => c.restart)).toEqual([
      true,
      true,
    ]);
  });

  it("takes restartOnFailure from the client's retry, as KafkaJS does", async () => {
    let asked = 0;
    const kafka = new Kafka({
      brokers: fx.broker.bootstrap,
      logLevel: LogLevel.NOTHING,
      retry: {
        retries: 1,
        initialRetryTime: 10,
        restartOnFailure: async () => {
          asked++;
          return false;
        },
      },
    });
    const { consumer, attempts } = await failingHandler({ failures: Number.POSITIVE_INFINITY, kafka });
    await new Promise((resolve) => consumer.on(consumer.events.STOP, resolve));
    expect(attempts).toHaveLength(2);
    expect(asked).toBe(1);
    await consumer.disconnect();
  });

  it('without retry, redelivers a failing record until it succeeds', async () => {
    const { consumer, attempts, handled } = await failingHandler({ failures: 3 });
    await waitFor('the record to be handled', handled);
    await consumer.disconnect();
    expect(attempts).toHaveLength(4);
  });
});

describe("the consumer's other KafkaJS options", () => {
  it('metadataMaxAge sets the refresh period of the consumer; maxInFlightRequests gets a warning why not', () => {
    const lines: string[] = [];
    const logger = createLogger(LogLevel.WARN, () => (entry) => void lines.push(entry.log.message));
    const kafka = new Kafka({ brokers: fx.broker.bootstrap, logger });
    const consumer = kafka.consumer({ groupId: 'g', metadataMaxAge: 12_345, maxInFlightRequests: 3 });
    expect(consumer.config.metadataMaxAgeMs).toBe(12_345);
    expect(
      (consumer as unknown as { cluster: { metadata: { maxAgeMs: number } } }).cluster.metadata.maxAgeMs,
    ).toBe(12_345);
    expect(lines).toEqual([
      'maxInFlightRequests has no effect on a consumer: it keeps one fetch in flight per broker and sends group ' +
        'requests on a connection of their own; remove the option',
    ]);
  });
});
