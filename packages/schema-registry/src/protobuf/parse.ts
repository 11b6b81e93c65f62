import type * as Protobuf from 'protobufjs';
import { SchemaParseError } from '../errors.js';
import type {
  EnumElement,
  ExtendElement,
  FieldElement,
  FieldLabel,
  MessageElement,
  OneOfElement,
  ProtoFile,
  ProtoOption,
  ProtoOptionValue,
  ProtoSyntax,
  ReservedElement,
  ReservedValue,
  ServiceElement,
} from './ast.js';
import { MAX_TAG_VALUE } from './ast.js';
import { bundledJson, descriptor, protobuf } from './protobufjs.js';

/**
 * Reads a Protobuf schema as Confluent's registry does: .proto text (parsed by protobufjs, whose parser bounds
 * message nesting at 32 levels and option values at 100), or, when the text does not parse, a base64-encoded
 * FileDescriptorProto (what Confluent's Python and Go serializers register). Throws SchemaParseError.
 */
export function parseProtoSchema(text: string): ProtoFile {
  try {
    return parseProtoText(text);
  } catch (textError) {
    const bytes = base64Bytes(text);
    if (bytes) {
      try {
        return parseFileDescriptor(bytes);
      } catch {
        // Not a descriptor either: report why the text did not parse.
      }
    }
    if (textError instanceof SchemaParseError) throw textError;
    throw new SchemaParseError(`Could not parse Protobuf - ${(textError as Error).message}`, '');
  }
}

function base64Bytes(text: string): Uint8Array | undefined {
  const trimmed = text.trim();
  if (trimmed.length === 0 || trimmed.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed))
    return undefined;
  return Buffer.from(trimmed, 'base64');
}

/** The text of a .proto file without its comments (for the few facts protobufjs does not report). */
function withoutComments(text: string): string {
  return text.replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (match) =>
    match.startsWith('/') ? ' ' : match,
  );
}

export function parseProtoText(text: string): ProtoFile {
  let parsed: Protobuf.IParserResult;
  try {
    parsed = protobuf.parse(text, new protobuf.Root(), { keepCase: true, alternateCommentMode: true });
  } catch (error) {
    throw new SchemaParseError(`Could not parse Protobuf - ${(error as Error).message}`, '');
  }
  const code = withoutComments(text);
  const syntax = /(?:^|;|\s)syntax\s*=\s*["'](proto[23])["']/.exec(code)?.[1] as ProtoSyntax | undefined;
  const edition = /(?:^|;|\s)edition\s*=\s*["']([^"']+)["']/.exec(code)?.[1];
  const publicImports = [...code.matchAll(/\bimport\s+public\s+["']([^"']+)["']/g)].map((m) => m[1]!);
  const weakImports = parsed.weakImports ?? [];
  const imports = (parsed.imports ?? []).filter((file) => !publicImports.includes(file));
  const namespace = parsed.package ? parsed.root.lookup(parsed.package) : parsed.root;
  return fromReflection(namespace as Protobuf.Namespace, {
    syntax,
    edition,
    packageName: parsed.package,
    imports,
    publicImports,
    weakImports,
    quotedStrings: quotedStringsOf(code),
    reservedStatements: rangeStatementsOf(code, 'reserved'),
    extensionStatements: rangeStatementsOf(code, 'extensions'),
  });
}

/** The key a reserved value is matched by: `5`, `1-3`, `100-max`, `"name"`. */
function rangeKey(value: number | number[] | string): string {
  if (typeof value === 'string') return JSON.stringify(value);
  const [start, end] = typeof value === 'number' ? [value, value] : value;
  const last = end! >= MAX_TAG_VALUE ? 'max' : String(end);
  return start === end ? String(start) : `${start}-${last}`;
}

/** A `reserved` or `extensions` statement as written: its values, and their match keys. */
interface RangeStatement {
  keys: string[];
  values: ReservedValue[];
}

/**
 * Every `reserved` (or `extensions`) statement in the order written. protobufjs flattens a type's statements into
 * one list and writes `5 to 5` as `5`; the text keeps both facts, which the stored form shows.
 */
function rangeStatementsOf(code: string, keyword: 'reserved' | 'extensions'): RangeStatement[] {
  const statements: RangeStatement[] = [];
  for (const match of code.matchAll(
    new RegExp(`\\b${keyword}\\s+([^;{}\\[]+)(?:\\[[^\\]]*\\])?\\s*;`, 'g'),
  )) {
    const statement: RangeStatement = { keys: [], values: [] };
    for (const part of match[1]!.split(',')) {
      const token = part.trim();
      const name = /^["'](.*)["']$/.exec(token);
      const range = /^(\S+)\s+to\s+(\S+)$/.exec(token);
      if (name) {
        statement.keys.push(JSON.stringify(name[1]));
        statement.values.push(name[1]!);
      } else if (range) {
        const start = Number(range[1]);
        const end = range[2] === 'max' ? MAX_TAG_VALUE : Math.min(Number(range[2]), MAX_TAG_VALUE);
        statement.keys.push(rangeKey([start, end]));
        statement.values.push({ start, end });
      } else {
        statement.keys.push(rangeKey(Number(token)));
        statement.values.push(Number(token));
      }
    }
    statements.push(statement);
  }
  return statements;
}

/**
 * Groups a type's flattened ranges back into the statements written (taking each statement from the file's pool
 * once); values no statement accounts for become one statement each.
 */
function groupRanges(
  entries: Array<number[] | string> | undefined,
  pool: RangeStatement[] | undefined,
): ReservedValue[][] {
  const list = entries ?? [];
  const keys = list.map(rangeKey);
  const out: ReservedValue[][] = [];
  for (let i = 0; i < list.length; ) {
    const at = (pool ?? []).findIndex(
      (statement) => statement.keys.length > 0 && statement.keys.every((key, j) => keys[i + j] === key),
    );
    if (at >= 0) {
      const [statement] = pool!.splice(at, 1);
      out.push(statement!.values);
      i += statement!.keys.length;
      continue;
    }
    const entry = list[i++]!;
    if (typeof entry === 'string') out.push([entry]);
    else
      out.push([
        entry[0] === entry[1] ? entry[0]! : { start: entry[0]!, end: Math.min(entry[1]!, MAX_TAG_VALUE) },
      ]);
  }
  return out;
}

/** Every quoted string in the text: tells a string option value from an enum identifier spelled the same. */
function quotedStringsOf(code: string): Set<string> {
  const out = new Set<string>();
  for (const match of code.matchAll(/"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'/g))
    out.add(match[1] ?? match[2]!);
  return out;
}

interface FileFacts {
  syntax?: ProtoSyntax;
  edition?: string;
  packageName?: string;
  imports: string[];
  publicImports: string[];
  weakImports: string[];
  /** Strings written in quotes; undefined for files not read from text (every bare word is then an enum). */
  quotedStrings?: Set<string>;
  /** The file's `reserved` and `extensions` statements, consumed as types claim them. */
  reservedStatements?: RangeStatement[];
  extensionStatements?: RangeStatement[];
}

/** Builds the file model from protobufjs reflection objects of one file's package namespace. */
export function fromReflection(namespace: Protobuf.Namespace, facts: FileFacts): ProtoFile {
  const builder = new ReflectionReader(facts);
  const file: ProtoFile = {
    ...(facts.syntax ? { syntax: facts.syntax } : {}),
    ...(facts.edition ? { edition: facts.edition } : {}),
    ...(facts.packageName ? { packageName: facts.packageName } : {}),
    imports: facts.imports,
    publicImports: facts.publicImports,
    weakImports: facts.weakImports,
    options: builder.options(namespace.parsedOptions, namespace.options),
    types: [],
    extendDeclarations: [],
    services: [],
  };
  for (const object of namespace.nestedArray) {
    if (object instanceof protobuf.Type) file.types.push(builder.message(object));
    else if (object instanceof protobuf.Enum) file.types.push(builder.enumeration(object));
    else if (object instanceof protobuf.Service) file.services.push(builder.service(object));
    else if (object instanceof protobuf.Field && object.extend)
      builder.addExtension(file.extendDeclarations, object);
  }
  return file;
}

const BUILT_IN_ENUM_OPTIONS = new Set(['optimize_for', 'ctype', 'jstype', 'retention', 'targets']);

class ReflectionReader {
  constructor(private readonly facts: FileFacts) {}

  private get proto2(): boolean {
    return (
      this.facts.syntax === 'proto2' || (this.facts.syntax === undefined && this.facts.edition === undefined)
    );
  }

  message(type: Protobuf.Type): MessageElement {
    const message: MessageElement = {
      kind: 'message',
      name: type.name,
      fields: [],
      oneOfs: [],
      nestedTypes: [],
      options: this.options(type.parsedOptions, type.options),
      reserveds: this.reserveds(type.reserved),
      extensions: groupRanges(type.extensions, this.facts.extensionStatements).map((values) => ({
        values: values as Array<number | { start: number; end: number }>,
        options: [],
      })),
      extendDeclarations: [],
    };
    const synthetic = new Set(type.oneofsArray.filter(isSyntheticOneOf));
    for (const field of type.fieldsArray) {
      if (field.partOf && !synthetic.has(field.partOf)) continue;
      message.fields.push(this.field(field, synthetic.has(field.partOf!)));
    }
    for (const oneOf of type.oneofsArray) {
      if (synthetic.has(oneOf)) continue;
      const element: OneOfElement = {
        name: oneOf.name,
        fields: oneOf.fieldsArray.map((field) => this.field(field, false, true)),
        options: this.options(oneOf.parsedOptions, oneOf.options),
      };
      message.oneOfs.push(element);
    }
    for (const object of type.nestedArray) {
      if (object instanceof protobuf.Type) message.nestedTypes.push(this.message(object));
      else if (object instanceof protobuf.Enum) message.nestedTypes.push(this.enumeration(object));
      else if (object instanceof protobuf.Field && object.extend)
        this.addExtension(message.extendDeclarations, object);
    }
    return message;
  }

  enumeration(type: Protobuf.Enum): EnumElement {
    return {
      kind: 'enum',
      name: type.name,
      constants: Object.entries(type.values).map(([name, tag]) => ({
        name,
        tag,
        options: this.options(undefined, type.valuesOptions?.[name]),
      })),
      options: this.options(type.parsedOptions, type.options),
      reserveds: this.reserveds(type.reserved),
    };
  }

  service(service: Protobuf.Service): ServiceElement {
    return {
      name: service.name,
      options: this.options(service.parsedOptions, service.options),
      rpcs: service.methodsArray.map((method) => ({
        name: method.name,
        requestType: method.requestType,
        responseType: method.responseType,
        requestStreaming: method.requestStream === true,
        responseStreaming: method.responseStream === true,
        options: this.options(method.parsedOptions, method.options),
      })),
    };
  }

  reserveds(reserved: Array<number[] | string> | undefined): ReservedElement[] {
    return groupRanges(reserved, this.facts.reservedStatements).map((values) => ({ values }));
  }

  addExtension(extends_: ExtendElement[], field: Protobuf.Field): void {
    const last = extends_.at(-1);
    const element = this.field(field, false);
    if (last && last.name === field.extend) last.fields.push(element);
    else extends_.push({ name: field.extend!, fields: [element] });
  }

  field(field: Protobuf.Field, proto3Optional: boolean, inOneOf = false): FieldElement {
    const isMap = field instanceof protobuf.MapField;
    const type = isMap ? `map<${(field as Protobuf.MapField).keyType}, ${field.type}>` : field.type;
    let label: FieldLabel | undefined;
    if (field.rule === 'repeated') label = 'repeated';
    else if (field.rule === 'required') label = 'required';
    else if (proto3Optional || (!isMap && !inOneOf && this.proto2)) label = 'optional';
    const element: FieldElement = {
      ...(label ? { label } : {}),
      type,
      name: field.name,
      tag: field.id,
      options: this.options(field.parsedOptions, field.options, ['default', 'json_name', 'proto3_optional']),
    };
    const defaultValue = field.options?.default;
    if (defaultValue !== undefined) element.defaultValue = String(defaultValue);
    const jsonName = field.options?.json_name;
    if (typeof jsonName === 'string') element.jsonName = jsonName;
    return element;
  }

  /**
   * Options in the order written. protobufjs keeps `parsedOptions` (one entry per statement, message literals as
   * objects) where it has them, else only the merged `options` object.
   */
  options(
    parsed: Array<Record<string, unknown>> | undefined,
    merged: Record<string, unknown> | undefined,
    skip: readonly string[] = [],
  ): ProtoOption[] {
    const entries: Array<[string, unknown]> = parsed
      ? parsed.flatMap((entry) => Object.entries(entry))
      : Object.entries(merged ?? {});
    const out: ProtoOption[] = [];
    for (const [key, value] of entries) {
      if (skip.includes(key)) continue;
      const custom = /^\(([^)]+)\)(?:\.(.+))?$/.exec(key);
      const name = custom ? custom[1]! : key;
      const enumLike = !custom && (BUILT_IN_ENUM_OPTIONS.has(name) || name.startsWith('features.'));
      const option: ProtoOption = {
        name,
        parenthesized: custom !== null,
        ...(custom?.[2] ? { path: custom[2] } : {}),
        value: this.value(value, enumLike),
      };
      out.push(option);
    }
    return out;
  }

  private value(value: unknown, enumLike: boolean): ProtoOptionValue {
    if (typeof value === 'boolean') return { kind: 'boolean', value };
    if (typeof value === 'number') return { kind: 'number', value: numberText(value) };
    if (typeof value === 'string') {
      const bare = /^[A-Za-z_][A-Za-z0-9_.]*$/.test(value);
      const quoted = this.facts.quotedStrings?.has(value) ?? false;
      return bare && (enumLike || !quoted) ? { kind: 'enum', value } : { kind: 'string', value };
    }
    if (Array.isArray(value)) return { kind: 'list', items: value.map((item) => this.value(item, enumLike)) };
    if (typeof value === 'object' && value !== null) {
      return {
        kind: 'map',
        entries: Object.entries(value).map(([key, inner]) => [key, this.value(inner, false)]),
      };
    }
    return { kind: 'string', value: String(value) };
  }
}

function numberText(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Number.POSITIVE_INFINITY) return 'inf';
  if (value === Number.NEGATIVE_INFINITY) return '-inf';
  return String(value);
}

function isSyntheticOneOf(oneOf: Protobuf.OneOf): boolean {
  return oneOf.fieldsArray.length === 1 && oneOf.fieldsArray[0]!.options?.proto3_optional === true;
}

// ---- base64 FileDescriptorProto ----------------------------------------------------------------------------

interface DescriptorField {
  name: string;
  number: number;
  label?: string;
  type?: string;
  typeName?: string;
  extendee?: string;
  defaultValue?: string;
  oneofIndex?: number;
  jsonName?: string;
  proto3Optional?: boolean;
  options?: Record<string, unknown>;
}

interface DescriptorMessage {
  name: string;
  field?: DescriptorField[];
  extension?: DescriptorField[];
  nestedType?: DescriptorMessage[];
  enumType?: DescriptorEnum[];
  extensionRange?: Array<{ start: number; end: number }>;
  oneofDecl?: Array<{ name: string }>;
  options?: Record<string, unknown>;
  reservedRange?: Array<{ start: number; end: number }>;
  reservedName?: string[];
}

interface DescriptorEnum {
  name: string;
  value?: Array<{ name: string; number: number; options?: Record<string, unknown> }>;
  options?: Record<string, unknown>;
  reservedRange?: Array<{ start: number; end: number }>;
  reservedName?: string[];
}

interface DescriptorFile {
  name?: string;
  package?: string;
  dependency?: string[];
  publicDependency?: number[];
  weakDependency?: number[];
  messageType?: DescriptorMessage[];
  enumType?: DescriptorEnum[];
  service?: Array<{
    name: string;
    method?: Array<{
      name: string;
      inputType: string;
      outputType: string;
      clientStreaming?: boolean;
      serverStreaming?: boolean;
      options?: Record<string, unknown>;
    }>;
    options?: Record<string, unknown>;
  }>;
  extension?: DescriptorField[];
  options?: Record<string, unknown>;
  syntax?: string;
  edition?: string;
}

/** Reads a FileDescriptorProto as Confluent's `ProtobufSchema.toProtoFile(FileDescriptorProto)` does. */
export function parseFileDescriptor(bytes: Uint8Array): ProtoFile {
  const message = descriptor.FileDescriptorProto.decode(bytes);
  const file = descriptor.FileDescriptorProto.toObject(message, {
    enums: String,
    longs: String,
    defaults: false,
  }) as DescriptorFile;
  if (!file.messageType?.length && !file.enumType?.length && !file.service?.length && !file.package) {
    throw new SchemaParseError('Not a FileDescriptorProto: it declares nothing', '');
  }
  const proto3 = file.syntax === 'proto3';
  const label = (field: DescriptorField): FieldLabel | undefined => {
    if (field.proto3Optional) return 'optional';
    switch (field.label) {
      case 'LABEL_REQUIRED':
        return proto3 ? undefined : 'required';
      case 'LABEL_REPEATED':
        return 'repeated';
      default:
        return proto3 ? undefined : 'optional';
    }
  };
  const toField = (field: DescriptorField, inOneOf: boolean): FieldElement => ({
    ...(inOneOf ? {} : labelled(label(field))),
    type: field.typeName ?? (field.type ?? 'TYPE_STRING').replace(/^TYPE_/, '').toLowerCase(),
    name: field.name,
    tag: field.number,
    ...(field.defaultValue !== undefined && !proto3 ? { defaultValue: field.defaultValue } : {}),
    ...(field.jsonName !== undefined ? { jsonName: field.jsonName } : {}),
    options: optionsOf(field.options),
  });
  const toEnum = (type: DescriptorEnum): EnumElement => ({
    kind: 'enum',
    name: type.name,
    constants: (type.value ?? []).map((value) => ({
      name: value.name,
      tag: value.number,
      options: optionsOf(value.options),
    })),
    options: optionsOf(type.options),
    reserveds: [
      ...(type.reservedRange ?? []).map((range) => ({ values: [rangeOf(range.start, range.end)] })),
      ...(type.reservedName ?? []).map((name) => ({ values: [name] })),
    ],
  });
  const extendsOf = (fields: DescriptorField[] | undefined): ExtendElement[] => {
    const byExtendee = new Map<string, FieldElement[]>();
    for (const field of fields ?? []) {
      const list = byExtendee.get(field.extendee!) ?? [];
      list.push(toField(field, false));
      byExtendee.set(field.extendee!, list);
    }
    return [...byExtendee].map(([name, list]) => ({ name, fields: list }));
  };
  // Nested messages form a tree bounded by the descriptor's size; its depth is what protoc allowed (32).
  const toMessage = (type: DescriptorMessage, depth: number): MessageElement => {
    if (depth > 32) throw new SchemaParseError('Messages nest more than 32 levels deep', '');
    const oneOfs: OneOfElement[] = (type.oneofDecl ?? []).map((decl) => ({
      name: decl.name,
      fields: [],
      options: [],
    }));
    const fields: FieldElement[] = [];
    for (const field of type.field ?? []) {
      if (field.oneofIndex !== undefined && !field.proto3Optional)
        oneOfs[field.oneofIndex]?.fields.push(toField(field, true));
      else fields.push(toField(field, false));
    }
    // Descriptors exclusive end: `reserved 9 to 11` is [9, 12).
    return {
      kind: 'message',
      name: type.name,
      fields,
      oneOfs: oneOfs.filter((oneOf) => oneOf.fields.length > 0),
      nestedTypes: [
        ...(type.nestedType ?? []).map((nested) => toMessage(nested, depth + 1)),
        ...(type.enumType ?? []).map(toEnum),
      ],
      options: optionsOf(type.options),
      reserveds: [
        ...(type.reservedRange ?? []).map((range) => ({ values: [rangeOf(range.start, range.end - 1)] })),
        ...(type.reservedName ?? []).map((name) => ({ values: [name] })),
      ],
      extensions: (type.extensionRange ?? []).map((range) => ({
        values: [rangeOf(range.start, range.end - 1)],
        options: [],
      })),
      extendDeclarations: extendsOf(type.extension),
    };
  };
  const dependencies = file.dependency ?? [];
  const publicIndexes = new Set(file.publicDependency ?? []);
  const weakIndexes = new Set(file.weakDependency ?? []);
  return {
    ...(file.syntax === 'proto3'
      ? { syntax: 'proto3' as const }
      : file.syntax === 'editions'
        ? {}
        : { syntax: 'proto2' as const }),
    ...(file.syntax === 'editions' && file.edition ? { edition: file.edition.replace(/^EDITION_/, '') } : {}),
    ...(file.package ? { packageName: file.package } : {}),
    imports: dependencies.filter((_, i) => !publicIndexes.has(i) && !weakIndexes.has(i)),
    publicImports: dependencies.filter((_, i) => publicIndexes.has(i)),
    weakImports: dependencies.filter((_, i) => weakIndexes.has(i)),
    options: optionsOf(file.options),
    types: [
      ...(file.messageType ?? []).map((type) => toMessage(type, 1)),
      ...(file.enumType ?? []).map(toEnum),
    ],
    extendDeclarations: extendsOf(file.extension),
    services: (file.service ?? []).map((service) => ({
      name: service.name,
      options: optionsOf(service.options),
      rpcs: (service.method ?? []).map((method) => ({
        name: method.name,
        requestType: method.inputType,
        responseType: method.outputType,
        requestStreaming: method.clientStreaming === true,
        responseStreaming: method.serverStreaming === true,
        options: optionsOf(method.options),
      })),
    })),
  };
}

function labelled(label: FieldLabel | undefined): { label?: FieldLabel } {
  return label ? { label } : {};
}

function rangeOf(start: number, end: number): number | { start: number; end: number } {
  return start === end ? start : { start, end: Math.min(end, MAX_TAG_VALUE) };
}

/** Standard options decoded from a descriptor (custom options live in unknown fields, which are not kept). */
function optionsOf(options: Record<string, unknown> | undefined): ProtoOption[] {
  const out: ProtoOption[] = [];
  for (const [camel, value] of Object.entries(options ?? {})) {
    if (value === undefined || value === null || typeof value === 'object') continue;
    const name = camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    const option: ProtoOption = {
      name,
      parenthesized: false,
      value:
        typeof value === 'boolean'
          ? { kind: 'boolean', value }
          : typeof value === 'number'
            ? { kind: 'number', value: String(value) }
            : BUILT_IN_ENUM_OPTIONS.has(name)
              ? { kind: 'enum', value: String(value) }
              : { kind: 'string', value: String(value) },
    };
    out.push(option);
  }
  return out;
}

// ---- files every schema may import without a reference -----------------------------------------------------

const CONFLUENT_FILES: Record<string, string> = {
  'confluent/meta.proto': `syntax = "proto3";
package confluent;
import "google/protobuf/descriptor.proto";
message Meta { string doc = 1; map<string, string> params = 2; repeated string tags = 3; repeated Rule rules = 4; }
message Rule { string name = 1; string doc = 2; string expr = 3; string sql = 4; }
extend google.protobuf.FileOptions { Meta file_meta = 1088; }
extend google.protobuf.MessageOptions { Meta message_meta = 1088; }
extend google.protobuf.FieldOptions { Meta field_meta = 1088; }
extend google.protobuf.EnumOptions { Meta enum_meta = 1088; }
extend google.protobuf.EnumValueOptions { Meta enum_value_meta = 1088; }
`,
  'confluent/type/decimal.proto': `syntax = "proto3";
package confluent.type;
message Decimal { bytes value = 1; uint32 precision = 2; int32 scale = 3; }
`,
};

const knownFiles = new Map<string, { file: ProtoFile; text?: string; json?: Protobuf.INamespace }>();

/**
 * The well-known files a schema may import without registering them (Confluent knows them too): google/protobuf's
 * any, api, descriptor, duration, empty, field_mask, source_context, struct, timestamp, type and wrappers, and
 * Confluent's meta and decimal types. Undefined for any other file.
 */
export function knownDependency(
  name: string,
): { file: ProtoFile; text?: string; json?: Protobuf.INamespace } | undefined {
  const cached = knownFiles.get(name);
  if (cached) return cached;
  let known: { file: ProtoFile; text?: string; json?: Protobuf.INamespace } | undefined;
  const text = CONFLUENT_FILES[name];
  if (text) known = { file: parseProtoText(text), text };
  else {
    const json = bundledJson(name);
    if (json) {
      const root = protobuf.Root.fromJSON(json);
      const namespace = root.lookup('google.protobuf') as Protobuf.Namespace;
      known = {
        file: fromReflection(namespace, {
          syntax: 'proto3',
          packageName: 'google.protobuf',
          imports: [],
          publicImports: [],
          weakImports: [],
        }),
        json,
      };
    }
  }
  if (known) knownFiles.set(name, known);
  return known;
}
