import type * as Protobuf from 'protobufjs';
import type { SchemaRegistryClient } from '../client/client.js';
import { SerdeError } from '../errors.js';
import { messagesOf } from '../protobuf/ast.js';
import { protobuf } from '../protobuf/protobufjs.js';
import {
  type ParsedProtobuf,
  type ProtobufReference,
  parseProtobuf,
  protobufRoot,
} from '../protobuf/schema.js';
import type { SchemaReference } from '../server/records.js';
import {
  decodeMessageIndexes,
  encodeMessageIndexes,
  messageAt,
  messageIndexesOf,
} from './message-indexes.js';
import { assertProtobufValue } from './protobuf-values.js';
import { type FetchedReference, fetchReferences } from './references.js';
import { type SchemaIdOptions, SchemaIds } from './schema-ids.js';
import type { Deserializer, Serializer } from './serde.js';
import { HEADER_SIZE, readSchemaId, writeHeader } from './wire.js';

/** A .proto schema bound to the TypeScript type of one of its messages. */
export interface TypedProtobufSchema<T> {
  readonly schemaType: 'PROTOBUF';
  /** The .proto text. */
  readonly schema: string;
  /** The message values are, relative to the package (`Order`, `Order.Line`). Default: the first message. */
  readonly messageName?: string;
  /** Type carrier only; never set at runtime. */
  readonly __type?: T;
}

/**
 * How decoded messages become plain objects (protobufjs's `toObject` options): enum names, 64-bit integers as
 * decimal strings (numbers would lose precision), every field present with its default.
 */
export const DEFAULT_PROTOBUF_OBJECT_OPTIONS: Protobuf.IConversionOptions = {
  enums: String,
  longs: String,
  defaults: true,
};

function asProtobufReferences(references: readonly FetchedReference[]): ProtobufReference[] {
  return references.map((reference) => ({
    ...reference,
    references: asProtobufReferences(reference.references),
  }));
}

function isTyped(source: unknown): source is TypedProtobufSchema<unknown> {
  return (
    typeof source === 'object' &&
    source !== null &&
    (source as { schemaType?: unknown }).schemaType === 'PROTOBUF'
  );
}

export interface ProtobufSerializerOptions<T> extends SchemaIdOptions {
  client: SchemaRegistryClient;
  schema: TypedProtobufSchema<T> | string;
  /** Which message values are, relative to the package. Default: the schema's, or else its first message. */
  messageName?: string;
  /** Schemas this schema imports (their `name` is the import path), already registered. */
  references?: SchemaReference[];
}

/**
 * Serializes plain objects as Protobuf in the Confluent wire format: magic byte, schema id, the message's indexes
 * (a single 0 for the first message), then the message. Values are plain objects (enum names or numbers, 64-bit
 * integers as numbers or decimal strings, bytes as Buffers or base64), checked field by field before protobufjs
 * encodes them. The record name
 * strategies use the message's full name.
 */
export class ProtobufSerializer<T = Record<string, unknown>> implements Serializer<T> {
  private readonly text: string;
  private readonly parsed: ParsedProtobuf;
  private readonly messageName: string;
  private readonly indexes: Buffer;
  private readonly ids: SchemaIds;
  private type?: Protobuf.Type;
  private preparing?: Promise<void>;

  constructor(private readonly options: ProtobufSerializerOptions<T>) {
    this.text = isTyped(options.schema) ? options.schema.schema : options.schema;
    this.parsed = parseProtobuf(this.text);
    const first = messagesOf(this.parsed.file.types)[0];
    const name =
      options.messageName ??
      (isTyped(options.schema) ? options.schema.messageName : undefined) ??
      first?.path.join('.');
    if (!name) throw new SerdeError('The Protobuf schema declares no message');
    this.messageName = name;
    this.indexes = encodeMessageIndexes(messageIndexesOf(this.parsed.file, name));
    const pkg = this.parsed.file.packageName;
    this.ids = new SchemaIds(
      options.client,
      { schema: this.text, schemaType: 'PROTOBUF', references: options.references },
      pkg ? `${pkg}.${name}` : name,
      options,
    );
    if (!options.references?.length) this.type = this.typeFrom(this.parsed);
  }

  private typeFrom(parsed: ParsedProtobuf): Protobuf.Type {
    const pkg = parsed.file.packageName;
    return protobufRoot(parsed, this.text).lookupType(`.${pkg ? `${pkg}.` : ''}${this.messageName}`);
  }

  subjectOf(topic: string): string {
    return this.ids.subjectOf(topic);
  }

  async schemaId(topic: string): Promise<number> {
    return this.ids.forTopic(topic);
  }

  /** Fetches the imported schemas the references name, so that `encode` can run. */
  prepare(): Promise<void> {
    this.preparing ??= fetchReferences(this.options.client, this.options.references).then((references) => {
      this.type = this.typeFrom(parseProtobuf(this.text, asProtobufReferences(references)));
    });
    return this.preparing;
  }

  async serialize(topic: string, value: T): Promise<Buffer> {
    if (!this.type) await this.prepare();
    const id = this.ids.forTopic(topic);
    return this.encode(typeof id === 'number' ? id : await id, value);
  }

  /** Encodes with a known schema id, synchronously (after `prepare()` when the schema imports references). */
  encode(id: number, value: T): Buffer {
    const type = this.type;
    if (!type) throw new SerdeError('The Protobuf schema has references: await prepare() before encode()');
    let body: Uint8Array;
    // Fast path: a value already in protobufjs's message shape (enums as numbers, 64-bit integers as numbers or
    // Longs) passes protobufjs's generated verify and encodes as is. Anything else is checked field by field,
    // with errors that say where, and converted.
    if (type.verify(value as Record<string, unknown>) === null)
      body = type.encode(value as Record<string, unknown>).finish();
    else {
      assertProtobufValue(type, value);
      body = type.encode(type.fromObject(value as Record<string, unknown>)).finish();
    }
    const out = Buffer.allocUnsafe(HEADER_SIZE + this.indexes.length + body.length);
    writeHeader(out, id);
    this.indexes.copy(out, HEADER_SIZE);
    out.set(body, HEADER_SIZE + this.indexes.length);
    return out;
  }
}

export interface ProtobufDeserializerOptions {
  client: SchemaRegistryClient;
  /** protobufjs `toObject` options. Default DEFAULT_PROTOBUF_OBJECT_OPTIONS. */
  toObject?: Protobuf.IConversionOptions;
  /**
   * Read messages written without message indexes (@kafkajs/confluent-schema-registry writes none): when the
   * bytes after the schema id do not name a message of the writer's schema that decodes, they are read as its
   * first message. Default true.
   */
  allowMissingMessageIndexes?: boolean;
}

interface WriterSchema {
  parsed: ParsedProtobuf;
  root: Protobuf.Root;
  types: Map<string, Protobuf.Type>;
  /** The type of message index [0] (null when it names none), once looked up. */
  first?: Protobuf.Type | null;
}

/** A reader of `data` from `offset`: protobufjs reads it in place, where a subarray would make a Buffer first. */
function readerAt(data: Buffer, offset: number): Protobuf.Reader {
  const reader = protobuf.Reader.create(data);
  reader.pos = offset;
  return reader;
}

/** Deserializes Protobuf values in the Confluent wire format into plain objects, by the writer's schema. */
export class ProtobufDeserializer<T = Record<string, unknown>> implements Deserializer<T> {
  private readonly writers = new Map<number, Promise<WriterSchema>>();
  private readonly ready = new Map<number, WriterSchema>();

  constructor(private readonly options: ProtobufDeserializerOptions) {}

  async deserialize(_topic: string, data: Buffer): Promise<T> {
    const id = readSchemaId(data);
    const writer = this.ready.get(id) ?? (await this.writerFor(id));
    const { message, type } = this.decode(writer, data, id);
    return type.toObject(message, this.options.toObject ?? DEFAULT_PROTOBUF_OBJECT_OPTIONS) as T;
  }

  /** The decoded message and its type, for callers that want protobufjs's message object itself. */
  decode(writer: WriterSchema, data: Buffer, id: number): { message: Protobuf.Message; type: Protobuf.Type } {
    let named: Protobuf.Type | undefined;
    let end = HEADER_SIZE;
    if (data[HEADER_SIZE] === 0) {
      // Confluent's one-byte shorthand for the schema's first message, by far the most common: looked up once.
      if (writer.first === undefined) writer.first = this.typeAt(writer, [0]) ?? null;
      named = writer.first ?? undefined;
      end = HEADER_SIZE + 1;
    } else {
      const framed = decodeMessageIndexes(data, HEADER_SIZE);
      if (framed) {
        named = this.typeAt(writer, framed.indexes);
        end = framed.end;
      }
    }
    if (named) {
      try {
        return { message: named.decode(readerAt(data, end)), type: named };
      } catch (error) {
        if (this.options.allowMissingMessageIndexes === false) throw this.undecodable(id, error);
      }
    } else if (this.options.allowMissingMessageIndexes === false) {
      throw new SerdeError(`Message indexes after schema id ${id} name no message of its schema`);
    }
    const first = messagesOf(writer.parsed.file.types)[0];
    if (!first) throw new SerdeError(`Schema ${id} declares no message`);
    const type = this.typeOf(writer, first.path.join('.'));
    try {
      return { message: type.decode(readerAt(data, HEADER_SIZE)), type };
    } catch (error) {
      throw this.undecodable(id, error);
    }
  }

  private undecodable(id: number, error: unknown): SerdeError {
    return new SerdeError(`The message does not decode with schema ${id}: ${(error as Error).message}`, {
      cause: error,
    });
  }

  /** The message type the indexes name, undefined when they name none. */
  private typeAt(writer: WriterSchema, indexes: readonly number[]): Protobuf.Type | undefined {
    const named = messageAt(writer.parsed.file, indexes);
    return named && this.typeOf(writer, named.name);
  }

  private typeOf(writer: WriterSchema, name: string): Protobuf.Type {
    let type = writer.types.get(name);
    if (!type) {
      const pkg = writer.parsed.file.packageName;
      type = writer.root.lookupType(`.${pkg ? `${pkg}.` : ''}${name}`);
      writer.types.set(name, type);
    }
    return type;
  }

  private writerFor(id: number): Promise<WriterSchema> {
    let writer = this.writers.get(id);
    if (!writer) {
      writer = (async () => {
        const { client } = this.options;
        const found = await client.getSchemaById(id);
        if ((found.schemaType ?? 'AVRO') !== 'PROTOBUF') {
          throw new SerdeError(
            `Schema ${id} is ${found.schemaType ?? 'AVRO'}, not PROTOBUF; use its deserializer`,
          );
        }
        const references = asProtobufReferences(await fetchReferences(client, found.references));
        const parsed = parseProtobuf(found.schema, references);
        const built: WriterSchema = { parsed, root: protobufRoot(parsed, found.schema), types: new Map() };
        this.ready.set(id, built);
        return built;
      })();
      this.writers.set(id, writer);
      writer.catch(() => this.writers.delete(id));
    }
    return writer;
  }
}
