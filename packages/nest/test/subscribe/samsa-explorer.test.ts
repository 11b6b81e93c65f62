import 'reflect-metadata';
import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { waitFor } from '@samsa/test-support';
import { describe, expect, it } from 'vitest';
import {
  Ctx,
  Headers,
  Key,
  Payload,
  type SamsaContext,
  SamsaModule,
  SamsaProducer,
  Subscribe,
} from '../../src/index.js';
import { MemoryKafka } from '../support/memory-kafka.js';

async function boot(kafka: MemoryKafka, providers: unknown[], extra: Record<string, unknown> = {}) {
  @Module({
    imports: [
      SamsaModule.forRoot({
        brokers: ['127.0.0.1:9092'],
        clientId: 'test',
        client: kafka,
        logger: false,
        ...extra,
      }),
    ],
    providers: providers as never[],
  })
  class AppModule {}
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  moduleRef.useLogger(false);
  await moduleRef.init();
  return { app: moduleRef, moduleRef };
}

describe('@Subscribe discovery', () => {
  it('finds handlers on providers and passes payload, key, headers and context', async () => {
    const kafka = new MemoryKafka();
    const seen: unknown[] = [];
    @Injectable()
    class OrdersHandler {
      @Subscribe('orders', { fromBeginning: true })
      onOrder(
        @Payload() order: unknown,
        @Key() key: string,
        @Headers('trace') trace: string,
        @Ctx() ctx: SamsaContext,
      ) {
        seen.push({ order, key, trace, topic: ctx.topic, attempt: ctx.attempt, group: ctx.groupId });
      }
    }
    const { app, moduleRef } = await boot(kafka, [OrdersHandler]);
    const producer = moduleRef.get(SamsaProducer);
    await producer.publish('orders', { id: 1 }, { key: 'c-1', headers: { trace: 't-1' } });
    await waitFor('the handler', () => seen.length === 1);
    expect(seen[0]).toEqual({
      order: { id: 1 },
      key: 'c-1',
      trace: 't-1',
      topic: 'orders',
      attempt: 1,
      group: 'test',
    });
    await app.close();
  });

  it('calls a handler without parameter decorators with (payload, context)', async () => {
    const kafka = new MemoryKafka();
    const seen: unknown[] = [];
    @Injectable()
    class Plain {
      @Subscribe('plain', { fromBeginning: true })
      handle(payload: unknown, ctx: SamsaContext) {
        seen.push([payload, ctx.offset]);
      }
    }
    const { app, moduleRef } = await boot(kafka, [Plain]);
    await moduleRef.get(SamsaProducer).publish('plain', 'hello');
    await waitFor('the handler', () => seen.length === 1);
    expect(seen).toEqual([['hello', '0']]);
    await app.close();
  });

  it('gives each group every record, and splits a shared group between handlers of different topics', async () => {
    const kafka = new MemoryKafka(2);
    const counts = { audit: 0, billing: 0, shipping: 0 };
    @Injectable()
    class Audit {
      @Subscribe('events', { groupId: 'audit', fromBeginning: true })
      all() {
        counts.audit++;
      }
    }
    @Injectable()
    class Billing {
      @Subscribe('events', { groupId: 'ops', fromBeginning: true })
      bill() {
        counts.billing++;
      }
      @Subscribe('shipments', { groupId: 'ops', fromBeginning: true })
      ship() {
        counts.shipping++;
      }
    }
    const { app, moduleRef } = await boot(kafka, [Audit, Billing]);
    const producer = moduleRef.get(SamsaProducer);
    for (let i = 0; i < 20; i++) await producer.publish('events', { i }, { key: `k${i}` });
    for (let i = 0; i < 5; i++) await producer.publish('shipments', { i });
    await waitFor('all records', () => counts.audit === 20 && counts.billing === 20 && counts.shipping === 5);
    // one consumer per handler: three consumers, two groups
    expect(kafka.consumers.map((c) => c.groupId).sort()).toEqual(['audit', 'ops', 'ops']);
    await app.close();
  });

  it('subscribes by RegExp and by a list of topics', async () => {
    const kafka = new MemoryKafka(1);
    const seen: string[] = [];
    @Injectable()
    class Audit {
      @Subscribe(/^audit\./, { groupId: 'audit', fromBeginning: true })
      audit(_payload: unknown, ctx: SamsaContext) {
        seen.push(`regex:${ctx.topic}`);
      }
      @Subscribe(['billing.a', 'billing.b'], { groupId: 'billing', fromBeginning: true })
      billing(_payload: unknown, ctx: SamsaContext) {
        seen.push(`list:${ctx.topic}`);
      }
    }
    kafka.createTopic('audit.login');
    kafka.createTopic('audit.logout');
    const { app, moduleRef } = await boot(kafka, [Audit]);
    const producer = moduleRef.get(SamsaProducer);
    for (const topic of ['audit.login', 'audit.logout', 'other', 'billing.a', 'billing.b']) {
      await producer.publish(topic, { topic });
    }
    await waitFor('four records', () => seen.length === 4);
    expect(seen.sort()).toEqual([
      'list:billing.a',
      'list:billing.b',
      'regex:audit.login',
      'regex:audit.logout',
    ]);
    await app.close();
  });

  it('refuses two handlers on the same topic in the same group', async () => {
    const kafka = new MemoryKafka();
    @Injectable()
    class A {
      @Subscribe('t')
      a() {}
    }
    @Injectable()
    class B {
      @Subscribe('t')
      b() {}
    }
    await expect(boot(kafka, [A, B])).rejects.toThrow(/A\.a and B\.b both subscribe to 't' in group 'test'/);
  });

  it('rejects bad @Subscribe options with every problem listed', async () => {
    const kafka = new MemoryKafka();
    @Injectable()
    class Bad {
      @Subscribe('t', { concurrency: 0, retry: { attempts: -1 }, deadLetter: 't', groupid: 'x' } as never)
      a() {}
    }
    const error = await boot(kafka, [Bad]).catch((e) => e);
    expect(error.message).toContain('@Subscribe on Bad.a has 4 problems');
    expect(error.message).toContain(`unknown option 'groupid' (did you mean 'groupId'?)`);
    expect(error.message).toContain(`'concurrency' must be a positive integer`);
    expect(error.message).toContain(`'retry.attempts'`);
    expect(error.message).toContain('failures would loop');
  });

  it('says how retries are set when a handler writes retries: 3, at the top level or inside retry', async () => {
    const kafka = new MemoryKafka();
    class Habits {
      @Subscribe('t', { retries: 3 } as never)
      a() {}
      @Subscribe('u', { retry: { retries: 2 } } as never)
      b() {}
    }
    const error = await boot(kafka, [Habits]).catch((e) => e);
    expect(error.message).toContain(
      `unknown option 'retries': retries are set with retry: { attempts: 4 } (attempts count deliveries, the first one included)`,
    );
  });
});
