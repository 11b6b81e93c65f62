import { describe, expect, it } from 'vitest';
import { printProtoFile } from '../../src/protobuf/print.js';
import { descriptor } from '../../src/protobuf/protobufjs.js';
import { parseProtobuf } from '../../src/protobuf/schema.js';

const canonical = (text: string) => printProtoFile(parseProtobuf(text).file);
const normalized = (text: string) => {
  const parsed = parseProtobuf(text);
  return printProtoFile(parsed.file, { normalize: true, index: parsed.index });
};

describe('printProtoFile: the text Confluent stores', () => {
  // ProtobufSchemaTest.testEnumReserved (constants renumbered: protobufjs, like protoc, refuses reserved ones).
  const enumReserved =
    '\nimport "google/protobuf/descriptor.proto";\n\nmessage FooOptions {\n  optional string name = 1;\n' +
    '  optional FooParameterType type = 2;\n}\nenum FooParameterType {\n  reserved 20, 100 to max;\n  reserved 10;\n' +
    '  reserved 1 to 3;\n  reserved "BAD", "OLD";\n  NUMBER = 4;\n  STRING = 5;\n}\n';

  it('keeps reserved statements as written (Confluent testEnumReserved)', () => {
    expect(canonical(enumReserved)).toBe(enumReserved);
  });

  it('normalizes reserved ranges one per line, sorted, and qualifies type names (testEnumReserved)', () => {
    expect(normalized(enumReserved)).toBe(
      '\nimport "google/protobuf/descriptor.proto";\n\nmessage FooOptions {\n  optional string name = 1;\n' +
        '  optional .FooParameterType type = 2;\n}\nenum FooParameterType {\n  reserved 1 to 3;\n  reserved 10;\n' +
        '  reserved 20;\n  reserved 100 to max;\n  reserved "BAD";\n  reserved "OLD";\n  NUMBER = 4;\n  STRING = 5;\n}\n',
    );
  });

  // ProtobufSchemaTest.testReservedAndExtensionRanges (its schema as Confluent writes it).
  const money =
    '\nmessage Money {\n  reserved 5000 to 6000;\n  reserved 10000 to 10001;\n  reserved 20000 to 20000;\n\n' +
    '  optional int64 cents = 1;\n\n  extensions 100 to 200;\n  extensions 1000 to 1001;\n  extensions 2000 to 2000;\n\n' +
    '  enum MoneyEnum {\n    reserved 100 to 200;\n    reserved 1000 to 1001;\n    reserved 2000 to 2000;\n' +
    '    NONE = 0;\n    CENTS = 1;\n    DOLLARS = 2;\n  }\n}\n';

  it('writes reserved and extension ranges as written, single ones normalized (Confluent)', () => {
    expect(canonical(money)).toBe(money);
    expect(normalized(money)).toBe(
      '\nmessage Money {\n  reserved 5000 to 6000;\n  reserved 10000 to 10001;\n  reserved 20000;\n\n' +
        '  optional int64 cents = 1;\n\n  extensions 100 to 200;\n  extensions 1000 to 1001;\n  extensions 2000;\n\n' +
        '  enum MoneyEnum {\n    reserved 100 to 200;\n    reserved 1000 to 1001;\n    reserved 2000;\n' +
        '    NONE = 0;\n    CENTS = 1;\n    DOLLARS = 2;\n  }\n}\n',
    );
  });

  const order = `// Orders as they are placed.
syntax = "proto3";
package acme.orders.v1;

import "google/protobuf/timestamp.proto";

option java_package = "com.acme.orders";
option optimize_for = SPEED;

message Order {
  string id = 1;
  google.protobuf.Timestamp placed_at = 2;
  repeated Line lines = 3 [deprecated = true];
  map<string, string> labels = 5;
  optional string coupon = 6;
  oneof payment {
    Card card = 7;
    string voucher = 8;
  }
  Status status = 4;

  message Line { string sku = 1; int32 quantity = 2; }
  message Card { string last4 = 1; }
  enum Status { STATUS_UNSPECIFIED = 0; PLACED = 1; PAID = 2; }
}
`;

  it('writes a typical proto3 file in Confluent layout: comments gone, fields, oneofs, then nested types', () => {
    expect(canonical(order)).toBe(`syntax = "proto3";
package acme.orders.v1;

import "google/protobuf/timestamp.proto";

option java_package = "com.acme.orders";
option optimize_for = SPEED;

message Order {
  string id = 1;
  google.protobuf.Timestamp placed_at = 2;
  repeated Line lines = 3 [deprecated = true];
  map<string, string> labels = 5;
  optional string coupon = 6;
  Status status = 4;

  oneof payment {
    Card card = 7;
    string voucher = 8;
  }

  message Line {
    string sku = 1;
    int32 quantity = 2;
  }
  message Card {
    string last4 = 1;
  }
  enum Status {
    STATUS_UNSPECIFIED = 0;
    PLACED = 1;
    PAID = 2;
  }
}
`);
  });

  it('normalizes: fields by number, every type name qualified, message order kept', () => {
    const text = normalized(order);
    expect(text).toContain(
      '  .google.protobuf.Timestamp placed_at = 2;\n  repeated .acme.orders.v1.Order.Line lines = 3',
    );
    expect(text).toContain('  .acme.orders.v1.Order.Status status = 4;\n  map<string, string> labels = 5;');
    expect(text.indexOf('message Line')).toBeLessThan(text.indexOf('message Card'));
    expect(normalized(text)).toBe(text);
  });

  it('normalizing drops proto2 syntax and sorts imports', () => {
    const text = normalized(
      'syntax = "proto2";\nimport "b.proto";\nimport "a.proto";\nmessage M { optional int32 x = 1; }\n',
    );
    expect(text).toBe('\nimport "a.proto";\nimport "b.proto";\n\nmessage M {\n  optional int32 x = 1;\n}\n');
  });

  it('escapes option strings as Confluent does', () => {
    const text = canonical(
      'syntax = "proto3";\noption java_package = "a\\\\b \\"q\\" \\n";\nmessage M { string s = 1 [json_name = "sss"]; }\n',
    );
    expect(text).toContain('option java_package = "a\\\\b \\"q\\" \\n";');
    expect(text).toContain('string s = 1 [json_name = "sss"];');
  });

  it('reads a base64 FileDescriptorProto (what Python and Go serializers register) as Confluent does', () => {
    const file = {
      name: 'm.proto',
      package: 'p',
      syntax: 'proto3',
      messageType: [
        {
          name: 'M',
          field: [
            {
              name: 'counts',
              number: 1,
              label: 3,
              type: 11,
              typeName: '.p.M.CountsEntry',
              jsonName: 'counts',
            },
            {
              name: 'note',
              number: 2,
              label: 1,
              type: 9,
              oneofIndex: 0,
              proto3Optional: true,
              jsonName: 'note',
            },
            { name: 'n', number: 3, label: 1, type: 11, typeName: '.p.N', jsonName: 'n' },
          ],
          nestedType: [
            {
              name: 'CountsEntry',
              field: [
                { name: 'key', number: 1, label: 1, type: 9, jsonName: 'key' },
                { name: 'value', number: 2, label: 1, type: 5, jsonName: 'value' },
              ],
              options: { mapEntry: true },
            },
          ],
          oneofDecl: [{ name: '_note' }],
        },
        { name: 'N', field: [{ name: 'v', number: 1, label: 1, type: 3, jsonName: 'v' }] },
      ],
    };
    const bytes = descriptor.FileDescriptorProto.encode(
      descriptor.FileDescriptorProto.fromObject(file),
    ).finish();
    const text = Buffer.from(bytes).toString('base64');
    const parsed = parseProtobuf(text);
    expect(printProtoFile(parsed.file)).toBe(`syntax = "proto3";
package p;

message M {
  repeated .p.M.CountsEntry counts = 1 [json_name = "counts"];
  optional string note = 2 [json_name = "note"];
  .p.N n = 3 [json_name = "n"];

  message CountsEntry {
    option map_entry = true;
  
    string key = 1 [json_name = "key"];
    int32 value = 2 [json_name = "value"];
  }
}
message N {
  int64 v = 1 [json_name = "v"];
}
`);
    expect(printProtoFile(parsed.file, { normalize: true, index: parsed.index })).toContain(
      '  map<string, int32> counts = 1 [json_name = "counts"];',
    );
  });
});

describe('hostile Protobuf schemas', () => {
  it('refuses messages nested deeper than protobufjs allows (32), with a typed error', () => {
    const depth = 40;
    const text = `${'message M { '.repeat(depth)}${'} '.repeat(depth)}`;
    expect(() => parseProtobuf(`syntax = "proto3"; ${text}`)).toThrow(/Could not parse Protobuf/);
  });
});
