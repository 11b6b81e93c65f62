/**
 * Ingest benchmark without kcat: the CPU each broker spends taking in 1 GB of produce requests.
 *
 * A light client in this process (the tests' RawClient; the records are written to the socket by
 * reference, never copied) sends the same requests (one ~1 MB RecordBatch v2 of 1 KB records each,
 * acks=1, `--in-flight` at a time, Produce v7) to the dev broker and to the
 * librdkafka mock cluster, a fresh process of each per run, which goes first alternating. Each
 * acknowledgement is checked. kcat's own CPU and heap are out of the picture, so this shows what each
 * broker does per byte; run.ts shows what a real client gets on a machine the two share.
 *
 * Usage: npm run bench:ingest -w @samsa/broker-dev [-- --requests 1000 --runs 3 --in-flight 4]
 */
import { parseArgs } from 'node:util';
import { RecordBatchBuilder } from '@samsa/protocol';
import { RawClient } from '../test/helpers/raw-client.js';
import { startDevBroker, startMock, stop, userSystemSeconds } from './brokers.js';

const { values: args } = parseArgs({
  options: {
    requests: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '3' },
    'in-flight': { type: 'string', default: '4' },
  },
});
const REQUESTS = Number(args.requests);
const RUNS = Number(args.runs);
const IN_FLIGHT = Number(args['in-flight']);
const TOPIC = 'ingest';
const RECORD_BYTES = 1024;
/** The most either broker may take for one run. */
const RUN_TIMEOUT_MS = 120_000;
/** The mock serves Metadata up to v2 and Produce up to v7. */
const METADATA_VERSION = 1;
const PRODUCE_VERSION = 7;

type Contender = 'devBroker' | 'mock';

interface Measurement {
  seconds: number;
  bytes: number;
  userSeconds: number;
  systemSeconds: number;
}

/** Asks for the topic's metadata until partition 0 has a leader (both brokers create it on demand). */
async function awaitTopic(client: RawClient): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const response = await client.request(3, METADATA_VERSION, { topics: [{ name: TOPIC }] });
    const topic = response.topics.find((t) => t.name === TOPIC);
    if (topic?.errorCode === 0 && (topic.partitions[0]?.leaderId ?? -1) >= 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`topic ${TOPIC} got no leader`);
}

/** One ~1 MB batch of 1 KB records, sent in every request. */
function recordBatch(): Buffer {
  const builder = new RecordBatchBuilder({ maxBatchBytes: 1_000_000 });
  const value = Buffer.alloc(RECORD_BYTES, 0x61);
  while (builder.tryAppend({ key: null, value })) {}
  return builder.build();
}

/** Sends REQUESTS produce requests, IN_FLIGHT at a time; resolves when all are acknowledged. */
async function ingest(client: RawClient, records: Buffer): Promise<void> {
  const body = {
    transactionalId: null,
    acks: 1,
    timeoutMs: 30_000,
    topicData: [{ name: TOPIC, partitionData: [{ index: 0, records }] }],
  };
  let sent = 0;
  const sender = async () => {
    while (sent++ < REQUESTS) {
      // One write per request: its header chunk and the records leave together.
      client.cork();
      const response = client.request(0, PRODUCE_VERSION, body);
      client.uncork();
      const errorCode = (await response).responses[0]?.partitionResponses[0]?.errorCode;
      if (errorCode !== 0) throw new Error(`produce failed with error code ${errorCode}`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, sender));
}

async function measure(contender: Contender, records: Buffer): Promise<Measurement> {
  const broker = contender === 'mock' ? await startMock() : await startDevBroker();
  const pid = broker.child.pid!;
  try {
    const client = await RawClient.connect(broker.match[1]);
    try {
      await awaitTopic(client);
      const before = userSystemSeconds(pid);
      const started = process.hrtime.bigint();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${contender} took over ${RUN_TIMEOUT_MS} ms`)),
          RUN_TIMEOUT_MS,
        );
      });
      await Promise.race([ingest(client, records), timeout]).finally(() => clearTimeout(timer));
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const after = userSystemSeconds(pid);
      if (!before || !after) throw new Error('this benchmark reads CPU times from /proc (Linux only)');
      return {
        seconds,
        bytes: REQUESTS * records.length,
        userSeconds: after.user - before.user,
        systemSeconds: after.system - before.system,
      };
    } finally {
      client.close();
    }
  } finally {
    await stop(broker.child);
  }
}

const gb = (m: Measurement) => m.bytes / 1e9;
const cpuPerGb = (m: Measurement) => (m.userSeconds + m.systemSeconds) / gb(m);

function middle(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function summary(m: Measurement): string {
  return (
    `${(gb(m) / m.seconds).toFixed(2)} GB/s, CPU ${cpuPerGb(m).toFixed(2)} s/GB ` +
    `(user ${(m.userSeconds / gb(m)).toFixed(2)}, system ${(m.systemSeconds / gb(m)).toFixed(2)})`
  );
}

async function main(): Promise<void> {
  const records = recordBatch();
  const bytesPerRequest = records.length;
  const runs: Record<Contender, Measurement>[] = [];
  for (let run = 0; run < RUNS; run++) {
    const order: Contender[] = run % 2 === 0 ? ['devBroker', 'mock'] : ['mock', 'devBroker'];
    const result = {} as Record<Contender, Measurement>;
    for (const contender of order) result[contender] = await measure(contender, records);
    runs.push(result);
    console.log(
      `run ${run + 1}/${RUNS}: dev broker ${summary(result.devBroker)}; mock ${summary(result.mock)}`,
    );
  }
  const medianOf = (contender: Contender, f: (m: Measurement) => number) =>
    middle(runs.map((r) => f(r[contender])));
  const rows = (['devBroker', 'mock'] as const).map((c) => ({
    name: c === 'mock' ? 'librdkafka mock' : 'dev broker (in memory)',
    rate: medianOf(c, (m) => gb(m) / m.seconds),
    cpu: medianOf(c, cpuPerGb),
    user: medianOf(c, (m) => m.userSeconds / gb(m)),
    system: medianOf(c, (m) => m.systemSeconds / gb(m)),
  }));
  const mb = (REQUESTS * bytesPerRequest) / 1e6;
  console.log(
    `\n${REQUESTS} produce requests of ${(bytesPerRequest / 1e6).toFixed(2)} MB (${mb.toFixed(0)} MB of 1 KB records), ` +
      `${IN_FLIGHT} in flight, medians of ${RUNS} runs`,
  );
  console.log(
    `${'broker'.padEnd(24)}${'GB/s'.padStart(8)}${'CPU s/GB'.padStart(10)}${'user'.padStart(8)}${'system'.padStart(8)}`,
  );
  for (const row of rows) {
    console.log(
      `${row.name.padEnd(24)}${row.rate.toFixed(2).padStart(8)}${row.cpu.toFixed(2).padStart(10)}` +
        `${row.user.toFixed(2).padStart(8)}${row.system.toFixed(2).padStart(8)}`,
    );
  }
  console.log(
    '\nThe dev broker checks every batch (CRC32C included) and keeps every record; the mock checks no CRC and' +
      '\nkeeps ~5 MiB per partition, dropping older batches. CPU = user + system seconds of the broker process.',
  );
  console.log(
    `\n${JSON.stringify({ benchmark: 'broker-dev ingest CPU', requests: REQUESTS, bytesPerRequest, inFlight: IN_FLIGHT, runs })}`,
  );
}

main().catch((err: Error) => {
  console.error(err.stack ?? err.message);
  process.exit(1);
});
