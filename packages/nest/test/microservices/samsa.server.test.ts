import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { Ctx, EventPattern, MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { waitFor } from '@samsa/test-support';
import { firstValueFrom } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { SamsaContext } from '../../src/index.js';
import { SAMSA_TRANSPORT, SamsaClientProxy, SamsaServer } from '../../src/microservices/index.js';
import { MemoryKafka } from '../support/memory-kafka.js';

describe('SamsaServer: @nestjs/microservices transport', () => {
  it('runs @EventPattern and @MessagePattern handlers, with per-pattern options from extras', async () => {
    const kafka = new MemoryKafka(2);
    const events: unknown[] = [];
    let poisonCalls = 0;

    @Controller()
    class OrdersController {
      @EventPattern('orders.created')
      // Nest 12 types event handlers as (data, ...args: unknown[]): the context comes in as unknown.
      onCreated(@Payload() order: { id: number }, @Ctx() context: unknown) {
        const ctx = context as SamsaContext;
        events.push({ id: order.id, topic: ctx.getTopic(), key: ctx.key });
      }

      @EventPattern('orders.created', SAMSA_TRANSPORT)
      alsoOnCreated(@Payload() order: { id: number }) {
        events.push({ second: order.id });
      }

      @EventPattern('orders.poison', { groupId: 'poison', retry: { attempts: 2, backoff: 1 } })
      onPoison(_order: unknown) {
        poisonCalls++;
        throw new Error('never works');
      }

      @MessagePattern('orders.refuse')
      refuse(_order: unknown) {
        throw new RpcException('not today');
      }

      @MessagePattern('orders.total')
      total(@Payload() order: { items: { price: number; quantity: number }[] }) {
        return order.items.reduce((sum, item) => sum + item.price * item.quantity, 0);
      }
    }
    @Module({ controllers: [OrdersController] })
    class AppModule {}

    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    const server = new SamsaServer({
      brokers: ['127.0.0.1:9092'],
      clientId: 'orders',
      client: kafka,
      logger: false,
      subscribeDefaults: { fromBeginning: true },
    });
    const app = moduleRef.createNestMicroservice({ strategy: server, logger: false });
    await app.listen();

    const client = new SamsaClientProxy({ brokers: ['127.0.0.1:9092'], clientId: 'caller', client: kafka });
    client.subscribeToResponseOf('orders.total');
    client.subscribeToResponseOf('orders.refuse');
    await client.connect();
    await firstValueFrom(client.emit('orders.created', { key: 'c-1', value: { id: 7 } }));
    await firstValueFrom(client.emit('orders.poison', { id: 8 }));
    const total = await firstValueFrom(
      client.send('orders.total', {
        items: [
          { price: 12.5, quantity: 2 },
          { price: 1, quantity: 3 },
        ],
      }),
    );
    expect(total).toBe(28);
    await expect(firstValueFrom(client.send('orders.refuse', { id: 1 }))).rejects.toEqual({
      status: 'error',
      message: 'not today',
    });
    await expect(firstValueFrom(client.send('orders.unknown', {}))).rejects.toMatch(
      /call subscribeToResponseOf\('orders.unknown'\) before connect\(\)/,
    );
    await waitFor('events', () => events.length === 2 && kafka.messages('orders.poison.dlq').length === 1);
    expect(events).toEqual([{ id: 7, topic: 'orders.created', key: 'c-1' }, { second: 7 }]);
    expect(poisonCalls).toBe(2);
    expect(server.consumers.map((c) => c.spec.groupId).sort()).toEqual([
      'orders',
      'orders',
      'orders',
      'poison',
    ]);
    await client.close();
    await app.close();
    expect(server.consumers).toHaveLength(0);
  });
});
