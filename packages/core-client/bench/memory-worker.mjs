/**
 * One scenario of `npm run bench:memory` for one client, in this fresh process; prints one line
 * `MEMORY_RESULT {json}`. Input comes in MEMORY_JOB as JSON (see bench/memory.ts).
 *
 * Plain JavaScript on purpose: run through tsx, a process carries tsx's loader thread and its
 * transpile caches (30-40 MB of RSS, varying from run to run), which would drown what a client costs.
 * Samsa is imported as users get it, from the package's built `dist`.
 *
 * Scenarios: `baseline` (the client's module imported, nothing else), `producer` (connected, one
 * record sent, so metadata is fetched), `consumer` (in a group, assigned, caught up with the
 * topic, sitting in its fetch loop), `consumers-one-group` and `consumers-many-groups` (`consumers`
 * consumers in this process, in one group or each in its own group). After the client is idle it
 * settles for `settleMs`, then `samples` samples are taken `sampleEveryMs` apart, each after two full
 * GCs (`--expose-gc`); the result is each metric's median.
 */

import { pathToFileURL } from 'node:url';

const job = JSON.parse(process.env.MEMORY_JOB ?? '{}');
const WAIT_LIMIT_MS = job.waitLimitMs ?? 60_000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Joining and catching up, together, must finish by then. */
const deadline = Date.now() + WAIT_LIMIT_MS;

/** Rejects at the deadline: a client whose members never all join (KafkaJS's run() waits for its join). */
function byDeadline(what, promise) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`gave up after ${WAIT_LIMIT_MS} ms waiting for ${what}`)),
      deadline - Date.now(),
    );
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

async function until(what, condition) {
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up after ${WAIT_LIMIT_MS} ms waiting for ${what}`);
    await sleep(20);
  }
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function sample() {
  const samples = [];
  for (let i = 0; i < job.samples; i++) {
    await sleep(i === 0 ? job.settleMs : job.sampleEveryMs);
    globalThis.gc();
    globalThis.gc();
    samples.push(process.memoryUsage());
  }
  const metric = (key) => median(samples.map((s) => s[key]));
  return {
    rss: metric('rss'),
    heapUsed: metric('heapUsed'),
    heapTotal: metric('heapTotal'),
    external: metric('external'),
    arrayBuffers: metric('arrayBuffers'),
  };
}

/** Samsa's idle producer and consumers, from the module `loading` resolves to. */
async function samsa(loading) {
  const { Kafka, LogLevel } = await loading;
  const kafka = new Kafka({ clientId: 'bench-memory', brokers: job.bootstrap, logLevel: LogLevel.NOTHING });
  return {
    async producer() {
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic: job.topic, messages: [{ value: 'x' }] });
      return () => producer.disconnect();
    },
    async consumer(groupId, onMessage) {
      const consumer = kafka.consumer({ groupId, autoOffsetReset: 'earliest' });
      await consumer.subscribe({ topics: [job.topic] });
      await consumer.run({
        eachMessage: async ({ partition, message }) => onMessage(partition, message.offset),
      });
      return () => consumer.disconnect();
    },
  };
}

/** Per client: how to make an idle producer and N idle consumers, each reporting what it has seen. */
const clients = {
  samsa: () => samsa(import('@samsa/core-client')),
  // BENCH_BASELINE=<checkout>: that checkout's built Samsa (bench/baseline.ts), beside this one.
  'samsa-baseline': () => samsa(import(pathToFileURL(job.baselineEntry).href)),
  async kafkajs() {
    const { Kafka, logLevel } = await import('kafkajs');
    const kafka = new Kafka({ clientId: 'bench-memory', brokers: job.bootstrap, logLevel: logLevel.NOTHING });
    return {
      async producer() {
        const producer = kafka.producer();
        await producer.connect();
        await producer.send({ topic: job.topic, messages: [{ value: 'x' }] });
        return () => producer.disconnect();
      },
      async consumer(groupId, onMessage) {
        const consumer = kafka.consumer({ groupId });
        await consumer.connect();
        await consumer.subscribe({ topic: job.topic, fromBeginning: true });
        await consumer.run({
          eachMessage: async ({ partition, message }) => onMessage(partition, message.offset),
        });
        return () => consumer.disconnect();
      },
    };
  },
  async platformatic() {
    const { Producer, Consumer } = await import('@platformatic/kafka');
    return {
      async producer() {
        const producer = new Producer({ clientId: 'bench-memory', bootstrapBrokers: job.bootstrap });
        await producer.send({ messages: [{ topic: job.topic, value: Buffer.from('x') }] });
        return () => producer.close();
      },
      async consumer(groupId, onMessage) {
        const consumer = new Consumer({ clientId: 'bench-memory', groupId, bootstrapBrokers: job.bootstrap });
        const stream = await consumer.consume({ topics: [job.topic], mode: 'earliest', autocommit: true });
        stream.on('data', (m) => onMessage(m.partition, m.offset));
        return () => consumer.close(true);
      },
    };
  },
};

async function main() {
  // `none`: the bare Node process, nothing imported.
  const load = job.client === 'none' ? async () => undefined : clients[job.client];
  if (!load) throw new Error(`unknown client ${job.client}`);
  const client = await load();
  const started = Date.now();
  const closers = [];
  let members = 0;
  if (job.scenario === 'producer') {
    closers.push(await client.producer());
  } else if (job.scenario !== 'baseline') {
    members = job.scenario === 'consumer' ? 1 : job.consumers;
    /** Per consumer: the distinct records it has seen, as "partition:offset". */
    const seen = Array.from({ length: members }, () => new Set());
    // All at once, as a service starts them: KafkaJS's run() waits for its join, and members joining
    // one by one would each wait for a rebalance of the members before them.
    closers.push(
      ...(await byDeadline(
        'every consumer to start',
        Promise.all(
          seen.map((records, i) =>
            client.consumer(
              job.scenario === 'consumers-one-group' ? job.groupId : `${job.groupId}-${i}`,
              (partition, offset) => records.add(`${partition}:${offset}`),
            ),
          ),
        ),
      )),
    );
    if (job.scenario === 'consumers-one-group') {
      // The group's members share the records; caught up when together they have seen all of them.
      await until(
        'the group to consume every record',
        () => new Set(seen.flatMap((s) => [...s])).size >= job.records,
      );
    } else {
      await until('every consumer to consume every record', () => seen.every((s) => s.size >= job.records));
    }
  }
  const readyMs = Date.now() - started;
  const memory = await sample();
  // Closed only with a bound: 100 KafkaJS members leaving one group can wait on each other for minutes,
  // and the process exits after printing anyway.
  await Promise.race([Promise.allSettled(closers.map((close) => close())), sleep(5000)]);
  return { ok: true, members, readyMs, ...memory };
}

main().then(
  (r) => {
    process.stdout.write(`MEMORY_RESULT ${JSON.stringify(r)}\n`);
    process.exit(0);
  },
  (err) => {
    process.stdout.write(
      `MEMORY_RESULT ${JSON.stringify({ ok: false, error: String(err?.stack ?? err) })}\n`,
    );
    process.exit(0);
  },
);
