/**
 * Messages per second through one consumer on one in-process dev broker, side by side in one run:
 *
 * - raw:        the client's own consumer, `eachBatch` (a loop: JSON.parse, count) and `eachMessage`
 * - @Subscribe: the same client under `SamsaModule` (discovery, Nest pipeline with a @Payload param,
 *               retry/dead-letter bookkeeping, explicit commits)
 * - ServerKafka: @nestjs/microservices' Kafka transport (KafkaJS) with an @EventPattern handler
 *
 * Throughput is measured between the first and the last record (group joins excluded); each
 * scenario runs `ROUNDS` times and the median is reported; @Subscribe's ratio to raw eachBatch is the
 * median of the rounds' ratios. Bounded: N records, 120 s per scenario.
 * `npm run bench -w @samsa/nest` (BENCH_RECORDS and BENCH_ROUNDS override the defaults).
 */
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Transport } from '@nestjs/microservices';
import { startBroker } from '@samsa/broker-dev';
import { Kafka as SamsaKafka, LogLevel as SamsaLogLevel } from '@samsa/core-client';
import { Kafka as KafkaJs, logLevel } from 'kafkajs';
import type { KafkaLike } from '../src/index.js';
import { Payload, SamsaModule, Subscribe } from '../src/index.js';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 400_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const PARTITIONS = 3;
const TOPIC = 'bench.events';
const SCENARIO_TIMEOUT_MS = 120_000;

/** Counts records; `first`/`last` are the times the first and the RECORDS-th arrived. */
class Meter {
  count = 0;
  first = 0;
  last = 0;
  private done!: () => void;
  readonly finished = new Promise<void>((resolve) => {
    this.done = resolve;
  });

  hit(): void {
    const now = performance.now();
    if (this.count === 0) this.first = now;
    this.count++;
    if (this.count === RECORDS) {
      this.last = now;
      this.done();
    }
  }

  rate(): number {
    return ((RECORDS - 1) / (this.last - this.first)) * 1000;
  }
}

let meter = new Meter();

async function bounded(what: string, work: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    work,
    new Promise((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${what}: ${meter.count}/${RECORDS} after ${SCENARIO_TIMEOUT_MS} ms`)),
        SCENARIO_TIMEOUT_MS,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}

@Injectable()
class SubscribeHandler {
  @Subscribe(TOPIC, { fromBeginning: true, concurrency: PARTITIONS })
  handle(@Payload() event: { seq: number }) {
    if (event.seq >= 0) meter.hit();
  }
}

@Controller()
class EventPatternHandler {
  @EventPattern('bench.events')
  handle(event: { seq: number }) {
    if (event.seq >= 0) meter.hit();
  }
}

interface ClientKind {
  name: string;
  make: (brokers: string[]) => KafkaLike;
}

/** The client alone: `eachBatch` (a loop per fetched batch, the fastest raw form) or `eachMessage`. */
async function runRaw(
  client: ClientKind,
  brokers: string[],
  groupId: string,
  mode: 'eachBatch' | 'eachMessage',
) {
  meter = new Meter();
  const consumer = client.make(brokers).consumer({ groupId, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [TOPIC], fromBeginning: true });
  const handle = (value: Buffer | null) => {
    const event = JSON.parse(String(value)) as { seq: number };
    if (event.seq >= 0) meter.hit();
  };
  await (consumer as unknown as { run(o: unknown): Promise<void> }).run(
    mode === 'eachBatch'
      ? {
          partitionsConsumedConcurrently: PARTITIONS,
          eachBatch: async ({ batch }: { batch: { messages: { value: Buffer | null }[] } }) => {
            for (const message of batch.messages) handle(message.value);
          },
        }
      : {
          partitionsConsumedConcurrently: PARTITIONS,
          eachMessage: async ({ message }: { message: { value: Buffer | null } }) => handle(message.value),
        },
  );
  await bounded(`raw ${mode} ${client.name}`, meter.finished);
  await consumer.disconnect();
  return meter.rate();
}

async function runSubscribe(client: ClientKind, brokers: string[], groupId: string): Promise<number> {
  meter = new Meter();
  @Module({
    imports: [
      SamsaModule.forRoot({
        brokers,
        clientId: 'bench',
        groupId,
        // Samsa's row is the module's default client (as users get it); others are passed in.
        ...(client.name === 'samsa' ? {} : { client: client.make(brokers) }),
        consumer: { maxWaitTimeInMs: 100 },
        logger: false,
      }),
    ],
    providers: [SubscribeHandler],
  })
  class BenchModule {}
  const app = await NestFactory.createApplicationContext(BenchModule, { logger: false });
  await bounded(`@Subscribe ${client.name}`, meter.finished);
  await app.close();
  return meter.rate();
}

async function runServerKafka(brokers: string[], groupId: string): Promise<number> {
  meter = new Meter();
  @Module({ controllers: [EventPatternHandler] })
  class BenchModule {}
  const app = await NestFactory.createMicroservice(BenchModule, {
    logger: false,
    transport: Transport.KAFKA,
    options: {
      client: { clientId: 'bench', brokers, logLevel: logLevel.NOTHING },
      consumer: { groupId, maxWaitTimeInMs: 100 },
      subscribe: { fromBeginning: true },
      run: { partitionsConsumedConcurrently: PARTITIONS },
    },
  });
  await app.listen();
  await bounded('ServerKafka', meter.finished);
  await app.close();
  return meter.rate();
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const broker = await startBroker({ host: '127.0.0.1', port: 0, partitions: PARTITIONS });
  const kafkajs: ClientKind = {
    name: 'kafkajs',
    make: (brokers) =>
      new KafkaJs({ clientId: 'bench', brokers, logLevel: logLevel.NOTHING }) as unknown as KafkaLike,
  };
  const samsa: ClientKind = {
    name: 'samsa',
    make: (brokers) =>
      new SamsaKafka({ clientId: 'bench', brokers, logLevel: SamsaLogLevel.ERROR }) as unknown as KafkaLike,
  };
  const clients = [samsa, kafkajs];

  // Input: RECORDS JSON events of ~100 bytes, keyed over 1000 customers, written once.
  const producer = kafkajs.make(broker.bootstrap).producer();
  await producer.connect();
  for (let start = 0; start < RECORDS; start += 1_000) {
    await producer.send({
      topic: TOPIC,
      messages: Array.from({ length: Math.min(1_000, RECORDS - start) }, (_, i) => {
        const seq = start + i;
        return {
          key: `customer-${seq % 1_000}`,
          value: JSON.stringify({
            seq,
            orderId: `o-${seq}`,
            customerId: `customer-${seq % 1_000}`,
            total: 12.5,
          }),
        };
      }),
    });
  }
  await producer.disconnect();

  const results = new Map<string, number[]>();
  const record = (name: string, rate: number) => results.set(name, [...(results.get(name) ?? []), rate]);
  let group = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const client of clients) {
      record(
        `raw eachBatch (${client.name})`,
        await runRaw(client, broker.bootstrap, `raw-${group++}`, 'eachBatch'),
      );
      record(
        `raw eachMessage (${client.name})`,
        await runRaw(client, broker.bootstrap, `raw-${group++}`, 'eachMessage'),
      );
      record(
        `@Subscribe (${client.name})`,
        await runSubscribe(client, broker.bootstrap, `subscribe-${group++}`),
      );
    }
    record(
      '@nestjs/microservices ServerKafka (kafkajs)',
      await runServerKafka(broker.bootstrap, `server-${group++}`),
    );
  }
  await broker.stop();

  const rows = [...results].map(([name, rates]) => ({
    name,
    messagesPerSecond: Math.round(median(rates)),
    runs: rates.map(Math.round),
  }));
  const rate = (name: string) => rows.find((r) => r.name === name)?.messagesPerSecond ?? Number.NaN;
  const serverKafka = rate('@nestjs/microservices ServerKafka (kafkajs)');
  console.log(`records: ${RECORDS}, partitions: ${PARTITIONS}, rounds: ${ROUNDS} (median shown)\n`);
  console.log(
    `${'scenario'.padEnd(46)} ${'msg/s'.padStart(9)}  ${'vs raw eachBatch (rounds)'.padStart(38)}  ${'vs ServerKafka'.padStart(14)}`,
  );
  const ratios: Record<string, { vsRaw?: number; vsRawRounds?: number[]; vsServerKafka: number }> = {};
  for (const row of rows) {
    const client = /\((\w+)\)$/.exec(row.name)?.[1];
    // Against raw eachBatch, the ratio of each round (both ran back to back), then their median:
    // steadier than a ratio of medians on a machine whose speed drifts between rounds.
    const rawRuns = row.name.startsWith('@Subscribe') ? results.get(`raw eachBatch (${client})`) : undefined;
    const vsRawRounds = rawRuns?.map((raw, round) => row.runs[round]! / raw);
    const vsRaw = vsRawRounds ? median(vsRawRounds) : Number.NaN;
    const vsServer = row.messagesPerSecond / serverKafka;
    ratios[row.name] = {
      ...(vsRawRounds ? { vsRaw, vsRawRounds } : {}),
      vsServerKafka: vsServer,
    };
    const rawText = vsRawRounds
      ? `${vsRaw.toFixed(2)}x (${((1 - vsRaw) * 100).toFixed(1)}% overhead; ` +
        `${Math.min(...vsRawRounds).toFixed(2)}-${Math.max(...vsRawRounds).toFixed(2)})`
      : '';
    console.log(
      `${row.name.padEnd(46)} ${String(row.messagesPerSecond).padStart(9)}  ${rawText.padStart(38)}  ${`${vsServer.toFixed(2)}x`.padStart(14)}`,
    );
  }
  const json = {
    bench: 'nest-consume',
    records: RECORDS,
    partitions: PARTITIONS,
    rounds: ROUNDS,
    rows,
    ratios,
  };
  const dir = join(process.cwd(), 'bench-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'nest.json'), `${JSON.stringify(json, null, 2)}\n`);
  console.log(`\n${JSON.stringify(json)}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
