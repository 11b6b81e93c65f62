import 'reflect-metadata';
import { Controller, Global, Inject, Injectable, Module, type OnModuleDestroy } from '@nestjs/common';
import { Ctx, EventPattern } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { waitFor } from '@samsa/test-support';
import { describe, expect, it } from 'vitest';
import type { SamsaContext } from '../../src/index.js';
import { SamsaServer, SamsaTransportModule } from '../../src/microservices/index.js';
import { MemoryKafka } from '../support/memory-kafka.js';

@Injectable()
class Database implements OnModuleDestroy {
  closed = false;
  onModuleDestroy() {
    this.closed = true;
  }
}
@Global()
@Module({ providers: [Database], exports: [Database] })
class DatabaseModule {}

describe('SamsaServer in a hybrid app (HTTP + transport)', () => {
  it('drains the transport in onModuleDestroy: mid-load shutdown loses nothing and never sees a closed database', async () => {
    const kafka = new MemoryKafka(3);
    const processed: string[] = [];
    let usedClosedDatabase = false;
    @Controller()
    class Events {
      constructor(@Inject(Database) private readonly db: Database) {}
      @EventPattern('hybrid.events', { fromBeginning: true, concurrency: 3 })
      async on(_event: unknown, @Ctx() context: unknown) {
        const ctx = context as SamsaContext;
        await new Promise((resolve) => setTimeout(resolve, 1));
        if (this.db.closed) usedClosedDatabase = true;
        processed.push(`${ctx.partition}:${ctx.offset}`);
      }
    }
    @Module({ imports: [DatabaseModule, SamsaTransportModule], controllers: [Events] })
    class AppModule {}

    const producer = kafka.producer();
    for (let i = 0; i < 600; i += 100) {
      await producer.send({
        topic: 'hybrid.events',
        messages: Array.from({ length: 100 }, (_, j) => ({ key: `k${(i + j) % 7}`, value: String(i + j) })),
      });
    }
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    app.connectMicroservice(
      {
        strategy: new SamsaServer({
          brokers: ['127.0.0.1:9092'],
          clientId: 'hybrid',
          client: kafka,
          logger: false,
        }),
      },
      { inheritAppConfig: true },
    );
    await app.startAllMicroservices();
    await app.init();
    await waitFor('some progress', () => processed.length >= 100);
    await app.close();
    expect(usedClosedDatabase).toBe(false);
    expect(processed.length).toBeLessThan(600);
    const committed = [...kafka.group('hybrid').committed.values()].reduce((a, b) => a + b, 0n);
    expect(committed).toBe(BigInt(processed.length));
    expect(new Set(processed).size).toBe(processed.length);
  });
});
