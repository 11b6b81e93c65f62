import { avroFormat } from './avro.js';
import { jsonSchemaFormat } from './json-schema.js';
import { protobufFormat } from './protobuf.js';
import type { SchemaFormat } from './schema-format.js';

/** Every schema format this registry serves, in the order `GET /schemas/types` lists them (Confluent's). */
const FORMATS: readonly SchemaFormat[] = [
  jsonSchemaFormat as SchemaFormat,
  protobufFormat as SchemaFormat,
  avroFormat as SchemaFormat,
];

/** The `schemaType`s served, for `GET /schemas/types`. */
export const SCHEMA_TYPES: readonly string[] = FORMATS.map((format) => format.type);

/** The format for a `schemaType` (case-insensitive), or undefined for one this registry does not serve. */
export function schemaFormat(type: string): SchemaFormat | undefined {
  const wanted = type.toUpperCase();
  return FORMATS.find((format) => format.type === wanted);
}

/** The format of a stored version: stored values omit `schemaType` for Avro, as Confluent writes them. */
export function storedFormat(schemaType: string | undefined): SchemaFormat {
  const format = schemaFormat(schemaType ?? 'AVRO');
  if (!format)
    throw new Error(`The schema log holds a ${schemaType} schema, which this registry cannot read`);
  return format;
}
