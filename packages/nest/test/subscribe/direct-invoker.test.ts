import 'reflect-metadata';
import { type CanActivate, type ExecutionContext, Injectable, Module, ValidationPipe } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { waitFor } from '@samsa/test-support';
import { IsInt, Min } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { Payload, SamsaModule, SamsaProducer, Subscribe } from '../../src/index.js';
import { MemoryKafka } from '../support/memory-kafka.js';

class Quantity {
  @IsInt()
  @Min(1)
  n!: number;
}

describe('global enhancers', () => {
  it('a global ValidationPipe (app.useGlobalPipes) validates @Subscribe payloads too', async () => {
    const kafka = new MemoryKafka(1);
    const accepted: Quantity[] = [];
    @Injectable()
    class H {
      @Subscribe('q', { fromBeginning: true })
      take(@Payload() quantity: Quantity) {
        accepted.push(quantity);
      }
    }
    @Module({
      imports: [
        SamsaModule.forRoot({ brokers: ['127.0.0.1:9092'], clientId: 'g', client: kafka, logger: false }),
      ],
      providers: [H],
    })
    class AppModule {}
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    app.useGlobalPipes(new ValidationPipe({ transform: true }));
    await app.init();
    await app.get(SamsaProducer).publishMany('q', [{ n: 0 }, { n: 2 }]);
    await waitFor('the valid one', () => accepted.length === 1);
    expect(accepted[0]).toBeInstanceOf(Quantity);
    expect(accepted[0]!.n).toBe(2);
    expect(kafka.messages('q.dlq')).toHaveLength(1);
    await app.close();
  });

  it('an APP_GUARD provider guards @Subscribe handlers too', async () => {
    const kafka = new MemoryKafka(1);
    const checked: string[] = [];
    const handled: string[] = [];
    @Injectable()
    class TenantGuard implements CanActivate {
      canActivate(context: ExecutionContext) {
        const value = context.switchToRpc().getData<{ tenant: string }>();
        checked.push(value.tenant);
        return value.tenant === 'a';
      }
    }
    @Injectable()
    class H {
      @Subscribe('g', { fromBeginning: true })
      take(@Payload() value: { tenant: string }) {
        handled.push(value.tenant);
      }
    }
    @Module({
      imports: [
        SamsaModule.forRoot({ brokers: ['127.0.0.1:9092'], clientId: 'g', client: kafka, logger: false }),
      ],
      providers: [H, { provide: APP_GUARD, useClass: TenantGuard }],
    })
    class AppModule {}
    const app = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app.useLogger(false);
    await app.init();
    await app.get(SamsaProducer).publishMany('g', [{ tenant: 'a' }, { tenant: 'b' }]);
    await waitFor('both checked', () => checked.length === 2 && kafka.messages('g.dlq').length === 1);
    expect(handled).toEqual(['a']);
    await app.close();
  });
});
