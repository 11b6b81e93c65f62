import 'reflect-metadata';
import { Injectable } from '@nestjs/common';
import { waitFor } from '@samsa/test-support';
import { describe, expect, it } from 'vitest';
import {
  BatchRecordError,
  Ctx,
  DeadLetterHeaders,
  Payload,
  type SamsaBatchContext,
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
});
