import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { descriptor } from '../../../src/protobuf/protobufjs.js';
import { type RegistryServer, startRegistryServer } from '../../../src/server/http.js';
import { encodeValue } from '../../../src/server/records.js';
import { MemoryRegistryLog } from '../../../src/server/store.js';
import { httpClient } from '../helpers.js';

// Protobuf through the REST API: stored in Confluent's layout, imports through references, Confluent's rules.

let log: MemoryRegistryLog;
let server: RegistryServer;
let call: ReturnType<typeof httpClient>;

beforeEach(async () => {
  log = new MemoryRegistryLog();
  server = await startRegistryServer({ port: 0, log });
  call = httpClient(server.url);
});
afterEach(() => server.close());

const register = (subject: string, schema: string, extra: Record<string, unknown> = {}, query = '') =>
  call('POST', `/subjects/${subject}/versions${query}`, { schemaType: 'PROTOBUF', schema, ...extra });

const ORDER = `syntax = "proto3";
package acme;
import "google/protobuf/timestamp.proto";

// An order.
message Order {
  string id = 1;
  int64 total_cents = 2;
  google.protobuf.Timestamp placed_at = 3;
}
`;

const STORED = `syntax = "proto3";
package acme;

import "google/protobuf/timestamp.proto";

message Order {
  string id = 1;
  int64 total_cents = 2;
  google.protobuf.Timestamp placed_at = 3;
}
`;

describe('Protobuf in the registry', () => {
  it("stores the schema in Confluent's layout with schemaType PROTOBUF; well-known imports need no reference", async () => {
    expect((await register('orders-value', ORDER)).body).toEqual({ id: 1 });
    expect((await call('GET', '/subjects/orders-value/versions/latest')).body).toEqual({
      subject: 'orders-value',
      version: 1,
      id: 1,
      schemaType: 'PROTOBUF',
      schema: STORED,
    });
    expect(encodeValue(log.records[0]!)).toContain('"schemaType":"PROTOBUF"');
    expect((await call('GET', '/schemas/ids/1/schema')).text).toBe(STORED);
    // The same schema written differently is the same version.
    expect(
      (await call('POST', '/subjects/orders-value', { schemaType: 'PROTOBUF', schema: STORED })).body,
    ).toMatchObject({ id: 1 });
    expect((await register('orders-value', STORED)).body).toEqual({ id: 1 });
  });

  it('accepts a base64 FileDescriptorProto and stores the text it stands for', async () => {
    const file = {
      name: 'order.proto',
      package: 'acme',
      syntax: 'proto3',
      messageType: [{ name: 'Order', field: [{ name: 'id', number: 1, label: 1, type: 9 }] }],
    };
    const bytes = descriptor.FileDescriptorProto.encode(
      descriptor.FileDescriptorProto.fromObject(file),
    ).finish();
    const { id } = (await register('d', Buffer.from(bytes).toString('base64'))).body;
    expect((await call('GET', `/schemas/ids/${id}`)).body.schema).toBe(
      'syntax = "proto3";\npackage acme;\n\nmessage Order {\n  string id = 1;\n}\n',
    );
  });

  it('resolves imports through references, and refuses imports nothing provides', async () => {
    const money =
      'syntax = "proto3";\npackage acme.common;\nmessage Money { int64 units = 1; string currency = 2; }\n';
    await register('money', money);
    const invoice =
      'syntax = "proto3";\npackage acme;\nimport "acme/money.proto";\nmessage Invoice { acme.common.Money total = 1; }\n';
    const references = [{ name: 'acme/money.proto', subject: 'money', version: 1 }];
    const { body } = await register('invoices', invoice, { references });
    expect((await call('GET', `/schemas/ids/${body.id}`)).body).toMatchObject({
      schemaType: 'PROTOBUF',
      references,
    });
    const missing = await register('invoices2', invoice);
    expect(missing).toMatchObject({ status: 422, body: { error_code: 42201 } });
    expect(missing.body.message).toMatch(
      /Import "acme\/money.proto" is neither a schema reference nor a well-known file/,
    );
    const unknownType = await register('x', 'syntax = "proto3";\nmessage X { Nope n = 1; }\n');
    expect(unknownType).toMatchObject({ status: 422, body: { error_code: 42201 } });
    expect(unknownType.body.message).toMatch(/Nope/);
  });

  it("applies Confluent's rules: a field's wire type changed is incompatible, a field added is not", async () => {
    await register('c', ORDER);
    const added = ORDER.replace(
      '  google.protobuf.Timestamp placed_at = 3;',
      '  google.protobuf.Timestamp placed_at = 3;\n  string note = 4;',
    );
    expect((await register('c', added)).body).toEqual({ id: 2 });
    const retyped = added.replace('int64 total_cents = 2;', 'string total_cents = 2;');
    const refused = await register('c', retyped);
    expect(refused).toMatchObject({ status: 409, body: { error_code: 40901 } });
    expect(refused.body.message).toContain(
      `{errorType:"FIELD_SCALAR_KIND_CHANGED", description:"The kind of a SCALAR field at path '#/Order/2' in the new schema does not match its kind in the old schema"}`,
    );
    const renamedPackage = added.replace('package acme;', 'package acme.v2;');
    const check = await call('POST', '/compatibility/subjects/c/versions?verbose=true', {
      schemaType: 'PROTOBUF',
      schema: renamedPackage,
    });
    expect(check.body.is_compatible).toBe(false);
    expect(check.body.messages[0]).toContain('PACKAGE_CHANGED');
  });

  it('normalize=true orders fields by number and qualifies type names', async () => {
    const a =
      'syntax = "proto3";\npackage p;\nmessage M { string b = 2; N a = 1; }\nmessage N { int32 x = 1; }\n';
    const b =
      'syntax = "proto3";\npackage p;\nmessage M { .p.N a = 1; string b = 2; }\nmessage N { int32 x = 1; }\n';
    const { id } = (await register('n', a, {}, '?normalize=true')).body;
    expect((await call('GET', `/schemas/ids/${id}`)).body.schema).toBe(
      'syntax = "proto3";\npackage p;\n\nmessage M {\n  .p.N a = 1;\n  string b = 2;\n}\nmessage N {\n  int32 x = 1;\n}\n',
    );
    expect((await register('n', b, {}, '?normalize=true')).body.id).toBe(id);
  });

  it('refuses text that is neither .proto nor a descriptor with 42201', async () => {
    const reply = await register('bad', 'message {');
    expect(reply).toMatchObject({ status: 422, body: { error_code: 42201 } });
    expect(reply.body.message).toMatch(/Could not parse Protobuf/);
  });
});
