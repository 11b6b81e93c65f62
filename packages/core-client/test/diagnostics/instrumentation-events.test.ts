/**
 * KafkaJS's instrumentation events with KafkaJS's payload shapes (its types/index.d.ts), so listeners
 * written for KafkaJS keep working: network events on producer, consumer and admin, and the consumer's
 * fetch, batch-process and unsubscribed-topics events.
 */
import { waitFor } from '@samsa/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type InstrumentationEvent,
  Kafka,
  LogLevel,
  type MemberAssignment,
  type PartitionAssignor,
} from '../../src/index.js';
import { type Fixture, startFixture } from '../helpers/broker-fixture.js';

/** KafkaJS's RequestEvent, RequestQueueSizeEvent and RequestTimeoutEvent payload keys. */
const REQUEST_KEYS = [
  'apiKey',
  'apiName',
  'apiVersion',
  'broker',
  'clientId',
  'correlationId',
  'createdAt',
  'duration',
  'pendingDuration',
  'sentAt',
  'size',
];
const TIMEOUT_KEYS = REQUEST_KEYS.filter((k) => k !== 'duration' && k !== 'size');
const BATCH_PROCESS_KEYS = [
  'batchSize',
  'firstOffset',
  'highWatermark',
  'lastOffset',
  'offsetLag',
  'offsetLagLow',
  'partition',
  'topic',
];

let fixture: Fixture;

beforeAll(async () => {
  fixture = await startFixture({ brokers: 1, partitions: 1 });
  await fixture.produce('ie-topic', 5);
});

afterAll(async () => {
  await fixture?.stop();
});

const keys = (e: InstrumentationEvent) => Object.keys(e.payload as object).sort();

describe('KafkaJS instrumentation events', () => {
  it('producer: CONNECT, REQUEST, REQUEST_QUEUE_SIZE and DISCONNECT with KafkaJS payloads', async () => {
    const producer = fixture.kafka.producer();
    const seen: InstrumentationEvent[] = [];
    for (const type of Object.values(producer.events)) producer.on(type, (e) => seen.push(e));
    await producer.connect();
    await producer.send({ topic: 'ie-produce', messages: [{ value: 'x' }] });
    await producer.disconnect();

    expect(seen.find((e) => e.type === 'producer.connect')).toMatchObject({ payload: null });
    expect(seen.at(-1)).toMatchObject({ type: 'producer.disconnect', payload: null });
    const produce = seen.find(
      (e) =>
        e.type === 'producer.network.request' && (e.payload as { apiName: string }).apiName === 'Produce',
    )!;
    expect(keys(produce)).toEqual(REQUEST_KEYS);
    expect(produce.payload).toMatchObject({ clientId: 'samsa-consumer-it', pendingDuration: 0 });
    expect((produce.payload as { broker: string }).broker).toMatch(/^127\.0\.0\.1:\d+$/);
    expect((produce.payload as { size: number }).size).toBeGreaterThan(0);
    const queue = seen.find((e) => e.type === 'producer.network.request_queue_size')!;
    expect(keys(queue)).toEqual(['broker', 'clientId', 'queueSize']);
    // Envelope: increasing ids and a timestamp, as KafkaJS's InstrumentationEvent.
    expect(seen.at(-1)!.id).toBeGreaterThan(seen[0].id);
    expect(typeof seen[0].timestamp).toBe('number');
  });

  it('consumer: FETCH_START, FETCH and START/END_BATCH_PROCESS, for eachMessage and eachBatch', async () => {
    for (const style of ['eachMessage', 'eachBatch'] as const) {
      const consumer = fixture.kafka.consumer({ groupId: `ie-${style}`, autoOffsetReset: 'earliest' });
      const seen: InstrumentationEvent[] = [];
      for (const type of Object.values(consumer.events)) consumer.on(type, (e) => seen.push(e));
      let handled = 0;
      await consumer.subscribe({ topics: ['ie-topic'] });
      await consumer.run(
        style === 'eachMessage'
          ? {
              eachMessage: async () => {
                handled++;
              },
            }
          : {
              eachBatch: async ({ batch }) => {
                handled += batch.messages.length;
              },
            },
      );
      await waitFor('5 records', () => handled >= 5);
      await waitFor('the batch ends', () => seen.some((e) => e.type === 'consumer.end_batch_process'));
      await consumer.disconnect();

      const of = (type: string) => seen.filter((e) => e.type === type);
      expect(keys(of('consumer.fetch_start')[0])).toEqual(['nodeId']);
      const fetch = of('consumer.fetch').find(
        (e) => (e.payload as { numberOfBatches: number }).numberOfBatches > 0,
      )!;
      expect(keys(fetch)).toEqual(['duration', 'nodeId', 'numberOfBatches']);
      const start = of('consumer.start_batch_process')[0];
      expect(keys(start)).toEqual(BATCH_PROCESS_KEYS);
      expect(start.payload).toMatchObject({
        topic: 'ie-topic',
        partition: 0,
        highWatermark: '5',
        firstOffset: '0',
        lastOffset: '4',
        batchSize: 5,
        offsetLag: '0',
        offsetLagLow: '4',
      });
      const end = of('consumer.end_batch_process')[0];
      expect(keys(end)).toEqual([...BATCH_PROCESS_KEYS, 'duration'].sort());
      expect(keys(of('consumer.network.request')[0])).toEqual(REQUEST_KEYS);
      for (const type of ['consumer.connect', 'consumer.group_join', 'consumer.stop', 'consumer.disconnect'])
        expect(of(type).length, type).toBeGreaterThan(0);
    }
  });

  it('consumer: RECEIVED_UNSUBSCRIBED_TOPICS when the leader assigns a topic this member did not subscribe to', async () => {
    await fixture.produce('ie-other', 1);
    // An assignor that hands every member a topic nobody subscribed to, as a broken leader might.
    const generous: PartitionAssignor = {
      name: 'generous',
      supportedProtocols: ['eager'],
      assign({ members }) {
        return new Map<string, MemberAssignment>(
          members.map((m) => [
            m.memberId,
            {
              partitions: new Map([
                ['ie-topic', [0]],
                ['ie-other', [0]],
              ]),
              userData: null,
            },
          ]),
        );
      },
    };
    const consumer = fixture.kafka.consumer({ groupId: 'ie-unsubscribed', partitionAssignors: [generous] });
    const seen: InstrumentationEvent[] = [];
    consumer.on(consumer.events.RECEIVED_UNSUBSCRIBED_TOPICS, (e) => seen.push(e));
    await consumer.subscribe({ topics: ['ie-topic'] });
    await consumer.run({ eachMessage: async () => {} });
    await consumer.disconnect();
    expect(seen).toHaveLength(1);
    expect(seen[0].payload).toMatchObject({
      groupId: 'ie-unsubscribed',
      assignedTopics: expect.arrayContaining(['ie-topic', 'ie-other']),
      topicsSubscribed: ['ie-topic'],
      topicsNotSubscribed: ['ie-other'],
    });
    expect(keys(seen[0])).toEqual([
      'assignedTopics',
      'generationId',
      'groupId',
      'memberId',
      'topicsNotSubscribed',
      'topicsSubscribed',
    ]);
  });

  it('admin: CONNECT, REQUEST and REQUEST_TIMEOUT', async () => {
    const kafka = new Kafka({
      brokers: fixture.broker.bootstrap,
      logLevel: LogLevel.NOTHING,
      requestTimeoutMs: 200,
      retry: { retries: 0 },
    });
    const admin = kafka.admin();
    const seen: InstrumentationEvent[] = [];
    for (const type of Object.values(admin.events)) admin.on(type, (e) => seen.push(e));
    await admin.connect();
    fixture.broker.control.addLatency(1000, { api: 'Metadata' });
    try {
      await expect(admin.fetchTopicMetadata({ topics: ['ie-topic'] })).rejects.toThrow();
    } finally {
      fixture.broker.control.clearFaults();
    }
    await admin.disconnect();
    expect(seen.find((e) => e.type === 'admin.connect')).toMatchObject({ payload: null });
    expect(keys(seen.find((e) => e.type === 'admin.network.request')!)).toEqual(REQUEST_KEYS);
    const timeout = seen.find((e) => e.type === 'admin.network.request_timeout')!;
    expect(keys(timeout)).toEqual(TIMEOUT_KEYS);
    expect(timeout.payload).toMatchObject({ apiName: 'Metadata' });
  });
});
