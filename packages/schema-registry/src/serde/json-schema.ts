import type { SchemaRegistryClient } from '../client/client.js';
import { InvalidValueError, SerdeError } from '../errors.js';
import { type AjvInstance, createAjv, dialectOf } from '../json-schema/dialects.js';
import { parseJsonDocument } from '../json-schema/json-text.js';
import { type JsonSchemaReference, parseJsonSchema } from '../json-schema/schema.js';
import type { SchemaReference } from '../server/records.js';
import { type FetchedReference, fetchReferences } from './references.js';
import { type SchemaIdOptions, SchemaIds } from './schema-ids.js';
import type { Deserializer, Serializer } from './serde.js';
import { HEADER_SIZE, readSchemaId, writeHeader } from './wire.js';

/** A JSON Schema bound to the TypeScript type of the values it describes (see `jsonSchemaFromZod`). */
export interface TypedJsonSchema<T> {
  readonly schemaType: 'JSON';
  /** The JSON Schema, as a value or as text. */
  readonly schema: object | string;
  /** Checks a value and returns it typed (a zod schema's `parse`, for instance); throws when it does not fit. */
  readonly validate?: (value: unknown) => T;
  /** Type carrier only; never set at runtime. */
  readonly __type?: T;
}

/** Deepest JSON value validated: a recursive schema's validator recurses with the value. */
const MAX_VALUE_DEPTH = 512;

function isTyped(source: unknown): source is TypedJsonSchema<unknown> {
  return (
    typeof source === 'object' &&
    source !== null &&
    (source as { schemaType?: unknown }).schemaType === 'JSON'
  );
}

function schemaTextOf(source: TypedJsonSchema<unknown> | object | string): string {
  const schema = isTyped(source) ? source.schema : source;
  return typeof schema === 'string' ? schema : JSON.stringify(schema);
}

function asJsonReferences(references: readonly FetchedReference[]): JsonSchemaReference[] {
  return references.map((r) => ({
    name: r.name,
    schema: r.schema,
    references: asJsonReferences(r.references),
  }));
}

/**
 * A compiled validator for a schema and the documents its references name. Values are checked by a validator
 * that stops at the first error (the fast path); only a value that fails is checked again, listing every error.
 */
function compileValidator(text: string, references: readonly FetchedReference[]): (value: unknown) => void {
  const parsed = parseJsonSchema(text, asJsonReferences(references));
  const compile = (allErrors: boolean) => {
    const ajv: AjvInstance = createAjv(parsed.dialect, { allErrors });
    for (const document of parsed.referenced) {
      // A referenced schema written in another draft is still read by this draft's rules.
      const { $schema: _ignored, ...schema } = document.schema as Record<string, unknown>;
      if (dialectOf(document.schema) === parsed.dialect)
        ajv.addSchema(document.schema as object, document.name);
      else ajv.addSchema(schema, document.name);
    }
    try {
      return ajv.compile(parsed.value as object);
    } catch (error) {
      throw new SerdeError(`The JSON schema cannot validate values: ${(error as Error).message}`, {
        cause: error,
      });
    }
  };
  const validate = compile(false);
  let explain: ReturnType<typeof compile> | undefined;
  // Only a schema with $refs can recurse as deep as the value goes; others are bounded by their own depth.
  const recursive = text.includes('"$ref"') || references.length > 0;
  const run = (check: ReturnType<typeof compile>, value: unknown): boolean => {
    try {
      return check(value) as boolean;
    } catch (error) {
      if (error instanceof RangeError)
        throw new InvalidValueError('The value nests too deeply to validate', ['']);
      throw error;
    }
  };
  return (value) => {
    if (recursive) assertDepth(value);
    if (run(validate, value)) return;
    explain ??= compile(true);
    run(explain, value);
    const errors = explain.errors ?? validate.errors ?? [];
    const paths = errors.map((error) => error.instancePath || '/');
    throw new InvalidValueError(
      `Value does not match the JSON schema: ${errors.map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ')}`,
      paths,
    );
  };
}

function assertDepth(value: unknown): void {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth > MAX_VALUE_DEPTH)
      throw new InvalidValueError(`The value nests more than ${MAX_VALUE_DEPTH} levels deep`, ['']);
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
}

export interface JsonSchemaSerializerOptions<T> extends SchemaIdOptions {
  client: SchemaRegistryClient;
  schema: TypedJsonSchema<T> | object | string;
  /** Schemas this schema's `$ref`s name (their `name` is the URI used), already registered. */
  references?: SchemaReference[];
  /** Validate each value against the schema before writing it (Confluent's default). Default true. */
  validate?: boolean;
}

/**
 * Serializes values as JSON in the Confluent wire format (magic byte, schema id, UTF-8 JSON), validating each one
 * against the schema first, and registering or looking up the schema's id per subject as Confluent's serializer
 * does. The record name strategies use the schema's `title`.
 */
export class JsonSchemaSerializer<T = unknown> implements Serializer<T> {
  private readonly text: string;
  private readonly ids: SchemaIds;
  private validator?: (value: unknown) => void;
  private preparing?: Promise<void>;

  constructor(private readonly options: JsonSchemaSerializerOptions<T>) {
    this.text = schemaTextOf(options.schema);
    const { value } = parseJsonDocument(this.text);
    const title = (value as { title?: unknown } | null)?.title;
    this.ids = new SchemaIds(
      options.client,
      { schema: this.text, schemaType: 'JSON', references: options.references },
      typeof title === 'string' ? title : undefined,
      options,
    );
    // Compiled now when it can be, so that a broken schema fails at construction rather than at the first message.
    if (!options.references?.length) this.validator = compileValidator(this.text, []);
  }

  /** The subject the serializer registers under for a topic. */
  subjectOf(topic: string): string {
    return this.ids.subjectOf(topic);
  }

  /** The schema id it writes with for a topic. */
  async schemaId(topic: string): Promise<number> {
    return this.ids.forTopic(topic);
  }

  async serialize(topic: string, value: T): Promise<Buffer> {
    if (!this.validator) await this.prepare();
    const id = this.ids.forTopic(topic);
    return this.encode(typeof id === 'number' ? id : await id, value);
  }

  /** Fetches what the schema's references name, so that `encode` can validate. */
  prepare(): Promise<void> {
    this.preparing ??= fetchReferences(this.options.client, this.options.references).then((references) => {
      this.validator = compileValidator(this.text, references);
    });
    return this.preparing;
  }

  /** Encodes with a known schema id, synchronously (after `prepare()` when the schema has references). */
  encode(id: number, input: T): Buffer {
    let value: unknown = input;
    if (this.options.validate !== false) {
      if (!this.validator)
        throw new SerdeError('The JSON schema has references: await prepare() before encode()');
      // A typed schema's own validator (zod's parse) first: what it returns (defaults in, unknown keys out) is written.
      const typed = this.options.schema;
      if (isTyped(typed) && typed.validate) value = typed.validate(input);
      this.validator(value);
    }
    const json = JSON.stringify(value);
    if (json === undefined) throw new InvalidValueError('undefined and functions have no JSON form', ['']);
    const body = Buffer.from(json, 'utf8');
    const out = Buffer.allocUnsafe(HEADER_SIZE + body.length);
    writeHeader(out, id);
    body.copy(out, HEADER_SIZE);
    return out;
  }
}

export interface JsonSchemaDeserializerOptions<T> {
  client: SchemaRegistryClient;
  /**
   * Validate each value against the schema it was written with (Confluent's `json.fail.invalid.schema`). Default
   * false: values are only parsed.
   */
  validate?: boolean;
  /** A typed schema whose own `validate` (a zod schema, say) checks and types every value read. */
  schema?: TypedJsonSchema<T>;
}

/** Deserializes JSON Schema values in the Confluent wire format. */
export class JsonSchemaDeserializer<T = unknown> implements Deserializer<T> {
  private readonly validators = new Map<number, Promise<(value: unknown) => void>>();
  private readonly ready = new Map<number, (value: unknown) => void>();

  constructor(private readonly options: JsonSchemaDeserializerOptions<T>) {}

  async deserialize(_topic: string, data: Buffer): Promise<T> {
    const id = readSchemaId(data);
    let value: unknown;
    try {
      value = JSON.parse(data.toString('utf8', HEADER_SIZE));
    } catch (error) {
      throw new SerdeError(`The message body (schema ${id}) is not JSON: ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (this.options.validate) {
      const validator = this.ready.get(id) ?? (await this.validatorFor(id));
      validator(value);
    }
    return this.options.schema?.validate ? this.options.schema.validate(value) : (value as T);
  }

  private validatorFor(id: number): Promise<(value: unknown) => void> {
    let validator = this.validators.get(id);
    if (!validator) {
      validator = (async () => {
        const writer = await this.options.client.getSchemaById(id);
        if ((writer.schemaType ?? 'AVRO') !== 'JSON') {
          throw new SerdeError(
            `Schema ${id} is ${writer.schemaType ?? 'AVRO'}, not JSON; use its deserializer`,
          );
        }
        const built = compileValidator(
          writer.schema,
          await fetchReferences(this.options.client, writer.references),
        );
        this.ready.set(id, built);
        return built;
      })();
      this.validators.set(id, validator);
      validator.catch(() => this.validators.delete(id));
    }
    return validator;
  }
}
