import {
  AvroDeserializer,
  AvroSerializer,
  InvalidValueError,
  JsonSchemaDeserializer,
  JsonSchemaSerializer,
  ProtobufDeserializer,
  ProtobufSerializer,
  SchemaRegistryClient,
  type TypedJsonSchema,
} from '@samsa/schema-registry';
import { DeserializationError } from '../errors.js';
import type { SchemaRegistryOptions } from '../module/samsa-module-options.js';
import type { ValueFormat } from '../subscribe/subscribe-options.js';
import type { AvroSchema, TopicDefinition } from '../topics.js';

const MAGIC_BYTE = 0;
const WIRE_HEADER = 5;

/** Registry failures that will not heal by retrying: the message or schema itself is wrong. */
function isPermanentSerdeFailure(error: unknown): boolean {
  const name = (error as { name?: string })?.name;
  if (name === 'SerdeError' || name === 'InvalidValueError' || name === 'SchemaParseError') return true;
  if (name === 'RegistryResponseError') {
    const status = (error as { status: number }).status;
    return status >= 400 && status < 500 && status !== 408 && status !== 429;
  }
  return false;
}

interface TopicSerializer {
  serialize(topic: string, value: unknown): Promise<Buffer>;
  schemaId(topic: string): Promise<number>;
}

interface RegistryDeserializer {
  deserialize(topic: string, value: Buffer): Promise<unknown>;
}

/** What the registry calls each format. */
const SCHEMA_TYPES = { avro: 'AVRO', json: 'JSON', protobuf: 'PROTOBUF' } as const;

/**
 * Turns record values into handler payloads and events into record values: JSON and text without a
 * registry; Avro, JSON Schema and Protobuf in the Confluent wire format (schema id prefix) through one,
 * each read by the format of the schema its id names. Topics defined from zod are checked by zod.
 */
export class ValueCodec {
  private readonly deserializers = new Map<string, RegistryDeserializer>();
  private readonly serializers = new Map<string, TopicSerializer>();
  /** The format of each schema id met while decoding (ids never change). */
  private readonly schemaTypes = new Map<number, Promise<string>>();

  constructor(readonly registry: SchemaRegistryClient | undefined) {}

  /**
   * Decodes a value; returns synchronously unless it has to ask the registry. `definition` (the topic's, when
   * the subscription names it) checks the payload with its zod schema if the topic asks for that on consume.
   */
  decode(
    value: Buffer | null,
    topic: string,
    format: ValueFormat,
    readerSchema?: AvroSchema,
    definition?: TopicDefinition,
  ): unknown | Promise<unknown> {
    if (value === null || value === undefined) return null;
    switch (format) {
      case 'buffer':
        return value;
      case 'string':
        return value.toString('utf8');
      case 'json':
        try {
          return this.checked(JSON.parse(value.toString('utf8')), topic, definition);
        } catch (error) {
          if (error instanceof DeserializationError) throw error;
          throw new DeserializationError(
            `value at ${topic} is not JSON (${(error as Error).message}); publish JSON or subscribe with value: 'string'`,
            { cause: error },
          );
        }
      case 'avro':
      case 'json-schema':
      case 'protobuf':
        if (!this.isWireFormat(value)) {
          throw new DeserializationError(
            `value at ${topic} is not in the schema registry's wire format (magic byte 0 + schema id)`,
          );
        }
        return this.decodeRegistered(value, topic, readerSchema, definition, SCHEMA_TYPE_OF_FORMAT[format]);
      default:
        if (this.registry && this.isWireFormat(value)) {
          return this.decodeRegistered(value, topic, readerSchema, definition);
        }
        return decodeJsonOrText(value);
    }
  }

  private isWireFormat(value: Buffer): boolean {
    return value.length >= WIRE_HEADER && value[0] === MAGIC_BYTE;
  }

  private async decodeRegistered(
    value: Buffer,
    topic: string,
    readerSchema: AvroSchema | undefined,
    definition: TopicDefinition | undefined,
    expected?: string,
  ): Promise<unknown> {
    const registry = this.registry;
    if (!registry) {
      throw new DeserializationError(
        `value at ${topic} is in the registry's wire format but SamsaModule has no schemaRegistry; set schemaRegistry: { url }`,
      );
    }
    try {
      const schemaType = await this.schemaTypeOf(registry, value.readUInt32BE(1));
      if (expected && schemaType !== expected) {
        throw new DeserializationError(
          `value at ${topic} is ${schemaType}, but the subscription reads ${expected}; subscribe with value: 'auto'`,
        );
      }
      const decoded = await this.deserializerFor(registry, schemaType, readerSchema, definition).deserialize(
        topic,
        value,
      );
      return this.checked(decoded, topic, definition);
    } catch (error) {
      if (error instanceof DeserializationError) throw error;
      if (isPermanentSerdeFailure(error)) {
        throw new DeserializationError(`cannot decode the value at ${topic}: ${(error as Error).message}`, {
          cause: error,
        });
      }
      throw error;
    }
  }

  private schemaTypeOf(registry: SchemaRegistryClient, id: number): Promise<string> {
    let type = this.schemaTypes.get(id);
    if (!type) {
      type = registry.getSchemaById(id).then((schema) => schema.schemaType ?? 'AVRO');
      this.schemaTypes.set(id, type);
      type.catch(() => this.schemaTypes.delete(id));
    }
    return type;
  }

  private deserializerFor(
    registry: SchemaRegistryClient,
    schemaType: string,
    readerSchema: AvroSchema | undefined,
    definition: TopicDefinition | undefined,
  ): RegistryDeserializer {
    // A zod-derived Avro topic reads through its typed schema, which turns Avro's values back into zod's.
    const avroReader = definition?.format === 'avro' && definition.zod ? definition.schema : readerSchema;
    const key = `${schemaType}\u0000${schemaType === 'AVRO' && avroReader !== undefined ? JSON.stringify(avroReader) : ''}`;
    let deserializer = this.deserializers.get(key);
    if (!deserializer) {
      if (schemaType === 'JSON') deserializer = new JsonSchemaDeserializer({ client: registry });
      else if (schemaType === 'PROTOBUF') deserializer = new ProtobufDeserializer({ client: registry });
      else {
        deserializer = new AvroDeserializer({
          client: registry,
          ...(avroReader !== undefined ? { readerSchema: avroReader as object | string } : {}),
        });
      }
      this.deserializers.set(key, deserializer);
    }
    return deserializer;
  }

  /** Checks a decoded payload with the topic's zod schema when the topic asks for it on consume. */
  private checked(payload: unknown, topic: string, definition: TopicDefinition | undefined): unknown {
    if (!definition?.zod || !definition.validate?.consume) return payload;
    const result = definition.zod.safeParse(payload);
    if (result.success) return result.data;
    throw new DeserializationError(
      `value at ${topic} does not match its zod schema: ${result.error.issues
        .map((issue) => `${issue.path.join('.') || '<root>'}: ${issue.message}`)
        .join('; ')}`,
    );
  }

  /** Encodes an event for a topic: by its schema's format through the registry, JSON without one. */
  encode(topic: string | TopicDefinition, event: unknown): Buffer | Promise<Buffer> {
    if (typeof topic === 'string' || topic.schema === undefined) return encodeJson(event);
    let value = event;
    if (topic.zod && topic.validate?.publish) {
      const result = topic.zod.safeParse(event);
      if (!result.success) {
        throw new InvalidValueError(
          `Event for ${topic.topic} does not match its zod schema: ${result.error.issues
            .map((issue) => `${issue.path.join('.') || '<root>'}: ${issue.message}`)
            .join('; ')}`,
          result.error.issues.map((issue) => issue.path.join('.') || '<root>'),
        );
      }
      value = result.data;
    }
    return this.serializerFor(topic).serialize(topic.topic, value);
  }

  /** Registers a topic's value schema (idempotent) and returns its id. */
  register(topic: TopicDefinition): Promise<number> {
    return this.serializerFor(topic).schemaId(topic.topic);
  }

  private serializerFor(topic: TopicDefinition): TopicSerializer {
    const registry = this.registry;
    if (!registry) {
      throw new DeserializationError(
        `topic ${topic.topic} has a ${SCHEMA_TYPES[topic.format ?? 'avro']} schema but SamsaModule has no schemaRegistry; set schemaRegistry: { url }`,
      );
    }
    let serializer = this.serializers.get(topic.topic);
    if (!serializer) {
      const subject = topic.subject;
      const naming = subject ? { subjectNameStrategy: () => subject } : {};
      const schema = topic.schema as object | string;
      switch (topic.format) {
        case 'json':
          serializer = new JsonSchemaSerializer({
            client: registry,
            // A zod topic's value was checked (and shaped) by zod in encode(); the JSON Schema check stays.
            schema: topic.zod
              ? { schemaType: 'JSON', schema: asTypedJson(schema).schema }
              : asTypedJson(schema),
            ...(topic.zod && !topic.validate?.publish ? { validate: false } : {}),
            ...naming,
          });
          break;
        case 'protobuf':
          serializer = new ProtobufSerializer({ client: registry, schema: schema as string, ...naming });
          break;
        default:
          serializer = new AvroSerializer({ client: registry, schema, ...naming });
      }
      this.serializers.set(topic.topic, serializer);
    }
    return serializer;
  }
}

const SCHEMA_TYPE_OF_FORMAT = { avro: 'AVRO', 'json-schema': 'JSON', protobuf: 'PROTOBUF' } as const;

function asTypedJson(schema: object | string): TypedJsonSchema<unknown> {
  if (typeof schema === 'object' && (schema as { schemaType?: unknown }).schemaType === 'JSON') {
    return schema as TypedJsonSchema<unknown>;
  }
  return { schemaType: 'JSON', schema };
}

/** The codec for `SamsaModule`'s `schemaRegistry` option: a URL, a client, or none (JSON and text only). */
export function createValueCodec(
  registry: SchemaRegistryOptions | SchemaRegistryClient | undefined,
): ValueCodec {
  if (registry === undefined) return new ValueCodec(undefined);
  return new ValueCodec(
    registry instanceof SchemaRegistryClient ? registry : new SchemaRegistryClient({ url: registry.url }),
  );
}

export function encodeJson(event: unknown): Buffer {
  if (Buffer.isBuffer(event)) return event;
  if (typeof event === 'string') return Buffer.from(event, 'utf8');
  return Buffer.from(JSON.stringify(event) ?? 'null', 'utf8');
}

function decodeJsonOrText(value: Buffer): unknown {
  const text = value.toString('utf8');
  const first = text.charCodeAt(0);
  // Only try JSON for what can start a JSON document: { [ " digit - t f n
  if (
    first === 123 ||
    first === 91 ||
    first === 34 ||
    first === 45 ||
    (first >= 48 && first <= 57) ||
    text === 'true' ||
    text === 'false' ||
    text === 'null'
  ) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}
