/**
 * Transactional subscriptions on the in-memory client: what each delivery's transaction holds, and
 * what happens when the handler, a publish, the commit or the producer fails. The memory client
 * applies a transaction's records and offsets only on commit, as a read_committed reader sees them.
 */
import 'reflect-metadata';
import { Inject, Injectable } from '@nestjs/common';
import { waitFor } from '@samsa/test-support';
import { describe, expect, it } from 'vitest';
import {
  Ctx,
  DeadLetterHeaders,
  Payload,
  SamsaConsumers,
  type SamsaContext,
  SamsaProducer,
  Subscribe,
  SubscriptionStoppedError,
  TransactionClosedError,
} from '../../../src/index.js';
import { bootWithMemoryKafka } from '../../support/boot.js';
import { MemoryKafka } from '../../support/memory-kafka.js';

const values = (kafka: MemoryKafka, topic: string) =>
  kafka.committedRecords(topic).map((m) => JSON.parse(String(m.value)));

async function seed(kafka: MemoryKafka, topic: string, ids: number[]) {
  await kafka
    .producer()
    .send({ topic, messages: ids.map((id) => ({ key: 'k', value: JSON.stringify({ id }) })) });
}

describe('transactional subscriptions', () => {
  it("commits the handler's publishes with the input offset; a failed attempt's publishes are aborted", async () => {
    const kafka = new MemoryKafka(1);
    const attempts: string[] = [];
    @Injectable()
    class Payments {
      constructor(@Inject(SamsaProducer) private readonly producer: SamsaProducer) {}
      @Subscribe('orders', { fromBeginning: true, transactional: true, retry: { attempts: 3, backoff: 1 } })
      async pay(@Payload() order: { id: number }, @Ctx() ctx: SamsaContext) {
        attempts.push(`${order.id}#${ctx.attempt}`);
        await this.producer.publish('payments', { orderId: order.id, attempt: ctx.attempt });
        await ctx.transaction!.publish('audit', { orderId: order.id });
        if (order.id === 2 && ctx.attempt === 1) throw new Error('card network timeout');
      }
    }
    await seed(kafka, 'orders', [1, 2, 3]);
    const app = await bootWithMemoryKafka(kafka, [Payments]);
    await waitFor(
      'three committed transactions',
      () => kafka.transactions.filter((t) => t.outcome === 'committed').length === 3,
    );
    await app.close();

    expect(attempts).toEqual(['1#1', '2#1', '2#2', '3#1']);
    expect(values(kafka, 'payments')).toEqual([
      { orderId: 1, attempt: 1 },
      { orderId: 2, attempt: 2 },
      { orderId: 3, attempt: 1 },
    ]);
    expect(values(kafka, 'audit').map((a) => a.orderId)).toEqual([1, 2, 3]);
    // one transaction per delivery; the failed attempt's was aborted with both its publishes
    expect(kafka.transactions.map((t) => t.outcome)).toEqual([
      'committed',
      'aborted',
      'committed',
      'committed',
    ]);
    expect(kafka.transactions[1]!.records.map((r) => r.topic)).toEqual(['payments', 'audit']);
    // each commit moved the group past its record, in the transaction; the consumer itself committed nothing
    expect(
      kafka.transactions
        .filter((t) => t.outcome === 'committed')
        .map((t) => t.offsets.map((o) => `${o.consumerGroupId}:${o.topics[0]!.partitions[0]!.offset}`)),
    ).toEqual([['test:1'], ['test:2'], ['test:3']]);
    expect(kafka.consumers.flatMap((c) => c.commits)).toEqual([]);
    expect(kafka.group('test').committed.get('orders\u00000')).toBe(3n);
  });

  it('dead-letters a record in one transaction with the offset past it, after its attempts were aborted', async () => {
    const kafka = new MemoryKafka(1);
    @Injectable()
    class Payments {
      constructor(@Inject(SamsaProducer) private readonly producer: SamsaProducer) {}
      @Subscribe('orders', { fromBeginning: true, transactional: true, retry: { attempts: 2, backoff: 1 } })
      async pay(@Payload() order: { id: number }) {
        await this.producer.publish('payments', { orderId: order.id });
        if (order.id === 2) throw new Error('declined');
      }
    }
    await seed(kafka, 'orders', [1, 2, 3]);
    const app = await bootWithMemoryKafka(kafka, [Payments]);
    await waitFor('order 3 paid', () => values(kafka, 'payments').some((p) => p.orderId === 3));
    const stats = app.get(SamsaConsumers).get('Payments.pay')!.stats;
    await app.close();

    expect(values(kafka, 'payments').map((p) => p.orderId)).toEqual([1, 3]);
    const dead = kafka.committedRecords('orders.dlq');
    expect(dead.map((m) => JSON.parse(String(m.value)))).toEqual([{ id: 2 }]);
    expect(String(dead[0]!.headers![DeadLetterHeaders.ATTEMPTS])).toBe('2');
    const deadLettering = kafka.transactions.find((t) => t.records.some((r) => r.topic === 'orders.dlq'))!;
    expect(deadLettering.outcome).toBe('committed');
    expect(deadLettering.records.map((r) => r.topic)).toEqual(['orders.dlq']);
    expect(deadLettering.offsets[0]!.topics[0]!.partitions[0]!.offset).toBe('2');
    expect(stats).toMatchObject({ processed: 2, failures: 2, deadLettered: 1 });
  });

  it('skips with deadLetter: false by committing just the offset in a transaction', async () => {
    const kafka = new MemoryKafka(1);
    @Injectable()
    class H {
      @Subscribe('in', { fromBeginning: true, transactional: true, retry: false, deadLetter: false })
      run() {
        throw new Error('always');
      }
    }
    await seed(kafka, 'in', [1]);
    const app = await bootWithMemoryKafka(kafka, [H]);
    await waitFor('the skip committed', () => kafka.group('test').committed.get('in\u00000') === 1n);
    await app.close();
    expect(kafka.transactions.map((t) => [t.outcome, t.records.length])).toEqual([
      ['aborted', 0],
      ['committed', 0],
    ]);
  });

  it('delivers again when the commit fails (abortable), without counting an attempt', async () => {
    const kafka = new MemoryKafka(1);
    kafka.failCommits = 2;
    const attempts: number[] = [];
    @Injectable()
    class H {
      constructor(@Inject(SamsaProducer) private readonly producer: SamsaProducer) {}
      @Subscribe('in', { fromBeginning: true, transactional: true, retry: { attempts: 1 } })
      async run(@Payload() event: { id: number }, @Ctx() ctx: SamsaContext) {
        attempts.push(ctx.attempt);
        await this.producer.publish('out', event);
      }
    }
    await seed(kafka, 'in', [7]);
    const app = await bootWithMemoryKafka(kafka, [H]);
    await waitFor('the output', () => values(kafka, 'out').length === 1);
    await app.close();
    expect(attempts).toEqual([1, 1, 1]);
    expect(values(kafka, 'out')).toEqual([{ id: 7 }]);
    expect(kafka.committedRecords('in.dlq')).toEqual([]);
    expect(kafka.transactions.map((t) => t.outcome)).toEqual(['aborted', 'aborted', 'committed']);
  });

  it('waits for publishes the handler did not await; a failed one fails the delivery', async () => {
    const kafka = new MemoryKafka(1);
    @Injectable()
    class H {
      constructor(@Inject(SamsaProducer) private readonly producer: SamsaProducer) {}
      @Subscribe('in', { fromBeginning: true, transactional: true, retry: { attempts: 2, backoff: 1 } })
      run(@Payload() event: { id: number }, @Ctx() ctx: SamsaContext) {
        void this.producer.publish('out', event);
        if (ctx.attempt === 1) void this.producer.publish('out', { bad: 1n }); // JSON cannot encode a bigint
      }
    }
    await seed(kafka, 'in', [1]);
    const app = await bootWithMemoryKafka(kafka, [H]);
    await waitFor('the output', () => values(kafka, 'out').length === 1);
    await app.close();
    expect(values(kafka, 'out')).toEqual([{ id: 1 }]);
    expect(kafka.transactions.map((t) => t.outcome)).toEqual(['aborted', 'committed']);
  });

  it('refuses a publish made after the handler returned, with TransactionClosedError', async () => {
    const kafka = new MemoryKafka(1);
    let late: Promise<unknown> | undefined;
    let escaped: SamsaContext | undefined;
    @Injectable()
    class H {
      constructor(@Inject(SamsaProducer) private readonly producer: SamsaProducer) {}
      @Subscribe('in', { fromBeginning: true, transactional: true })
      run(_event: unknown, @Ctx() ctx: SamsaContext) {
        escaped = ctx;
        late = new Promise((resolve) => setTimeout(resolve, 20)).then(() =>
          this.producer.publish('out', { late: true }),
        );
      }
    }
    await seed(kafka, 'in', [1]);
    const app = await bootWithMemoryKafka(kafka, [H]);
    await waitFor('the commit', () => kafka.transactions.length === 1);
    await expect(late).rejects.toBeInstanceOf(TransactionClosedError);
    await expect(late).rejects.toThrow(/after the transaction of H\.run in\[0\]@0 was committed/);
    await expect(escaped!.transaction!.publish('out', {})).rejects.toBeInstanceOf(TransactionClosedError);
    expect(escaped!.transaction!.isActive()).toBe(false);
    await app.close();
    expect(values(kafka, 'out')).toEqual([]);
  });

  it('stops the container with SubscriptionStoppedError when its producer is fenced', async () => {
    const kafka = new MemoryKafka(1);
    const seen: number[] = [];
    @Injectable()
    class H {
      @Subscribe('in', { fromBeginning: true, transactional: true })
      run(@Payload() event: { id: number }) {
        seen.push(event.id);
      }
    }
    await seed(kafka, 'in', [1]);
    const app = await bootWithMemoryKafka(kafka, [H], { transactionalIdPrefix: 'svc-a' });
    const container = app.get(SamsaConsumers).get('H.run')!;
    expect(container.transactionalIds).toEqual(['svc-a:test:H.run:0']);
    await waitFor('the first record', () => kafka.group('test').committed.get('in\u00000') === 1n);
    kafka.fence('svc-a:test:H.run:0'); // another instance started with the same transactional id
    await seed(kafka, 'in', [2]);
    await waitFor('the container to stop', () => container.state === 'crashed');
    expect(container.lastError).toBeInstanceOf(SubscriptionStoppedError);
    expect((container.lastError as SubscriptionStoppedError).fenced).toBe(true);
    expect((container.lastError as Error).message).toMatch(
      /H\.run stopped: its transactional producer svc-a:test:H\.run:0 was fenced: another producer with the same transactional id started/,
    );
    expect(kafka.group('test').committed.get('in\u00000')).toBe(1n);
    expect(kafka.group('test').members).toEqual([]);
    await app.close();
    expect(container.state).toBe('crashed');
  });

  it('keeps per-partition concurrency with a producer per partition handled at once', async () => {
    const kafka = new MemoryKafka(3);
    @Injectable()
    class H {
      constructor(@Inject(SamsaProducer) private readonly producer: SamsaProducer) {}
      @Subscribe('in', { fromBeginning: true, transactional: true, concurrency: 3 })
      async run(@Payload() event: { id: number }) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        await this.producer.publish('out', event);
      }
    }
    const input = kafka.producer();
    await input.send({
      topic: 'in',
      messages: Array.from({ length: 30 }, (_, id) => ({ partition: id % 3, value: JSON.stringify({ id }) })),
    });
    const app = await bootWithMemoryKafka(kafka, [H], { transactionalIdPrefix: 'p' });
    expect(app.get(SamsaConsumers).get('H.run')!.transactionalIds).toEqual([
      'p:test:H.run:0',
      'p:test:H.run:1',
      'p:test:H.run:2',
    ]);
    await waitFor('30 outputs', () => values(kafka, 'out').length === 30);
    await app.close();
    expect(new Set(values(kafka, 'out').map((o) => o.id)).size).toBe(30);
    expect(new Set(kafka.transactions.map((t) => t.transactionalId)).size).toBeGreaterThan(1);
  });
});
