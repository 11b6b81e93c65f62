import { AvroDeserializer, AvroSerializer, SchemaRegistryClient } from '@samsa/schema-registry';
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

/**
 * Turns record values into handler payloads and events into record values: JSON and text without a
 * registry, Avro in the Confluent wire format (schema id prefix) through one.
 */
export class ValueCodec {
  private readonly deserializers = new Map<string, AvroDeserializer>();
  private readonly serializers = new Map<string, AvroSerializer>();

  constructor(readonly registry: SchemaRegistryClient | undefined) {}

  /** Decodes a value; returns synchronously unless it has to ask the registry. */
  decode(
    value: Buffer | null,
    topic: string,
    format: ValueFormat,
    readerSchema?: AvroSchema,
  ): unknown | Promise<unknown> {
    if (value === null || value === undefined) return null;
    switch (format) {
      case 'buffer':
        return value;
      case 'string':
        return value.toString('utf8');
      case 'json':
        try {
          return JSON.parse(value.toString('utf8'));
        } catch (error) {
          throw new DeserializationError(
            `value at ${topic} is not JSON (${(error as Error).message}); publish JSON or subscribe with value: 'string'`,
            { cause: error },
          );
        }
      case 'avro':
        if (!this.isWireFormat(value)) {
          throw new DeserializationError(
            `value at ${topic} is not in the schema registry's wire format (magic byte 0 + schema id)`,
          );
        }
        return this.decodeAvro(value, topic, readerSchema);
      default:
        if (this.registry && this.isWireFormat(value)) return this.decodeAvro(value, topic, readerSchema);
        return decodeJsonOrText(value);
    }
  }

  private isWireFormat(value: Buffer): boolean {
    return value.length >= WIRE_HEADER && value[0] === MAGIC_BYTE;
  }

  private async decodeAvro(value: Buffer, topic: string, readerSchema?: AvroSchema): Promise<unknown> {
    if (!this.registry) {
      throw new DeserializationError(
        `value at ${topic} is Avro but SamsaModule has no schemaRegistry; set schemaRegistry: { url }`,
      );
    }
    const cacheKey = readerSchema === undefined ? '' : JSON.stringify(readerSchema);
    let deserializer = this.deserializers.get(cacheKey);
    if (!deserializer) {
      deserializer = new AvroDeserializer({
        client: this.registry,
        ...(readerSchema !== undefined ? { readerSchema: readerSchema as object | string } : {}),
      });
      this.deserializers.set(cacheKey, deserializer);
    }
    try {
      return await deserializer.deserialize(topic, value);
    } catch (error) {
      if (isPermanentSerdeFailure(error)) {
        throw new DeserializationError(
          `cannot decode the Avro value at ${topic}: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
      throw error;
    }
  }

  /** Encodes an event for a topic: Avro when the topic has a schema, JSON otherwise. */
  encode(topic: string | TopicDefinition, event: unknown): Buffer | Promise<Buffer> {
    if (typeof topic === 'string' || topic.schema === undefined) return encodeJson(event);
    return this.serializerFor(topic).serialize(topic.topic, event);
  }

  /** Registers a topic's value schema (idempotent) and returns its id. */
  register(topic: TopicDefinition): Promise<number> {
    return this.serializerFor(topic).schemaId(topic.topic);
  }

  private serializerFor(topic: TopicDefinition): AvroSerializer {
    if (!this.registry) {
      throw new DeserializationError(
        `topic ${topic.topic} has an Avro schema but SamsaModule has no schemaRegistry; set schemaRegistry: { url }`,
      );
    }
    let serializer = this.serializers.get(topic.topic);
    if (!serializer) {
      const subject = topic.subject;
      serializer = new AvroSerializer({
        client: this.registry,
        schema: topic.schema as object | string,
        ...(subject ? { subjectNameStrategy: () => subject } : {}),
      });
      this.serializers.set(topic.topic, serializer);
    }
    return serializer;
  }
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
