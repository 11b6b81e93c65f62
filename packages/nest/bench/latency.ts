/**
 * `npm run bench:latency -w @samsa/nest`: end-to-end latency through Nest, produce call to handler,
 * at 1,000, 10,000 and 100,000 records/s of 1 KB, side by side in one run against one
 * @samsa/broker-dev broker in its own process:
 *
 * - samsa eachMessage:        Samsa's own consumer, the reference
 * - @Subscribe:               an `@Subscribe` handler of a `SamsaModule` application
 * - @EventPattern (SamsaServer): a Nest microservice on the Samsa transport (the @Subscribe machinery)
 *
 * All three are fed by the same Samsa producer (lingerMs 0) running @samsa/core-client's open-loop
 * harness (core-client/bench/latency/: scheduled send times, latency from the scheduled time, so a
 * producer that falls behind shows). Each case is a fresh topic (3 partitions), a consumer process and
 * a producer process. Env as core-client's bench:latency: BENCH_SCALE (5 s measured per case),
 * BENCH_RUNS, BENCH_RATES, BENCH_LATENCY_WARMUP_S, BENCH_CLIENTS (names below, prefixes).
 * Prints a table, then JSON (also in bench-results/nest-latency.json).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { startBrokerProcess } from '../../core-client/bench/broker-process.js';
import {
  type CaseResult,
  type Command,
  LatencyHarness,
  latencySettings,
  latencyTable,
  nodeConsumer,
  nodeProducer,
  nodeWorker,
  schedule,
  summarizeCases,
} from '../../core-client/bench/latency/harness.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const PRODUCER = 'samsa lingerMs=0';
const REFERENCE = 'samsa eachMessage';
const partitions = 3;

/** The consumer of each row; all rows get the same producer. */
const consumers: Record<string, (job: Record<string, unknown>) => Command> = {
  [REFERENCE]: (job) => nodeConsumer(PRODUCER, job),
  '@Subscribe': (job) => nestConsumer('subscribe', job),
  '@EventPattern (SamsaServer)': (job) => nestConsumer('microservice', job),
};

function nestConsumer(mode: 'subscribe' | 'microservice', job: Record<string, unknown>): Command {
  // Nest's decorators need the package's compiler options (experimentalDecorators).
  return nodeWorker(
    `${here}latency-consumer.ts`,
    { mode, ...job },
    { TSX_TSCONFIG_PATH: `${here}../tsconfig.check.json` },
  );
}

async function main() {
  const settings = latencySettings();
  const only = process.env.BENCH_CLIENTS?.split(',').map((s) => s.trim());
  const rows = Object.keys(consumers).filter((c) => !only || only.some((o) => c.startsWith(o)));
  const { child: broker, bootstrap } = await startBrokerProcess(partitions);
  const harness = await LatencyHarness.start(bootstrap, broker.pid);
  const results: CaseResult[] = [];
  const loadBefore = loadavg()[0]!;
  try {
    for (const { client, rate, run } of schedule(rows, settings.rates, settings.runs)) {
      const topic = `nest-latency-${process.pid}-${results.length}`;
      await harness.createTopic(topic, partitions);
      const job = {
        bootstrap,
        topic,
        groupId: `${topic}-group`,
        rate,
        warmupMs: settings.warmupMs,
        durationMs: settings.durationMs,
      };
      console.error(`${rate.toLocaleString('en-US')}/s ${client} (run ${run + 1})...`);
      const result = await harness.runCase({
        client,
        rate,
        run,
        topic,
        warmupMs: settings.warmupMs,
        durationMs: settings.durationMs,
        consumer: consumers[client]!(job),
        producer: nodeProducer(PRODUCER, job),
      });
      results.push(result);
      if (!result.ok) console.error(`  failed: ${result.error}`);
      await harness.deleteTopic(topic).catch(() => {});
    }
  } finally {
    await harness.close().catch(() => {});
    broker.kill('SIGTERM');
  }
  const summary = summarizeCases(results, REFERENCE);
  console.log(
    [
      `end-to-end latency through Nest, 1 KB records, Samsa producer lingerMs=0, ${partitions} partitions, ` +
        `${settings.durationMs / 1000} s measured per case after ${settings.warmupMs / 1000} s warm-up, ` +
        `${settings.runs} run(s); ms from the scheduled send time to the handler (medians over runs); ` +
        `load average at start ${loadBefore.toFixed(2)} (2 cores)`,
      '',
      ...latencyTable(summary, REFERENCE, settings.runs),
    ].join('\n'),
  );
  const json = {
    date: new Date().toISOString(),
    node: process.version,
    partitions,
    ...settings,
    rows: summary,
    results,
  };
  console.log('');
  console.log(JSON.stringify(json, null, 2));
  mkdirSync('bench-results', { recursive: true });
  writeFileSync('bench-results/nest-latency.json', JSON.stringify(json, null, 2));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
