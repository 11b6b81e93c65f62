import 'reflect-metadata';
import {
  type CallHandler,
  type CanActivate,
  Catch,
  type ExceptionFilter,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
  UseFilters,
  UseGuards,
  UseInterceptors,
  ValidationPipe,
} from '@nestjs/common';
import { waitFor } from '@samsa/test-support';
import { IsInt, IsString, Min } from 'class-validator';
import { map, type Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  Ctx,
  DeadLetterHeaders,
  NonRetryableError,
  Payload,
  PublishError,
  SamsaConsumers,
  type SamsaContext,
  SamsaProducer,
  Subscribe,
} from '../../src/index.js';
import { bootWithMemoryKafka } from '../support/boot.js';
import { MemoryKafka } from '../support/memory-kafka.js';

const header = (m: { headers?: Record<string, unknown> }, name: string) => String(m.headers?.[name]);

describe('retries and dead letters', () => {
  it('retries a failing record, then dead-letters it with the error and its origin, and moves on', async () => {
    const kafka = new MemoryKafka(1);
    const attempts: number[] = [];
    const handled: number[] = [];
    @Injectable()
    class Payments {
      @Subscribe('orders', { fromBeginning: true, retry: { attempts: 3, backoff: 1 } })
      pay(@Payload() order: { id: number; poison?: boolean }, @Ctx() ctx: SamsaContext) {
        if (order.poison) {
          attempts.push(ctx.attempt);
          throw new Error(`card declined for order ${order.id}`);
        }
        handled.push(order.id);
      }
    }
    const app = await bootWithMemoryKafka(kafka, [Payments]);
    const producer = app.get(SamsaProducer);
    await producer.publish('orders', { id: 1 }, { key: 'c' });
    await producer.publish('orders', { id: 2, poison: true }, { key: 'c', headers: { trace: 'abc' } });
    await producer.publish('orders', { id: 3 }, { key: 'c' });
    await waitFor('order 3', () => handled.includes(3));
    expect(handled).toEqual([1, 3]);
    expect(attempts).toEqual([1, 2, 3]);
    const dead = kafka.messages('orders.dlq');
    expect(dead).toHaveLength(1);
    expect(JSON.parse(dead[0]!.value!.toString())).toEqual({ id: 2, poison: true });
    expect(dead[0]!.key!.toString()).toBe('c');
    expect(header(dead[0]!, 'trace')).toBe('abc');
    expect(header(dead[0]!, DeadLetterHeaders.ORIGINAL_TOPIC)).toBe('orders');
    expect(header(dead[0]!, DeadLetterHeaders.ORIGINAL_PARTITION)).toBe('0');
    expect(header(dead[0]!, DeadLetterHeaders.ORIGINAL_OFFSET)).toBe('1');
    expect(header(dead[0]!, DeadLetterHeaders.ORIGINAL_CONSUMER_GROUP)).toBe('test');
    expect(header(dead[0]!, DeadLetterHeaders.EXCEPTION_MESSAGE)).toBe('card declined for order 2');
    expect(header(dead[0]!, DeadLetterHeaders.EXCEPTION_FQCN)).toBe('Error');
    expect(header(dead[0]!, DeadLetterHeaders.ATTEMPTS)).toBe('3');
    const stats = app.get(SamsaConsumers).get('Payments.pay')!.stats;
    expect(stats).toMatchObject({ processed: 2, failures: 3, deadLettered: 1 });
    await app.close();
    // everything finished is committed: the group resumes after order 3
    expect(kafka.group('test').committed.get('orders\u00000')).toBe(3n);
  });

  it('sends NonRetryableError straight to a named dead-letter topic', async () => {
    const kafka = new MemoryKafka(1);
    let calls = 0;
    @Injectable()
    class H {
      @Subscribe('jobs', {
        fromBeginning: true,
        deadLetter: 'jobs-poison',
        retry: { attempts: 5, backoff: 1 },
      })
      run() {
        calls++;
        throw new NonRetryableError('bad job');
      }
    }
    const app = await bootWithMemoryKafka(kafka, [H]);
    await app.get(SamsaProducer).publish('jobs', { x: 1 });
    await waitFor('dead letter', () => kafka.messages('jobs-poison').length === 1);
    expect(calls).toBe(1);
    await app.close();
  });

  it('with deadLetter: false, logs and skips after the last attempt', async () => {
    const kafka = new MemoryKafka(1);
    const seen: number[] = [];
    @Injectable()
    class H {
      @Subscribe('t', { fromBeginning: true, deadLetter: false, retry: { attempts: 2, backoff: 1 } })
      run(@Payload() n: number) {
        seen.push(n);
        if (n === 1) throw new Error('no');
      }
    }
    const app = await bootWithMemoryKafka(kafka, [H]);
    await app.get(SamsaProducer).publishMany('t', [1, 2]);
    await waitFor('record 2', () => seen.includes(2));
    expect(seen).toEqual([1, 1, 2]);
    expect(kafka.topics.has('t.dlq')).toBe(false);
    expect(app.get(SamsaConsumers).all()[0]!.stats.skipped).toBe(1);
    await app.close();
  });

  it('dead-letters a value that is not JSON when the handler wants JSON, without calling it', async () => {
    const kafka = new MemoryKafka(1);
    let calls = 0;
    @Injectable()
    class H {
      @Subscribe('j', { fromBeginning: true, value: 'json' })
      run() {
        calls++;
      }
    }
    const app = await bootWithMemoryKafka(kafka, [H]);
    await app.get(SamsaProducer).send({ topic: 'j', messages: [{ value: 'not json {' }] });
    await waitFor('dead letter', () => kafka.messages('j.dlq').length === 1);
    expect(calls).toBe(0);
    expect(header(kafka.messages('j.dlq')[0]!, DeadLetterHeaders.EXCEPTION_FQCN)).toBe(
      'DeserializationError',
    );
    await app.close();
  });
});

class CreateOrder {
  @IsString()
  customerId!: string;

  @IsInt()
  @Min(1)
  quantity!: number;
}

describe('SamsaProducer', () => {
  it('wraps a failed send in PublishError, with the client error as cause', async () => {
    const kafka = new MemoryKafka(1);
    const refused = new Error('NOT_ENOUGH_REPLICAS');
    kafka.producer = () => ({
      connect: async () => {},
      disconnect: async () => {},
      send: async () => {
        throw refused;
      },
    });
    const app = await bootWithMemoryKafka(kafka, []);
    const error = await app
      .get(SamsaProducer)
      .publish('t', { a: 1 })
      .catch((e) => e);
    expect(error).toBeInstanceOf(PublishError);
    expect(error.message).toBe('publishing to t failed: NOT_ENOUGH_REPLICAS');
    expect(error.cause).toBe(refused);
    await app.close();
  });
});

describe("Nest's pipeline around handlers", () => {
  it('a validation pipe rejecting a payload sends it to the DLQ once, instead of looping', async () => {
    const kafka = new MemoryKafka(1);
    const valid: CreateOrder[] = [];
    let calls = 0;
    @Injectable()
    class Orders {
      @Subscribe('orders', { fromBeginning: true, retry: { attempts: 5, backoff: 1 } })
      create(@Payload(new ValidationPipe({ transform: true })) order: CreateOrder) {
        calls++;
        valid.push(order);
      }
    }
    const app = await bootWithMemoryKafka(kafka, [Orders]);
    const producer = app.get(SamsaProducer);
    await producer.publish('orders', { customerId: 'c-1', quantity: 0 });
    await producer.publish('orders', { customerId: 'c-2', quantity: 2 });
    await waitFor('the valid order', () => valid.length === 1);
    expect(calls).toBe(1);
    expect(valid[0]).toBeInstanceOf(CreateOrder);
    const dead = kafka.messages('orders.dlq');
    expect(dead).toHaveLength(1);
    expect(header(dead[0]!, DeadLetterHeaders.EXCEPTION_FQCN)).toBe('BadRequestException');
    expect(header(dead[0]!, DeadLetterHeaders.EXCEPTION_MESSAGE)).toContain(
      'quantity must not be less than 1',
    );
    expect(header(dead[0]!, DeadLetterHeaders.ATTEMPTS)).toBe('1');
    await app.close();
  });

  it('runs guards, interceptors and exception filters', async () => {
    const kafka = new MemoryKafka(1);
    const events: string[] = [];
    @Injectable()
    class OnlyTenantA implements CanActivate {
      canActivate(context: ExecutionContext) {
        const ctx = context.switchToRpc().getContext<SamsaContext>();
        events.push(`guard:${context.getType()}:${ctx.header('tenant')}`);
        return ctx.header('tenant') === 'a';
      }
    }
    @Injectable()
    class Timing implements NestInterceptor {
      intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
        events.push('before');
        return next.handle().pipe(
          map((value) => {
            events.push(`after:${value}`);
            return value;
          }),
        );
      }
    }
    class Recoverable extends Error {}
    @Catch(Recoverable)
    class SwallowRecoverable implements ExceptionFilter {
      catch(error: Recoverable) {
        events.push(`filter:${error.message}`);
        return 'handled';
      }
    }
    @Injectable()
    class H {
      @Subscribe('t', { fromBeginning: true, retry: { attempts: 1 } })
      @UseGuards(OnlyTenantA)
      @UseInterceptors(Timing)
      @UseFilters(new SwallowRecoverable())
      run(@Payload() body: { fail?: boolean }) {
        if (body.fail) throw new Recoverable('soft failure');
        events.push('handler');
        return 'ok';
      }
    }
    const app = await bootWithMemoryKafka(kafka, [H, OnlyTenantA, Timing]);
    const producer = app.get(SamsaProducer);
    await producer.publish('t', {}, { headers: { tenant: 'a' } });
    await producer.publish('t', {}, { headers: { tenant: 'b' } });
    await producer.publish('t', { fail: true }, { headers: { tenant: 'a' } });
    await waitFor(
      'three records',
      () =>
        app.get(SamsaConsumers).all()[0]!.stats.processed +
          app.get(SamsaConsumers).all()[0]!.stats.deadLettered ===
        3,
    );
    expect(events).toEqual([
      'guard:rpc:a',
      'before',
      'handler',
      'after:ok',
      'guard:rpc:b',
      'guard:rpc:a',
      'before',
      'filter:soft failure',
    ]);
    // the guard said no: that record is dead-lettered (ForbiddenException is not retryable)
    const dead = kafka.messages('t.dlq');
    expect(dead.map((m) => header(m, DeadLetterHeaders.EXCEPTION_FQCN))).toEqual(['ForbiddenException']);
    await app.close();
  });
});
