import { BadRequestException, ForbiddenException, HttpException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { DeadLetterHeaders, deadLetterMessage } from '../../src/consume/dead-letter.js';
import { isRetryableByDefault, resolveRetryPolicy } from '../../src/consume/retry-policy.js';
import { DeserializationError, NonRetryableError } from '../../src/errors.js';
import { ValueCodec } from '../../src/serde/value-codec.js';

describe('retry policy', () => {
  it('backs off exponentially up to the cap; a number is a fixed wait; false is one delivery', () => {
    const policy = resolveRetryPolicy({
      attempts: 5,
      backoff: { initialMs: 100, multiplier: 3, maxMs: 1000 },
    });
    expect([1, 2, 3, 4].map((n) => policy.delayMs(n))).toEqual([100, 300, 900, 1000]);
    expect(resolveRetryPolicy({ backoff: 50 }).delayMs(4)).toBe(50);
    expect(resolveRetryPolicy(undefined).attempts).toBe(3);
    expect(resolveRetryPolicy(false)).toMatchObject({ attempts: 1 });
  });

  it('does not retry what cannot get better', () => {
    expect(isRetryableByDefault(new Error('db down'))).toBe(true);
    expect(isRetryableByDefault(new NonRetryableError('x'))).toBe(false);
    expect(isRetryableByDefault(new DeserializationError('x'))).toBe(false);
    expect(isRetryableByDefault(new BadRequestException())).toBe(false);
    expect(isRetryableByDefault(new ForbiddenException())).toBe(false);
    expect(isRetryableByDefault(new HttpException('slow down', 429))).toBe(true);
    expect(isRetryableByDefault(new HttpException('bad gateway', 502))).toBe(true);
    const custom = resolveRetryPolicy({ retryable: (e) => !(e instanceof RangeError) });
    expect(custom.retryable(new RangeError())).toBe(false);
    expect(custom.retryable(new BadRequestException())).toBe(false);
    expect(custom.retryable(new Error())).toBe(true);
  });
});

describe('dead-letter record', () => {
  it('keeps key, value and headers, and says where it came from and why', () => {
    const message = deadLetterMessage({
      topic: 'orders',
      partition: 2,
      groupId: 'payments',
      attempts: 3,
      error: new BadRequestException(['quantity must be positive', 'sku is required']),
      message: {
        key: Buffer.from('c-1'),
        value: Buffer.from('{}'),
        headers: { trace: Buffer.from('t'), multi: [Buffer.from('a'), Buffer.from('b')], gone: null },
        offset: '41',
        timestamp: '1700000000000',
      },
    });
    expect(message.key!.toString()).toBe('c-1');
    expect(message.value!.toString()).toBe('{}');
    const h = Object.fromEntries(Object.entries(message.headers!).map(([k, v]) => [k, String(v)]));
    expect(h).toMatchObject({
      trace: 't',
      multi: 'b',
      [DeadLetterHeaders.ORIGINAL_TOPIC]: 'orders',
      [DeadLetterHeaders.ORIGINAL_PARTITION]: '2',
      [DeadLetterHeaders.ORIGINAL_OFFSET]: '41',
      [DeadLetterHeaders.ORIGINAL_TIMESTAMP]: '1700000000000',
      [DeadLetterHeaders.ORIGINAL_CONSUMER_GROUP]: 'payments',
      [DeadLetterHeaders.EXCEPTION_FQCN]: 'BadRequestException',
      [DeadLetterHeaders.EXCEPTION_MESSAGE]:
        'Bad Request Exception: quantity must be positive; sku is required',
      [DeadLetterHeaders.ATTEMPTS]: '3',
    });
    expect('gone' in message.headers!).toBe(false);
  });
});

describe('value decoding', () => {
  const codec = new ValueCodec(undefined);
  it("'auto' parses JSON when it is JSON and keeps text otherwise", () => {
    expect(codec.decode(Buffer.from('{"a":1}'), 't', 'auto')).toEqual({ a: 1 });
    expect(codec.decode(Buffer.from('[1,2]'), 't', 'auto')).toEqual([1, 2]);
    expect(codec.decode(Buffer.from('42'), 't', 'auto')).toBe(42);
    expect(codec.decode(Buffer.from('hello'), 't', 'auto')).toBe('hello');
    expect(codec.decode(Buffer.from('{broken'), 't', 'auto')).toBe('{broken');
    expect(codec.decode(null, 't', 'auto')).toBeNull();
  });
  it('strict formats say what is wrong', async () => {
    expect(() => codec.decode(Buffer.from('nope'), 'orders', 'json')).toThrow(/value at orders is not JSON/);
    expect(() => codec.decode(Buffer.from('nope'), 'orders', 'avro')).toThrow(/wire format/);
    expect(codec.decode(Buffer.from([1, 2]), 't', 'buffer')).toEqual(Buffer.from([1, 2]));
    await expect(
      Promise.resolve(codec.decode(Buffer.from([0, 0, 0, 0, 1, 2]), 'orders', 'avro')),
    ).rejects.toThrow(/has no schemaRegistry/);
  });
});
