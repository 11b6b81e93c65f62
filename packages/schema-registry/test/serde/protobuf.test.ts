import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SchemaRegistryClient } from '../../src/client/client.js';
import { InvalidValueError } from '../../src/errors.js';
import { protobuf } from '../../src/protobuf/protobufjs.js';
import { ProtobufDeserializer, ProtobufSerializer } from '../../src/serde/protobuf.js';
import { readSchemaId } from '../../src/serde/wire.js';
import { type RegistryServer, startRegistryServer } from '../../src/server/http.js';

const ORDERS = `syntax = "proto3";
package acme;
import "google/protobuf/timestamp.proto";
message Order {
  string id = 1;
  int64 total_cents = 2;
  Status status = 3;
  repeated Line lines = 4;
  google.protobuf.Timestamp placed_at = 5;
  message Line { string sku = 1; int32 quantity = 2; }
  enum Status { NEW = 0; PAID = 1; }
}
message Refund { string order_id = 1; }
`;

let server: RegistryServer;
let client: SchemaRegistryClient;
beforeAll(async () => {
  server = await startRegistryServer({ port: 0 });
  client = new SchemaRegistryClient({ url: server.url });
});
afterAll(() => server.close());

describe('ProtobufSerializer / ProtobufDeserializer', () => {
  it('writes magic byte, schema id, [0] as one byte, then the message; reads it back as a plain object', async () => {
    const serializer = new ProtobufSerializer({ client, schema: ORDERS });
    const order = {
      id: 'o-1',
      total_cents: '1299',
      status: 'PAID',
      lines: [{ sku: 'book', quantity: 2 }],
      placed_at: { seconds: '1700000000', nanos: 0 },
    };
    const bytes = await serializer.serialize('orders', order);
    expect(bytes[5]).toBe(0);
    const root = new protobuf.Root();
    root.addJSON(protobuf.common.get('google/protobuf/timestamp.proto')!.nested!);
    const type = protobuf.parse(ORDERS, root, { keepCase: true }).root.lookupType('acme.Order');
    expect(bytes.subarray(6)).toEqual(Buffer.from(type.encode(type.fromObject(order)).finish()));
    expect(await client.getLatest('orders-value')).toMatchObject({
      id: readSchemaId(bytes),
      schemaType: 'PROTOBUF',
    });
    expect(await new ProtobufDeserializer({ client }).deserialize('orders', bytes)).toEqual(order);
  });

  it('writes the indexes of another message and decodes by them', async () => {
    const serializer = new ProtobufSerializer({
      client,
      schema: ORDERS,
      messageName: 'Refund',
      subjectNameStrategy: 'record',
    });
    expect(serializer.subjectOf('refunds')).toBe('acme.Refund');
    const bytes = await serializer.serialize('refunds', { order_id: 'o-1' });
    expect([...bytes.subarray(5, 7)]).toEqual([2, 2]);
    expect(await new ProtobufDeserializer({ client }).deserialize('refunds', bytes)).toEqual({
      order_id: 'o-1',
    });
    const line = await new ProtobufSerializer({
      client,
      schema: ORDERS,
      messageName: 'Order.Line',
    }).serialize('lines', {
      sku: 's',
      quantity: 1,
    });
    expect([...line.subarray(5, 8)]).toEqual([4, 0, 0]);
    expect(await new ProtobufDeserializer({ client }).deserialize('lines', line)).toEqual({
      sku: 's',
      quantity: 1,
    });
  });

  it('reads messages of one schema by their own indexes, alternately, also from views into larger buffers', async () => {
    const orders = new ProtobufSerializer({ client, schema: ORDERS });
    const refunds = new ProtobufSerializer({ client, schema: ORDERS, messageName: 'Refund' });
    const order = await orders.serialize('mixed', { id: 'o-3' });
    const refund = await refunds.serialize('mixed', { order_id: 'o-3' });
    expect(readSchemaId(refund)).toBe(readSchemaId(order));
    const deserializer = new ProtobufDeserializer({ client });
    // A consumer hands out views into a fetched batch: the bytes around a message must not be read.
    const inBatch = (message: Buffer) => Buffer.concat([Buffer.from([9, 9, 9]), message, Buffer.from([9])]);
    for (let i = 0; i < 3; i++) {
      const viewOfOrder = inBatch(order).subarray(3, 3 + order.length);
      const viewOfRefund = inBatch(refund).subarray(3, 3 + refund.length);
      expect(await deserializer.deserialize('mixed', viewOfOrder)).toMatchObject({ id: 'o-3', lines: [] });
      expect(await deserializer.deserialize('mixed', viewOfRefund)).toEqual({ order_id: 'o-3' });
    }
  });

  it('reads messages written without indexes (what @kafkajs/confluent-schema-registry writes), unless told not to', async () => {
    const serializer = new ProtobufSerializer({ client, schema: ORDERS });
    const framed = await serializer.serialize('orders', { id: 'o-2' });
    const bare = Buffer.concat([framed.subarray(0, 5), framed.subarray(6)]);
    expect(await new ProtobufDeserializer({ client }).deserialize('orders', bare)).toMatchObject({
      id: 'o-2',
    });
    await expect(
      new ProtobufDeserializer({ client, allowMissingMessageIndexes: false }).deserialize('orders', bare),
    ).rejects.toThrow(/does not decode|name no message/);
  });

  it('refuses values that do not fit the message', async () => {
    const serializer = new ProtobufSerializer({ client, schema: ORDERS });
    await expect(serializer.serialize('orders', { id: 'o', lines: 'not a list' })).rejects.toThrow(
      InvalidValueError,
    );
    await expect(serializer.serialize('orders', { status: 'SHIPPED' })).rejects.toThrow(
      /status: expected one of NEW, PAID/,
    );
    await expect(
      serializer.serialize('orders', { id: 7, lines: [{ quantity: 'two' }], nope: 1 }),
    ).rejects.toThrow(/id: expected string; lines\[0\]\.quantity: expected int32$/);
    // Enum numbers and numeric 64-bit integers take protobufjs's fast path, and encode the same.
    const byNumber = await serializer.serialize('orders', { id: 'o', status: 1, total_cents: 5 });
    const byName = await serializer.serialize('orders', { id: 'o', status: 'PAID', total_cents: '5' });
    expect(byNumber.equals(byName)).toBe(true);
  });

  it('encodes with imported schemas fetched through references', async () => {
    await client.register('money-proto', {
      schemaType: 'PROTOBUF',
      schema:
        'syntax = "proto3";\npackage acme.common;\nmessage Money { int64 units = 1; string currency = 2; }\n',
    });
    const invoice =
      'syntax = "proto3";\npackage acme;\nimport "acme/money.proto";\nmessage Invoice { acme.common.Money total = 1; }\n';
    const serializer = new ProtobufSerializer({
      client,
      schema: invoice,
      references: [{ name: 'acme/money.proto', subject: 'money-proto', version: 1 }],
    });
    const bytes = await serializer.serialize('invoices', { total: { units: '12', currency: 'EUR' } });
    expect(await new ProtobufDeserializer({ client }).deserialize('invoices', bytes)).toEqual({
      total: { units: '12', currency: 'EUR' },
    });
  });
});
