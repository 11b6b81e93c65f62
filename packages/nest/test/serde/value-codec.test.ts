import 'reflect-metadata';
import { Injectable } from '@nestjs/common';
import { type RegistryServer, startRegistryServer, typedSchema } from '@samsa/schema-registry';
import { waitFor } from '@samsa/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
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

describe('JSON Schema, Protobuf and zod-defined topics through the same API', () => {
  let registry: RegistryServer;
  beforeAll(async () => {
    registry = await startRegistryServer({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => registry.close());

  const Shipped = z.object({
    orderId: z.string(),
    carrier: z.enum(['DHL', 'UPS']),
    parcels: z.int32().min(1),
  });
  const ShippedJson = defineTopic('json.shipped', { schema: Shipped, key: (event) => event.orderId });
  const ShippedChecked = defineTopic('json.shipped', { schema: Shipped, validate: { consume: true } });
  const ShippedAvro = defineTopic('avro.shipped', {
    schema: z.object({ orderId: z.string(), at: z.date(), note: z.string().optional() }),
    format: 'avro',
    avro: { namespace: 'com.acme' },
  });
  const Refunds = defineTopic<{ order_id: string; cents: string }>('proto.refunds', {
    schema: {
      schemaType: 'PROTOBUF',
      schema: 'syntax = "proto3";\npackage acme;\nmessage Refund { string order_id = 1; int64 cents = 2; }\n',
    },
  });

  it('registers each topic in its format and delivers typed payloads', async () => {
    const kafka = new MemoryKafka(1);
    const seen: unknown[] = [];
    @Injectable()
    class Handlers {
      @Subscribe(ShippedJson, { fromBeginning: true, groupId: 'json' })
      json(@Payload() event: z.output<typeof Shipped>) {
        seen.push(['json', event]);
      }
      @Subscribe(ShippedAvro, { fromBeginning: true, groupId: 'avro' })
      avro(@Payload() event: { orderId: string; at: Date; note?: string }) {
        seen.push(['avro', event]);
      }
      @Subscribe(Refunds, { fromBeginning: true, groupId: 'proto' })
      proto(@Payload() event: { order_id: string; cents: string }) {
        seen.push(['proto', event]);
      }
    }
    const app = await bootWithMemoryKafka(kafka, [Handlers], {
      schemaRegistry: { url: registry.url },
      topics: [ShippedJson, ShippedAvro, Refunds],
    });
    const versions = async (subject: string) =>
      (await (await fetch(`${registry.url}/subjects/${subject}/versions/latest`)).json()) as {
        schemaType?: string;
      };
    expect((await versions('json.shipped-value')).schemaType).toBe('JSON');
    expect((await versions('avro.shipped-value')).schemaType).toBeUndefined();
    expect((await versions('proto.refunds-value')).schemaType).toBe('PROTOBUF');

    const producer = app.get(SamsaProducer);
    await producer.publish(ShippedJson, { orderId: 'o-1', carrier: 'DHL', parcels: 2 });
    await producer.publish(ShippedAvro, { orderId: 'o-1', at: new Date(1_700_000_000_000) });
    await producer.publish(Refunds, { order_id: 'o-1', cents: '250' });
    await waitFor('three payloads', () => seen.length === 3);
    expect(seen).toContainEqual(['json', { orderId: 'o-1', carrier: 'DHL', parcels: 2 }]);
    expect(seen).toContainEqual(['avro', { orderId: 'o-1', at: new Date(1_700_000_000_000) }]);
    expect(seen).toContainEqual(['proto', { order_id: 'o-1', cents: '250' }]);
    expect(kafka.messages('json.shipped')[0]!.key!.toString()).toBe('o-1');
    expect(kafka.messages('proto.refunds')[0]!.value!.subarray(5, 6)).toEqual(Buffer.from([0]));

    // zod refuses a bad event before anything is sent.
    await expect(
      producer.publish(ShippedJson, { orderId: 'o-2', carrier: 'FEDEX', parcels: 0 } as never),
    ).rejects.toThrow(/does not match its zod schema: carrier: .*; parcels/);
    expect(kafka.messages('json.shipped')).toHaveLength(1);
    await app.close();
  });

  it('checks payloads with zod on consume when the topic asks, dead-lettering those that fail', async () => {
    const kafka = new MemoryKafka(1);
    const seen: unknown[] = [];
    @Injectable()
    class Checked {
      @Subscribe(ShippedChecked, { fromBeginning: true, retry: false })
      on(@Payload() event: unknown) {
        seen.push(event);
      }
    }
    const app = await bootWithMemoryKafka(kafka, [Checked], { schemaRegistry: { url: registry.url } });
    const producer = app.get(SamsaProducer);
    // Written without zod's check (validate: false on this definition's twin), so the consumer's check has work.
    const Unchecked = defineTopic('json.shipped', { schema: Shipped, validate: false });
    await producer.publish(Unchecked, { orderId: 'o-3', carrier: 'DHL', parcels: 0 });
    await producer.publish(Unchecked, { orderId: 'o-4', carrier: 'UPS', parcels: 1 });
    await waitFor('the good one', () => seen.length === 1);
    await waitFor('the dead letter', () => kafka.messages('json.shipped.dlq').length === 1);
    expect(seen).toEqual([{ orderId: 'o-4', carrier: 'UPS', parcels: 1 }]);
    await app.close();
  });
});

// Compile-time checks: a zod-defined topic types publish by zod's output type.
export async function zodTypeChecks(producer: SamsaProducer): Promise<void> {
  const Topic = defineTopic('t', { schema: z.object({ id: z.string(), n: z.int() }) });
  await producer.publish(Topic, { id: 'x', n: 1 });
  // @ts-expect-error n must be a number
  await producer.publish(Topic, { id: 'x', n: '1' });
}
