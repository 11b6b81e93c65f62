/**
 * Fetch sessions (KIP-227) end to end against broker-dev: a consumer of many partitions reads
 * everything through one session, starts a new one when the broker loses it, and still reads
 * everything with sessions off or when the broker's session cache is full.
 */
import { type RunningBroker, startBroker } from '@samsa/broker-dev';
import { waitFor } from '@samsa/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { Kafka, type LogEntry, LogLevel } from '../../src/index.js';
import { makeConsumer } from '../helpers/consumer.js';

const PARTITIONS = 40;
let broker: RunningBroker | undefined;
const stops: (() => Promise<void>)[] = [];
let logs: LogEntry[] = [];

afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  await broker?.stop();
  broker = undefined;
  // A session that fetched from the wrong offsets would show up as batches that do not follow on.
  expect(logs.filter((l) => /decode|corrupt|batches that end/.test(JSON.stringify(l)))).toEqual([]);
  logs = [];
});

async function setup(options: { slots?: number } = {}) {
  broker = await startBroker({
    partitions: PARTITIONS,
    maxIncrementalFetchSessionCacheSlots: options.slots,
  });
  const kafka = new Kafka({
    clientId: 'fetch-sessions-it',
    brokers: broker.bootstrap,
    logLevel: LogLevel.WARN,
    logCreator: () => (entry) => logs.push(entry),
    retry: { initialRetryTimeMs: 20, maxRetryTimeMs: 200, retries: 20 },
  });
  const producer = kafka.producer({ lingerMs: 0 });
  await producer.connect();
  stops.push(() => producer.disconnect());
  let sent = 0;
  /** Sends `count` records to `partitions` (round robin), numbered on from the last call. */
  const produce = async (count: number, partitions = PARTITIONS) => {
    const messages = Array.from({ length: count }, (_, i) => ({
      partition: (sent + i) % partitions,
      value: String(sent + i),
    }));
    sent += count;
    await producer.send({ topic: 'many', messages });
  };
  return { kafka, produce };
}

/** A consumer of 'many' in its own group, collecting the values it sees. */
async function consume(kafka: Kafka, groupId: string, fetchSessions?: boolean) {
  const consumer = makeConsumer(kafka, {
    groupId,
    autoOffsetReset: 'earliest',
    fetchMaxWaitMs: 100,
    ...(fetchSessions !== undefined && { fetchSessions }),
  });
  await consumer.connect();
  stops.push(() => consumer.disconnect());
  await consumer.subscribe({ topics: ['many'] });
  const seen: number[] = [];
  await consumer.run({ eachMessage: async ({ message }) => void seen.push(Number(message.value)) });
  return Object.assign(seen, { consumer });
}

const upTo = (n: number) => Array.from({ length: n }, (_, i) => i);
const sorted = (values: number[]) => [...values].sort((a, b) => a - b);

describe('consumer fetch sessions', () => {
  it('reads every partition through one session, and opens a new one after the broker lost it', async () => {
    const { kafka, produce } = await setup();
    await produce(200);
    const seen = await consume(kafka, 'sessions-on');
    await waitFor('the first 200 records', () => seen.length >= 200, { timeoutMs: 20_000 });
    expect(broker!.control.fetchSessionCount()).toBe(1);
    // Records on a few partitions only: incremental fetches carry them.
    await produce(30, 3);
    await waitFor('30 more', () => seen.length >= 230, { timeoutMs: 20_000 });
    // A restart loses the sessions (and the connections): the consumer starts a new one.
    await broker!.restart();
    await produce(70);
    await waitFor('70 more after the restart', () => seen.length >= 300, { timeoutMs: 30_000 });
    expect(sorted(seen)).toEqual(upTo(300));
    expect(broker!.control.fetchSessionCount()).toBe(1);
  }, 60_000);

  it('recovers from a session the broker evicted (FETCH_SESSION_ID_NOT_FOUND)', async () => {
    const { kafka, produce } = await setup();
    await produce(40);
    const seen = await consume(kafka, 'evicted');
    await waitFor('the first 40 records', () => seen.length >= 40, { timeoutMs: 20_000 });
    expect(broker!.control.evictFetchSessions()).toBe(1);
    await produce(40);
    await waitFor('40 more', () => seen.length >= 80, { timeoutMs: 20_000 });
    expect(sorted(seen)).toEqual(upTo(80));
    await waitFor('a new session', () => broker!.control.fetchSessionCount() === 1);
  }, 60_000);

  it('reads everything with sessions off, and when the broker has no slot left', async () => {
    const { kafka, produce } = await setup({ slots: 1 });
    await produce(120);
    const first = await consume(kafka, 'first');
    await waitFor('the first consumer has a session', () => broker!.control.fetchSessionCount() === 1);
    const second = await consume(kafka, 'second');
    const off = await consume(kafka, 'off', false);
    await waitFor('all three read 120', () => [first, second, off].every((s) => s.length >= 120), {
      timeoutMs: 30_000,
    });
    await produce(40, 2);
    await waitFor('all three read 160', () => [first, second, off].every((s) => s.length >= 160), {
      timeoutMs: 30_000,
    });
    for (const s of [first, second, off]) expect(sorted(s)).toEqual(upTo(160));
    // One slot: the first session keeps it (it is young), the others fetch without one.
    expect(broker!.control.fetchSessionCount()).toBe(1);
  }, 60_000);

  it('closes its session when it stops, so the slot is free at once for another consumer', async () => {
    const { kafka, produce } = await setup({ slots: 1 });
    await produce(40);
    const first = await consume(kafka, 'closing');
    // Read, so the answer that opened the session (and carried its id) has been handled.
    await waitFor('the first read 40', () => first.length >= 40, { timeoutMs: 20_000 });
    expect(broker!.control.fetchSessionCount()).toBe(1);
    await first.consumer.disconnect();
    expect(broker!.control.fetchSessionCount()).toBe(0);
    // The one slot is free: a new consumer gets it, though the first session was young.
    const second = await consume(kafka, 'after-closing');
    await waitFor('the second read 40', () => second.length >= 40, { timeoutMs: 20_000 });
    await waitFor('the second has the slot', () => broker!.control.fetchSessionCount() === 1);
  }, 60_000);
});
