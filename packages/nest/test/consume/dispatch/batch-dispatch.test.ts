import 'reflect-metadata';
import { Inject, Injectable } from '@nestjs/common';
import { waitFor } from '@samsa/test-support';
import { describe, expect, it } from 'vitest';
import {
  BatchRecordError,
  Ctx,
  DeadLetterHeaders,
  Payload,
  type SamsaBatchContext,
  SamsaProducer,
  Subscribe,
} from '../../../src/index.js';
import { bootWithMemoryKafka } from '../../support/boot.js';
import { MemoryKafka } from '../../support/memory-kafka.js';

describe('batch dispatch', () => {
  it('counts attempts per record: a failing index restarts the count, giving up resets it for the rest', async () => {
    const kafka = new MemoryKafka(1);
    const calls: { items: number[]; attempt: number }[] = [];
    let failedWhole = false;
    @Injectable()
    class H {
      @Subscribe('b', { fromBeginning: true, batch: { maxSize: 10 }, retry: { attempts: 3, backoff: 1 } })
      run(@Payload() items: number[], @Ctx() ctx: SamsaBatchContext) {
        calls.push({ items, attempt: ctx.attempt });
        if (!failedWhole) {
          failedWhole = true;
          throw new Error('down');
        }
        const at = items.indexOf(13);
        if (at >= 0) throw new BatchRecordError(at, new Error('thirteen'));
      }
    }
    await kafka.producer().send({
      topic: 'b',
      messages: [10, 11, 12, 13, 14, 15].map((n) => ({ value: String(n) })),
    });
    const app = await bootWithMemoryKafka(kafka, [H]);
    await waitFor('the records after 13', () => calls.some((call) => call.items[0] === 14));
    await app.close();

    expect(calls).toEqual([
      { items: [10, 11, 12, 13, 14, 15], attempt: 1 },
      { items: [10, 11, 12, 13, 14, 15], attempt: 2 },
      // 10..12 are done; 13 failed once in the call before
      { items: [13, 14, 15], attempt: 2 },
      { items: [13, 14, 15], attempt: 3 },
      // 13 is dead-lettered; the rest start over
      { items: [14, 15], attempt: 1 },
    ]);
    const [dead] = kafka.messages('b.dlq');
    expect(dead?.value?.toString()).toBe('13');
    expect(String(dead?.headers?.[DeadLetterHeaders.ATTEMPTS])).toBe('3');
    expect(kafka.group('test').committed.get('b\u00000')).toBe(6n);
  });

  it('transactional: one transaction per batch; a BatchRecordError aborts it and delivers the records before it again', async () => {
    const kafka = new MemoryKafka(1);
    const calls: { items: number[]; attempt: number }[] = [];
    @Injectable()
    class H {
      constructor(@Inject(SamsaProducer) private readonly producer: SamsaProducer) {}
      @Subscribe('b', {
        fromBeginning: true,
        batch: { maxSize: 10 },
        transactional: true,
        retry: { attempts: 2, backoff: 1 },
      })
      async run(@Payload() items: number[], @Ctx() ctx: SamsaBatchContext) {
        calls.push({ items, attempt: ctx.attempt });
        for (const item of items) {
          if (item === 12) throw new BatchRecordError(items.indexOf(12), new Error('twelve'));
          await this.producer.publish('out', item);
        }
      }
    }
    await kafka
      .producer()
      .send({ topic: 'b', messages: [10, 11, 12, 13].map((n) => ({ value: String(n) })) });
    const app = await bootWithMemoryKafka(kafka, [H]);
    await waitFor('13 handled', () => kafka.committedRecords('out').some((m) => String(m.value) === '13'));
    await app.close();

    expect(calls).toEqual([
      { items: [10, 11, 12, 13], attempt: 1 },
      // the aborted transaction took 10 and 11's outputs along: they run again, on their own
      { items: [10, 11], attempt: 1 },
      { items: [12, 13], attempt: 2 },
      { items: [13], attempt: 1 },
    ]);
    expect(kafka.committedRecords('out').map((m) => String(m.value))).toEqual(['10', '11', '13']);
    expect(kafka.committedRecords('b.dlq').map((m) => String(m.value))).toEqual(['12']);
    expect(
      kafka.transactions.map((t) => [t.outcome, t.offsets[0]?.topics[0]?.partitions[0]?.offset]),
    ).toEqual([
      ['aborted', undefined],
      ['committed', '2'],
      ['aborted', undefined],
      ['committed', '3'],
      ['committed', '4'],
    ]);
  });
});
