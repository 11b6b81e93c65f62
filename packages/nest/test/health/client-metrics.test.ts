/**
 * `healthMetrics`: the consumers' and the producer's client metrics in the health details, read from
 * @samsa/core-client on the in-process dev broker; clients without `metrics()` are left out.
 */
import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { waitFor } from '@samsa/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SamsaHealthIndicator } from '../../src/health/index.js';
import { SamsaModule, SamsaProducer, Subscribe } from '../../src/index.js';
import { type SamsaTestKit, startSamsaTestKit } from '../../src/testing/index.js';
import { MemoryKafka } from '../support/memory-kafka.js';

let kit: SamsaTestKit;

beforeAll(async () => {
  kit = await startSamsaTestKit({ partitions: 2, registry: false, consumer: { maxWaitTimeInMs: 50 } });
  await kit.createTopics(['h.metrics'], 2);
});

afterAll(async () => {
  await kit?.stop();
});

const handled: string[] = [];

@Injectable()
class Counter {
  @Subscribe('h.metrics', { groupId: 'h-metrics', fromBeginning: true })
  count(payload: string) {
    handled.push(payload);
  }
}

async function start(healthMetrics: boolean | undefined, client?: MemoryKafka) {
  const options = {
    clientId: 'health-metrics',
    logger: false as const,
    ...(healthMetrics !== undefined && { healthMetrics }),
  };
  @Module({
    imports: [
      client ? SamsaModule.forRoot({ brokers: ['127.0.0.1:9092'], client, ...options }) : kit.module(options),
    ],
    providers: [Counter, SamsaHealthIndicator],
  })
  class AppModule {}
  const app = await Test.createTestingModule({ imports: [AppModule] }).compile();
  app.useLogger(false);
  await app.init();
  return app;
}

describe('healthMetrics', () => {
  it("adds each consumer's and the producer's client metrics to the health details", async () => {
    const app = await start(true);
    try {
      const producer = app.get(SamsaProducer);
      for (const [partition, value] of ['a', 'b', 'c', 'd'].entries())
        await producer.publish('h.metrics', value, { partition: partition % 2 });
      await waitFor('4 handled', () => handled.length === 4);
      const health = app.get(SamsaHealthIndicator);
      await waitFor('lag 0', async () => (await health.report()).totalLag === 0);
      const result = await health.isHealthy('kafka');
      const details = result.kafka as unknown as {
        status: string;
        consumers: { handler: string; metrics: Record<string, unknown> }[];
        producer: Record<string, unknown>;
      };
      expect(details.status).toBe('up');
      expect(details.producer).toMatchObject({ recordSendTotal: 4, recordErrorTotal: 0 });
      const [consumer] = details.consumers;
      expect(consumer!.handler).toBe('Counter.count');
      expect(consumer!.metrics).toMatchObject({ recordsConsumedTotal: 4, recordsLagMax: 0 });
      const partitions = consumer!.metrics.partitions as { partition: number; recordsLag: number }[];
      expect(partitions.map((p) => [p.partition, p.recordsLag]).sort()).toEqual([
        [0, 0],
        [1, 0],
      ]);
      expect(consumer!.metrics.rebalanceTotal).toBeGreaterThanOrEqual(1);
    } finally {
      await app.close();
    }
  });

  it('leaves them out by default, and for clients without metrics()', async () => {
    const off = await start(undefined);
    try {
      const report = await off.get(SamsaHealthIndicator).report();
      expect(report.consumers[0]).not.toHaveProperty('metrics');
      expect(report).not.toHaveProperty('producer');
    } finally {
      await off.close();
    }
    const memory = await start(true, new MemoryKafka(1));
    try {
      await memory.get(SamsaProducer).publish('h.metrics', 'x');
      const report = await memory.get(SamsaHealthIndicator).report();
      expect(report.consumers[0]).not.toHaveProperty('metrics');
      expect(report).not.toHaveProperty('producer');
    } finally {
      await memory.close();
    }
  });
});
