/**
 * A .proto file as Confluent's registry models it (Square Wire's `ProtoFileElement`): declarations in the order
 * written, field types as written (`Status`, `.foo.Status`, `map<string, int32>`), oneof members apart from the
 * message's own fields. Compatibility checks, the stored text and message indexes all work on this shape.
 */

export type ProtoSyntax = 'proto2' | 'proto3';

export interface ProtoFile {
  syntax?: ProtoSyntax;
  /** An `edition = "2023"` file. */
  edition?: string;
  packageName?: string;
  imports: string[];
  publicImports: string[];
  weakImports: string[];
  options: ProtoOption[];
  /** Messages and enums in the order declared (message indexes count messages only). */
  types: ProtoType[];
  extendDeclarations: ExtendElement[];
  services: ServiceElement[];
}

export type ProtoType = MessageElement | EnumElement;

export interface MessageElement {
  kind: 'message';
  name: string;
  /** Fields outside oneofs (proto3 `optional` fields included, as `optional`). */
  fields: FieldElement[];
  oneOfs: OneOfElement[];
  nestedTypes: ProtoType[];
  options: ProtoOption[];
  reserveds: ReservedElement[];
  extensions: ExtensionsElement[];
  extendDeclarations: ExtendElement[];
}

export interface EnumElement {
  kind: 'enum';
  name: string;
  constants: EnumConstantElement[];
  options: ProtoOption[];
  reserveds: ReservedElement[];
}

export interface EnumConstantElement {
  name: string;
  tag: number;
  options: ProtoOption[];
}

export type FieldLabel = 'optional' | 'required' | 'repeated';

export interface FieldElement {
  /** Absent for proto3 fields without one, oneof members and map fields written as `map<...>`. */
  label?: FieldLabel;
  /** As written: `string`, `Status`, `.foo.Status`, `map<string, .foo.Status>`. */
  type: string;
  name: string;
  tag: number;
  defaultValue?: string;
  jsonName?: string;
  options: ProtoOption[];
}

export interface OneOfElement {
  name: string;
  fields: FieldElement[];
  options: ProtoOption[];
}

/** A `reserved` statement's value: a tag, an inclusive tag range, or a field name. */
export type ReservedValue = number | { start: number; end: number } | string;

export interface ReservedElement {
  values: ReservedValue[];
}

export interface ExtensionsElement {
  values: Array<number | { start: number; end: number }>;
  options: ProtoOption[];
}

export interface ExtendElement {
  /** The extended message as written. */
  name: string;
  fields: FieldElement[];
}

export interface ServiceElement {
  name: string;
  rpcs: RpcElement[];
  options: ProtoOption[];
}

export interface RpcElement {
  name: string;
  requestType: string;
  responseType: string;
  requestStreaming: boolean;
  responseStreaming: boolean;
  options: ProtoOption[];
}

/**
 * An option value: a string (quoted in the text), an enum identifier or other bare word, a boolean, a number
 * (kept as its text), a message literal, or a list.
 */
export type ProtoOptionValue =
  | { kind: 'string'; value: string }
  | { kind: 'enum'; value: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'number'; value: string }
  | { kind: 'map'; entries: Array<[string, ProtoOptionValue]> }
  | { kind: 'list'; items: ProtoOptionValue[] };

export interface ProtoOption {
  /** `java_package`, or a custom option's name without its parentheses (`my.opt`). */
  name: string;
  /** Written in parentheses: a custom (extension) option. */
  parenthesized: boolean;
  /** A field path after the option name: `sub.field` in `(my.opt).sub.field = 1`. */
  path?: string;
  value: ProtoOptionValue;
}

/** Tags up to this number may be written; `max` in ranges stands for it. */
export const MAX_TAG_VALUE = 536_870_911;

/** Scalar types: everything else names a message or enum. */
export const SCALAR_TYPES: ReadonlySet<string> = new Set([
  'double',
  'float',
  'int32',
  'int64',
  'uint32',
  'uint64',
  'sint32',
  'sint64',
  'fixed32',
  'fixed64',
  'sfixed32',
  'sfixed64',
  'bool',
  'string',
  'bytes',
]);

/** Splits `map<K, V>` into its key and value types; undefined for anything else. */
export function mapTypes(type: string): { key: string; value: string } | undefined {
  const match = /^map\s*<\s*([^,\s]+)\s*,\s*([^>\s]+)\s*>$/.exec(type);
  return match ? { key: match[1]!, value: match[2]! } : undefined;
}

/** Every message of a file in declaration order, depth first, with its path of names. */
export function messagesOf(
  types: readonly ProtoType[],
  prefix: readonly string[] = [],
): Array<{
  message: MessageElement;
  path: string[];
}> {
  const out: Array<{ message: MessageElement; path: string[] }> = [];
  // An explicit stack keeps this iterative; nesting is bounded by the parser anyway.
  const stack: Array<{ types: readonly ProtoType[]; prefix: readonly string[]; index: number }> = [
    { types, prefix, index: 0 },
  ];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.index >= frame.types.length) {
      stack.pop();
      continue;
    }
    const type = frame.types[frame.index++]!;
    if (type.kind !== 'message') continue;
    const path = [...frame.prefix, type.name];
    out.push({ message: type, path });
    stack.push({ types: type.nestedTypes, prefix: path, index: 0 });
  }
  return out;
}
