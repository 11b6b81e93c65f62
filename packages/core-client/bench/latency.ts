/**
 * `npm run bench:latency -w @samsa/core-client`: end-to-end latency, produce call to consumer
 * handler, at 1,000, 10,000 and 100,000 records/s of 1 KB, for Samsa (lingerMs 0 and 5), KafkaJS
 * 2.2.4, @platformatic/kafka 1.35.0 and librdkafka 2.0.2 (Python confluent-kafka, linger.ms=0), each
 * client producing and consuming with itself, side by side in one run against one @samsa/broker-dev
 * broker in its own process.
 *
 * Each case runs a consumer process and a producer process (bench/latency/): the producer sends open
 * loop (records scheduled at t0 + i / rate, never waiting for earlier sends) with the scheduled
 * time in each record; the consumer takes handler time minus scheduled time, so a producer that
 * falls behind shows in the latencies (no coordinated omission) and in the achieved rate. A second
 * of warm-up at the rate is not counted. A fresh topic (3 partitions) per case.
 *
 * Env: BENCH_SCALE (default 1: 5 s measured per case), BENCH_RUNS (repetitions, client order
 * rotated; medians), BENCH_CLIENTS (comma list of names below), BENCH_RATES (e.g. 10000),
 * BENCH_LATENCY_WARMUP_S (default 1), BENCH_PARTITIONS (default 3). Prints a table, then JSON (also
 * written to bench-results/latency.json).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { startBrokerProcess } from './broker-process.js';
import { nodeClients, OPEN_LOOP_ALONE } from './latency/clients.js';
import {
  type CaseResult,
  LatencyHarness,
  latencySettings,
  latencyTable,
  nodeConsumer,
  nodeProducer,
  pythonWorker,
  schedule,
  summarizeCases,
} from './latency/harness.js';

const LIBRDKAFKA = 'librdkafka (python) linger.ms=0';
const REFERENCE = 'samsa lingerMs=0';
const ALL_CLIENTS = [...Object.keys(nodeClients), LIBRDKAFKA];

const settings = latencySettings();
const only = process.env.BENCH_CLIENTS?.split(',').map((s) => s.trim());
const clients = ALL_CLIENTS.filter((c) => !only || only.some((o) => c.startsWith(o)));
const partitions = Number(process.env.BENCH_PARTITIONS ?? 3);

async function main() {
  const { child: broker, bootstrap } = await startBrokerProcess(partitions);
  const harness = await LatencyHarness.start(bootstrap, broker.pid);
  const results: CaseResult[] = [];
  const loadBefore = loadavg()[0]!;
  try {
    for (const { client, rate, run } of schedule(clients, settings.rates, settings.runs)) {
      const topic = `latency-${process.pid}-${results.length}`;
      const groupId = `${topic}-group`;
      await harness.createTopic(topic, partitions);
      const job = {
        bootstrap,
        topic,
        groupId,
        rate,
        warmupMs: settings.warmupMs,
        durationMs: settings.durationMs,
      };
      console.error(`${rate.toLocaleString('en-US')}/s ${client} (run ${run + 1})...`);
      const python = client === LIBRDKAFKA;
      const consumer =
        client === OPEN_LOOP_ALONE
          ? null
          : python
            ? pythonWorker('consumer', job)
            : nodeConsumer(client, job);
      const result = await harness.runCase({
        client,
        rate,
        run,
        topic,
        warmupMs: settings.warmupMs,
        durationMs: settings.durationMs,
        consumer,
        producer: python ? pythonWorker('producer', job) : nodeProducer(client, job),
      });
      results.push(result);
      if (!result.ok) console.error(`  failed: ${result.error}`);
      await harness.deleteTopic(topic).catch(() => {});
    }
  } finally {
    await harness.close().catch(() => {});
    broker.kill('SIGTERM');
  }
  const rows = summarizeCases(results, REFERENCE);
  console.log(
    [
      `end-to-end latency, 1 KB records, ${partitions} partitions, ${settings.durationMs / 1000} s measured per case ` +
        `after ${settings.warmupMs / 1000} s warm-up, ${settings.runs} run(s); ms from the scheduled send time to the handler ` +
        `(medians over runs); load average at start ${loadBefore.toFixed(2)} (2 cores)`,
      '',
      ...latencyTable(rows, REFERENCE, settings.runs),
    ].join('\n'),
  );
  const json = {
    date: new Date().toISOString(),
    node: process.version,
    partitions,
    ...settings,
    rows,
    results,
  };
  console.log('');
  console.log(JSON.stringify(json, null, 2));
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/latency.json', JSON.stringify(json, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
