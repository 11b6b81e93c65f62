import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import { waitFor } from '@samsa/test-support';
import { describe, expect, it } from 'vitest';
import { SamsaHealthIndicator } from '../../src/health/index.js';
import { SamsaConsumers, SamsaModule, SamsaProducer, Subscribe } from '../../src/index.js';
import { MemoryKafka } from '../support/memory-kafka.js';

describe('SamsaHealthIndicator', () => {
  it('reports consumers, lag, degraded over maxLag, and down when a consumer stopped', async () => {
    const kafka = new MemoryKafka(1);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let handled = 0;
    @Injectable()
    class Slow {
      @Subscribe('work', { fromBeginning: true })
      async run() {
        await gate;
        handled++;
      }
    }
    @Module({
      imports: [
        TerminusModule,
        SamsaModule.forRoot({ brokers: ['127.0.0.1:9092'], clientId: 'h', client: kafka, logger: false }),
      ],
      providers: [Slow, SamsaHealthIndicator],
    })
    class AppModule {}
    const app = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app.useLogger(false);
    await app.init();
    const health = app.get(SamsaHealthIndicator);
    await app.get(SamsaProducer).publishMany('work', [1, 2, 3, 4, 5]);

    const lagging = await health.isHealthy('kafka', { maxLag: 2 });
    expect(lagging.kafka.status).toBe('degraded');
    expect(lagging.kafka).toMatchObject({ totalLag: 5, brokersReachable: true });
    expect(
      (lagging.kafka as unknown as { consumers: { handler: string; state: string }[] }).consumers[0],
    ).toMatchObject({
      handler: 'Slow.run',
      state: 'running',
    });

    release();
    await waitFor('all handled', () => handled === 5);
    await waitFor('lag 0', async () => (await health.report()).totalLag === 0);
    expect((await health.isHealthy('kafka', { maxLag: 2 })).kafka.status).toBe('up');

    await app.get(SamsaConsumers).all()[0]!.stop(1_000);
    expect((await health.isHealthy()).kafka.status).toBe('down');
    await app.close();
  });

  it('is down, with the reason, when the brokers do not answer', async () => {
    const kafka = new MemoryKafka(1);
    kafka.admin = () => ({
      connect: async () => {},
      disconnect: async () => {},
      createTopics: async () => true,
      listTopics: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:9092');
      },
      fetchTopicOffsets: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:9092');
      },
      fetchOffsets: async () => [],
    });
    @Module({
      imports: [
        SamsaModule.forRoot({ brokers: ['127.0.0.1:9092'], clientId: 'h', client: kafka, logger: false }),
      ],
      providers: [SamsaHealthIndicator],
    })
    class AppModule {}
    const app = await Test.createTestingModule({ imports: [AppModule] }).compile();
    await app.init();
    const result = await app.get(SamsaHealthIndicator).isHealthy('kafka');
    expect(result.kafka).toMatchObject({
      status: 'down',
      brokersReachable: false,
      brokerError: 'connect ECONNREFUSED 127.0.0.1:9092',
    });
    await app.close();
  });
});
