import {
  avroFromZod,
  jsonSchemaFromZod,
  type TypedJsonSchema,
  type TypedProtobufSchema,
} from '@samsa/schema-registry';
import type { z } from 'zod';

/** An Avro schema as JSON (what an `.avsc` file holds). */
export type AvroSchema = string | object;

/** A schema object that carries the TypeScript type it describes (generated code, TS-defined schemas). */
export interface TypedAvroSchema<T> {
  readonly schema: AvroSchema;
  /** Never set at run time; only carries `T` for inference. */
  readonly __type?: T;
}

export type KeyValue = string | Buffer | null | undefined;

/** The registry formats a topic's values can be in. */
export type SchemaFormat = 'avro' | 'json' | 'protobuf';

/**
 * A topic and the type of its events. Publishing to it and `@Subscribe(topic)` to it are type-checked
 * against `V`; with a schema, values are in the registry's wire format: Avro, JSON Schema or Protobuf.
 */
export interface TopicDefinition<V = unknown> {
  readonly topic: string;
  /** The schema: Avro JSON, a JSON Schema, .proto text, or a typed schema object carrying one. */
  readonly schema?: AvroSchema;
  /** Which registry format the schema is in (set whenever `schema` is). */
  readonly format?: SchemaFormat;
  /** When values are checked against a zod schema: before publishing (default) and after decoding (opt-in). */
  readonly validate?: { readonly publish: boolean; readonly consume: boolean };
  /** The zod schema the topic was defined from, if any. */
  readonly zod?: z.ZodType<V>;
  /** The record key for an event (keeps each key's events in one partition, in order). */
  key?(event: V): KeyValue;
  /** Registry subject of the value schema. Default `<topic>-value`. */
  readonly subject?: string;
  /** Never set at run time; only carries `V`. */
  readonly __value?: V;
}

interface TopicOptionsBase<V> {
  key?: (event: V) => KeyValue;
  subject?: string;
}

export interface DefineTopicOptions<V> extends TopicOptionsBase<V> {
  schema?: AvroSchema | TypedAvroSchema<V> | TypedJsonSchema<V> | TypedProtobufSchema<V>;
  /** Default: `json` for a TypedJsonSchema, `protobuf` for a TypedProtobufSchema, else `avro`. */
  format?: SchemaFormat;
}

export interface DefineZodTopicOptions<S extends z.ZodType> extends TopicOptionsBase<z.output<S>> {
  /** A zod schema: the registered schema is derived from it, and values are typed and checked by it. */
  schema: S;
  /** `json` (default): zod's own JSON Schema. `avro`: Avro by @samsa/schema-registry's documented mapping. */
  format?: 'json' | 'avro';
  /** Avro only: the record's name (default: the topic in PascalCase) and namespace. */
  avro?: { name?: string; namespace?: string };
  /**
   * Check values with zod before publishing (default true) and after decoding (default false); `true` or
   * `false` sets both. A value that fails on publish is an error to the caller; on consume it is dead-lettered.
   */
  validate?: boolean | { publish?: boolean; consume?: boolean };
}

function isZod(schema: unknown): schema is z.ZodType {
  return typeof schema === 'object' && schema !== null && '_zod' in schema;
}

function pascalCase(text: string): string {
  const name = text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
  return /^[A-Za-z_]/.test(name) ? name : `T${name}`;
}

/**
 * Declares a topic of events of type `V`:
 * `const OrderCreated = defineTopic<OrderCreatedEvent>('orders.created', { schema, key: (e) => e.customerId })`,
 * or from a zod schema, typed by it: `defineTopic('orders.shipped', { schema: OrderShipped, format: 'json' })`.
 */
export function defineTopic<S extends z.ZodType>(
  topic: string,
  options: DefineZodTopicOptions<S>,
): TopicDefinition<z.output<S>>;
export function defineTopic<V>(topic: string, options?: DefineTopicOptions<V>): TopicDefinition<V>;
export function defineTopic(
  topic: string,
  options: DefineTopicOptions<unknown> | DefineZodTopicOptions<z.ZodType> = {},
): TopicDefinition<unknown> {
  if (typeof topic !== 'string' || topic.length === 0) {
    throw new TypeError(`defineTopic needs a topic name, got ${String(topic)}`);
  }
  const common = {
    topic,
    ...(options.key ? { key: options.key } : {}),
    ...(options.subject ? { subject: options.subject } : {}),
  };
  const schema = options.schema;
  if (isZod(schema)) {
    const zodOptions = options as DefineZodTopicOptions<z.ZodType>;
    const format = zodOptions.format ?? 'json';
    if (format !== 'json' && format !== 'avro') {
      throw new TypeError(
        `defineTopic(${topic}): a zod schema derives 'json' or 'avro' schemas, not '${format}'`,
      );
    }
    const typed =
      format === 'avro'
        ? avroFromZod(schema, {
            name: zodOptions.avro?.name ?? pascalCase(topic),
            ...(zodOptions.avro?.namespace ? { namespace: zodOptions.avro.namespace } : {}),
          })
        : jsonSchemaFromZod(schema);
    const validate = zodOptions.validate;
    return Object.freeze({
      ...common,
      schema: typed,
      format,
      zod: schema,
      validate: {
        publish: typeof validate === 'object' ? validate.publish !== false : validate !== false,
        consume: typeof validate === 'object' ? validate.consume === true : validate === true,
      },
    });
  }
  const plainOptions = options as DefineTopicOptions<unknown>;
  const typedFormat = (schema as { schemaType?: unknown } | undefined)?.schemaType;
  const format: SchemaFormat =
    plainOptions.format ??
    (typedFormat === 'JSON' ? 'json' : typedFormat === 'PROTOBUF' ? 'protobuf' : 'avro');
  const plain =
    schema !== undefined && typeof schema === 'object' && isTypedAvro(schema) && format === 'avro'
      ? schema.schema
      : schema;
  return Object.freeze({
    ...common,
    ...(plain !== undefined ? { schema: plain, format } : {}),
  });
}

function isTypedAvro<V>(schema: object): schema is TypedAvroSchema<V> {
  return !Array.isArray(schema) && 'schema' in schema && !('type' in schema) && !('schemaType' in schema);
}

export function isTopicDefinition(value: unknown): value is TopicDefinition {
  return typeof value === 'object' && value !== null && typeof (value as TopicDefinition).topic === 'string';
}

export function topicName(topic: string | TopicDefinition): string {
  return typeof topic === 'string' ? topic : topic.topic;
}
