/**
 * A latency benchmark consumer process (bench/latency.ts) that runs Nest: every record reaches an
 * `@Subscribe` handler of a `SamsaModule` application (`mode: 'subscribe'`), or an `@EventPattern`
 * handler of a Nest microservice on the Samsa transport (`mode: 'microservice'`, `SamsaServer`, the
 * same @Subscribe machinery underneath). The handler times the record at once through
 * @samsa/core-client's bench harness (core-client/bench/latency/consumer-side.ts), which also talks
 * to the orchestrator. Job in LATENCY_JOB: { mode, bootstrap, topic, groupId }.
 */
import 'reflect-metadata';
import { Controller, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Payload as EventPayload } from '@nestjs/microservices';
// The built packages (the worker runs without the @samsa/source condition; see the harness).
import { Payload, SamsaModule, Subscribe } from '@samsa/nest';
import { SamsaServer } from '@samsa/nest/microservices';
import {
  type ConsumerResult,
  LatencyConsumerSide,
  reportConsumerResult,
} from '../../core-client/bench/latency/consumer-side.js';

interface NestConsumerJob {
  mode: 'subscribe' | 'microservice';
  bootstrap: string[];
  topic: string;
  groupId: string;
}

const job = JSON.parse(process.env.LATENCY_JOB ?? '{}') as NestConsumerJob;
const side = new LatencyConsumerSide();

@Injectable()
class SubscribeHandler {
  @Subscribe(job.topic, { fromBeginning: true, value: 'buffer' })
  handle(@Payload() value: Buffer) {
    side.handle(value);
  }
}

@Controller()
class EventPatternHandler {
  @EventPattern(job.topic, { fromBeginning: true, value: 'buffer' })
  handle(@EventPayload() value: unknown) {
    side.handle(value as Buffer);
  }
}

async function start(): Promise<{ close(): Promise<void> }> {
  if (job.mode === 'subscribe') {
    @Module({
      imports: [
        SamsaModule.forRoot({
          brokers: job.bootstrap,
          clientId: 'latency-nest',
          groupId: job.groupId,
          logger: false,
        }),
      ],
      providers: [SubscribeHandler],
    })
    class SubscribeModule {}
    return NestFactory.createApplicationContext(SubscribeModule, { logger: false });
  }
  @Module({ controllers: [EventPatternHandler] })
  class MicroserviceModule {}
  const app = await NestFactory.createMicroservice(MicroserviceModule, {
    logger: false,
    strategy: new SamsaServer({
      brokers: job.bootstrap,
      clientId: 'latency-nest',
      groupId: job.groupId,
      logger: false,
    }),
  });
  await app.listen();
  return app;
}

async function main(): Promise<ConsumerResult> {
  if (job.mode !== 'subscribe' && job.mode !== 'microservice') {
    return { ok: false, error: `unknown mode ${job.mode}` };
  }
  const app = await start();
  const result = await side.result();
  await Promise.race([app.close(), new Promise((r) => setTimeout(r, 5000))]);
  return result;
}

main().then(
  (r) => {
    reportConsumerResult(r);
    process.exit(0);
  },
  (err) => {
    reportConsumerResult({ ok: false, error: String(err?.stack ?? err) });
    process.exit(0);
  },
);
