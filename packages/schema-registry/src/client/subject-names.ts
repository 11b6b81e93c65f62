import { parseSchema } from '../avro/parse.js';
import { type AvroSchema, isNamed } from '../avro/schema.js';
import { SchemaRegistryError } from '../errors.js';

/** Chooses the subject a schema is registered under, as Confluent's `*SubjectNameStrategy` classes do. */
export type SubjectNameStrategy = (topic: string, isKey: boolean, schema: AvroSchema) => string;

/** `<topic>-key` / `<topic>-value` (Confluent's default). */
export const topicNameStrategy: SubjectNameStrategy = (topic, isKey) => `${topic}-${isKey ? 'key' : 'value'}`;

function recordName(schema: AvroSchema): string {
  if (!isNamed(schema)) {
    throw new SchemaRegistryError(
      `The record name strategies need a named schema (record, enum or fixed), not a ${schema.type}; use topicNameStrategy`,
    );
  }
  return schema.fullName;
}

/** The schema's fully qualified name, so one topic can carry several event types. */
export const recordNameStrategy: SubjectNameStrategy = (_topic, _isKey, schema) => recordName(schema);

/** `<topic>-<fully qualified name>`. */
export const topicRecordNameStrategy: SubjectNameStrategy = (topic, _isKey, schema) =>
  `${topic}-${recordName(schema)}`;

export const subjectNameStrategies = {
  topic: topicNameStrategy,
  record: recordNameStrategy,
  'topic-record': topicRecordNameStrategy,
} as const;

export type SubjectNameStrategyName = keyof typeof subjectNameStrategies;

/** Resolves a strategy given by name or function; accepts schema JSON for convenience. */
export function subjectFor(
  strategy: SubjectNameStrategy | SubjectNameStrategyName,
  topic: string,
  isKey: boolean,
  schema: AvroSchema | unknown,
): string {
  const fn = typeof strategy === 'string' ? subjectNameStrategies[strategy] : strategy;
  const parsed =
    typeof schema === 'object' && schema !== null && 'props' in schema
      ? (schema as AvroSchema)
      : parseSchema(schema);
  return fn(topic, isKey, parsed);
}

/**
 * A subject name strategy for any schema format, given the schema's record name (Avro: the full name; JSON Schema:
 * its `title`; Protobuf: the message's full name), or undefined when it has none.
 */
export type NamedSubjectStrategy = (topic: string, isKey: boolean, recordName: string | undefined) => string;

/** The subject for a topic under a named strategy or a function of the record name. */
export function subjectForRecordName(
  strategy: SubjectNameStrategyName | NamedSubjectStrategy,
  topic: string,
  isKey: boolean,
  recordName: string | undefined,
): string {
  if (typeof strategy === 'function') return strategy(topic, isKey, recordName);
  if (strategy === 'topic') return `${topic}-${isKey ? 'key' : 'value'}`;
  if (recordName === undefined) {
    throw new SchemaRegistryError(
      `The ${strategy} subject name strategy needs a record name (a JSON Schema "title", a Protobuf message); use the topic strategy`,
    );
  }
  return strategy === 'record' ? recordName : `${topic}-${recordName}`;
}
