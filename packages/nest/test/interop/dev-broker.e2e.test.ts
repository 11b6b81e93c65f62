import 'reflect-metadata';
import {
  Controller,
  Global,
  Inject,
  Injectable,
  Module,
  type OnModuleDestroy,
  ValidationPipe,
} from '@nestjs/common';
import { EventPattern, Payload as RpcPayload } from '@nestjs/microservices';
import { Test, type TestingModule } from '@nestjs/testing';
import { waitFor } from '@samsa/test-support';
import { IsInt, IsString, Min } from 'class-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Ctx,
  DeadLetterHeaders,
  Key,
  Payload,
  type SamsaContext,
  SamsaProducer,
  Subscribe,
} from '../../src/index.js';
import { SamsaServer } from '../../src/microservices/index.js';
import { type SamsaTestKit, startSamsaTestKit } from '../../src/testing/index.js';
import { e2eClients } from '../support/clients.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const header = (m: { headers?: Record<string, unknown> }, name: string) => {
  const v = m.headers?.[name];
  return v === undefined ? undefined : String(v);
};

class OrderDto {
  @IsString()
  customerId!: string;

  @IsInt()
  @Min(1)
  quantity!: number;
}

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

for (const e2e of e2eClients) {
  describe(`on the in-process dev broker, with ${e2e.name}`, () => {
    let kit: SamsaTestKit;
    const apps: TestingModule[] = [];

    beforeAll(async () => {
      kit = await startSamsaTestKit({
        partitions: 3,
        ...(e2e.client ? { client: e2e.client } : {}),
        consumer: e2e.consumer,
      });
    });
    afterAll(async () => {
      for (const app of apps) await app.close().catch(() => undefined);
      await kit?.stop();
    });

    async function boot(clientId: string, providers: unknown[], controllers: unknown[] = []) {
      @Module({
        imports: [kit.module({ clientId, logger: false, ensureTopics: true }), DatabaseModule],
        providers: providers as never[],
        controllers: controllers as never[],
      })
      class AppModule {}
      const app = await Test.createTestingModule({ imports: [AppModule] }).compile();
      app.useLogger(false);
      await app.init();
      apps.push(app);
      return app;
    }

    it('discovers handlers, gives each its group, keeps each key in order under concurrency', async () => {
      const byKey = new Map<string, number[]>();
      let audited = 0;
      let overlap = false;
      const inFlight = new Set<string>();
      @Injectable()
      class Ledger {
        @Subscribe('e2e.payments', {
          groupId: 'ledger',
          fromBeginning: true,
          concurrency: { partitions: 3, keysPerPartition: 4 },
        })
        async record(@Payload() event: { seq: number }, @Key() key: string) {
          if (inFlight.has(key)) overlap = true;
          inFlight.add(key);
          await tick(event.seq % 2);
          byKey.set(key, [...(byKey.get(key) ?? []), event.seq]);
          inFlight.delete(key);
        }
      }
      @Injectable()
      class Audit {
        @Subscribe('e2e.payments', { groupId: 'audit', fromBeginning: true })
        audit() {
          audited++;
        }
      }
      await kit.createTopics(['e2e.payments'], 3);
      await kit.produce(
        'e2e.payments',
        Array.from({ length: 300 }, (_, seq) => ({ seq })),
        { key: (_v, i) => `customer-${i % 10}` },
      );
      const app = await boot('e2e-order', [Ledger, Audit]);
      await waitFor('300 records twice', () => audited === 300 && [...byKey.values()].flat().length === 300, {
        timeoutMs: 30_000,
      });
      expect(overlap).toBe(false);
      for (const [key, seqs] of byKey) expect(seqs, key).toEqual([...seqs].sort((a, b) => a - b));
      expect(byKey.size).toBe(10);
      await app.close();
    });

    // KafkaJS's assignors hand every member every topic of the group, so only Samsa's client runs this one.
    it.skipIf(e2e.name === 'kafkajs')('lets handlers of different topics share one group', async () => {
      const seen = { invoices: 0, refunds: 0 };
      @Injectable()
      class Accounting {
        @Subscribe('e2e.invoices', { groupId: 'accounting', fromBeginning: true })
        invoice() {
          seen.invoices++;
        }
        @Subscribe('e2e.refunds', { groupId: 'accounting', fromBeginning: true })
        refund() {
          seen.refunds++;
        }
      }
      await kit.createTopics(['e2e.invoices', 'e2e.refunds'], 3);
      await kit.produce(
        'e2e.invoices',
        Array.from({ length: 30 }, (_, i) => ({ i })),
        { key: (_v, i) => `k${i}` },
      );
      await kit.produce(
        'e2e.refunds',
        Array.from({ length: 20 }, (_, i) => ({ i })),
        { key: (_v, i) => `k${i}` },
      );
      const app = await boot('e2e-shared', [Accounting]);
      await waitFor('both topics', () => seen.invoices === 30 && seen.refunds === 20, { timeoutMs: 30_000 });
      await app.close();
    });

    it('retries, then dead-letters with headers; a validation pipe failure goes to the DLQ once', async () => {
      const attempts: number[] = [];
      const valid: string[] = [];
      @Injectable()
      class Orders {
        @Subscribe('e2e.orders', { fromBeginning: true, retry: { attempts: 3, backoff: 5 } })
        place(@Payload(new ValidationPipe()) order: OrderDto, @Ctx() ctx: SamsaContext) {
          if (order.customerId === 'poison') {
            attempts.push(ctx.attempt);
            throw new Error('payment provider rejected the order');
          }
          valid.push(order.customerId);
        }
      }
      const app = await boot('e2e-dlq', [Orders]);
      const producer = app.get(SamsaProducer);
      await producer.publish('e2e.orders', { customerId: 'poison', quantity: 1 }, { key: 'k' });
      await producer.publish('e2e.orders', { customerId: 'invalid', quantity: 0 }, { key: 'k' });
      await producer.publish('e2e.orders', { customerId: 'c-1', quantity: 2 }, { key: 'k' });
      await waitFor('the valid order', () => valid.length === 1, { timeoutMs: 30_000 });
      const dead = await kit.consume('e2e.orders.dlq', 2);
      expect(attempts).toEqual([1, 2, 3]);
      expect(valid).toEqual(['c-1']);
      const byName = dead.map((m) => header(m, DeadLetterHeaders.EXCEPTION_FQCN));
      expect(byName).toEqual(['Error', 'BadRequestException']);
      expect(dead.map((m) => header(m, DeadLetterHeaders.ATTEMPTS))).toEqual(['3', '1']);
      expect(header(dead[0]!, DeadLetterHeaders.ORIGINAL_TOPIC)).toBe('e2e.orders');
      expect(header(dead[1]!, DeadLetterHeaders.EXCEPTION_MESSAGE)).toContain(
        'quantity must not be less than 1',
      );
      await app.close();
    });

    it('shuts down mid-load without losing or repeating a record, before the database closes', async () => {
      const total = 600;
      const processed: string[] = [];
      let usedClosedDatabase = false;
      const handler = () => {
        @Injectable()
        class Worker {
          constructor(@Inject(Database) private readonly db: Database) {}
          @Subscribe('e2e.load', {
            groupId: 'loaders',
            fromBeginning: true,
            concurrency: { partitions: 3, keysPerPartition: 4 },
          })
          async work(_event: unknown, @Ctx() ctx: SamsaContext) {
            await tick(1);
            if (this.db.closed) usedClosedDatabase = true;
            processed.push(`${ctx.partition}:${ctx.offset}`);
          }
        }
        return Worker;
      };
      await kit.createTopics(['e2e.load'], 3);
      await kit.produce(
        'e2e.load',
        Array.from({ length: total }, (_, i) => i),
        { key: (_v, i) => `k${i % 13}` },
      );
      const first = await boot('e2e-load-1', [handler()]);
      await waitFor('a quarter of the load', () => processed.length >= total / 4, { timeoutMs: 30_000 });
      await first.close();
      const afterFirst = processed.length;
      expect(afterFirst).toBeLessThan(total);
      const second = await boot('e2e-load-2', [handler()]);
      await waitFor('the whole load', () => processed.length >= total, { timeoutMs: 30_000 });
      await second.close();
      expect(processed).toHaveLength(total);
      expect(new Set(processed).size).toBe(total);
      expect(usedClosedDatabase).toBe(false);
    });

    it('serves @EventPattern handlers through the SamsaServer transport strategy', async () => {
      const seen: number[] = [];
      @Controller()
      class Events {
        @EventPattern('e2e.transport', { fromBeginning: true })
        on(@RpcPayload() event: { n: number }) {
          seen.push(event.n);
        }
      }
      @Module({ controllers: [Events] })
      class MsModule {}
      const moduleRef = await Test.createTestingModule({ imports: [MsModule] }).compile();
      const server = new SamsaServer(kit.options({ clientId: 'e2e-transport', logger: false }));
      const ms = moduleRef.createNestMicroservice({ strategy: server, logger: false });
      await ms.listen();
      await kit.produce('e2e.transport', [{ n: 1 }, { n: 2 }, { n: 3 }], { key: () => 'same' });
      await waitFor('three events', () => seen.length === 3, { timeoutMs: 30_000 });
      expect(seen).toEqual([1, 2, 3]);
      await ms.close();
    });
  });
}
