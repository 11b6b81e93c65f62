/**
 * One benchmark run in a fresh process: produce or consume with the diagnostics channels in one of
 * three states, then print `BENCH_RESULT {...}`.
 *
 * - `baseline`: the core-client build in BENCH_BASELINE (a checkout built before the channels existed).
 * - `none`: nobody subscribed (what every application without instrumentation pays).
 * - `channels`: a no-op subscriber on every tracing channel (what publishing the events costs).
 * - `otel`: SamsaInstrumentation with every record traced (AlwaysOn sampling, a BatchSpanProcessor
 *   feeding an exporter that counts and drops spans) and the messaging metrics on a meter provider.
 */
import diagnostics_channel from 'node:diagnostics_channel';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { metrics } from '@opentelemetry/api';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BatchSpanProcessor,
  NodeTracerProvider,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-node';
import { DiagnosticsChannelNames } from '@samsa/core-client';
import { SamsaInstrumentation } from '../src/index.js';

export type Mode = 'baseline' | 'none' | 'channels' | 'otel';
export type Scenario = 'produce' | 'eachMessage' | 'eachBatch';

export interface Job {
  mode: Mode;
  scenario: Scenario;
  bootstrap: string[];
  topic: string;
  count: number;
  valueSize: number;
  groupId: string;
}

class CountingExporter implements SpanExporter {
  spans = 0;
  export(spans: ReadableSpan[], done: (result: { code: 0 }) => void): void {
    this.spans += spans.length;
    done({ code: 0 });
  }
  async shutdown(): Promise<void> {}
}

class IdleReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

function subscribeNoop(): void {
  const noop = () => {};
  for (const [key, name] of Object.entries(DiagnosticsChannelNames)) {
    if (key === 'clientCreated') continue;
    diagnostics_channel
      .tracingChannel(name)
      .subscribe({ start: noop, end: noop, asyncStart: noop, asyncEnd: noop, error: noop });
  }
}

function startOtel(): { exporter: CountingExporter; flush: () => Promise<void> } {
  const exporter = new CountingExporter();
  const tracerProvider = new NodeTracerProvider({
    spanProcessors: [new BatchSpanProcessor(exporter, { maxQueueSize: 65_536, maxExportBatchSize: 4096 })],
  });
  tracerProvider.register();
  const meterProvider = new MeterProvider({ readers: [new IdleReader()] });
  metrics.setGlobalMeterProvider(meterProvider);
  const instrumentation = new SamsaInstrumentation();
  instrumentation.setTracerProvider(tracerProvider);
  instrumentation.setMeterProvider(meterProvider);
  return { exporter, flush: () => tracerProvider.forceFlush() };
}

type CoreClient = typeof import('@samsa/core-client');

/**
 * The client under test. With BENCH_BASELINE, both sides run tsc's output (`dist`), this checkout's
 * and the baseline's, so they differ only in the code; without it, this checkout's sources.
 */
async function loadClient(mode: Mode): Promise<CoreClient> {
  const baseline = process.env.BENCH_BASELINE;
  if (!baseline) {
    if (mode === 'baseline') throw new Error('BENCH_BASELINE is not set');
    return import('@samsa/core-client');
  }
  const entry =
    mode === 'baseline'
      ? join(resolve(baseline), 'packages/core-client/dist/index.js')
      : new URL('../../core-client/dist/index.js', import.meta.url).pathname;
  if (!existsSync(entry)) throw new Error(`${entry} is missing: build that checkout (npm run build)`);
  return (await import(pathToFileURL(entry).href)) as CoreClient;
}

async function run(job: Job): Promise<Record<string, unknown>> {
  let otel: ReturnType<typeof startOtel> | null = null;
  if (job.mode === 'channels') subscribeNoop();
  if (job.mode === 'otel') otel = startOtel();
  const { Kafka, LogLevel } = await loadClient(job.mode);
  const kafka = new Kafka({
    clientId: `bench-${job.mode}`,
    brokers: job.bootstrap,
    logLevel: LogLevel.ERROR,
  });
  let ms: number;
  let cpu: NodeJS.CpuUsage;
  let count = job.count;
  if (job.scenario === 'produce') {
    const producer = kafka.producer({ lingerMs: 5 });
    await producer.connect();
    const value = Buffer.alloc(job.valueSize, 120);
    const batch = 1000;
    const messages = () => Array.from({ length: batch }, () => ({ value }));
    await producer.send({ topic: job.topic, messages: messages().slice(0, 10) });
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < job.count; i += batch) {
      // Fresh message objects per call, as an application builds them (the tracer adds headers).
      sends.push(producer.send({ topic: job.topic, messages: messages() }));
      if (sends.length >= 8) await sends.shift();
    }
    await Promise.all(sends);
    ms = performance.now() - t0;
    cpu = process.cpuUsage(cpu0);
    await producer.disconnect();
  } else {
    const consumer = kafka.consumer({ groupId: job.groupId, autoOffsetReset: 'earliest' });
    const warmup = Math.floor(job.count * 0.2);
    let seen = 0;
    let t0 = 0;
    let cpu0 = process.cpuUsage();
    let done!: () => void;
    const finished = new Promise<void>((resolve) => {
      done = resolve;
    });
    const counted = (n: number) => {
      if (seen < warmup && seen + n >= warmup) {
        t0 = performance.now();
        cpu0 = process.cpuUsage();
      }
      seen += n;
      if (seen >= job.count) done();
    };
    await consumer.subscribe({ topics: [job.topic] });
    await consumer.run(
      job.scenario === 'eachBatch'
        ? { eachBatch: async ({ batch }) => counted(batch.messages.length) }
        : { eachMessage: async () => counted(1) },
    );
    await finished;
    ms = performance.now() - t0;
    cpu = process.cpuUsage(cpu0);
    count = job.count - warmup;
    await consumer.disconnect();
  }
  await otel?.flush();
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return {
    ok: true,
    ms,
    count,
    msgsPerSec: count / (ms / 1000),
    cpuPct: (cpuMs / ms) * 100,
    // CPU per message hardly depends on how busy the machine is; throughput does.
    cpuUsPerMsg: (cpuMs * 1000) / count,
    spans: otel?.exporter.spans,
  };
}

run(JSON.parse(process.env.BENCH_JOB ?? '{}') as Job).then(
  (r) => {
    process.stdout.write(`BENCH_RESULT ${JSON.stringify(r)}\n`);
    process.exit(0);
  },
  (err) => {
    process.stdout.write(`BENCH_RESULT ${JSON.stringify({ ok: false, error: String(err?.stack ?? err) })}\n`);
    process.exit(0);
  },
);
