import 'reflect-metadata';
import { Injectable } from '@nestjs/common';
import { type RegistryServer, startRegistryServer, typedSchema } from '@samsa/schema-registry';
import { waitFor } from '@samsa/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeadLetterHeaders, defineTopic, Payload, SamsaProducer, Subscribe } from '../../src/index.js';
import { bootWithMemoryKafka } from '../support/boot.js';
import { MemoryKafka } from '../support/memory-kafka.js';

interface OrderV1 {
  orderId: string;
  total: number;
}
interface OrderV2 extends OrderV1 {
  currency: string;
}
const OrderV1Schema = typedSchema<OrderV1>({
  type: 'record',
  name: 'Order',
  fields: [
    { name: 'orderId', type: 'string' },
    { name: 'total', type: 'double' },
  ],
});
const OrderV2Schema = typedSchema<OrderV2>({
  type: 'record',
  name: 'Order',
  fields: [
    { name: 'orderId', type: 'string' },
    { name: 'total', type: 'double' },
    { name: 'currency', type: 'string', default: 'EUR' },
  ],
});
const OrdersV1 = defineTopic('avro.orders', { schema: OrderV1Schema, key: (order) => order.orderId });
const OrdersV2 = defineTopic('avro.orders', { schema: OrderV2Schema });

describe('Avro topics through the schema registry', () => {
  let registry: RegistryServer;
  beforeAll(async () => {
    registry = await startRegistryServer({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => registry.close());

  it('registers at start, encodes typed events, decodes them (resolving old writers to the reader schema)', async () => {
    const kafka = new MemoryKafka(1);
    const seen: OrderV2[] = [];
    @Injectable()
    class Billing {
      @Subscribe(OrdersV2, { fromBeginning: true })
      bill(@Payload() order: OrderV2) {
        seen.push(order);
      }
    }
    const app = await bootWithMemoryKafka(kafka, [Billing], {
      schemaRegistry: { url: registry.url },
      topics: [OrdersV1],
    });
    const subjects = await (await fetch(`${registry.url}/subjects`)).json();
    expect(subjects).toContain('avro.orders-value');

    await app.get(SamsaProducer).publish(OrdersV1, { orderId: 'o-1', total: 12.5 });
    await waitFor('the order', () => seen.length === 1);
    expect(seen[0]).toEqual({ orderId: 'o-1', total: 12.5, currency: 'EUR' });
    const stored = kafka.messages('avro.orders')[0]!;
    expect(stored.value![0]).toBe(0); // Confluent wire format: magic byte, then the schema id
    expect(stored.key!.toString()).toBe('o-1');

    // a value that claims a schema id the registry does not have goes to the DLQ, without retries
    await app
      .get(SamsaProducer)
      .send({ topic: 'avro.orders', messages: [{ value: Buffer.from([0, 0, 0, 9, 99, 1]) }] });
    await waitFor('the dead letter', () => kafka.messages('avro.orders.dlq').length === 1);
    const dead = kafka.messages('avro.orders.dlq')[0]!;
    expect(String(dead.headers![DeadLetterHeaders.EXCEPTION_FQCN])).toBe('DeserializationError');
    await app.close();
  });

  it('rejects an event that does not match its schema before anything is sent', async () => {
    const kafka = new MemoryKafka(1);
    const app = await bootWithMemoryKafka(kafka, [], { schemaRegistry: { url: registry.url } });
    await expect(
      app.get(SamsaProducer).publish(OrdersV1, { orderId: 'o-2', total: 'twelve' } as unknown as OrderV1),
    ).rejects.toThrow(/does not match Avro schema/);
    expect(kafka.messages('avro.orders')).toHaveLength(0);
    await app.close();
  });
});

// Compile-time checks (run by `npm run lint`): publishing is typed by the topic.
export async function typeChecks(producer: SamsaProducer): Promise<void> {
  await producer.publish(OrdersV1, { orderId: 'o', total: 1 });
  // @ts-expect-error total must be a number
  await producer.publish(OrdersV1, { orderId: 'o', total: '1' });
  // @ts-expect-error currency is required by OrderV2
  await producer.publish(OrdersV2, { orderId: 'o', total: 1 });
  await producer.publish('plain.json', { anything: true });
}
