import 'reflect-metadata';
import { type LoggerService, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SamsaProducer } from '@samsa/nest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EventLog } from '../../src/event-log.js';
import { type OrderCreated, OrderCreatedSchema } from '../../src/generated/events.js';
import { configureHttp } from '../../src/http/configure-http.js';
import { OrdersController } from '../../src/orders/orders.controller.js';
import { OrdersService } from '../../src/orders/orders.service.js';

// Bad input to POST /orders over real HTTP, with the real controller, service and HTTP configuration; the producer
// is a stand-in that checks each event against the Avro schema, as the real one does before it encodes.

const published: OrderCreated[] = [];
const logged: string[] = [];
let producerFailure: Error | undefined;

const producer = {
  async publish(_topic: unknown, event: OrderCreated) {
    if (producerFailure) throw producerFailure;
    OrderCreatedSchema.validate(event);
    published.push(event);
    return [{ partition: 0 }];
  },
};

const logger: LoggerService = {
  log: () => {},
  warn: () => {},
  error: (message: unknown, ...rest: unknown[]) => void logged.push([message, ...rest].join(' ')),
  fatal: (message: unknown, ...rest: unknown[]) => void logged.push([message, ...rest].join(' ')),
};

@Module({
  controllers: [OrdersController],
  providers: [
    OrdersService,
    { provide: SamsaProducer, useValue: producer },
    { provide: EventLog, useValue: { print: () => {} } },
  ],
})
class OrdersHttpModule {}

let app: NestExpressApplication;
let base: string;

beforeAll(async () => {
  app = await NestFactory.create<NestExpressApplication>(OrdersHttpModule, { logger });
  configureHttp(app, app.get(EventLog));
  await app.listen(0, '127.0.0.1');
  base = await app.getUrl();
});
afterAll(() => app.close());
beforeEach(() => {
  published.length = 0;
  logged.length = 0;
  producerFailure = undefined;
});

const book = { sku: 'book', quantity: 1, price: 12.5 };

/** POSTs a body (JSON text, or a value to write as JSON) with the given headers, sent as bytes: fetch adds no type. */
async function post(body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) {
  const response = await fetch(`${base}/orders`, {
    method: 'POST',
    headers,
    body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
  });
  const text = await response.text();
  // biome-ignore lint/suspicious/noExplicitAny: answers are inspected field by field
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text, requestId: response.headers.get('x-request-id') };
}

describe('POST /orders', () => {
  it('accepts a valid order and publishes it with its total', async () => {
    const answer = await post({ customerId: 'c-1', items: [book, { sku: 'pen', quantity: 3, price: 1.5 }] });
    expect(answer).toMatchObject({ status: 202, json: { status: 'accepted' } });
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ customerId: 'c-1', total: 17 });
  });

  it('refuses items that are not objects, nested arrays included, with 400 (was 500, unlogged)', async () => {
    for (const items of [[[]], [[book]], [book, null], ['book'], [1]]) {
      const answer = await post({ customerId: 'c-1', items });
      expect(answer.status, JSON.stringify(items)).toBe(400);
      expect(answer.json.message).toContain('each value in items must be an object');
    }
    expect(published).toEqual([]);
    expect(logged).toEqual([]);
  });

  it('refuses prices beyond the bound and totals beyond theirs, so the total stays finite (was Infinity)', async () => {
    const huge = await post({ customerId: 'c-1', items: [book, { sku: 'x', quantity: 2, price: 1e308 }] });
    expect(huge).toMatchObject({
      status: 400,
      json: { message: ['items.1.price must not be greater than 1000000'] },
    });
    const tooMuch = await post({
      customerId: 'c-1',
      items: [{ sku: 'x', quantity: 10_000, price: 1_000_000 }],
    });
    expect(tooMuch).toMatchObject({
      status: 400,
      json: { message: ['items must add up to at most 10000000 (the sum of quantity × price)'] },
    });
    expect(published).toEqual([]);
  });

  it('refuses prototype keys as it refuses any unknown key (they were accepted and stripped)', async () => {
    const unknown = await post({ customerId: 'c-1', items: [book], color: 'red' });
    expect(unknown).toMatchObject({ status: 400, json: { message: ['property color should not exist'] } });
    for (const [body, message] of [
      [
        '{"customerId":"c-1","items":[{"sku":"b","quantity":1,"price":1}],"__proto__":{"admin":true}}',
        'property __proto__ should not exist',
      ],
      [
        '{"customerId":"c-1","items":[{"sku":"b","quantity":1,"price":1}],"constructor":{"name":"x"}}',
        'property constructor should not exist',
      ],
      [
        '{"customerId":"c-1","items":[{"sku":"b","quantity":1,"price":1,"__proto__":{"price":0}}]}',
        'items.0.property __proto__ should not exist',
      ],
      [
        '{"customerId":"c-1","items":[{"sku":"b","quantity":1,"price":1,"prototype":1}]}',
        'items.0.property prototype should not exist',
      ],
    ] as const) {
      const answer = await post(body);
      expect(answer.status, body).toBe(400);
      expect(answer.json.message, body).toEqual([message]);
    }
    expect(published).toEqual([]);
  });

  it('answers 415 to a body without a JSON content type (was 400 listing every field as missing)', async () => {
    const order = JSON.stringify({ customerId: 'c-1', items: [book] });
    const missing = await post(order, {});
    expect(missing).toMatchObject({ status: 415, json: { statusCode: 415 } });
    expect(missing.json.message).toBe('Content-Type is missing: send the body as application/json');
    const text = await post(order, { 'content-type': 'text/plain' });
    expect(text).toMatchObject({ status: 415 });
    expect(text.json.message).toBe(
      'Content-Type text/plain is not supported: send the body as application/json',
    );
    expect((await post(order, { 'content-type': 'application/json; charset=utf-8' })).status).toBe(202);
    expect(published).toHaveLength(1);
  });

  it('answers 413 to a body over 64 KiB', async () => {
    const answer = await post({ customerId: 'c-1', items: [{ ...book, sku: 'x'.repeat(70_000) }] });
    expect(answer).toMatchObject({ status: 413, json: { statusCode: 413 } });
    expect(published).toEqual([]);
  });

  it('refuses a body nested deeper than an order can be, without walking it recursively', async () => {
    const deep = `{"customerId":"c-1","items":[{"sku":"b","quantity":1,"price":1}],"extra":${'['.repeat(30_000)}${']'.repeat(30_000)}}`;
    const answer = await post(deep);
    expect(answer).toMatchObject({ status: 400 });
    expect(answer.json.message).toBe('The request body nests objects and arrays more than 8 levels deep');
    expect(logged).toEqual([]);
  });

  it('logs an unexpected error with a request id and answers 500 with the same id, and no stack', async () => {
    producerFailure = new Error('the broker went away');
    const answer = await post({ customerId: 'c-1', items: [book] });
    expect(answer.status).toBe(500);
    expect(answer.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer.json).toEqual({
      statusCode: 500,
      message: 'Internal server error',
      requestId: answer.requestId,
    });
    expect(answer.text).not.toContain('the broker went away');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain(`POST /orders failed (request ${answer.requestId})`);
    expect(logged[0]).toContain('Error: the broker went away');
  });
});
