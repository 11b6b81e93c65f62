/**
 * The producer's wait for topic metadata: a broker answer retrying cannot change ends it at once
 * (Java's InvalidTopicException / TopicAuthorizationException), a retriable one keeps it waiting,
 * and it stops the moment the send is aborted or the producer gives up on pending sends.
 */

import { type RunningBroker, startBroker } from '@samsa/broker-dev';
import type { MetadataResponse } from '@samsa/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetadataCache } from '../../src/cluster/metadata.js';
import { DEFAULT_RETRY } from '../../src/config/client-options.js';
import {
  ErrorCode,
  Kafka,
  KafkaProtocolError,
  KafkaTimeoutError,
  LogLevel,
  RequestAbortedError,
} from '../../src/index.js';
import { nullLogger } from '../../src/logger.js';
import { waitForTopicMetadata } from '../../src/producer/topic-metadata.js';

const TEN_MINUTES = 10 * 60_000;
const retry = { ...DEFAULT_RETRY, initialRetryTimeMs: 5, maxRetryTimeMs: 20 };

/** A metadata cache whose broker answers each requested topic with `answer(topic, attempt)`. */
function cacheAnswering(answer: (topic: string, attempt: number) => number | 'never') {
  let attempts = 0;
  const cache = new MetadataCache(
    async (topics) => {
      const attempt = attempts++;
      const codes = (topics ?? []).map((name) => ({ name, code: answer(name, attempt) }));
      if (codes.some((c) => c.code === 'never')) return new Promise<MetadataResponse>(() => {});
      return {
        throttleTimeMs: 0,
        brokers: [{ nodeId: 1, host: '127.0.0.1', port: 1, rack: null }],
        clusterId: 'fake',
        controllerId: 1,
        topics: codes.map(({ name, code }) => ({
          errorCode: code as number,
          name,
          topicId: 'AQEBAQEBAQEBAQEBAQEBAQ',
          isInternal: false,
          partitions:
            code === ErrorCode.NONE
              ? [
                  {
                    errorCode: 0,
                    partitionIndex: 0,
                    leaderId: 1,
                    leaderEpoch: 0,
                    replicaNodes: [1],
                    isrNodes: [1],
                    offlineReplicas: [],
                  },
                ]
              : [],
          topicAuthorizedOperations: 0,
        })),
        clusterAuthorizedOperations: 0,
      } as MetadataResponse;
    },
    nullLogger,
    300_000,
    true,
  );
  return { cache, attempts: () => attempts };
}

const options = (closed = new AbortController().signal, signal?: AbortSignal) => ({
  maxBlockMs: TEN_MINUTES,
  retry,
  log: nullLogger,
  closed,
  signal,
});

describe('waitForTopicMetadata', () => {
  for (const code of [ErrorCode.INVALID_TOPIC_EXCEPTION, ErrorCode.TOPIC_AUTHORIZATION_FAILED]) {
    it(`fails at the first answer of error ${code}, naming the topic, and stops tracking it`, async () => {
      const { cache, attempts } = cacheAnswering(() => code);
      const err = await waitForTopicMetadata(cache, ['denied'], options()).catch((e) => e);
      expect(err).toBeInstanceOf(KafkaProtocolError);
      expect(err).toMatchObject({ errorCode: code, retriable: false });
      expect(err.message).toContain('denied');
      expect(attempts()).toBe(1);
      expect(cache.trackedTopics).not.toContain('denied');
    });
  }

  it('keeps waiting through retriable answers (the topic is being created)', async () => {
    const { cache, attempts } = cacheAnswering((_, attempt) =>
      attempt < 2
        ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
        : attempt < 3
          ? ErrorCode.LEADER_NOT_AVAILABLE
          : ErrorCode.NONE,
    );
    await waitForTopicMetadata(cache, ['coming'], options());
    expect(attempts()).toBe(4);
    expect(cache.partitionCount('coming')).toBe(1);
  });

  it('times out after maxBlockMs with the create-it hint when the topic stays unknown', async () => {
    const { cache } = cacheAnswering(() => ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const err = await waitForTopicMetadata(cache, ['missing'], { ...options(), maxBlockMs: 50 }).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(KafkaTimeoutError);
    expect(err.message).toMatch(/missing not present in metadata after maxBlockMs=50: create it/);
  });

  it('stops at once, with the given reason, when the producer gives up mid-request', async () => {
    const { cache } = cacheAnswering(() => 'never');
    const giveUp = new AbortController();
    const wait = waitForTopicMetadata(cache, ['stuck'], options(giveUp.signal));
    const reason = new Error('the producer was disconnected');
    giveUp.abort(reason);
    await expect(wait).rejects.toBe(reason);
  });

  it("stops when the send's own signal aborts", async () => {
    const { cache } = cacheAnswering(() => ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const send = new AbortController();
    const wait = waitForTopicMetadata(cache, ['waiting'], options(undefined, send.signal));
    send.abort();
    await expect(wait).rejects.toBeInstanceOf(RequestAbortedError);
  });
});

describe('producer.send() to a topic the broker refuses', () => {
  let broker: RunningBroker;
  let kafka: Kafka;

  beforeAll(async () => {
    broker = await startBroker({ brokers: 1, port: 0, partitions: 1 });
    kafka = new Kafka({
      clientId: 'topic-metadata-test',
      brokers: broker.bootstrap,
      logLevel: LogLevel.NOTHING,
    });
  });

  afterAll(async () => {
    await broker?.stop();
  });

  it('lets any number of sends wait for a topic at once without a MaxListenersExceededWarning', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
    process.on('warning', onWarning);
    const producer = kafka.producer();
    await producer.connect();
    try {
      // The topic is missing from metadata for a while, so all the sends wait for it together.
      broker.control.failNextRequests('Metadata', 3, ErrorCode.LEADER_NOT_AVAILABLE);
      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          producer.send({ topic: 'waited-for', messages: [{ value: `${i}` }] }),
        ),
      );
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning'))).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      broker.control.clearFaults();
      await producer.disconnect();
    }
  });

  // maxBlockMs is 10 minutes: a send that waited for it would fail the test by its own timeout.
  for (const code of [ErrorCode.TOPIC_AUTHORIZATION_FAILED, ErrorCode.INVALID_TOPIC_EXCEPTION]) {
    it(`rejects at once with the broker's answer (error ${code}), not after maxBlockMs`, async () => {
      const producer = kafka.producer({ maxBlockMs: TEN_MINUTES });
      await producer.connect();
      try {
        broker.control.failNextRequests('Metadata', 1_000, code);
        const err = await producer
          .send({ topic: `refused-${code}`, messages: [{ value: 'x' }] })
          .catch((e) => e);
        expect(err).toBeInstanceOf(KafkaProtocolError);
        expect(err).toMatchObject({ errorCode: code });
        expect(err.message).toContain(`refused-${code}`);
      } finally {
        broker.control.clearFaults();
        await producer.disconnect();
      }
    });
  }
});
