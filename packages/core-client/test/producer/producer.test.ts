/**
 * The producer against @samsa/broker-dev (three brokers): the send API and its results, partitioners,
 * compression, idempotence, and broker-dev's fault injection: retriable errors are retried, dropped
 * connections re-established, leader moves and stopped brokers followed, and nothing acknowledged is
 * lost or reordered; non-retriable errors reach the caller typed. What broker-dev cannot stage (a
 * request held in flight, a response lost after the write) is in accumulator.test.ts, on the fake broker.
 */
import { type RunningBroker, startBroker } from '@samsa/broker-dev';
import { waitFor } from '@samsa/test-support';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from '../../src/cluster/cluster.js';
import { ErrorCode } from '../../src/errors.js';
import {
  type Admin,
  CompressionTypes,
  DeliveryTimeoutError,
  InvalidMessageError,
  javaPartitionForKey,
  Kafka,
  KafkaProtocolError,
  LogLevel,
  NotConnectedError,
  type Producer,
  type ProducerConfig,
} from '../../src/index.js';
import { readPartition, readTopic } from '../helpers/read-back.js';

let broker: RunningBroker;
let kafka: Kafka;
let admin: Admin;
let reader: Cluster;
const producers: Producer[] = [];

beforeAll(async () => {
  broker = await startBroker({ brokers: 3, port: 0, partitions: 3 });
  kafka = new Kafka({
    clientId: 'samsa-producer-test',
    brokers: broker.bootstrap,
    logLevel: LogLevel.NOTHING,
    retry: { initialRetryTimeMs: 5, maxRetryTimeMs: 200, retries: 10 },
  });
  admin = kafka.admin();
  await admin.connect();
  reader = kafka.createCluster({ namespace: 'reader', allowAutoTopicCreation: false });
  await reader.connect();
}, 30_000);

afterEach(async () => {
  for (const p of producers.splice(0)) await p.disconnect().catch(() => {});
  broker.control.clearFaults();
  broker.control.recordRequests(false);
});

afterAll(async () => {
  await reader?.disconnect();
  await admin?.disconnect();
  await broker?.stop();
});

let topics = 0;

/** A fresh topic, replicated on every broker so that its leaders can move. */
async function createTopic(partitions: number, configs: Record<string, string> = {}): Promise<string> {
  const topic = `producer-${++topics}`;
  await admin.createTopics({
    topics: [
      {
        topic,
        numPartitions: partitions,
        replicationFactor: 3,
        configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })),
      },
    ],
  });
  return topic;
}

function producer<K = Buffer | string | null, V = Buffer | string | null>(
  config: ProducerConfig<K, V> = {},
): Producer<K, V> {
  const p = kafka.producer<K, V>({ retryBackoffMs: 5, retryBackoffMaxMs: 200, ...config });
  producers.push(p as unknown as Producer);
  return p;
}

async function connectedProducer(config: ProducerConfig = {}): Promise<Producer> {
  const p = producer(config);
  await p.connect();
  return p;
}

/** The values stored in a partition, in offset order. */
async function values(topic: string, partition: number): Promise<(string | null)[]> {
  return (await readPartition(reader, topic, partition)).records.map((r) => r.value);
}

/** Checks each partition holds exactly `expected`, at offsets 0, 1, 2, ... */
async function expectExactlyInOrder(topic: string, expected: Map<number, string[]>): Promise<void> {
  const stored = await readTopic(reader, topic);
  for (const [partition, list] of expected) {
    const records = stored.get(partition)?.records ?? [];
    expect(
      records.map((r) => r.value),
      `${topic}[${partition}]`,
    ).toEqual(list);
    expect(records.map((r) => r.offset)).toEqual(list.map((_, i) => i));
  }
}

/** Requests of `api` the brokers saw since recordRequests(). */
const requestsOf = (api: string) => broker.control.requests().filter((r) => r.api === api);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Producer.send', () => {
  it('returns KafkaJS-shaped results and per-message offsets, keyed records where Java puts them', async () => {
    const topic = await createTopic(4);
    const p = await connectedProducer();
    const messages = Array.from({ length: 20 }, (_, i) => ({
      key: `key-${i}`,
      value: `v${i}`,
      headers: { n: String(i), multi: ['a', 'b'] },
    }));
    const result = await p.send({ topic, messages });
    for (const m of result) {
      expect(m).toMatchObject({ topicName: topic, errorCode: 0 });
      expect(typeof m.baseOffset).toBe('string');
    }
    expect(result.records).toHaveLength(20);
    const stored = await readTopic(reader, topic);
    result.records.forEach((r, i) => {
      expect(r.partition).toBe(javaPartitionForKey(Buffer.from(`key-${i}`), 4));
      const record = stored.get(r.partition)!.records[Number(r.offset)];
      expect(record.value).toBe(`v${i}`);
      expect(record.key).toBe(`key-${i}`);
      expect(record.headers.map((h) => [h.key, h.value])).toEqual([
        ['n', String(i)],
        ['multi', 'a'],
        ['multi', 'b'],
      ]);
    });
  });

  it('produces keyed messages to a 3-broker cluster: Java partitions, offsets as reported', async () => {
    const topic = await createTopic(6);
    const p = await connectedProducer();
    const messages = Array.from({ length: 3000 }, (_, i) => ({ key: `k${i % 101}`, value: `${i}` }));
    const r = await p.send({ topic, messages });
    const expected = new Map<number, string[]>();
    r.records.forEach((rec, i) => {
      expect(rec.partition).toBe(javaPartitionForKey(Buffer.from(`k${i % 101}`), 6));
      const list = expected.get(rec.partition) ?? [];
      expect(Number(rec.offset)).toBe(list.length);
      list.push(`${i}`);
      expected.set(rec.partition, list);
    });
    await expectExactlyInOrder(topic, expected);
  });

  it('batches concurrent single-message sends (linger) into few requests', async () => {
    const topic = await createTopic(1);
    const p = await connectedProducer({ lingerMs: 20 });
    broker.control.recordRequests();
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) => p.send({ topic, messages: [{ value: `m${i}` }] })),
    );
    expect(requestsOf('Produce').length).toBeLessThanOrEqual(3);
    expect(results.map((r) => Number(r[0].baseOffset))).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(await values(topic, 0)).toEqual(Array.from({ length: 300 }, (_, i) => `m${i}`));
  });

  it('flush() sends at once despite a long linger; disconnect() flushes', async () => {
    const topic = await createTopic(1);
    const p = await connectedProducer({ lingerMs: 60_000 });
    // The first send to a topic waits for the topic's metadata before its record is buffered, and
    // flush() sends what is buffered: flush until that record went (it would linger a minute otherwise).
    let firstSent = false;
    void p.send({ topic, messages: [{ value: 'a' }] }).then(() => {
      firstSent = true;
    });
    await waitFor('flush() to send the first record', async () => {
      await p.flush();
      return firstSent;
    });
    const b = p.send({ topic, messages: [{ value: 'b' }] });
    await p.flush();
    await b;
    const c = p.send({ topic, messages: [{ value: 'c' }] });
    await p.disconnect();
    await c;
    expect(await values(topic, 0)).toEqual(['a', 'b', 'c']);
    await expect(p.send({ topic, messages: [{ value: 'd' }] })).rejects.toBeInstanceOf(NotConnectedError);
  });

  it('acks=0 resolves once written, with offsets "-1"', async () => {
    const topic = await createTopic(1);
    // Per-send acks other than -1 need a producer without idempotence (on by default).
    const p = await connectedProducer({ lingerMs: 0, enableIdempotence: false });
    const r = await p.send({ topic, acks: 0, messages: [{ value: 'a' }] });
    expect(r[0].baseOffset).toBe('-1');
    expect(r.records[0].offset).toBe('-1');
    await p.send({ topic, acks: 1, messages: [{ value: 'b' }] });
    expect(await values(topic, 0)).toEqual(['a', 'b']);
  });

  for (const [name, type] of Object.entries(CompressionTypes)) {
    it(`compresses with ${name}`, async () => {
      const topic = await createTopic(1);
      const p = await connectedProducer({ lingerMs: 0 });
      const messages = Array.from({ length: 50 }, (_, i) => ({
        key: `k${i}`,
        value: `value ${i} `.repeat(20),
      }));
      await p.send({ topic, compression: type, messages });
      const { records, batches } = await readPartition(reader, topic, 0);
      expect(records.map((r) => r.value)).toEqual(messages.map((m) => m.value));
      expect(batches.map((b) => b.compression)).toEqual([type]);
    });
  }

  it('uses a KafkaJS-style custom partitioner', async () => {
    const topic = await createTopic(3);
    const p = producer({
      createPartitioner:
        () =>
        ({ message }) =>
          Number(message.value) % 3,
    });
    await p.connect();
    await p.send({ topic, messages: Array.from({ length: 9 }, (_, i) => ({ value: String(i) })) });
    expect(await values(topic, 1)).toEqual(['1', '4', '7']);
  });

  it('sticks unkeyed records to one partition per batch, spreading batches', async () => {
    const topic = await createTopic(4);
    const p = await connectedProducer({ batchSize: 1000, lingerMs: 0 });
    await p.send({ topic, messages: Array.from({ length: 200 }, (_, i) => ({ value: `v${i}`.padEnd(50) })) });
    const stored = await readTopic(reader, topic);
    const counts = [0, 1, 2, 3].map((partition) => stored.get(partition)!.records.length);
    expect(counts.reduce((a, b) => a + b)).toBe(200);
    expect(counts.filter((c) => c > 0).length).toBeGreaterThan(1);
    // Each batch went to one partition: consecutive runs per partition are whole batches (>1 record).
    for (let partition = 0; partition < 4; partition++) {
      if (counts[partition] > 0) expect(counts[partition]).toBeGreaterThan(5);
    }
  });

  it('serializes keys and values with typed serializers', async () => {
    const topic = await createTopic(2);
    const p = producer<number, { id: number }>({
      keySerializer: (k) => String(k),
      valueSerializer: (v) => JSON.stringify(v),
    });
    await p.connect();
    const r = await p.send({ topic, messages: [{ key: 7, value: { id: 7 } }] });
    const [stored] = (await readPartition(reader, topic, r.records[0].partition)).records;
    expect(stored.key).toBe('7');
    expect(JSON.parse(stored.value!)).toEqual({ id: 7 });
  });

  it('rejects bad messages with InvalidMessageError', async () => {
    const topic = await createTopic(2);
    const p = await connectedProducer();
    await expect(p.send({ topic, messages: [{ value: 42 as never }] })).rejects.toBeInstanceOf(
      InvalidMessageError,
    );
    await expect(p.send({ topic, messages: [{ value: 'x', partition: 5 }] })).rejects.toThrow(/partition 5/);
    await expect(p.send({ topic: '', messages: [] })).rejects.toBeInstanceOf(InvalidMessageError);
  });

  it('sendBatch spans topics and creates unknown topics through metadata', async () => {
    const topic = await createTopic(1);
    const auto = `${topic}-auto`;
    const p = await connectedProducer();
    const r = await p.sendBatch({
      topicMessages: [
        { topic, messages: [{ value: 'a1' }] },
        { topic: auto, messages: [{ value: 'b1', partition: 2 }] },
      ],
    });
    expect(r.map((x) => x.topicName).sort()).toEqual([topic, auto].sort());
    expect(await values(auto, 2)).toEqual(['b1']);
  });

  it('reuses the buffers of acknowledged batches without touching a byte of what was sent', async () => {
    const topic = await createTopic(1);
    const p = await connectedProducer({ lingerMs: 0, batchSize: 16 * 1024 });
    const sent: string[] = [];
    // Rounds of distinct 1 KB values, each round acknowledged before the next starts, so later
    // batches are written into the buffers of earlier ones; several sends in flight within a round.
    for (let round = 0; round < 20; round++) {
      const sends: Promise<unknown>[] = [];
      for (let s = 0; s < 4; s++) {
        const batch = Array.from({ length: 40 }, (_, i) => {
          const id = `${round}-${s}-${i}-`;
          return id + String.fromCharCode(97 + ((round + s + i) % 26)).repeat(1024 - id.length);
        });
        sent.push(...batch);
        sends.push(p.send({ topic, messages: batch.map((value) => ({ value })) }));
      }
      await Promise.all(sends);
    }
    await expectExactlyInOrder(topic, new Map([[0, sent]]));
  });
});

describe('producer under broker faults', () => {
  it('retries retriable errors without losing or reordering anything (5 in flight, small batches)', async () => {
    const topic = await createTopic(2);
    const p = await connectedProducer({ batchSize: 200, lingerMs: 0, maxInFlightRequestsPerConnection: 5 });
    broker.control.failNextRequests('Produce', 4, ErrorCode.NOT_ENOUGH_REPLICAS);
    const expected = new Map<number, string[]>([
      [0, []],
      [1, []],
    ]);
    const sends = Array.from({ length: 40 }, (_, i) => {
      const partition = i % 2;
      const messages = Array.from({ length: 10 }, (_, j) => ({ value: `m${i * 10 + j}`, partition }));
      expected.get(partition)!.push(...messages.map((m) => m.value));
      return p.send({ topic, messages });
    });
    await Promise.all(sends);
    await expectExactlyInOrder(topic, expected);
  });

  it('follows partition leader moves mid-stream without losing or reordering records', async () => {
    const topic = await createTopic(2);
    const p = await connectedProducer({ batchSize: 300, lingerMs: 0 });
    broker.control.recordRequests();
    const sent: Promise<unknown>[] = [];
    for (let i = 0; i < 30; i++) {
      const messages = Array.from({ length: 10 }, (_, j) => ({ value: `m${i * 10 + j}`, partition: 0 }));
      sent.push(p.send({ topic, messages }));
      if (i === 10 || i === 20) {
        broker.control.movePartitionLeader(topic, 0, (broker.control.leaderOf(topic, 0) % 3) + 1);
      }
      if (i % 5 === 0) await sleep(5);
    }
    await Promise.all(sent);
    expect(await values(topic, 0)).toEqual(Array.from({ length: 300 }, (_, i) => `m${i}`));
    const leader = broker.control.leaderOf(topic, 0);
    expect(requestsOf('Produce').some((r) => r.nodeId === leader)).toBe(true);
  });

  it('re-establishes a connection dropped on a produce request and resends', async () => {
    const topic = await createTopic(1);
    const p = await connectedProducer({ lingerMs: 0 });
    await p.send({ topic, messages: [{ value: 'first' }] });
    broker.control.dropConnectionOnNext('Produce', { count: 2 });
    const r = await p.send({ topic, messages: [{ value: 'a' }, { value: 'b' }] });
    expect(r.records.map((x) => x.offset)).toEqual(['1', '2']);
    expect(await values(topic, 0)).toEqual(['first', 'a', 'b']);
  });

  it('re-establishes connections the brokers dropped while idle', async () => {
    const topic = await createTopic(1);
    const p = await connectedProducer({ lingerMs: 0 });
    await p.send({ topic, messages: [{ value: 'before' }] });
    broker.control.dropConnections();
    await p.send({ topic, messages: [{ value: 'after-drop' }] });
    await expectExactlyInOrder(topic, new Map([[0, ['before', 'after-drop']]]));
  });

  it('survives a broker stopping: leaders move, acknowledged records stay', async () => {
    const topic = await createTopic(3);
    const p = await connectedProducer({ lingerMs: 2, requestTimeoutMs: 3000, deliveryTimeoutMs: 20_000 });
    const expected = new Map<number, string[]>([
      [0, []],
      [1, []],
      [2, []],
    ]);
    const sends: Promise<unknown>[] = [];
    try {
      for (let i = 0; i < 300; i++) {
        const partition = i % 3;
        expected.get(partition)!.push(`${i}`);
        sends.push(p.send({ topic, messages: [{ value: `${i}`, partition }] }));
        if (i === 150) await broker.control.stopBroker(broker.control.leaderOf(topic, 1));
      }
      await Promise.all(sends);
      await expectExactlyInOrder(topic, expected);
    } finally {
      for (const id of [1, 2, 3]) await broker.control.startBroker(id).catch(() => {});
    }
  }, 30_000);

  it('reports non-retriable errors as typed KafkaProtocolErrors and keeps working', async () => {
    const topic = await createTopic(1);
    const p = await connectedProducer({ lingerMs: 0 });
    broker.control.failNextRequests('Produce', 1, ErrorCode.MESSAGE_TOO_LARGE);
    const err = await p.send({ topic, messages: [{ value: 'x' }] }).catch((e) => e);
    expect(err).toBeInstanceOf(KafkaProtocolError);
    expect(err.type).toBe('MESSAGE_TOO_LARGE');
    expect(err.retriable).toBe(false);
    expect(err.message).toContain(`${topic}[0]`);
    broker.control.failNextRequests('Produce', 1, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    const denied = await p.send({ topic, messages: [{ value: 'y' }] }).catch((e) => e);
    expect(denied).toBeInstanceOf(KafkaProtocolError);
    expect(denied.type).toBe('TOPIC_AUTHORIZATION_FAILED');
    await p.send({ topic, messages: [{ value: 'ok' }] });
    expect(await values(topic, 0)).toEqual(['ok']);
  });

  it('gives up after deliveryTimeoutMs with DeliveryTimeoutError carrying the last error', async () => {
    const topic = await createTopic(1);
    const p = await connectedProducer({ lingerMs: 0, requestTimeoutMs: 100, deliveryTimeoutMs: 300 });
    broker.control.failNextRequests('Produce', 1000, ErrorCode.REQUEST_TIMED_OUT); // until cleared
    const err = await p.send({ topic, messages: [{ value: 'x' }] }).catch((e) => e);
    expect(err).toBeInstanceOf(DeliveryTimeoutError);
    expect(err.message).toContain('REQUEST_TIMED_OUT');
  });
});

describe('idempotent producer', () => {
  const idem = { enableIdempotence: true, lingerMs: 0, batchSize: 200 } as const;

  it('gets a producer id and numbers batches per partition', async () => {
    const topic = await createTopic(2);
    broker.control.recordRequests();
    const p = await connectedProducer(idem);
    expect(p.isIdempotent()).toBe(true);
    for (let i = 0; i < 20; i++) {
      await p.send({
        topic,
        messages: [
          { value: `a${i}`, partition: 0 },
          { value: `b${i}`, partition: 1 },
        ],
      });
    }
    expect(requestsOf('InitProducerId')).toHaveLength(1);
    // One producer id, and sequences that number the partition's records from 0 without a gap.
    const { batches } = await readPartition(reader, topic, 0);
    expect(new Set(batches.map((b) => b.producerId))).toEqual(new Set([batches[0].producerId]));
    expect(batches[0].producerId).toBeGreaterThanOrEqual(0n);
    let next = 0;
    for (const batch of batches) {
      expect(batch.baseSequence).toBe(next);
      next += batch.recordsCount;
    }
    expect(next).toBe(20);
    expect(await values(topic, 1)).toEqual(Array.from({ length: 20 }, (_, i) => `b${i}`));
  });

  it('pipelines batches per partition and resends in order after a failure (no gaps, no duplicates)', async () => {
    const topic = await createTopic(1);
    const p = await connectedProducer(idem);
    broker.control.addLatency(2, { api: 'Produce' });
    broker.control.failNextRequests('Produce', 2, ErrorCode.NOT_ENOUGH_REPLICAS);
    const sends = Array.from({ length: 60 }, (_, i) =>
      p.send({ topic, messages: Array.from({ length: 5 }, (_, j) => ({ value: `m${i * 5 + j}` })) }),
    );
    await Promise.all(sends);
    expect(await values(topic, 0)).toEqual(Array.from({ length: 300 }, (_, i) => `m${i}`));
  });

  it("keeps order when a new producer id's first batch is refused while a second could follow it", async () => {
    // The broker holds no state for a new producer id, so it takes any sequence number: had the
    // second batch gone out behind the first, it would be written while the first is refused, and
    // the first after it on its retry.
    const topic = await createTopic(1);
    const p = await connectedProducer({ ...idem, batchSize: 1024 });
    broker.control.failNextRequests('Produce', 1, ErrorCode.NOT_ENOUGH_REPLICAS);
    const sent = Array.from({ length: 100 }, (_, i) => `${i}`.padStart(40, '.'));
    await p.send({ topic, messages: sent.map((value) => ({ value })) });
    const { records, batches } = await readPartition(reader, topic, 0);
    expect(batches.length).toBeGreaterThan(1);
    expect(records.map((r) => r.value)).toEqual(sent);
  });

  it('bumps its epoch, keeping its producer id, when the broker forgot it (UNKNOWN_PRODUCER_ID, KIP-360)', async () => {
    const topic = await createTopic(1);
    broker.control.recordRequests();
    const p = await connectedProducer(idem);
    await p.send({ topic, messages: [{ value: 'a' }] });
    broker.control.failNextRequests('Produce', 1, ErrorCode.UNKNOWN_PRODUCER_ID);
    await p.send({ topic, messages: [{ value: 'b' }] });
    expect(requestsOf('InitProducerId')).toHaveLength(1);
    expect(await values(topic, 0)).toEqual(['a', 'b']);
  });

  it('refuses acks other than -1 per send', async () => {
    const topic = await createTopic(1);
    const p = await connectedProducer(idem);
    await expect(p.send({ topic, acks: 1, messages: [{ value: 'x' }] })).rejects.toBeInstanceOf(
      InvalidMessageError,
    );
  });
});

describe('send results', () => {
  it('are plain-looking arrays: equal to plain arrays, JSON without extras, records lazily', async () => {
    const topic = await createTopic(1);
    const p = await connectedProducer({ lingerMs: 0 });
    const r = await p.send({ topic, messages: [{ value: 'a' }, { value: 'b' }] });
    expect(Array.isArray(r)).toBe(true);
    expect(r).toEqual([
      {
        topicName: topic,
        partition: 0,
        errorCode: 0,
        baseOffset: '0',
        logAppendTime: '-1',
        logStartOffset: '0',
      },
    ]);
    expect(JSON.parse(JSON.stringify(r))).toEqual([...r]);
    expect(Object.keys(r)).toEqual(['0']);
    expect(r.map((x) => x.partition)).toEqual([0]);
    expect(r.records.map((x) => x.offset)).toEqual(['0', '1']);
  });
});

describe('batching', () => {
  it('grows one batch behind a queued one instead of queueing a batchSize batch per round trip', async () => {
    const topic = await createTopic(1);
    const p = await connectedProducer({ batchSize: 1024 });
    broker.control.recordRequests();
    const value = 'v'.repeat(100);
    // One call, appended before anything is sent: the first batch closes at batchSize, the rest
    // (which could not be sent before it anyway) goes into one batch, not ~6 more of 1 KiB each.
    const result = await p.send({
      topic,
      messages: Array.from({ length: 50 }, (_, i) => ({ value: `${i}`.padEnd(100, value) })),
    });
    // Two requests of one batch each; the broker stores batches as they were sent.
    expect(requestsOf('Produce')).toHaveLength(2);
    const { records, batches } = await readPartition(reader, topic, 0);
    expect(batches).toHaveLength(2);
    const [first, second] = batches;
    expect(first.batchLength + 12).toBeLessThanOrEqual(1024);
    expect(first.recordsCount + second.recordsCount).toBe(50);
    expect(result.records.map((r) => Number(r.offset))).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(records.map((r) => r.value)).toEqual(
      Array.from({ length: 50 }, (_, i) => `${i}`.padEnd(100, value)),
    );
  });
});

describe('MESSAGE_TOO_LARGE', () => {
  const message = (i: number) => ({ key: `k${i}`, value: `${i}:`.padEnd(1000, 'x'), headers: { i: `${i}` } });

  it('splits a batch the broker finds too large and sends the pieces in order', async () => {
    const topic = await createTopic(1, { 'max.message.bytes': '20000' });
    const p = await connectedProducer({ batchSize: 100_000, lingerMs: 0 });
    const a = p.send({ topic, messages: Array.from({ length: 60 }, (_, i) => message(i)) });
    const b = p.send({ topic, messages: Array.from({ length: 30 }, (_, i) => message(60 + i)) });
    const [ra, rb] = await Promise.all([a, b]);
    const { records, batches } = await readPartition(reader, topic, 0);
    expect(records.map((r) => r.value)).toEqual(Array.from({ length: 90 }, (_, i) => message(i).value));
    expect(records.map((r) => r.key)).toEqual(Array.from({ length: 90 }, (_, i) => `k${i}`));
    expect(records.map((r) => r.headers[0].value)).toEqual(Array.from({ length: 90 }, (_, i) => `${i}`));
    // Every call learns where each of its records went.
    expect([...ra.records, ...rb.records].map((r) => Number(r.offset))).toEqual(
      Array.from({ length: 90 }, (_, i) => i),
    );
    expect(ra[0].baseOffset).toBe('0');
    expect(rb[0].baseOffset).toBe('60');
    // Only batches under the limit were stored: the pieces.
    expect(batches.every((batch) => batch.batchLength + 12 <= 20_000)).toBe(true);
    // Later batches of the partition stay under the size that worked.
    await p.send({ topic, messages: Array.from({ length: 60 }, (_, i) => message(90 + i)) });
    expect((await readPartition(reader, topic, 0)).records).toHaveLength(150);
  });

  it('splits batches larger than the topic takes, compressed or not, idempotent or not', async () => {
    const topic = await createTopic(2, { 'max.message.bytes': '16000' });
    const expected = new Map<number, string[]>([
      [0, []],
      [1, []],
    ]);
    let n = 0;
    for (const config of [{}, { enableIdempotence: true }, { compressionType: 'gzip' as const }]) {
      const p = await connectedProducer({ batchSize: 200_000, lingerMs: 0, ...config });
      const sends = Array.from({ length: 4 }, () => {
        const messages = Array.from({ length: 100 }, () => {
          const i = n++;
          const partition = i % 2;
          // Random-ish bytes, so gzip cannot shrink a batch under the limit.
          const value = `${i}:${Buffer.from(Array.from({ length: 300 }, (_, j) => (i * 31 + j * 17) % 251)).toString('base64')}`;
          expected.get(partition)!.push(value);
          return { value, partition };
        });
        return p.send({ topic, messages });
      });
      await Promise.all(sends);
      await p.disconnect();
    }
    await expectExactlyInOrder(topic, expected);
  });

  it('splits sequenced batches without gaps or duplicates (idempotence)', async () => {
    const topic = await createTopic(1, { 'max.message.bytes': '20000' });
    const p = await connectedProducer({ enableIdempotence: true, batchSize: 100_000 });
    const sends = Array.from({ length: 5 }, (_, s) =>
      p.send({ topic, messages: Array.from({ length: 40 }, (_, i) => message(s * 40 + i)) }),
    );
    await Promise.all(sends);
    const { records, batches } = await readPartition(reader, topic, 0);
    expect(records.map((r) => r.value)).toEqual(Array.from({ length: 200 }, (_, i) => message(i).value));
    let next = 0;
    for (const batch of batches) {
      expect(batch.baseSequence).toBe(next);
      next += batch.recordsCount;
    }
    expect(next).toBe(200);
  });

  it('fails a single record that is too large with a typed error, and goes on', async () => {
    const topic = await createTopic(1, { 'max.message.bytes': '2000' });
    const p = await connectedProducer({ lingerMs: 0 });
    const err = await p.send({ topic, messages: [{ value: 'x'.repeat(5_000) }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KafkaProtocolError);
    expect((err as KafkaProtocolError).type).toBe('MESSAGE_TOO_LARGE');
    await p.send({ topic, messages: [{ value: 'small' }] });
    expect(await values(topic, 0)).toEqual(['small']);
  });
});
