/**
 * The producer's wait for topic metadata: a broker answer retrying cannot change ends it at once
 * (Java's InvalidTopicException / TopicAuthorizationException), a retriable one keeps it waiting,
 * and it stops the moment the send is aborted or the producer gives up on pending sends. Against the dev
 * broker: a missing topic is named in the first log line and in the error, and refusals (invalid topic,
 * authorization, policy) fail the send at once with the broker's reason, whether Metadata or Produce says it.
 */

import { type RunningBroker, startBroker } from '@samsa/broker-dev';
import type { MetadataResponse } from '@samsa/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetadataCache } from '../../src/cluster/metadata.js';
import { DEFAULT_RETRY } from '../../src/config/client-options.js';
import {
  createLogger,
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
  warned: new Set<string>(),
});

/** A logger that keeps what it is given. */
function recordingLogger() {
  const lines: { level: string; message: string; at: number }[] = [];
  const sink = createLogger(LogLevel.DEBUG, () => (entry) => {
    lines.push({ level: entry.label, message: entry.log.message, at: performance.now() });
  });
  return { logger: sink, lines };
}

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

  it('warns once, at the first answer, that the topic does not exist, then times out saying so', async () => {
    const { cache } = cacheAnswering(() => ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const { logger, lines } = recordingLogger();
    const err = await waitForTopicMetadata(cache, ['missing'], {
      ...options(),
      log: logger,
      maxBlockMs: 50,
    }).catch((e) => e);
    expect(err).toBeInstanceOf(KafkaTimeoutError);
    expect(err.message).toBe(
      'Gave up waiting for topic missing after maxBlockMs=50: topic "missing" does not exist, and the broker did ' +
        'not create it (its auto.create.topics.enable is off). Create it (admin.createTopics(), `samsa topics ' +
        'create`), or enable auto-creation on the broker',
    );
    expect(err.cause).toMatchObject({ type: 'UNKNOWN_TOPIC_OR_PARTITION' });
    const warnings = lines.filter((l) => l.level === 'WARN');
    expect(warnings.map((l) => l.message)).toEqual([
      'topic "missing" does not exist, and the broker did not create it (its auto.create.topics.enable is off); ' +
        'send() waits up to maxBlockMs=50 for it to be created, then fails',
    ]);
    expect(lines[0].level).toBe('WARN');
  });

  it('times out with the connection hint when metadata requests fail', async () => {
    const cache = new MetadataCache(
      async () => {
        throw new Error('no broker answers');
      },
      nullLogger,
      300_000,
      true,
    );
    const err = await waitForTopicMetadata(cache, ['t'], { ...options(), maxBlockMs: 50 }).catch((e) => e);
    expect(err).toBeInstanceOf(KafkaTimeoutError);
    expect(err.message).toMatch(
      /not present in metadata after maxBlockMs=50: the last metadata request failed/,
    );
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

describe('producer.send() to a topic that does not exist, on a broker that does not create topics', () => {
  let broker: RunningBroker;

  beforeAll(async () => {
    broker = await startBroker({ brokers: 1, port: 0, partitions: 1, autoCreateTopics: false });
  });

  afterAll(async () => {
    await broker?.stop();
  });

  it('says so in its first log line while the send still waits (maxBlockMs 60 s, this test 15 s)', async () => {
    let onLine: ((line: { level: string; message: string }) => void) | null = null;
    // At the default level: connecting logs at debug, which a user does not see.
    const logger = createLogger(LogLevel.INFO, () => (entry) => {
      onLine?.({ level: entry.label, message: entry.log.message });
      onLine = null;
    });
    const producer = new Kafka({ brokers: broker.bootstrap, logger }).producer({ maxBlockMs: 60_000 });
    await producer.connect();
    // The first line logged once the send starts (connecting may log before it).
    const firstLine = new Promise<{ level: string; message: string }>((resolve) => {
      onLine = resolve;
    });
    let settled = false;
    const stop = new AbortController();
    const send = producer
      .send({ topic: 'not-there', messages: [{ value: 'x' }], signal: stop.signal })
      .catch((e: unknown) => e)
      .finally(() => {
        settled = true;
      });
    expect(await firstLine).toEqual({
      level: 'WARN',
      message:
        'topic "not-there" does not exist, and the broker did not create it (its auto.create.topics.enable is ' +
        'off); send() waits up to maxBlockMs=60000 for it to be created, then fails',
    });
    expect(settled).toBe(false);
    stop.abort();
    expect(await send).toBeInstanceOf(RequestAbortedError);
    await producer.disconnect();
  }, 15_000);

  it('says so in the error after maxBlockMs', async () => {
    const producer = new Kafka({ brokers: broker.bootstrap, logLevel: LogLevel.NOTHING }).producer({
      maxBlockMs: 1500,
    });
    await producer.connect();
    const err = await producer.send({ topic: 'not-there', messages: [{ value: 'x' }] }).catch((e) => e);
    await producer.disconnect();
    expect(err).toBeInstanceOf(KafkaTimeoutError);
    expect(err.message).toBe(
      'Gave up waiting for topic not-there after maxBlockMs=1500: topic "not-there" does not exist, and the ' +
        'broker did not create it (its auto.create.topics.enable is off). Create it (admin.createTopics(), ' +
        '`samsa topics create`), or enable auto-creation on the broker',
    );
  }, 15_000);

  it('with allowAutoTopicCreation: false, says that it did not ask for the topic', async () => {
    const { logger, lines } = recordingLogger();
    const producer = new Kafka({ brokers: broker.bootstrap, logger }).producer({
      maxBlockMs: 200,
      allowAutoTopicCreation: false,
    });
    await producer.connect();
    const err = await producer.send({ topic: 'not-there', messages: [{ value: 'x' }] }).catch((e) => e);
    await producer.disconnect();
    expect(err.message).toMatch(
      /topic "not-there" does not exist \(allowAutoTopicCreation is false, so it was not created\)/,
    );
    expect(lines.find((l) => l.level === 'WARN')?.message).toMatch(/allowAutoTopicCreation is false/);
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
      requestTimeout: 60_000,
    });
  });

  afterAll(async () => {
    await broker?.stop();
  });

  /** The broker's reason, as the error carries it: the code's name and what it means. */
  const reasons: Record<number, string> = {
    [ErrorCode.INVALID_TOPIC_EXCEPTION]:
      'INVALID_TOPIC_EXCEPTION (17) [API, WHERE]: The topic name is invalid or the operation is not allowed on ' +
      'it (e.g. writing to an internal topic). Use a name of letters, digits, ".", "_" and "-", at most 249 ' +
      'characters.',
    [ErrorCode.TOPIC_AUTHORIZATION_FAILED]:
      'TOPIC_AUTHORIZATION_FAILED (29) [API, WHERE]: The principal is not authorized for this topic operation. ' +
      'Grant the needed ACL (Read, Write, Describe, ...) on the topic.',
    [ErrorCode.POLICY_VIOLATION]:
      'POLICY_VIOLATION (44) [API, WHERE]: The request violates a policy configured on the broker (e.g. ' +
      "create.topic.policy). Change the request to satisfy the cluster's policy.",
  };
  const reason = (code: number, api: string, where: string) =>
    reasons[code]!.replace('API', api).replace('WHERE', where);

  // maxBlockMs, deliveryTimeoutMs and the retries reach far past each test's own 15 s timeout: a send that
  // waited or retried would fail the test instead of passing late.
  const patient = () =>
    kafka.producer({ maxBlockMs: TEN_MINUTES, deliveryTimeoutMs: TEN_MINUTES, retries: 1_000_000 });

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

  for (const code of [
    ErrorCode.TOPIC_AUTHORIZATION_FAILED,
    ErrorCode.INVALID_TOPIC_EXCEPTION,
    ErrorCode.POLICY_VIOLATION,
  ]) {
    it(`a Metadata answer of ${reasons[code]!.split(' ')[0]}: rejects at once with the broker's reason`, async () => {
      const producer = patient();
      await producer.connect();
      try {
        broker.control.failNextRequests('Metadata', 1_000, code);
        const err = await producer
          .send({ topic: `refused-${code}`, messages: [{ value: 'x' }] })
          .catch((e) => e);
        expect(err).toBeInstanceOf(KafkaProtocolError);
        expect(err).toMatchObject({ errorCode: code, retriable: false });
        expect(err.message).toBe(reason(code, 'Metadata', `topic refused-${code}`));
      } finally {
        broker.control.clearFaults();
        await producer.disconnect();
      }
    }, 15_000);

    it(`a Produce answer of ${reasons[code]!.split(' ')[0]}: rejects at once with the broker's reason`, async () => {
      const producer = patient();
      await producer.connect();
      const topic = `produce-refused-${code}`;
      try {
        // The topic exists (metadata answers); only the write is refused.
        await producer.send({ topic, messages: [{ value: 'accepted' }] });
        broker.control.failNextRequests('Produce', 1_000, code);
        const err = await producer.send({ topic, messages: [{ value: 'x' }] }).catch((e) => e);
        expect(err).toBeInstanceOf(KafkaProtocolError);
        expect(err).toMatchObject({ errorCode: code, retriable: false });
        expect(err.message).toBe(
          reason(code, 'Produce', `${topic}[0], broker node 1 (${broker.bootstrap[0]}, produce)`),
        );
      } finally {
        broker.control.clearFaults();
        await producer.disconnect();
      }
    }, 15_000);
  }
});
