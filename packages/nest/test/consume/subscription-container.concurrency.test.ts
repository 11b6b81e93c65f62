import 'reflect-metadata';
import { Injectable } from '@nestjs/common';
import { waitFor } from '@samsa/test-support';
import { describe, expect, it } from 'vitest';
import {
  BatchRecordError,
  Ctx,
  Key,
  Payload,
  type SamsaBatchContext,
  type SamsaContext,
  Subscribe,
} from '../../src/index.js';
import { bootWithMemoryKafka } from '../support/boot.js';
import { MemoryKafka } from '../support/memory-kafka.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('concurrency', () => {
  it('runs keys of one partition in parallel, each key strictly in order, each record once', async () => {
    const kafka = new MemoryKafka(3);
    const perKey = new Map<string, number[]>();
    const inFlightPerKey = new Map<string, number>();
    const inFlightPerPartition = new Map<number, number>();
    let maxPerPartition = 0;
    let keyOverlap = false;
    let total = 0;
    @Injectable()
    class H {
      @Subscribe('events', { fromBeginning: true, concurrency: { partitions: 3, keysPerPartition: 4 } })
      async run(@Payload() event: { seq: number }, @Key() key: string, @Ctx() ctx: SamsaContext) {
        if ((inFlightPerKey.get(key) ?? 0) > 0) keyOverlap = true;
        inFlightPerKey.set(key, (inFlightPerKey.get(key) ?? 0) + 1);
        const p = (inFlightPerPartition.get(ctx.partition) ?? 0) + 1;
        inFlightPerPartition.set(ctx.partition, p);
        maxPerPartition = Math.max(maxPerPartition, p);
        await tick(event.seq % 3);
        perKey.set(key, [...(perKey.get(key) ?? []), event.seq]);
        inFlightPerKey.set(key, inFlightPerKey.get(key)! - 1);
        inFlightPerPartition.set(ctx.partition, inFlightPerPartition.get(ctx.partition)! - 1);
        total++;
      }
    }
    const keys = Array.from({ length: 12 }, (_, i) => `customer-${i}`);
    // produce before the consumer starts so batches hold many keys
    const producer = kafka.producer();
    for (let seq = 0; seq < 360; seq++) {
      await producer.send({
        topic: 'events',
        messages: [{ key: keys[seq % keys.length]!, value: JSON.stringify({ seq }) }],
      });
    }
    const app = await bootWithMemoryKafka(kafka, [H]);
    await waitFor('360 records', () => total === 360);
    expect(keyOverlap).toBe(false);
    expect(maxPerPartition).toBeGreaterThan(1);
    for (const [key, seqs] of perKey) {
      expect(seqs, key).toEqual([...seqs].sort((a, b) => a - b));
      expect(seqs).toHaveLength(30);
    }
    await app.close();
    const committed = [...kafka.group('test').committed.values()].reduce((a, b) => a + b, 0n);
    expect(committed).toBe(360n);
  });
});

describe('batch handlers', () => {
  it('hands over arrays, commits before a failing index, retries from it, dead-letters it, continues', async () => {
    const kafka = new MemoryKafka(1);
    const calls: number[][] = [];
    const done: number[] = [];
    @Injectable()
    class H {
      @Subscribe('b', { fromBeginning: true, batch: { maxSize: 10 }, retry: { attempts: 2, backoff: 1 } })
      run(@Payload() items: number[], @Ctx() ctx: SamsaBatchContext) {
        calls.push(items);
        expect(ctx.messages).toHaveLength(items.length);
        for (let i = 0; i < items.length; i++) {
          if (items[i] === 13) throw new BatchRecordError(i, new Error('thirteen'));
          done.push(items[i]!);
        }
      }
    }
    const producer = kafka.producer();
    await producer.send({
      topic: 'b',
      messages: [10, 11, 12, 13, 14, 15].map((n) => ({ value: String(n) })),
    });
    const app = await bootWithMemoryKafka(kafka, [H]);
    await waitFor('all but 13', () => done.includes(15));
    expect(calls).toEqual([
      [10, 11, 12, 13, 14, 15],
      [13, 14, 15],
      [14, 15],
    ]);
    // 10, 11, 12 were reported done by the first call; 14 and 15 by the last
    expect(done).toEqual([10, 11, 12, 14, 15]);
    expect(kafka.messages('b.dlq').map((m) => m.value!.toString())).toEqual(['13']);
    await app.close();
    expect(kafka.group('test').committed.get('b\u00000')).toBe(6n);
  });

  it('dead-letters the whole batch when the handler fails without an index', async () => {
    const kafka = new MemoryKafka(1);
    let calls = 0;
    @Injectable()
    class H {
      @Subscribe('b', { fromBeginning: true, batch: true, retry: { attempts: 2, backoff: 1 } })
      run() {
        calls++;
        throw new Error('down');
      }
    }
    await kafka.producer().send({ topic: 'b', messages: [1, 2, 3].map((n) => ({ value: String(n) })) });
    const app = await bootWithMemoryKafka(kafka, [H]);
    await waitFor('dead letters', () => kafka.messages('b.dlq').length === 3);
    expect(calls).toBe(2);
    await app.close();
  });
});
