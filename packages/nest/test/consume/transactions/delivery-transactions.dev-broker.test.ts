/**
 * Transactional subscriptions against the in-process dev broker with Samsa's client: real
 * transactions (InitProducerId, AddPartitionsToTxn, TxnOffsetCommit, EndTxn), read back by a
 * read_committed consumer.
 *
 * The exactly-once test needs the broker to hide aborted transactions from read_committed fetches
 * (last stable offset, aborted-transaction index): the failed attempts' publishes are aborted, and
 * only that hiding keeps them out of the output.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { type Consumer, Kafka, LogLevel, ProducerFencedError } from '@samsa/core-client';
import { waitFor } from '@samsa/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Ctx,
  DeadLetterHeaders,
  Key,
  Payload,
  SamsaConsumers,
  type SamsaContext,
  SamsaProducer,
  Subscribe,
  SubscriptionStoppedError,
} from '../../../src/index.js';
import { type SamsaTestKit, startSamsaTestKit } from '../../../src/testing/index.js';

let kit: SamsaTestKit;
let kafka: Kafka;
const apps: TestingModule[] = [];

beforeAll(async () => {
  kit = await startSamsaTestKit({ partitions: 3, registry: false });
  kafka = new Kafka({ clientId: 'eos-reader', brokers: kit.brokers, logLevel: LogLevel.NOTHING });
});
afterAll(async () => {
  for (const app of apps) await app.close().catch(() => undefined);
  await kit?.stop();
});

async function boot(clientId: string, providers: unknown[], transactionalIdPrefix = clientId) {
  @Module({
    imports: [
      kit.module({
        clientId,
        logger: false,
        ensureTopics: true,
        transactionalIdPrefix,
        consumer: { maxWaitTimeInMs: 50 },
      }),
    ],
    providers: providers as never[],
  })
  class AppModule {}
  const app = await Test.createTestingModule({ imports: [AppModule] }).compile();
  app.useLogger(false);
  await app.init();
  apps.push(app);
  return app;
}

interface Read {
  key: string | null;
  value: string;
  headers: Record<string, string>;
}

/** Everything a read_committed reader gets from `topic`, up to its end once every transaction ended. */
async function readCommitted(topic: string): Promise<Read[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const consumer: Consumer = kafka.consumer({
    groupId: `reader-${randomUUID()}`,
    isolationLevel: 'read_committed',
    autoOffsetReset: 'earliest',
    maxWaitTimeInMs: 50,
  });
  const records: Read[] = [];
  await consumer.subscribe({ topics: [topic] });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
      records.push({ key: message.key?.toString() ?? null, value: String(message.value), headers });
    },
  });
  try {
    await waitFor(`the end of ${topic}`, () =>
      ends.every(
        ({ partition, high }) => BigInt(consumer.position({ topic, partition }) ?? -1) >= BigInt(high),
      ),
    );
  } finally {
    await consumer.disconnect();
  }
  return records;
}

async function committedOffsets(groupId: string, topic: string): Promise<Map<number, string>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map(committed!.partitions.map((p) => [p.partition, p.offset]));
  } finally {
    await admin.disconnect();
  }
}

async function ends(topic: string): Promise<Map<number, string>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, p.high]));
  } finally {
    await admin.disconnect();
  }
}

describe('transactional subscriptions on the dev broker', () => {
  it('publish exactly once under handler failures; a retried record is dead-lettered exactly once', async () => {
    const total = 45;
    const poison = 13;
    const calls = new Map<number, number>();
    @Injectable()
    class Payments {
      constructor(@Inject(SamsaProducer) private readonly producer: SamsaProducer) {}
      @Subscribe('eos.orders', {
        groupId: 'eos-payments',
        fromBeginning: true,
        transactional: true,
        concurrency: 3,
        retry: { attempts: 3, backoff: 5 },
      })
      async pay(@Payload() order: { id: number }, @Key() key: string, @Ctx() ctx: SamsaContext) {
        calls.set(order.id, (calls.get(order.id) ?? 0) + 1);
        // Published before failing: only the aborts keep these out of the output.
        await this.producer.publish('eos.payments', { id: order.id, attempt: ctx.attempt }, { key });
        if (order.id === poison) throw new Error(`card of order ${order.id} declined`);
        if (order.id % 5 === 0 && ctx.attempt === 1) throw new Error('payment provider timed out');
      }
    }
    await kit.createTopics(['eos.orders', 'eos.payments', 'eos.orders.dlq'], 3);
    await kit.produce(
      'eos.orders',
      Array.from({ length: total }, (_, id) => ({ id })),
      { key: (_v, i) => `customer-${i % 7}` },
    );
    const app = await boot('eos-payments-app', [Payments]);
    const container = app.get(SamsaConsumers).get('Payments.pay')!;
    await waitFor(
      'every order handled or dead-lettered',
      () => container.stats.processed + container.stats.deadLettered === total,
      {
        timeoutMs: 60_000,
      },
    );
    await app.close();

    const expectedCalls = (id: number) => (id === poison ? 3 : id % 5 === 0 ? 2 : 1);
    for (let id = 0; id < total; id++) expect(calls.get(id), `calls of order ${id}`).toBe(expectedCalls(id));

    const payments = (await readCommitted('eos.payments')).map(
      (r) => JSON.parse(r.value) as { id: number; attempt: number },
    );
    const ids = payments.map((p) => p.id).sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: total }, (_, id) => id).filter((id) => id !== poison));
    for (const p of payments)
      expect(p.attempt, `attempt of the payment of order ${p.id}`).toBe(p.id % 5 === 0 ? 2 : 1);

    const dead = await readCommitted('eos.orders.dlq');
    expect(dead.map((r) => JSON.parse(r.value))).toEqual([{ id: poison }]);
    expect(dead[0]!.headers[DeadLetterHeaders.ATTEMPTS]).toBe('3');

    // the group's offsets, committed only through the transactions, cover every input record
    const input = await ends('eos.orders');
    expect(await committedOffsets('eos-payments', 'eos.orders')).toEqual(input);
  });

  it('stops the container when another producer takes its transactional id over, committing nothing more', async () => {
    const handled: number[] = [];
    @Injectable()
    class Fenced {
      constructor(@Inject(SamsaProducer) private readonly producer: SamsaProducer) {}
      @Subscribe('eos.fence', { groupId: 'eos-fence', fromBeginning: true, transactional: true })
      async run(@Payload() event: { n: number }) {
        await this.producer.publish('eos.fence.out', event);
        handled.push(event.n);
      }
    }
    await kit.createTopics(['eos.fence', 'eos.fence.out'], 1);
    await kit.produce('eos.fence', [{ n: 1 }]);
    const app = await boot('eos-fence-app', [Fenced]);
    const container = app.get(SamsaConsumers).get('Fenced.run')!;
    await waitFor(
      'the first record committed',
      async () => (await committedOffsets('eos-fence', 'eos.fence')).get(0) === '1',
    );

    // a second instance started with the same transactional id
    const [id] = container.transactionalIds;
    const usurper = kafka.producer({ transactionalId: id! });
    await usurper.connect();
    await kit.produce('eos.fence', [{ n: 2 }]);
    await waitFor('the container to stop', () => container.state === 'crashed', { timeoutMs: 30_000 });
    await usurper.disconnect();

    const error = container.lastError as SubscriptionStoppedError;
    expect(error).toBeInstanceOf(SubscriptionStoppedError);
    expect(error.fenced).toBe(true);
    expect(error.cause).toBeInstanceOf(ProducerFencedError);
    expect(error.message).toContain(`its transactional producer ${id} was fenced`);
    expect((await committedOffsets('eos-fence', 'eos.fence')).get(0)).toBe('1');
    expect((await readCommitted('eos.fence.out')).map((r) => JSON.parse(r.value))).toEqual([{ n: 1 }]);
    await app.close();
    expect(container.state).toBe('crashed');
  });
});
