import { SchemaParseError, SchemaTooDeepError } from '../errors.js';
import { checkTextNesting, checkValueNesting, MAX_NESTING_DEPTH } from '../nesting.js';
import { descend, runWalk, type Walk } from '../walk.js';
import { typeNestingDepth } from './depth.js';
import { validateName, validateNamespace } from './names.js';
import {
  type AvroSchema,
  type EnumSchema,
  type Field,
  type FixedSchema,
  isNamed,
  type NamedSchema,
  PRIMITIVE_TYPES,
  type PrimitiveType,
  type Props,
  type RecordSchema,
  type UnionSchema,
} from './schema.js';

export interface ParseOptions {
  /** Check names, namespaces, aliases and enum symbols against Avro's strict name rules (default true). */
  validateNames?: boolean;
  /** Check field and enum defaults against their types (default true). */
  validateDefaults?: boolean;
  /**
   * Named types defined by other schemas (Confluent schema references), by full name. They can be used but not
   * redefined.
   */
  namedTypes?: ReadonlyMap<string, NamedSchema>;
  /**
   * How deep the schema may nest (default `MAX_NESTING_DEPTH`, 1000): levels of JSON arrays and objects in the
   * document, and levels of types (arrays, maps, unions, records, following named types where they are used).
   * Deeper schemas throw SchemaTooDeepError. The parser itself reads any depth without recursion: `Infinity` reads
   * schemas stored before the limit existed, to check compatibility against them; canonical forms, serializers and
   * validators walk schemas recursively, so give them only schemas within the limit.
   */
  maxNestingDepth?: number;
}

export interface ParsedAvro {
  readonly schema: AvroSchema;
  /** Every named type the document defines or uses, by full name. */
  readonly namedTypes: ReadonlyMap<string, NamedSchema>;
}

const RECORD_RESERVED = new Set(['type', 'name', 'namespace', 'doc', 'fields', 'aliases']);
const ENUM_RESERVED = new Set(['type', 'name', 'namespace', 'doc', 'symbols', 'aliases', 'default']);
const FIXED_RESERVED = new Set(['type', 'name', 'namespace', 'doc', 'size', 'aliases']);
const FIELD_RESERVED = new Set(['name', 'type', 'doc', 'default', 'order', 'aliases']);

/** Where a value is in the document: a linked list from the innermost token, so descending costs O(1). */
type Path = { readonly parent: Path; readonly token: string | number } | null;

const ROOT: Path = null;

function at(parent: Path, ...tokens: (string | number)[]): Path {
  let path = parent;
  for (const token of tokens) path = { parent: path, token };
  return path;
}

function pointer(path: Path): string {
  const tokens: string[] = [];
  for (let node = path; node !== null; node = node.parent) {
    tokens.push(`/${String(node.token).replace(/~/g, '~0').replace(/\//g, '~1')}`);
  }
  return tokens.length === 0 ? '/' : tokens.reverse().join('');
}

function fail(reason: string, path: Path): never {
  throw new SchemaParseError(reason, pointer(path));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 200 ? `${text.slice(0, 200)}...` : text;
}

/** Parses and validates an Avro schema (JSON text or an already-parsed JSON value). Throws SchemaParseError. */
export function parseSchema(input: unknown, options: ParseOptions = {}): AvroSchema {
  return parseAvro(input, options).schema;
}

export function parseAvro(input: unknown, options: ParseOptions = {}): ParsedAvro {
  const limit = options.maxNestingDepth ?? MAX_NESTING_DEPTH;
  let json = input;
  if (typeof input === 'string' && PRIMITIVE_TYPES.has(input.trim())) {
    // A bare primitive name (`int`, and `null`, which would otherwise parse as JSON null) is a valid schema text.
    json = input.trim();
  } else if (typeof input === 'string') {
    checkTextNesting(input, limit);
    try {
      json = JSON.parse(input);
    } catch (error) {
      fail(`Schema is not valid JSON: ${(error as Error).message}`, ROOT);
    }
  } else {
    checkValueNesting(input, limit);
  }
  const parser = new Parser(options);
  const schema = runWalk(parser.parse(json, '', ROOT));
  parser.validateDeferredDefaults();
  if (limit !== Number.POSITIVE_INFINITY) {
    const depth = typeNestingDepth(schema);
    if (depth > limit) {
      throw new SchemaTooDeepError(
        `Schema is nested too deeply: its types nest ${depth} levels deep (arrays, maps, unions and records, ` +
          `following named types to where they are used); at most ${limit} levels are allowed`,
        limit,
      );
    }
  }
  return { schema, namedTypes: parser.names };
}

/** Parses as a walk (walk.ts): a stored schema may nest deeper than the stack allows. */
class Parser {
  readonly names = new Map<string, NamedSchema>();
  private readonly external: ReadonlySet<string>;
  private readonly validateNames: boolean;
  private readonly validateDefaults: boolean;
  private readonly deferredDefaults: Array<() => void> = [];

  constructor(options: ParseOptions) {
    this.validateNames = options.validateNames ?? true;
    this.validateDefaults = options.validateDefaults ?? true;
    const external = new Set<string>();
    for (const [fullName, schema] of options.namedTypes ?? []) {
      this.names.set(fullName, schema);
      external.add(fullName);
    }
    this.external = external;
  }

  validateDeferredDefaults(): void {
    for (const check of this.deferredDefaults) check();
  }

  *parse(json: unknown, space: string, path: Path): Walk<AvroSchema> {
    if (typeof json === 'string') return this.parseReference(json, space, path);
    if (Array.isArray(json)) return yield* descend(this.parseUnion(json, space, path));
    if (!isObject(json))
      fail(`Not a schema: ${show(json)}; expected a type name, a union array or an object`, path);
    const type = json.type;
    if (type === undefined) fail('No type: every schema object needs a "type"', path);
    if (typeof type !== 'string') {
      // {"type": {...}} and {"type": [...]}: Java accepts a nested schema here.
      if (Array.isArray(type) || isObject(type))
        return yield* descend(this.parse(type, space, at(path, 'type')));
      fail(`"type" must be a string, an array or an object, not ${show(type)}`, at(path, 'type'));
    }
    switch (type) {
      case 'record':
      case 'error':
        return yield* descend(this.parseRecord(json, type === 'error', space, path));
      case 'enum':
        return this.parseEnum(json, space, path);
      case 'fixed':
        return this.parseFixed(json, space, path);
      case 'array': {
        if (!('items' in json)) fail('Array has no "items"', path);
        const items = yield* descend(this.parse(json.items, space, at(path, 'items')));
        return { type: 'array', items, props: extraProps(json, ['type', 'items']) };
      }
      case 'map': {
        if (!('values' in json)) fail('Map has no "values"', path);
        const values = yield* descend(this.parse(json.values, space, at(path, 'values')));
        return { type: 'map', values, props: extraProps(json, ['type', 'values']) };
      }
      default: {
        if (PRIMITIVE_TYPES.has(type)) {
          return { type: type as PrimitiveType, props: extraProps(json, ['type']) };
        }
        // {"type": "com.acme.Named"}: a reference to a named type, as Java allows.
        return this.parseReference(type, space, at(path, 'type'));
      }
    }
  }

  private parseReference(name: string, space: string, path: Path): AvroSchema {
    if (PRIMITIVE_TYPES.has(name)) return { type: name as PrimitiveType, props: {} };
    const found = this.lookup(name, space);
    if (found) return found;
    fail(
      `Undefined name: "${name}" is neither a primitive type nor a named type defined earlier in the schema` +
        ' (or in a schema reference)',
      path,
    );
  }

  private lookup(name: string, space: string): NamedSchema | undefined {
    if (name.includes('.')) return this.names.get(name);
    // Relative to the enclosing namespace first, then the null namespace (as Java's Names.get does).
    return (space ? this.names.get(`${space}.${name}`) : undefined) ?? this.names.get(name);
  }

  private *parseUnion(branches: unknown[], space: string, path: Path): Walk<UnionSchema> {
    const types: AvroSchema[] = [];
    const seen = new Set<string>();
    for (const [index, branch] of branches.entries()) {
      const branchPath = at(path, index);
      const parsed = yield* descend(this.parse(branch, space, branchPath));
      if (parsed.type === 'union')
        fail(`Nested union: a union cannot directly contain another union`, branchPath);
      const key = isNamed(parsed) ? parsed.fullName : parsed.type;
      if (seen.has(key)) fail(`Duplicate in union: ${key} appears more than once`, branchPath);
      seen.add(key);
      types.push(parsed);
    }
    return { type: 'union', types, props: {} };
  }

  private defineName(json: Record<string, unknown>, space: string, path: Path) {
    const rawName = json.name;
    if (rawName === undefined) fail('No name in schema: records, enums and fixed types need a "name"', path);
    if (typeof rawName !== 'string') fail(`"name" must be a string, not ${show(rawName)}`, at(path, 'name'));
    let namespace: string;
    let name: string;
    const lastDot = rawName.lastIndexOf('.');
    if (lastDot >= 0) {
      namespace = rawName.slice(0, lastDot);
      name = rawName.slice(lastDot + 1);
    } else {
      name = rawName;
      const explicit = json.namespace;
      if (explicit !== undefined && explicit !== null && typeof explicit !== 'string') {
        fail(`"namespace" must be a string, not ${show(explicit)}`, at(path, 'namespace'));
      }
      namespace = typeof explicit === 'string' ? explicit : space;
    }
    if (this.validateNames) {
      const nameProblem = validateName(name);
      if (nameProblem) fail(nameProblem, at(path, 'name'));
      const namespaceProblem = validateNamespace(namespace);
      if (namespaceProblem) fail(namespaceProblem, at(path, lastDot >= 0 ? 'name' : 'namespace'));
    }
    const fullName = namespace ? `${namespace}.${name}` : name;
    if (PRIMITIVE_TYPES.has(fullName))
      fail(`Schemas may not be named after primitives: ${fullName}`, at(path, 'name'));
    if (this.names.has(fullName)) {
      fail(
        this.external.has(fullName)
          ? `Can't redefine: ${fullName} is already defined by a schema reference`
          : `Can't redefine: ${fullName} is defined twice`,
        at(path, 'name'),
      );
    }
    const aliases = this.parseAliases(json.aliases, namespace, at(path, 'aliases'), true);
    const doc = typeof json.doc === 'string' ? json.doc : undefined;
    return { name, namespace, fullName, aliases, doc };
  }

  private parseAliases(raw: unknown, space: string, path: Path, qualify: boolean): string[] {
    if (raw === undefined || raw === null) return [];
    if (!Array.isArray(raw)) fail(`"aliases" must be an array of names, not ${show(raw)}`, path);
    return raw.map((alias, index) => {
      if (typeof alias !== 'string') fail(`Alias must be a string, not ${show(alias)}`, at(path, index));
      if (this.validateNames) {
        const parts = alias.split('.');
        for (const part of qualify ? parts : [alias]) {
          const problem = validateName(part);
          if (problem) fail(problem, at(path, index));
        }
      }
      return qualify && !alias.includes('.') && space ? `${space}.${alias}` : alias;
    });
  }

  private *parseRecord(
    json: Record<string, unknown>,
    isError: boolean,
    space: string,
    path: Path,
  ): Walk<RecordSchema> {
    const named = this.defineName(json, space, path);
    const fields: Field[] = [];
    const record: RecordSchema = {
      type: 'record',
      isError,
      ...named,
      fields,
      props: extraProps(json, RECORD_RESERVED),
    };
    // Defined before its fields are parsed, so fields can refer to the record itself.
    this.names.set(named.fullName, record);
    const rawFields = json.fields;
    if (!Array.isArray(rawFields))
      fail(`Record has no fields: "fields" must be an array`, at(path, 'fields'));
    const fieldNames = new Set<string>();
    for (const [index, rawField] of rawFields.entries()) {
      const fieldPath = at(path, 'fields', index);
      if (!isObject(rawField)) fail(`Field must be an object, not ${show(rawField)}`, fieldPath);
      const fieldName = rawField.name;
      if (typeof fieldName !== 'string') fail('No field name: every field needs a string "name"', fieldPath);
      if (this.validateNames) {
        const problem = validateName(fieldName);
        if (problem) fail(problem, at(fieldPath, 'name'));
      }
      if (fieldNames.has(fieldName))
        fail(`Duplicate field ${fieldName} in record ${named.fullName}`, fieldPath);
      fieldNames.add(fieldName);
      if (!('type' in rawField)) fail(`No field type: field "${fieldName}" needs a "type"`, fieldPath);
      const type = yield* descend(this.parse(rawField.type, named.namespace, at(fieldPath, 'type')));
      const order = rawField.order;
      if (order !== undefined && order !== 'ascending' && order !== 'descending' && order !== 'ignore') {
        fail(
          `Invalid order ${show(order)}: use "ascending", "descending" or "ignore"`,
          at(fieldPath, 'order'),
        );
      }
      const hasDefault = 'default' in rawField;
      const field: Field = {
        name: fieldName,
        type,
        pos: index,
        doc: typeof rawField.doc === 'string' ? rawField.doc : undefined,
        hasDefault,
        default: hasDefault ? rawField.default : undefined,
        order: order as Field['order'],
        aliases: this.parseAliases(rawField.aliases, '', at(fieldPath, 'aliases'), false),
        props: extraProps(rawField, FIELD_RESERVED),
      };
      if (hasDefault && this.validateDefaults) {
        this.deferredDefaults.push(() => {
          if (!isValidDefault(type, rawField.default)) {
            fail(
              `Invalid default for field ${fieldName}: ${show(rawField.default)} is not a valid ${describe(type)}`,
              at(fieldPath, 'default'),
            );
          }
        });
      }
      fields.push(field);
    }
    return record;
  }

  private parseEnum(json: Record<string, unknown>, space: string, path: Path): EnumSchema {
    const named = this.defineName(json, space, path);
    const rawSymbols = json.symbols;
    if (!Array.isArray(rawSymbols))
      fail('Enum has no symbols: "symbols" must be an array', at(path, 'symbols'));
    const symbols: string[] = [];
    for (const [index, symbol] of rawSymbols.entries()) {
      const symbolPath = at(path, 'symbols', index);
      if (typeof symbol !== 'string') fail(`Enum symbol must be a string, not ${show(symbol)}`, symbolPath);
      if (this.validateNames) {
        const problem = validateName(symbol);
        if (problem) fail(problem.replace('name', 'enum symbol'), symbolPath);
      }
      if (symbols.includes(symbol)) fail(`Duplicate enum symbol: ${symbol}`, symbolPath);
      symbols.push(symbol);
    }
    let enumDefault: string | undefined;
    if (json.default !== undefined && json.default !== null) {
      if (typeof json.default !== 'string' || !symbols.includes(json.default)) {
        fail(
          `The Enum Default: ${show(json.default)} is not in the enum symbol set: [${symbols.join(', ')}]`,
          at(path, 'default'),
        );
      }
      enumDefault = json.default;
    }
    const schema: EnumSchema = {
      type: 'enum',
      ...named,
      symbols,
      default: enumDefault,
      props: extraProps(json, ENUM_RESERVED),
    };
    this.names.set(named.fullName, schema);
    return schema;
  }

  private parseFixed(json: Record<string, unknown>, space: string, path: Path): FixedSchema {
    const named = this.defineName(json, space, path);
    const size = json.size;
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 0 || size > 0x7fffffff) {
      fail(`Invalid "size" for fixed: ${show(size)}; expected a non-negative integer`, at(path, 'size'));
    }
    const schema: FixedSchema = { type: 'fixed', ...named, size, props: extraProps(json, FIXED_RESERVED) };
    this.names.set(named.fullName, schema);
    return schema;
  }
}

function extraProps(json: Record<string, unknown>, reserved: Iterable<string>): Props {
  const skip = reserved instanceof Set ? reserved : new Set(reserved);
  const props: Props = {};
  for (const [key, value] of Object.entries(json)) if (!skip.has(key)) props[key] = value;
  return props;
}

/** A type for a message, described a few levels deep. */
function describe(schema: AvroSchema, levels = 4): string {
  if (isNamed(schema)) return `${schema.type} ${schema.fullName}`;
  if (levels === 0 && (schema.type === 'union' || schema.type === 'array' || schema.type === 'map')) {
    return `${schema.type} ...`;
  }
  if (schema.type === 'union')
    return `union [${schema.types.map((branch) => describe(branch, levels - 1)).join(', ')}]`;
  if (schema.type === 'array') return `array of ${describe(schema.items, levels - 1)}`;
  if (schema.type === 'map') return `map of ${describe(schema.values, levels - 1)}`;
  return schema.type;
}

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

/** Whether a JSON value is a valid default for a schema, following Java's `Schema.isValidDefault`. */
export function isValidDefault(schema: AvroSchema, value: unknown): boolean {
  return runWalk(validDefault(schema, value));
}

function* validDefault(schema: AvroSchema, value: unknown): Walk<boolean> {
  switch (schema.type) {
    case 'null':
      return value === null;
    case 'boolean':
      return typeof value === 'boolean';
    case 'int':
      return typeof value === 'number' && Number.isInteger(value) && value >= INT_MIN && value <= INT_MAX;
    case 'long':
      return typeof value === 'number' && Number.isInteger(value);
    case 'float':
    case 'double':
      return typeof value === 'number' || value === 'NaN' || value === 'Infinity' || value === '-Infinity';
    case 'bytes':
    case 'string':
    case 'fixed':
      return typeof value === 'string';
    case 'enum':
      return typeof value === 'string' && schema.symbols.includes(value);
    case 'array':
      if (!Array.isArray(value)) return false;
      for (const item of value) if (!(yield* descend(validDefault(schema.items, item)))) return false;
      return true;
    case 'map':
      if (!isObject(value)) return false;
      for (const item of Object.values(value)) {
        if (!(yield* descend(validDefault(schema.values, item)))) return false;
      }
      return true;
    case 'union':
      // Java accepts a default matching any branch (the spec asks for the first; Java is lenient).
      for (const branch of schema.types) if (yield* descend(validDefault(branch, value))) return true;
      return false;
    case 'record':
      if (!isObject(value)) return false;
      for (const field of schema.fields) {
        const valid =
          field.name in value
            ? yield* descend(validDefault(field.type, value[field.name]))
            : field.hasDefault;
        if (!valid) return false;
      }
      return true;
  }
}
