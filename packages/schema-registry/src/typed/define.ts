import { parseSchema } from '../avro/parse.js';
import { SchemaRegistryError } from '../errors.js';
import { type TypedSchema, typedSchema } from './typed-schema.js';
import { unionIsWrapped } from './validator.js';

/**
 * Avro schemas written in TypeScript: the Avro schema and the TypeScript type both follow from one definition.
 *
 *   const Order = avro.record('Order', { id: avro.string(), qty: avro.int(), note: avro.optional(avro.string()) },
 *     { namespace: 'com.acme' });
 *   type Order = Infer<typeof Order>; // { id: string; qty: number; note: string | null }
 */
export interface AvroType<T> {
  /** Type carrier only. */
  readonly __type?: T;
  /** The schema JSON; named types already written in this document are referenced by full name. */
  toJson(written: Set<string>): unknown;
  /** Set by `optional()`: as a record field it gets `"default": null`. */
  readonly defaultsToNull?: boolean;
}

export interface FieldSpec<T> {
  type: AvroType<T>;
  default?: T;
  doc?: string;
  aliases?: string[];
  order?: 'ascending' | 'descending' | 'ignore';
}

export type FieldInput = AvroType<unknown> | FieldSpec<unknown>;

type FieldValue<F> = F extends FieldSpec<infer T> ? T : F extends AvroType<infer T> ? T : never;

export type RecordValue<F extends Record<string, FieldInput>> = {
  -readonly [K in keyof F]: FieldValue<F[K]>;
};

export interface NamedOptions {
  namespace?: string;
  doc?: string;
  aliases?: string[];
}

/** A record definition: usable as a field type, and as a typed schema for serializers. */
export type RecordType<T> = AvroType<T> & TypedSchema<T> & { readonly fullName: string };

function primitive<T>(type: string, props: Record<string, unknown> = {}): AvroType<T> {
  const json = Object.keys(props).length === 0 ? type : { type, ...props };
  return { toJson: () => json };
}

function qualified(name: string, namespace?: string): string {
  return name.includes('.') || !namespace ? name : `${namespace}.${name}`;
}

function named<T>(fullName: string, define: (written: Set<string>) => Record<string, unknown>): AvroType<T> {
  return {
    toJson(written) {
      if (written.has(fullName)) return fullName;
      written.add(fullName);
      return define(written);
    },
  };
}

function namedHeader(type: string, name: string, options: NamedOptions | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = { type, name };
  if (options?.namespace !== undefined && !name.includes('.')) out.namespace = options.namespace;
  if (options?.doc !== undefined) out.doc = options.doc;
  if (options?.aliases) out.aliases = options.aliases;
  return out;
}

type UnionValue<B extends readonly AvroType<unknown>[]> = B[number] extends AvroType<infer T> ? T : never;

export const avro = {
  null: () => primitive<null>('null'),
  boolean: () => primitive<boolean>('boolean'),
  int: () => primitive<number>('int'),
  /** A long as a JavaScript number (avsc's default): exact up to 2^53. */
  long: () => primitive<number>('long'),
  float: () => primitive<number>('float'),
  double: () => primitive<number>('double'),
  string: () => primitive<string>('string'),
  bytes: () => primitive<Buffer>('bytes'),
  /** Logical types are carried in the schema; avsc reads them as their underlying type. */
  timestampMillis: () => primitive<number>('long', { logicalType: 'timestamp-millis' }),
  timestampMicros: () => primitive<number>('long', { logicalType: 'timestamp-micros' }),
  date: () => primitive<number>('int', { logicalType: 'date' }),
  uuid: () => primitive<string>('string', { logicalType: 'uuid' }),
  decimal: (precision: number, scale = 0) =>
    primitive<Buffer>('bytes', { logicalType: 'decimal', precision, scale }),

  enum<const S extends readonly [string, ...string[]]>(
    name: string,
    symbols: S,
    options?: NamedOptions & { default?: S[number] },
  ): AvroType<S[number]> {
    return named(qualified(name, options?.namespace), () => {
      const out = namedHeader('enum', name, options);
      out.symbols = [...symbols];
      if (options?.default !== undefined) out.default = options.default;
      return out;
    });
  },

  fixed(name: string, size: number, options?: NamedOptions): AvroType<Buffer> {
    return named(qualified(name, options?.namespace), () => ({
      ...namedHeader('fixed', name, options),
      size,
    }));
  },

  array<T>(items: AvroType<T>): AvroType<T[]> {
    return { toJson: (written) => ({ type: 'array', items: items.toJson(written) }) };
  },

  map<T>(values: AvroType<T>): AvroType<Record<string, T>> {
    return { toJson: (written) => ({ type: 'map', values: values.toJson(written) }) };
  },

  /** A union whose branches are told apart by JavaScript type (avsc's unwrapped representation). */
  union<const B extends readonly AvroType<unknown>[]>(...branches: B): AvroType<UnionValue<B>> {
    return {
      toJson(written) {
        const json = branches.map((branch) => branch.toJson(written));
        const parsed = parseSchema(JSON.stringify(json), { validateDefaults: false, validateNames: false });
        if (parsed.type === 'union' && unionIsWrapped(parsed.types)) {
          throw new SchemaRegistryError(
            'avro.union() branches must differ in JavaScript type (e.g. a record and a string, not two records or int and long); ' +
              'write such unions as .avsc and generate their (wrapped) types with `samsa-registry codegen`',
          );
        }
        return json;
      },
    };
  },

  /** `["null", T]` with `"default": null` when used as a field. */
  optional<T>(type: AvroType<T>): AvroType<T | null> {
    return { toJson: (written) => ['null', type.toJson(written)], defaultsToNull: true };
  },

  /** A field with a default, doc, aliases or order. */
  field<T>(type: AvroType<T>, spec: Omit<FieldSpec<T>, 'type'> = {}): FieldSpec<T> {
    return { type, ...spec };
  },

  record<const F extends Record<string, FieldInput>>(
    name: string,
    fields: F,
    options?: NamedOptions,
  ): RecordType<RecordValue<F>> {
    const fullName = qualified(name, options?.namespace);
    const type = named<RecordValue<F>>(fullName, (written) => {
      const out = namedHeader('record', name, options);
      out.fields = Object.entries(fields).map(([fieldName, input]) => {
        const spec: FieldSpec<unknown> = 'toJson' in input ? { type: input } : input;
        const field: Record<string, unknown> = { name: fieldName, type: spec.type.toJson(written) };
        if (spec.doc !== undefined) field.doc = spec.doc;
        if ('default' in spec)
          field.default = spec.default instanceof Buffer ? spec.default.toString('latin1') : spec.default;
        else if (spec.type.defaultsToNull) field.default = null;
        if (spec.order) field.order = spec.order;
        if (spec.aliases) field.aliases = spec.aliases;
        return field;
      });
      return out;
    });
    const schema = type.toJson(new Set()) as object;
    return Object.assign(typedSchema<RecordValue<F>>(schema), { toJson: type.toJson, fullName });
  },
};

/** Binds any AvroType (a primitive, an array, ...) as a top-level typed schema. */
export function defineAvro<T>(type: AvroType<T>): TypedSchema<T> {
  return typedSchema<T>(type.toJson(new Set()) as object);
}
