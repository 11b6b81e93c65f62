import { z } from 'zod';
import { parseSchema } from '../avro/parse.js';
import { SchemaRegistryError } from '../errors.js';
import type { TypedAvroSchema } from '../serde/serde.js';
import { unionIsWrapped } from './validator.js';
import { decimalFromBytes, decimalOf, decimalToBytes } from './zod-decimal.js';

/**
 * An Avro schema derived from a zod schema, with the value conversions between what zod accepts and what the Avro
 * serde (avsc) reads and writes: Dates as epoch milliseconds, decimals as two's-complement bytes, absent optional
 * fields as null, unions of records wrapped by branch name.
 *
 * The mapping:
 *
 * | zod                                   | Avro                                                              |
 * | ------------------------------------- | ----------------------------------------------------------------- |
 * | `z.object({...})`                     | record (name: `.meta({ id })`, the option for the root, else the path in PascalCase) |
 * | `z.string()`, `z.email()`...          | string (`z.uuid()`: string with logicalType uuid)                 |
 * | `z.int32()`                           | int                                                               |
 * | `z.int()`, `z.number().int()`, `z.uint32()` | long                                                        |
 * | `z.float32()`                         | float                                                             |
 * | `z.number()`                          | double                                                            |
 * | `z.boolean()`, `z.null()`             | boolean, null                                                     |
 * | `z.date()`                            | long with logicalType timestamp-millis                            |
 * | `decimal(precision, scale)`           | bytes with logicalType decimal (values are decimal strings)       |
 * | `z.enum([...])`                       | enum (symbols must be Avro names)                                 |
 * | `z.literal(x)`                        | the literal's type (Avro has no constants; zod checks the value)  |
 * | `x.optional()`                        | `["null", x]` with default null (an absent field is written null, read back absent) |
 * | `x.nullable()`                        | `["null", x]` with default null                                   |
 * | `x.default(v)`                        | x with default v                                                  |
 * | `z.union([...])`, `z.discriminatedUnion` | union (branches wrapped by name when two share a JavaScript type) |
 * | `z.array(x)`, `z.record(z.string(), x)` | array, map                                                      |
 * | `z.lazy(() => ...)`                   | a recursive named type                                            |
 *
 * Anything else (transforms, tuples, bigint, any, intersections) has no faithful Avro form and is refused with
 * the path of the part that is.
 */
export interface ZodAvroSchema<T> extends TypedAvroSchema<T> {
  readonly schema: object;
  readonly zod: z.ZodType<T>;
  /** A value zod accepts, in the representation the Avro serializer writes. */
  toAvro(value: T): unknown;
  /** A value the Avro deserializer read, back in zod's representation. */
  fromAvro(value: unknown): T;
}

export interface AvroFromZodOptions {
  /** The name of the top-level record (its `.meta({ id })` wins). */
  name: string;
  namespace?: string;
}

/** How deeply zod schemas may nest before the mapping gives up (recursion through z.lazy is by name, not depth). */
const MAX_ZOD_DEPTH = 64;

interface Mapping {
  schema: unknown;
  toAvro(value: unknown): unknown;
  fromAvro(value: unknown): unknown;
  /** Optional and nullable mappings: the field takes `default: null`, and a null reads back as absent (optional). */
  nullDefault?: boolean;
  absentOnNull?: boolean;
  /** A field default, already in Avro's representation. */
  fieldDefault?: { value: unknown };
}

/** Derives an Avro schema and the value conversions from a zod schema (see ZodAvroSchema for the mapping). */
export function avroFromZod<S extends z.ZodType>(
  schema: S,
  options: AvroFromZodOptions,
): ZodAvroSchema<z.output<S>> {
  const mapper = new ZodAvroMapper(options);
  const mapping = mapper.map(schema, [], 0, options.name);
  const json = mapping.schema as object;
  // Checked by Samsa's own Avro parser, so that a mapping bug surfaces here and not at the registry.
  parseSchema(JSON.stringify(json));
  return {
    schema: json,
    zod: schema as unknown as z.ZodType<z.output<S>>,
    toAvro: (value) => mapping.toAvro(value),
    fromAvro: (value) => mapping.fromAvro(value) as z.output<S>,
  };
}

const AVRO_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function pascal(parts: readonly string[]): string {
  const text = parts
    .flatMap((part) => part.split(/[^A-Za-z0-9]+/))
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
  return /^[A-Za-z_]/.test(text) ? text : `T${text}`;
}

function def(schema: z.ZodType): Record<string, unknown> & { type: string } {
  return (schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
}

const identity = (value: unknown) => value;

class ZodAvroMapper {
  /** Records already mapped, by zod schema: a second use (or a recursive one) refers to the name. */
  private readonly records = new Map<z.ZodType, { fullName: string; mapping: Mapping }>();
  private readonly usedNames = new Set<string>();

  constructor(private readonly options: AvroFromZodOptions) {}

  fail(path: readonly string[], message: string): never {
    throw new SchemaRegistryError(
      `Cannot map the zod schema to Avro at ${path.length ? path.join('.') : '<root>'}: ${message}`,
    );
  }

  map(schema: z.ZodType, path: string[], depth: number, name?: string): Mapping {
    if (depth > MAX_ZOD_DEPTH) this.fail(path, `it nests more than ${MAX_ZOD_DEPTH} levels deep`);
    const d = def(schema);
    switch (d.type) {
      case 'string': {
        const decimal = decimalOf(schema);
        if (decimal) {
          return {
            schema: {
              type: 'bytes',
              logicalType: 'decimal',
              precision: decimal.precision,
              scale: decimal.scale,
            },
            toAvro: (value) => decimalToBytes(value as string, decimal.scale),
            fromAvro: (value) => decimalFromBytes(value as Buffer, decimal.scale),
          };
        }
        const uuid =
          d.format === 'uuid' ||
          (d.checks as Array<{ _zod: { def: { format?: string } } }> | undefined)?.some(
            (c) => c._zod.def.format === 'uuid',
          );
        return {
          schema: uuid ? { type: 'string', logicalType: 'uuid' } : 'string',
          toAvro: identity,
          fromAvro: identity,
        };
      }
      case 'number':
        return { schema: numberType(d), toAvro: identity, fromAvro: identity };
      case 'boolean':
        return { schema: 'boolean', toAvro: identity, fromAvro: identity };
      case 'null':
        return { schema: 'null', toAvro: identity, fromAvro: identity };
      case 'date':
        return {
          schema: { type: 'long', logicalType: 'timestamp-millis' },
          toAvro: (value) => (value as Date).getTime(),
          fromAvro: (value) => new Date(value as number),
        };
      case 'enum': {
        const symbols = Object.values(d.entries as Record<string, unknown>);
        if (symbols.some((symbol) => typeof symbol !== 'string' || !AVRO_NAME.test(symbol))) {
          this.fail(
            path,
            `enum values must be Avro names ([A-Za-z_][A-Za-z0-9_]*), got ${JSON.stringify(symbols)}`,
          );
        }
        return {
          schema: { type: 'enum', ...this.named(schema, path, name), symbols },
          toAvro: identity,
          fromAvro: identity,
        };
      }
      case 'literal': {
        const values = d.values as unknown[];
        const kinds = new Set(values.map((value) => (value === null ? 'null' : typeof value)));
        if (kinds.size !== 1) this.fail(path, 'a literal of several types has no Avro form');
        const kind = [...kinds][0];
        const type =
          kind === 'string'
            ? 'string'
            : kind === 'boolean'
              ? 'boolean'
              : kind === 'null'
                ? 'null'
                : kind === 'number'
                  ? values.every(Number.isInteger)
                    ? 'long'
                    : 'double'
                  : undefined;
        if (!type) this.fail(path, `a ${kind} literal has no Avro form`);
        return { schema: type, toAvro: identity, fromAvro: identity };
      }
      case 'optional':
      case 'nullable': {
        const inner = this.map(d.innerType as z.ZodType, path, depth + 1, name);
        const branches = Array.isArray(inner.schema) ? (inner.schema as unknown[]) : [inner.schema];
        const union = branches.includes('null') ? branches : ['null', ...branches];
        const optional = d.type === 'optional';
        return {
          schema: union,
          nullDefault: true,
          absentOnNull: optional && !inner.nullDefault ? true : inner.absentOnNull,
          toAvro: (value) => (value === undefined || value === null ? null : inner.toAvro(value)),
          fromAvro: (value) =>
            value === null ? (optional && !inner.nullDefault ? undefined : null) : inner.fromAvro(value),
        };
      }
      case 'default':
      case 'prefault': {
        const inner = this.map(d.innerType as z.ZodType, path, depth + 1, name);
        const fallback =
          typeof d.defaultValue === 'function' ? (d.defaultValue as () => unknown)() : d.defaultValue;
        return {
          ...inner,
          fieldDefault: { value: inner.toAvro(fallback) },
          toAvro: (value) => inner.toAvro(value === undefined ? fallback : value),
        };
      }
      case 'readonly':
        return this.map(d.innerType as z.ZodType, path, depth + 1, name);
      case 'lazy':
        return this.map((d.getter as () => z.ZodType)(), path, depth + 1, name);
      case 'object':
        return this.record(schema, d, path, depth, name);
      case 'array': {
        const items = this.map(d.element as z.ZodType, [...path, '[]'], depth + 1, name && `${name}Item`);
        return {
          schema: { type: 'array', items: items.schema },
          toAvro: (value) => (value as unknown[]).map(items.toAvro),
          fromAvro: (value) => (value as unknown[]).map(items.fromAvro),
        };
      }
      case 'record': {
        if (def(d.keyType as z.ZodType).type !== 'string')
          this.fail(path, 'only records with string keys map to an Avro map');
        const values = this.map(d.valueType as z.ZodType, [...path, '{}'], depth + 1, name && `${name}Value`);
        const mapEntries = (value: unknown, convert: (v: unknown) => unknown) =>
          Object.fromEntries(
            Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, convert(v)]),
          );
        return {
          schema: { type: 'map', values: values.schema },
          toAvro: (value) => mapEntries(value, values.toAvro),
          fromAvro: (value) => mapEntries(value, values.fromAvro),
        };
      }
      case 'union':
        return this.union(d.options as z.ZodType[], path, depth, name);
      case 'pipe':
      case 'transform':
        return this.fail(
          path,
          'a transform changes the value; map the schema of the values you publish instead',
        );
      default:
        return this.fail(path, `z.${d.type}() has no Avro form`);
    }
  }

  private named(
    schema: z.ZodType,
    path: readonly string[],
    name: string | undefined,
  ): { name: string; namespace?: string } {
    const meta = z.globalRegistry.get(schema) as { id?: unknown } | undefined;
    let base = typeof meta?.id === 'string' ? meta.id : (name ?? pascal(path));
    if (!AVRO_NAME.test(base)) base = pascal([base]);
    let unique = base;
    for (let i = 2; this.usedNames.has(unique); i++) unique = `${base}${i}`;
    this.usedNames.add(unique);
    return { name: unique, ...(this.options.namespace ? { namespace: this.options.namespace } : {}) };
  }

  private record(
    schema: z.ZodType,
    d: Record<string, unknown>,
    path: string[],
    depth: number,
    name?: string,
  ): Mapping {
    const known = this.records.get(schema);
    if (known) {
      return {
        schema: known.fullName,
        toAvro: (value) => known.mapping.toAvro(value),
        fromAvro: (value) => known.mapping.fromAvro(value),
      };
    }
    const header = this.named(schema, path, name ?? (path.length === 0 ? this.options.name : pascal(path)));
    const fullName = header.namespace ? `${header.namespace}.${header.name}` : header.name;
    const fields: Array<{ key: string; mapping: Mapping }> = [];
    const mapping: Mapping = {
      schema: undefined,
      toAvro: (value) => {
        const input = value as Record<string, unknown>;
        const out: Record<string, unknown> = {};
        for (const { key, mapping: field } of fields) out[key] = field.toAvro(input[key]);
        return out;
      },
      fromAvro: (value) => {
        const input = value as Record<string, unknown>;
        const out: Record<string, unknown> = {};
        for (const { key, mapping: field } of fields) {
          const converted = field.fromAvro(input[key]);
          if (converted !== undefined) out[key] = converted;
        }
        return out;
      },
    };
    // Registered before the fields, so that a recursive use refers to the record by name.
    this.records.set(schema, { fullName, mapping });
    const shape = d.shape as Record<string, z.ZodType>;
    const fieldJson: unknown[] = [];
    for (const [key, field] of Object.entries(shape)) {
      if (!AVRO_NAME.test(key))
        this.fail([...path, key], 'field names must be Avro names ([A-Za-z_][A-Za-z0-9_]*)');
      const fieldMapping = this.map(field, [...path, key], depth + 1, `${header.name}${pascal([key])}`);
      fields.push({ key, mapping: fieldMapping });
      const out: Record<string, unknown> = { name: key, type: fieldMapping.schema };
      if (fieldMapping.fieldDefault) out.default = avroDefault(fieldMapping.fieldDefault.value);
      else if (fieldMapping.nullDefault) out.default = null;
      const doc = (z.globalRegistry.get(field) as { description?: unknown } | undefined)?.description;
      if (typeof doc === 'string') out.doc = doc;
      fieldJson.push(out);
    }
    mapping.schema = { type: 'record', ...header, fields: fieldJson };
    return mapping;
  }

  private union(options: z.ZodType[], path: string[], depth: number, name?: string): Mapping {
    const branches = options.map((option, i) => ({
      zod: option,
      mapping: this.map(option, [...path, `|${i}`], depth + 1, name && `${name}${i}`),
    }));
    const flat = branches.flatMap((branch) =>
      Array.isArray(branch.mapping.schema) ? (branch.mapping.schema as unknown[]) : [branch.mapping.schema],
    );
    const parsed = parseSchema(JSON.stringify(flat), { validateNames: false, validateDefaults: false });
    if (parsed.type !== 'union') this.fail(path, 'a union must have branches');
    const wrapped = unionIsWrapped(parsed.types);
    const branchNames = parsed.types.map((type) => ('fullName' in type ? type.fullName : type.type));
    const nameOf = (mapping: Mapping) => {
      const schema = Array.isArray(mapping.schema) ? mapping.schema[0] : mapping.schema;
      if (typeof schema === 'string') return schema;
      const named = schema as { type: string; name?: string; namespace?: string };
      return named.name ? (named.namespace ? `${named.namespace}.${named.name}` : named.name) : named.type;
    };
    return {
      schema: flat,
      toAvro: (value) => {
        if (value === null && flat.includes('null')) return null;
        const branch = branches.find((candidate) => candidate.zod.safeParse(value).success) ?? branches[0]!;
        const converted = branch.mapping.toAvro(value);
        return wrapped && converted !== null ? { [nameOf(branch.mapping)]: converted } : converted;
      },
      fromAvro: (value) => {
        if (value === null) return null;
        if (wrapped) {
          const [key, inner] = Object.entries(value as Record<string, unknown>)[0]!;
          const branch = branches.find((candidate) => nameOf(candidate.mapping) === key);
          return branch ? branch.mapping.fromAvro(inner) : inner;
        }
        const index = parsed.types.findIndex((type) => matchesUnwrapped(type.type, value));
        const branch =
          branches.find((candidate) => nameOf(candidate.mapping) === branchNames[index]) ?? branches[0]!;
        return branch.mapping.fromAvro(value);
      },
    };
  }
}

/** Whether an unwrapped avsc union value belongs to a branch of this Avro type (branches differ in JS type). */
function matchesUnwrapped(type: string, value: unknown): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'boolean':
      return typeof value === 'boolean';
    case 'int':
    case 'long':
    case 'float':
    case 'double':
      return typeof value === 'number';
    case 'string':
    case 'enum':
      return typeof value === 'string';
    case 'bytes':
    case 'fixed':
      return Buffer.isBuffer(value);
    case 'array':
      return Array.isArray(value);
    default:
      return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
  }
}

/** Avro writes a bytes default as a string of code points 0-255. */
function avroDefault(value: unknown): unknown {
  return Buffer.isBuffer(value) ? value.toString('latin1') : value;
}

function numberType(d: Record<string, unknown>): string {
  const formats = [
    d.format,
    ...((d.checks as Array<{ _zod: { def: { format?: unknown } } }> | undefined) ?? []).map(
      (c) => c._zod.def.format,
    ),
  ];
  if (formats.includes('int32')) return 'int';
  if (formats.includes('float32')) return 'float';
  if (formats.some((f) => f === 'safeint' || f === 'uint32' || f === 'int64')) return 'long';
  return 'double';
}
