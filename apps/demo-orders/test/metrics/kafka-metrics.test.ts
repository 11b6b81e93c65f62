/**
 * GET /metrics on the in-process dev broker and registry: the exposition parses with a Prometheus
 * text-format parser, and after N orders the Kafka metrics say exactly N sent and N consumed per
 * group, with no lag left.
 */
import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { type SamsaTestKit, startSamsaTestKit } from '@samsa/nest/testing';
import { waitFor } from '@samsa/test-support';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppModule } from '../../src/app.module.js';
import { OrdersService } from '../../src/orders/orders.service.js';

interface Family {
  name: string;
  type: string;
  metrics: { value?: string; labels?: Record<string, string> }[];
}

let kit: SamsaTestKit;
let app: INestApplication;
let base: string;

beforeAll(async () => {
  kit = await startSamsaTestKit({ partitions: 3 });
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.register({ brokers: kit.brokers, schemaRegistryUrl: kit.schemaRegistryUrl! })],
  }).compile();
  app = moduleRef.createNestApplication({ logger: false });
  await app.listen(0, '127.0.0.1');
  base = await app.getUrl();
});

afterAll(async () => {
  await app?.close();
  await kit?.stop();
});

async function scrape(): Promise<Map<string, Family>> {
  const response = await fetch(`${base}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const families = parsePrometheusTextFormat(await response.text()) as Family[];
  return new Map(families.map((f) => [f.name, f]));
}

/** The sum of a family's samples whose labels include `match`. */
function sum(families: Map<string, Family>, name: string, match: Record<string, string> = {}): number {
  const family = families.get(name);
  if (family === undefined) return Number.NaN;
  return family.metrics
    .filter((m) => Object.entries(match).every(([k, v]) => m.labels?.[k] === v))
    .reduce((total, m) => total + Number(m.value), 0);
}

describe('GET /metrics', () => {
  it('after N orders: exactly N sent and consumed per topic and group, lag 0, in Prometheus text format', async () => {
    const orders = 4;
    const service = app.get(OrdersService);
    for (let i = 0; i < orders; i++)
      await service.place({ customerId: `c-${i}`, items: [{ sku: 'book', quantity: 1, price: 10 }] });

    let families = new Map<string, Family>();
    await waitFor('every order notified, no lag left', async () => {
      families = await scrape();
      return (
        sum(families, 'kafka_consumer_records_consumed_total', { group: 'notifications' }) === orders &&
        sum(families, 'kafka_consumer_records_lag') === 0
      );
    });

    expect(families.get('kafka_producer_record_send_total')?.type).toBe('COUNTER');
    expect(sum(families, 'kafka_producer_record_send_total', { topic: 'orders.created' })).toBe(orders);
    expect(sum(families, 'kafka_producer_record_send_total', { topic: 'payments.completed' })).toBe(orders);
    expect(sum(families, 'kafka_producer_record_error_total')).toBe(0);
    expect(sum(families, 'kafka_consumer_records_consumed_total', { group: 'payments' })).toBe(orders);
    expect(sum(families, 'kafka_consumer_records_consumed_total', { group: 'notifications' })).toBe(orders);
    const lag = families.get('kafka_consumer_records_lag')!;
    expect(lag.type).toBe('GAUGE');
    // Every partition of orders.created, payments.completed and notifications.sent, each caught up.
    const caughtUp = lag.metrics.filter((m) => m.labels?.topic !== 'orders.created.dlq');
    expect(
      caughtUp.map((m) => `${m.labels?.group} ${m.labels?.topic}[${m.labels?.partition}] ${m.value}`).sort(),
    ).toEqual(
      [0, 1, 2]
        .flatMap((p) => [
          `audit notifications.sent[${p}] 0`,
          `notifications payments.completed[${p}] 0`,
          `payments orders.created[${p}] 0`,
        ])
        .sort(),
    );
    const brokers = families.get('kafka_client_request_latency_avg_seconds')!.metrics;
    expect(new Set(brokers.map((m) => m.labels?.role))).toEqual(new Set(['producer', 'consumer']));
    expect(sum(families, 'kafka_consumer_rebalance_total', { group: 'payments' })).toBeGreaterThanOrEqual(1);
    expect(families.has('process_cpu_user_seconds_total')).toBe(true);
  });
});
