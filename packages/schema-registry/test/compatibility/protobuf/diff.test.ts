import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  diffProtobufSchemas,
  incompatibleProtobufDifferences,
} from '../../../src/compatibility/protobuf/diff.js';
import { type ProtobufReference, parseProtobuf } from '../../../src/protobuf/schema.js';

/**
 * Confluent's Protobuf compatibility cases (the protobuf-provider SchemaDiffTest data), run as data: each case's
 * changes (type and path, as a multiset: Confluent iterates names in HashSet order) and its verdict.
 */
interface DiffCase {
  description: string;
  original_schema: string;
  update_schema: string;
  original_dependencies?: Array<{ name: string; dependency?: string }>;
  update_dependencies?: Array<{ name: string; dependency?: string }>;
  original_references?: Array<{ name: string; subject: string; version: number }>;
  update_references?: Array<{ name: string; subject: string; version: number }>;
  changes: string[];
  compatible: boolean;
}

function fixture(name: string): DiffCase[] {
  const url = new URL(`./fixtures/${name}`, import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { cases: DiffCase[] }).cases;
}

/** A case's schema: inline text, or one of the .proto files beside the fixtures. */
function protoText(schemaOrFile: string): string {
  if (!schemaOrFile.endsWith('.proto')) return schemaOrFile;
  const base = schemaOrFile.slice(schemaOrFile.lastIndexOf('/') + 1);
  return readFileSync(new URL(`./fixtures/${base}`, import.meta.url), 'utf8');
}

function schema(
  text: string,
  dependencies: DiffCase['original_dependencies'] = [],
  references: DiffCase['original_references'] = [],
) {
  // Dependencies without text are Confluent's bundled files (descriptor.proto, confluent/meta.proto...): well-known here.
  const resolved: ProtobufReference[] = dependencies
    .filter((d) => d.dependency !== undefined)
    .map((dependency) => {
      const reference = references.find((r) => r.name === dependency.name);
      return {
        name: dependency.name,
        subject: reference?.subject ?? dependency.name,
        version: reference?.version ?? 1,
        schema: dependency.dependency!,
        references: [],
      };
    });
  return parseProtobuf(protoText(text), resolved);
}

describe.each(['diff-schema-examples.json', 'diff-schema-examples-with-meta.json'])(
  'Confluent Protobuf diff cases: %s',
  (file) => {
    it.each(fixture(file).map((c) => [c.description, c] as const))('%s', (_description, testCase) => {
      const original = schema(
        testCase.original_schema,
        testCase.original_dependencies,
        testCase.original_references,
      );
      const update = schema(testCase.update_schema, testCase.update_dependencies, testCase.update_references);
      const differences = diffProtobufSchemas(original, update);
      expect(differences.map((d) => `${d.type} ${d.path}`).sort()).toEqual([...testCase.changes].sort());
      expect(incompatibleProtobufDifferences(differences).length === 0).toBe(testCase.compatible);
    });
  },
);

describe('Confluent Protobuf SchemaDiffTest one-off cases', () => {
  it('TestProto to TestProto2: a field renamed and its scalar kind changed', () => {
    const differences = diffProtobufSchemas(
      parseProtobuf(protoText('TestProto.proto')),
      parseProtobuf(protoText('TestProto2.proto')),
    );
    expect(differences).toContainEqual({ type: 'FIELD_NAME_CHANGED', path: '#/TestMessage/2' });
    expect(differences).toContainEqual({ type: 'FIELD_SCALAR_KIND_CHANGED', path: '#/TestMessage/2' });
  });

  it('a message field of an unknown type compares by name without failing', () => {
    const bad = parseProtobuf(`syntax = "proto3";
option java_package = "io.confluent.kafka.serializers.protobuf.test";
option java_outer_classname = "TestMapProtos";
import "google/protobuf/descriptor.proto";
message TestBadMessage {
    bad.Message test_bad_message = 1;
}
`);
    expect(diffProtobufSchemas(bad, bad)).toEqual([]);
  });
});
