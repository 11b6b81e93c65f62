import { parseSchema } from '../avro/parse.js';
import type { AvroSchema } from '../avro/schema.js';
import type { SchemaRegistryClient } from '../client/client.js';
import {
  type SubjectNameStrategy,
  type SubjectNameStrategyName,
  subjectNameStrategies,
} from '../client/subject-names.js';
import { checkCompatibility } from '../compatibility/reader-writer.js';
import {
  type RegistryCacheEvent,
  type RegistryLookupEvent,
  registryChannels,
} from '../diagnostics/channels.js';
import { InvalidValueError, SchemaTooDeepError, SerdeError } from '../errors.js';
import { checkValueNesting, isStackOverflow } from '../nesting.js';
import type { SchemaReference } from '../server/records.js';
import { type AvroCodec, type AvroDecoder, compileAvroCodec } from './avro-codec.js';
import { avroFromJson } from './avro-json.js';
import { compileAvroResolver } from './avro-resolver.js';
import { type AvscType, avscTypeFor, fetchReferencedSchemas, isRawBytes } from './avro-types.js';
import { HEADER_SIZE, readSchemaId, writeHeader } from './wire.js';

/** A schema with a TypeScript type attached (see `defineAvro`/`avro.record` and generated code). */
export interface TypedAvroSchema<T> {
  /** The Avro schema as JSON. */
  readonly schema: object | string;
  /** Type carrier only; never set at runtime. */
  readonly __type?: T;
  /** Turns a value into avsc's representation before writing (schemas derived from zod: Dates, decimals...). */
  readonly toAvro?: (value: T) => unknown;
  /** Turns a value avsc read back into the schema's representation. */
  readonly fromAvro?: (value: unknown) => T;
}

export type SchemaSource<T> = TypedAvroSchema<T> | string | object;

function typedOf<T>(source: SchemaSource<T> | undefined): TypedAvroSchema<T> | undefined {
  return typeof source === 'object' && source !== null && 'schema' in source && !('type' in source)
    ? (source as TypedAvroSchema<T>)
    : undefined;
}

function schemaJsonOf(source: SchemaSource<unknown>): object | string {
  if (typeof source === 'object' && source !== null && 'schema' in source && !('type' in source)) {
    return (source as TypedAvroSchema<unknown>).schema;
  }
  return source as object | string;
}

/** The schema's JSON text. A schema given as a value is bounded first: JSON.stringify recurses. */
function schemaTextOf(source: SchemaSource<unknown>): string {
  const json = schemaJsonOf(source);
  if (typeof json === 'string') return json;
  checkValueNesting(json);
  return JSON.stringify(json);
}

/** The shape @samsa/core-client (and KafkaJS-style code) uses for key and value serializers. */
export interface Serializer<T> {
  serialize(topic: string, value: T): Promise<Buffer>;
}
export interface Deserializer<T> {
  deserialize(topic: string, data: Buffer): Promise<T>;
}

export interface AvroSerializerOptions<T> {
  client: SchemaRegistryClient;
  schema: SchemaSource<T>;
  /** Schemas this schema references, for registration (their named types must already be registered). */
  references?: SchemaReference[];
  /** Serializing message keys (the topic strategy then uses `<topic>-key`). Default false. */
  isKey?: boolean;
  subjectNameStrategy?: SubjectNameStrategy | SubjectNameStrategyName;
  /** Register the schema on first use (Java's `auto.register.schemas`, default true); else look its id up. */
  autoRegister?: boolean;
  /** Write with the subject's latest registered id instead (Java's `use.latest.version`). */
  useLatestVersion?: boolean;
  normalize?: boolean;
}

const INITIAL_SCRATCH = 64 * 1024;
/** Node's own pool size for Buffer.allocUnsafe. */
const SLAB_SIZE = 8 * 1024;

/** Serializes values with one schema into the Confluent wire format, registering or looking up its id per subject. */
export class AvroSerializer<T = unknown> implements Serializer<T> {
  private readonly type: AvscType;
  /** The compiled writer; values it does not vouch for, and schemas it does not compile, go through avsc. */
  private readonly codec: AvroCodec | undefined;
  private readonly parsed: AvroSchema;
  private readonly schemaText: string;
  private readonly raw: boolean;
  private readonly strategy: SubjectNameStrategy;
  private readonly ids = new Map<string, Promise<number>>();
  /** Resolved ids by topic: the hot path encodes without awaiting anything. */
  private readonly idsByTopic = new Map<string, number>();
  private scratch = Buffer.allocUnsafe(INITIAL_SCRATCH);
  private slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
  /** The slab's memory: a view made with Buffer.from(arrayBuffer, ...) costs less than Buffer#subarray. */
  private slabMemory = this.slab.buffer;
  private slabUsed = 0;
  private readonly toAvro?: (value: T) => unknown;

  constructor(private readonly options: AvroSerializerOptions<T>) {
    this.toAvro = typedOf(options.schema)?.toAvro;
    this.schemaText = schemaTextOf(options.schema);
    this.parsed = parseSchema(this.schemaText);
    this.raw = isRawBytes(this.schemaText);
    this.type = avscTypeFor(this.schemaText);
    this.codec = this.raw ? undefined : compileAvroCodec(this.type);
    const strategy = options.subjectNameStrategy ?? 'topic';
    this.strategy = typeof strategy === 'string' ? subjectNameStrategies[strategy] : strategy;
  }

  /** The schema id this serializer writes with for a topic. */
  schemaId(topic: string): Promise<number> {
    const subject = this.strategy(topic, this.options.isKey === true, this.parsed);
    let id = this.ids.get(subject);
    if (!id) {
      const { client } = this.options;
      const input = { schema: this.schemaText, references: this.options.references };
      const mode = this.options.useLatestVersion
        ? 'latest'
        : this.options.autoRegister === false
          ? 'lookup'
          : 'register';
      const ask = (): Promise<number> => {
        if (mode === 'latest') return client.getLatest(subject).then((latest) => latest.id);
        if (mode === 'lookup')
          return client
            .lookup(subject, input, { normalize: this.options.normalize })
            .then((found) => found.id);
        return client.register(subject, input, { normalize: this.options.normalize });
      };
      if (registryChannels.lookup.hasSubscribers) {
        const event: RegistryLookupEvent = { operation: 'schemaId', registry: client.url, subject, mode };
        id = registryChannels.lookup.tracePromise(async () => {
          event.id = await ask();
          return event.id;
        }, event);
      } else id = ask();
      this.ids.set(subject, id);
      id.catch(() => this.ids.delete(subject));
    }
    return id;
  }

  serialize(topic: string, value: T): Promise<Buffer> {
    const id = this.idsByTopic.get(topic);
    if (id === undefined || registryChannels.cache.hasSubscribers) return this.serializeSlowly(topic, value);
    try {
      return Promise.resolve(this.encode(id, value));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private async serializeSlowly(topic: string, value: T): Promise<Buffer> {
    let id = this.idsByTopic.get(topic);
    if (registryChannels.cache.hasSubscribers)
      registryChannels.cache.publish({
        operation: 'schemaId',
        hit: id !== undefined,
        topic,
      } satisfies RegistryCacheEvent);
    if (id === undefined) {
      id = await this.schemaId(topic);
      this.idsByTopic.set(topic, id);
    }
    return this.encode(id, value);
  }

  /**
   * The value that `json` (parsed from JSON text: a command line's input, a form) stands for in this schema: bytes
   * and fixed from strings of one character per byte, unions given bare or as `{"branch": value}`. Unknown record
   * fields are an InvalidValueError; whether the result matches the schema is checked when it is serialized.
   */
  fromJson(json: unknown): T {
    if (this.raw) {
      if (typeof json !== 'string')
        throw new InvalidValueError('A top-level "bytes" schema needs a string', ['']);
      return Buffer.from(json, 'latin1') as T;
    }
    return avroFromJson(this.type, json) as T;
  }

  /** Encodes with a known schema id, synchronously. */
  encode(id: number, input: T): Buffer {
    const value = this.toAvro ? this.toAvro(input) : input;
    if (this.raw) {
      if (!(value instanceof Uint8Array))
        throw new InvalidValueError('A top-level "bytes" schema needs a Buffer value', ['']);
      const out = Buffer.allocUnsafe(HEADER_SIZE + value.length);
      writeHeader(out, id);
      out.set(value, HEADER_SIZE);
      return out;
    }
    if (this.codec) {
      const out = this.encodeCompiled(id, value);
      if (out) return out;
    }
    const end = this.encodeWithAvsc(value);
    writeHeader(this.scratch, id);
    const out = Buffer.allocUnsafe(end);
    this.scratch.copy(out, 0, 0, end);
    return out;
  }

  /**
   * Header and body written in place into a shared slab and returned as a view of it, as Buffer.allocUnsafe
   * hands out views of Node's pool (so a message keeps at most a slab of the same size alive); a message too big
   * for a slab gets a buffer of its own. Undefined lets avsc decide.
   */
  private encodeCompiled(id: number, value: unknown): Buffer | undefined {
    const codec = this.codec!;
    try {
      let slab = this.slab;
      let start = this.slabUsed;
      let end = codec.encode(value, slab, start + HEADER_SIZE);
      if (end < 0) {
        const size = slab.length - start - end;
        if (size <= SLAB_SIZE >>> 1) {
          slab = this.newSlab();
          start = 0;
        } else {
          slab = Buffer.allocUnsafe(size);
          start = 0;
        }
        end = codec.encode(value, slab, start + HEADER_SIZE);
        if (end < 0) return undefined;
      }
      writeHeader(slab, id, start);
      if (slab !== this.slab) return slab.subarray(start, end);
      // Buffer.allocUnsafeSlow's buffers start at offset 0 of their own ArrayBuffer.
      const message = Buffer.from(this.slabMemory, start, end - start);
      const used = (end + 7) & ~7;
      // The next message is likely about this size: a slab without room for it is replaced now, sparing a write
      // that would run off its end.
      if (slab.length - used < end - start) this.newSlab();
      else this.slabUsed = used;
      return message;
    } catch {
      return undefined;
    }
  }

  private newSlab(): Buffer<ArrayBuffer> {
    this.slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
    this.slabMemory = this.slab.buffer;
    this.slabUsed = 0;
    return this.slab;
  }

  private encodeWithAvsc(value: unknown): number {
    let end: number;
    try {
      end = this.type.encode(value, this.scratch, HEADER_SIZE);
      while (end < 0) {
        this.grow(-end);
        end = this.type.encode(value, this.scratch, HEADER_SIZE);
      }
    } catch (error) {
      throw this.invalid(value, error as Error);
    }
    return end;
  }

  /** Encoders return minus the missing byte count when the scratch buffer is too small. */
  private grow(missing: number): void {
    this.scratch = Buffer.allocUnsafe(Math.max(this.scratch.length * 2, this.scratch.length + missing));
  }

  private invalid(value: unknown, cause: Error): InvalidValueError {
    if (isStackOverflow(cause)) {
      // Only a recursive schema admits a value this deep (a schema's own nesting is bounded when it is parsed).
      return new InvalidValueError(
        `Value nests too deeply to encode with Avro schema ${this.type.name ?? this.type.typeName}: ` +
          'its recursive types go deeper than the stack allows',
        [],
      );
    }
    const paths: string[] = [];
    this.type.isValid(value, { errorHook: (path) => paths.push(path.join('.') || '<root>') });
    const where = paths.length > 0 ? ` at ${paths.join(', ')}` : '';
    return new InvalidValueError(
      `Value does not match Avro schema ${this.type.name ?? this.type.typeName}${where}: ${cause.message}`,
      paths,
    );
  }
}

export interface AvroDeserializerOptions<T> {
  client: SchemaRegistryClient;
  /**
   * Read every message into this schema, resolving from the writer's schema by Avro's rules (added fields take
   * their defaults, promotions apply, names match unqualified or through the reader's aliases). Without it, values
   * come back in their writer's shape.
   */
  readerSchema?: SchemaSource<T>;
}

type Resolver = ReturnType<AvscType['createResolver']>;

interface Reader {
  read(data: Buffer): unknown;
}

/** Deserializes Confluent wire-format messages, fetching (and caching) writer schemas by id. */
export class AvroDeserializer<T = unknown> implements Deserializer<T> {
  private readonly readers = new Map<number, Promise<Reader>>();
  /** Built readers by schema id: the hot path decodes without awaiting anything. */
  private readonly ready = new Map<number, Reader>();
  private readonly readerType?: AvscType;
  private readonly readerText?: string;
  private readonly fromAvro?: (value: unknown) => T;

  constructor(private readonly options: AvroDeserializerOptions<T>) {
    this.fromAvro = typedOf(options.readerSchema)?.fromAvro;
    if (options.readerSchema !== undefined) {
      this.readerText = schemaTextOf(options.readerSchema);
      // Held to the nesting limit, as a schema serialized with is (SchemaTooDeepError).
      parseSchema(this.readerText, { validateNames: false, validateDefaults: false });
      this.readerType = avscTypeFor(this.readerText);
    }
  }

  deserialize(topic: string, data: Buffer): Promise<T> {
    try {
      // Once the writer's schema is known, decoding needs no async frame (a bad message still rejects).
      const ready = registryChannels.cache.hasSubscribers ? undefined : this.ready.get(readSchemaId(data));
      if (ready)
        return Promise.resolve(this.fromAvro ? this.fromAvro(ready.read(data)) : (ready.read(data) as T));
    } catch (error) {
      return Promise.reject(error);
    }
    return this.deserializeSlowly(topic, data);
  }

  private async deserializeSlowly(topic: string, data: Buffer): Promise<T> {
    const id = readSchemaId(data);
    const ready = this.ready.get(id);
    if (registryChannels.cache.hasSubscribers)
      registryChannels.cache.publish({
        operation: 'schema',
        hit: ready !== undefined,
        topic,
      } satisfies RegistryCacheEvent);
    if (ready) return this.fromAvro ? this.fromAvro(ready.read(data)) : (ready.read(data) as T);
    let reader = this.readers.get(id);
    if (!reader) {
      reader = registryChannels.lookup.hasSubscribers
        ? registryChannels.lookup.tracePromise(() => this.buildReader(id), {
            operation: 'schema',
            registry: this.options.client.url,
            id,
          } satisfies RegistryLookupEvent)
        : this.buildReader(id);
      this.readers.set(id, reader);
      reader.catch(() => this.readers.delete(id));
    }
    const built = await reader;
    this.ready.set(id, built);
    return this.fromAvro ? this.fromAvro(built.read(data)) : (built.read(data) as T);
  }

  private async buildReader(id: number): Promise<Reader> {
    const { client } = this.options;
    const writer = await client.getSchemaById(id);
    if (writer.schemaType && writer.schemaType !== 'AVRO') {
      throw new SerdeError(
        `Schema ${id} is ${writer.schemaType}, not AVRO; use a ${writer.schemaType} deserializer`,
      );
    }
    const referenced = await fetchReferencedSchemas(client, writer.references);
    let writerType: AvscType;
    try {
      writerType = avscTypeFor(writer.schema, referenced);
    } catch (error) {
      // A registry may hold schemas from before its nesting limit; avsc cannot compile them.
      if (error instanceof SchemaTooDeepError) {
        throw new SerdeError(`Schema ${id} cannot be read: ${error.message}`, { cause: error });
      }
      throw error;
    }
    const rawWriter = isRawBytes(writer.schema);
    const readerType = this.readerType;
    if (rawWriter) {
      // Java writes a top-level bytes value without Avro's length prefix.
      const wantsString = readerType?.typeName === 'string';
      return {
        read: (data) => {
          const body = data.subarray(HEADER_SIZE);
          return wantsString ? body.toString('utf8') : Buffer.from(body);
        },
      };
    }
    if (!readerType || readerType.equals(writerType)) {
      return compiledReader(compileAvroCodec(writerType), (data) =>
        decodeWhole(writerType, data, undefined, id),
      );
    }
    let resolver: Resolver;
    try {
      // A fresh options object: avsc keeps a registry of record resolvers in it.
      resolver = readerType.createResolver(writerType, { ...RESOLVE_OPTIONS });
    } catch (error) {
      if (isStackOverflow(error)) {
        throw new SerdeError(
          `The reader schema cannot be resolved against schema ${id}: their recursive types pair up too deeply`,
        );
      }
      let details = '';
      try {
        const result = checkCompatibility(
          parseSchema(this.readerText!),
          parseSchema(writer.schema, { validateNames: false, validateDefaults: false }),
        );
        details = result.incompatibilities.map((i) => `${i.type} at ${i.location}: ${i.message}`).join('; ');
      } catch {
        details = (error as Error).message;
      }
      throw new SerdeError(
        `The reader schema cannot read data written with schema ${id}: ${details || (error as Error).message}`,
      );
    }
    return compiledReader(compileAvroResolver(readerType, writerType, RESOLVE_OPTIONS), (data) =>
      decodeWhole(readerType, data, resolver, id),
    );
  }
}

const RESOLVE_OPTIONS = { ignoreNamespaces: true };

/** Reads with the compiled decoder when there is one; avsc reads what it is unsure of and has the last word. */
function compiledReader(decoder: AvroDecoder | undefined, withAvsc: (data: Buffer) => unknown): Reader {
  if (!decoder) return { read: withAvsc };
  return {
    read: (data) => {
      try {
        const value = decoder.decode(data, HEADER_SIZE);
        if (decoder.end === data.length) return value;
      } catch {
        // avsc reads it again: its value, or its error.
      }
      return withAvsc(data);
    },
  };
}

function decodeWhole(type: AvscType, data: Buffer, resolver: Resolver | undefined, id: number): unknown {
  let decoded: { value: unknown; offset: number };
  try {
    decoded = type.decode(data, HEADER_SIZE, resolver);
  } catch (error) {
    // Only a recursive schema lets a message nest this deep (a schema's own nesting is bounded when it is read).
    if (isStackOverflow(error)) {
      throw new SerdeError(
        `Message for schema ${id} nests too deeply to decode: its recursive types go deeper than the stack allows`,
      );
    }
    throw error;
  }
  const { value, offset } = decoded;
  if (offset !== data.length) {
    throw new SerdeError(
      offset < 0
        ? `Message body is truncated for schema ${id}`
        : `Message has ${data.length - offset} trailing bytes after the Avro body for schema ${id}`,
    );
  }
  return value;
}
