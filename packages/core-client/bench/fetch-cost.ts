/**
 * `npm run bench:fetch-cost -w @samsa/core-client`: what one fetch costs a consumer of 1,000
 * partitions of which few have data, with fetch sessions (KIP-227) and without, beside KafkaJS 2.2.4
 * (which has none), in one run against one @samsa/broker-dev broker in its own process.
 *
 * A producer trickles records onto 10 of the 1,000 partitions (one every 50 ms, round robin), so
 * fetches come back as records arrive. Each client in turn joins a new group on the topic (from the
 * latest offsets, fetch max wait 500 ms for all), warms up until it has received 20 records and one
 * second more, then is measured for a window (BENCH_FETCH_WINDOW_S, default 15 s) through a counting
 * TCP proxy: Fetch requests, bytes per request and per response (size prefix included), and the
 * broker's CPU per fetch and in all (share of a core), less the CPU the producer alone costs it
 * (measured first, same window). Fewer, fuller fetches cost less each, so compare the shares too.
 * Prints a table, then JSON (also written to bench-results/).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Kafka as KafkaJS, logLevel as kafkaJsLogLevel } from 'kafkajs';
import { Kafka, LogLevel } from '../src/index.js';
import { startBrokerProcess } from './broker-process.js';
import { type FetchCounts, startFetchCountingProxy } from './fetch-counting-proxy.js';
import { cpuSeconds } from './measure.js';

const PARTITIONS = 1000;
const PARTITIONS_WITH_DATA = 10;
const TRICKLE_MS = 50;
const WARMUP_RECORDS = 20;
const FETCH_MAX_WAIT_MS = 500;
const WINDOW_MS = Number(process.env.BENCH_FETCH_WINDOW_S ?? 15) * 1000;
const TOPIC = 'fetch-cost';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Consumer {
  received: () => number;
  stop(): Promise<void>;
}

interface ClientCase {
  name: string;
  start(bootstrap: string, groupId: string): Promise<Consumer>;
}

function samsa(fetchSessions: boolean): ClientCase['start'] {
  return async (bootstrap, groupId) => {
    const kafka = new Kafka({ clientId: 'fetch-cost', brokers: [bootstrap], logLevel: LogLevel.ERROR });
    const consumer = kafka.consumer({
      groupId,
      autoOffsetReset: 'latest',
      fetchMaxWaitMs: FETCH_MAX_WAIT_MS,
      fetchSessions,
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [TOPIC] });
    let received = 0;
    await consumer.run({
      eachMessage: async () => {
        received++;
      },
    });
    return { received: () => received, stop: () => consumer.disconnect() };
  };
}

async function kafkajs(bootstrap: string, groupId: string): Promise<Consumer> {
  const kafka = new KafkaJS({
    clientId: 'fetch-cost',
    brokers: [bootstrap],
    logLevel: kafkaJsLogLevel.NOTHING,
  });
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: FETCH_MAX_WAIT_MS });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: false });
  let received = 0;
  await consumer.run({
    eachMessage: async () => {
      received++;
    },
  });
  return { received: () => received, stop: () => consumer.disconnect() };
}

const CASES: ClientCase[] = [
  { name: 'Samsa, fetch sessions', start: samsa(true) },
  { name: 'Samsa, no sessions', start: samsa(false) },
  { name: 'KafkaJS 2.2.4', start: kafkajs },
];

interface Result {
  client: string;
  ok: boolean;
  windowMs: number;
  fetches?: number;
  requestBytesPerFetch?: number;
  responseBytesPerFetch?: number;
  brokerCpuMsPerFetch?: number;
  /** Share of a core the broker spent serving the consumer. */
  brokerCpuShare?: number;
  recordsReceived?: number;
  error?: string;
}

const { child: broker, bootstrap } = await startBrokerProcess(PARTITIONS);
const proxy = await startFetchCountingProxy(bootstrap[0]!);
const producerClient = new Kafka({
  clientId: 'fetch-cost-producer',
  brokers: bootstrap,
  logLevel: LogLevel.ERROR,
});
const admin = producerClient.admin();
await admin.connect();
await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }] });
await admin.disconnect();
const producer = producerClient.producer({ lingerMs: 0 });
await producer.connect();

let sent = 0;
let sending = true;
const trickle = (async () => {
  while (sending) {
    const partition = (sent % PARTITIONS_WITH_DATA) * (PARTITIONS / PARTITIONS_WITH_DATA);
    await producer.send({ topic: TOPIC, messages: [{ partition, value: `record-${sent}` }] });
    sent++;
    await sleep(TRICKLE_MS);
  }
})();

/** The broker's CPU over one window with only the producer at work. */
async function brokerCpuRate(): Promise<number> {
  const before = cpuSeconds(broker.pid);
  await sleep(WINDOW_MS);
  return (cpuSeconds(broker.pid) - before) / WINDOW_MS;
}

async function measure(c: ClientCase, index: number, baselineCpuPerMs: number): Promise<Result> {
  let consumer: Consumer | undefined;
  try {
    consumer = await c.start(proxy.bootstrap, `fetch-cost-${index}-${Date.now()}`);
    const deadline = Date.now() + 60_000;
    while (consumer.received() < WARMUP_RECORDS) {
      if (Date.now() > deadline) throw new Error(`fewer than ${WARMUP_RECORDS} records within 60 s`);
      await sleep(50);
    }
    await sleep(1000);
    proxy.reset();
    const received = consumer.received();
    const cpuBefore = cpuSeconds(broker.pid);
    await sleep(WINDOW_MS);
    const cpu = cpuSeconds(broker.pid) - cpuBefore;
    const counts: FetchCounts = proxy.counts();
    const fetches = counts.requests;
    return {
      client: c.name,
      ok: true,
      windowMs: WINDOW_MS,
      fetches,
      requestBytesPerFetch: counts.requestBytes / fetches,
      responseBytesPerFetch: counts.responseBytes / Math.max(1, counts.responses),
      brokerCpuMsPerFetch: ((cpu - baselineCpuPerMs * WINDOW_MS) * 1000) / fetches,
      brokerCpuShare: (cpu - baselineCpuPerMs * WINDOW_MS) / (WINDOW_MS / 1000),
      recordsReceived: consumer.received() - received,
    };
  } catch (err) {
    return { client: c.name, ok: false, windowMs: WINDOW_MS, error: (err as Error).message };
  } finally {
    await consumer?.stop().catch(() => {});
  }
}

const results: Result[] = [];
let baselineCpuPerMs = Number.NaN;
try {
  baselineCpuPerMs = await brokerCpuRate();
  for (const [i, c] of CASES.entries()) results.push(await measure(c, i, baselineCpuPerMs));
} finally {
  sending = false;
  await trickle.catch(() => {});
  await producer.disconnect();
  await proxy.stop();
  broker.kill('SIGTERM');
}

const fmt = (n: number | undefined, digits = 0) =>
  n === undefined || !Number.isFinite(n) ? '-' : n.toLocaleString('en-US', { maximumFractionDigits: digits });
const reference = results[0];
const ratio = (mine: number | undefined, theirs: number | undefined) =>
  mine && theirs && Number.isFinite(mine) && Number.isFinite(theirs) ? `${(theirs / mine).toFixed(1)}x` : '';
const header = [
  'client',
  'fetches',
  'request bytes/fetch',
  '÷ sessions',
  'response bytes/fetch',
  'broker CPU µs/fetch',
  '÷ sessions',
  'broker CPU',
  'records',
];
const rows = results.map((r) =>
  r.ok
    ? [
        r.client,
        fmt(r.fetches),
        fmt(r.requestBytesPerFetch),
        r === reference ? '' : ratio(reference?.requestBytesPerFetch, r.requestBytesPerFetch),
        fmt(r.responseBytesPerFetch),
        fmt((r.brokerCpuMsPerFetch ?? Number.NaN) * 1000),
        r === reference ? '' : ratio(reference?.brokerCpuMsPerFetch, r.brokerCpuMsPerFetch),
        `${fmt((r.brokerCpuShare ?? Number.NaN) * 100, 1)}%`,
        fmt(r.recordsReceived),
      ]
    : [r.client, 'failed', r.error ?? '', '', '', '', '', '', ''],
);
console.log(
  `\nFetch cost: ${PARTITIONS} partitions assigned, records on ${PARTITIONS_WITH_DATA} (one every ${TRICKLE_MS} ms), ` +
    `${WINDOW_MS / 1000} s per client; broker CPU less the producer's own (${fmt(baselineCpuPerMs * 1000 * 100, 1)}% of a core)`,
);
console.log(`| ${header.join(' | ')} |`);
console.log(`| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`);
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
const json = JSON.stringify(
  {
    partitions: PARTITIONS,
    partitionsWithData: PARTITIONS_WITH_DATA,
    trickleMs: TRICKLE_MS,
    fetchMaxWaitMs: FETCH_MAX_WAIT_MS,
    baselineBrokerCpuShare: baselineCpuPerMs * 1000,
    results,
  },
  null,
  2,
);
console.log(json);
mkdirSync('bench-results', { recursive: true });
writeFileSync(`bench-results/fetch-cost-${new Date().toISOString().replace(/[:.]/g, '-')}.json`, json);
process.exit(results.every((r) => r.ok) ? 0 : 1);
