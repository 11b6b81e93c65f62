import { parseSchema } from '../avro/parse.js';
import type { SchemaType } from '../client/client.js';
import { jsonSchemaRules } from '../compatibility/json-schema/rules.js';
import type { FormatIncompatibility } from '../compatibility/levels.js';
import { protobufRules } from '../compatibility/protobuf/rules.js';
import { avroRules, type CompatibilityRules } from '../compatibility/rules.js';
import { type JsonSchemaReference, parseJsonSchema } from '../json-schema/schema.js';
import { type ProtobufReference, parseProtobuf } from '../protobuf/schema.js';
import type { FetchedReference } from '../serde/references.js';
import { locateJsonPointer } from './json-locate.js';

/**
 * What `check` needs per schema language: parsing a file or a registry version (`asNew` applies the checks a new
 * registration gets), the compatibility rules, and the line of a file a problem's location points at.
 */
export interface CheckFormat {
  type: SchemaType;
  /** What `--format human` calls a valid schema of this type. */
  label: string;
  parse(text: string, options: { asNew: boolean; references: readonly FetchedReference[] }): unknown;
  rules: CompatibilityRules<unknown, FormatIncompatibility>;
  lineOf(text: string, location: string): number | undefined;
}

const asJsonReferences = (references: readonly FetchedReference[]): JsonSchemaReference[] =>
  references.map((r) => ({ name: r.name, schema: r.schema, references: asJsonReferences(r.references) }));

const asProtobufReferences = (references: readonly FetchedReference[]): ProtobufReference[] =>
  references.map((r) => ({ ...r, references: asProtobufReferences(r.references) }));

export const CHECK_FORMATS: Record<SchemaType, CheckFormat> = {
  AVRO: {
    type: 'AVRO',
    label: 'Avro schema',
    parse: (text, { asNew }) =>
      parseSchema(text, {
        validateNames: asNew,
        validateDefaults: asNew,
        // Previous versions are read at any depth, as the registry reads stored ones: the check walks them
        // without recursion. A new schema must nest within the limit the registry would apply to it.
        ...(asNew ? {} : { maxNestingDepth: Number.POSITIVE_INFINITY }),
      }),
    rules: avroRules as CompatibilityRules<unknown, FormatIncompatibility>,
    lineOf: (text, location) => locateJsonPointer(text, location)?.line,
  },
  JSON: {
    type: 'JSON',
    label: 'JSON Schema',
    parse: (text, { asNew, references }) =>
      parseJsonSchema(text, asJsonReferences(references), { strict: asNew }),
    rules: jsonSchemaRules() as unknown as CompatibilityRules<unknown, FormatIncompatibility>,
    // `#/properties/id` is a JSON pointer into the schema document (when it names a keyword that is there).
    lineOf: (text, location) => locateJsonPointer(text, location.replace(/^#/, ''))?.line,
  },
  PROTOBUF: {
    type: 'PROTOBUF',
    label: 'Protobuf schema',
    parse: (text, { asNew, references }) =>
      parseProtobuf(text, asProtobufReferences(references), { strict: asNew }),
    rules: protobufRules as unknown as CompatibilityRules<unknown, FormatIncompatibility>,
    lineOf: protoLineOf,
  },
};

/**
 * The schema type of a file: `.proto` is Protobuf, `.avsc` Avro; a `.json` file is Avro when it reads as an Avro
 * schema (a record, enum or fixed with a name, a primitive name, a union) and JSON Schema otherwise.
 */
export function formatOfFile(file: string, text: string): CheckFormat {
  if (file.endsWith('.proto')) return CHECK_FORMATS.PROTOBUF;
  if (!file.endsWith('.json')) return CHECK_FORMATS.AVRO;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return CHECK_FORMATS.JSON;
  }
  const avroTypes = ['record', 'error', 'enum', 'fixed', 'array', 'map'];
  const looksAvro =
    typeof value === 'string' ||
    Array.isArray(value) ||
    (typeof value === 'object' &&
      value !== null &&
      avroTypes.includes((value as { type?: unknown }).type as string) &&
      (typeof (value as { name?: unknown }).name === 'string' || 'items' in value || 'values' in value));
  return looksAvro ? CHECK_FORMATS.AVRO : CHECK_FORMATS.JSON;
}

/** The line of `#/Message/Nested/3` in a .proto file: the field numbered 3 inside the named messages. */
function protoLineOf(text: string, location: string): number | undefined {
  const tokens = location.replace(/^#\/?/, '').split('/').filter(Boolean);
  const lines = text.split('\n');
  let from = 0;
  for (const token of tokens) {
    const pattern = /^\d+$/.test(token)
      ? new RegExp(`=\\s*${token}\\s*[;\\[]`)
      : new RegExp(`\\b(message|enum|oneof)\\s+${token}\\b`);
    const index = lines.findIndex((line, i) => i >= from && pattern.test(line));
    if (index < 0) return from > 0 ? from : undefined;
    from = index + 1;
  }
  return from > 0 ? from : undefined;
}
