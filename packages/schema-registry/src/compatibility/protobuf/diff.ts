import { SchemaParseError } from '../../errors.js';
import {
  type EnumElement,
  type FieldElement,
  type FieldLabel,
  type MessageElement,
  mapTypes,
  type ProtoFile,
  type ProtoType,
  SCALAR_TYPES,
} from '../../protobuf/ast.js';
import { mapTypeOf, type ProtoTypeIndex, type TypeInfo } from '../../protobuf/type-index.js';
import {
  PROTOBUF_COMPATIBLE_CHANGES,
  type ProtobufDifference,
  type ProtobufDifferenceType,
} from './differences.js';

/**
 * Confluent's Protobuf compatibility diff (`io.confluent.kafka.schemaregistry.protobuf.diff.SchemaDiff`,
 * `MessageSchemaDiff`, `FieldSchemaDiff`, `EnumSchemaDiff`), ported rule for rule: fields are matched by number
 * across the whole message (oneof membership apart), scalar types compared by wire-compatible group, message types
 * by name and, for types from registry references, by content. Each change is named and located (`#/Msg/3`).
 */

/** A schema to compare: its file and the index of every type it and its references declare. */
export interface ProtobufSchemaForDiff {
  file: ProtoFile;
  index: ProtoTypeIndex;
}

/** How deep message comparisons may nest (nested types, message fields of referenced types). */
export const MAX_PROTOBUF_DIFF_DEPTH = 256;

class Context {
  readonly differences: ProtobufDifference[] = [];
  /** Messages being compared (by the original's identity): a message met again inside itself is skipped. */
  readonly inProgress: Set<MessageElement>;
  readonly depth: { value: number };
  path: string[] = [];
  /** The enclosing message names, the scope type names resolve in. */
  names: string[] = [];
  originalPackage: string;
  updatePackage: string;

  constructor(
    readonly original: ProtoTypeIndex,
    readonly update: ProtoTypeIndex,
    originalPackage: string,
    updatePackage: string,
    shared?: { inProgress: Set<MessageElement>; depth: { value: number } },
  ) {
    this.originalPackage = originalPackage;
    this.updatePackage = updatePackage;
    this.inProgress = shared?.inProgress ?? new Set();
    this.depth = shared?.depth ?? { value: 0 };
  }

  subcontext(): Context {
    const sub = new Context(this.original, this.update, this.originalPackage, this.updatePackage, this);
    sub.path = [...this.path];
    sub.names = [...this.names];
    return sub;
  }

  add(type: ProtobufDifferenceType): void {
    this.differences.push({ type, path: `#/${this.path.join('/')}` });
  }

  isCompatible(): boolean {
    return this.differences.every((difference) => PROTOBUF_COMPATIBLE_CHANGES.has(difference.type));
  }

  withPath(token: string, run: () => void): void {
    this.path.push(token);
    try {
      run();
    } finally {
      this.path.pop();
    }
  }

  withName(name: string, run: () => void): void {
    this.names.push(name);
    this.path.push(name);
    try {
      run();
    } finally {
      this.path.pop();
      this.names.pop();
    }
  }

  private scope(isOriginal: boolean) {
    return { packageName: isOriginal ? this.originalPackage : this.updatePackage, path: this.names };
  }

  resolve(name: string, isOriginal: boolean): string | undefined {
    const index = isOriginal ? this.original : this.update;
    return index.types.size === 0 ? undefined : index.resolve(name, this.scope(isOriginal));
  }

  typeOf(name: string, isOriginal: boolean): TypeInfo | undefined {
    const full = this.resolve(name, isOriginal);
    return full === undefined ? undefined : (isOriginal ? this.original : this.update).types.get(full);
  }
}

/** Every change from `original` (the writer's schema) to `update` (the reader's). */
export function diffProtobufSchemas(
  original: ProtobufSchemaForDiff,
  update: ProtobufSchemaForDiff,
): ProtobufDifference[] {
  const context = new Context(
    original.index,
    update.index,
    original.file.packageName ?? '',
    update.file.packageName ?? '',
  );
  if ((original.file.packageName ?? null) !== (update.file.packageName ?? null))
    context.add('PACKAGE_CHANGED');
  compareTypeElements(context, original.file.types, update.file.types);
  return context.differences;
}

export function incompatibleProtobufDifferences(
  differences: readonly ProtobufDifference[],
): ProtobufDifference[] {
  return differences.filter((difference) => !PROTOBUF_COMPATIBLE_CHANGES.has(difference.type));
}

function compareTypeElements(
  context: Context,
  original: readonly ProtoType[],
  update: readonly ProtoType[],
): void {
  const originals = typesByName(original);
  const updates = typesByName(update);
  for (const name of new Set([...originals.messages.keys(), ...updates.messages.keys()])) {
    context.withName(name, () => {
      const before = originals.messages.get(name);
      const after = updates.messages.get(name);
      if (!after) {
        if (context.typeOf(name, true)?.isMap === false) context.add('MESSAGE_REMOVED');
      } else if (!before) {
        if (context.typeOf(name, false)?.isMap === false) context.add('MESSAGE_ADDED');
      } else {
        compareMessages(context, before.message, after.message);
        // Moving a message is compatible: serialized message indexes refer to the writer's own schema.
        if (before.index !== after.index) context.add('MESSAGE_MOVED');
      }
    });
  }
  for (const name of new Set([...originals.enums.keys(), ...updates.enums.keys()])) {
    context.withName(name, () => {
      const before = originals.enums.get(name);
      const after = updates.enums.get(name);
      if (!after) context.add('ENUM_REMOVED');
      else if (!before) context.add('ENUM_ADDED');
      else compareEnums(context, before, after);
    });
  }
}

function typesByName(types: readonly ProtoType[]) {
  const messages = new Map<string, { message: MessageElement; index: number }>();
  const enums = new Map<string, EnumElement>();
  let index = 0;
  for (const type of types) {
    if (type.kind === 'message') messages.set(type.name, { message: type, index: index++ });
    else enums.set(type.name, type);
  }
  return { messages, enums };
}

function compareEnums(context: Context, original: EnumElement, update: EnumElement): void {
  const before = new Map(original.constants.map((constant) => [constant.tag, constant]));
  const after = new Map(update.constants.map((constant) => [constant.tag, constant]));
  const tags = [...new Set([...before.keys(), ...after.keys()])].sort((a, b) => a - b);
  for (const tag of tags) {
    context.withPath(String(tag), () => {
      const a = before.get(tag);
      const b = after.get(tag);
      if (!b) context.add('ENUM_CONST_REMOVED');
      else if (!a) context.add('ENUM_CONST_ADDED');
      else if (a.name !== b.name) context.add('ENUM_CONST_CHANGED');
    });
  }
}

interface FieldIndex {
  byTag: Map<number, FieldElement>;
  oneOfOf: Map<number, string>;
  oneOfs: Map<string, FieldElement[]>;
}

function indexFields(message: MessageElement): FieldIndex {
  const byTag = new Map<number, FieldElement>();
  const oneOfOf = new Map<number, string>();
  const oneOfs = new Map<string, FieldElement[]>();
  for (const field of message.fields) byTag.set(field.tag, field);
  for (const oneOf of message.oneOfs) {
    oneOfs.set(oneOf.name, oneOf.fields);
    for (const field of oneOf.fields) {
      byTag.set(field.tag, field);
      oneOfOf.set(field.tag, oneOf.name);
    }
  }
  return { byTag, oneOfOf, oneOfs };
}

function compareMessages(context: Context, original: MessageElement, update: MessageElement): void {
  if (++context.depth.value > MAX_PROTOBUF_DIFF_DEPTH) {
    throw new SchemaParseError(
      `The schemas nest messages more than ${MAX_PROTOBUF_DIFF_DEPTH} levels deep to be compared`,
      `#/${context.path.join('/')}`,
    );
  }
  try {
    if (!context.inProgress.has(original)) {
      context.inProgress.add(original);
      try {
        compareFieldsByTag(context, original, update);
      } finally {
        context.inProgress.delete(original);
      }
    }
    compareTypeElements(context, original.nestedTypes, update.nestedTypes);
  } finally {
    context.depth.value--;
  }
}

/** Fields matched by number across the whole message, whichever oneof they sit in (Confluent's MessageSchemaDiff). */
function compareFieldsByTag(context: Context, original: MessageElement, update: MessageElement): void {
  const before = indexFields(original);
  const after = indexFields(update);

  // A oneof gone with all its members is a complete deletion (compatible); members that moved elsewhere are not.
  const deletedOneOfs = new Set<string>();
  for (const [name, fields] of before.oneOfs) {
    if (!after.oneOfs.has(name) && !fields.some((field) => after.byTag.has(field.tag)))
      deletedOneOfs.add(name);
  }

  // Fields that were independent and are now in one oneof became mutually exclusive: incompatible.
  for (const oneOf of update.oneOfs) {
    context.withPath(oneOf.name, () => {
      const origins = new Set<string>();
      let movedIn = 0;
      for (const field of oneOf.fields) {
        const previousOneOf = before.oneOfOf.get(field.tag);
        if (previousOneOf !== undefined) origins.add(`oneof:${previousOneOf}`);
        else if (before.byTag.has(field.tag)) {
          origins.add(`field:${field.tag}`);
          movedIn++;
        }
      }
      if (origins.size > 1)
        context.add(movedIn > 1 ? 'MULTIPLE_FIELDS_MOVED_TO_ONEOF' : 'FIELD_MOVED_TO_EXISTING_ONEOF');
    });
  }

  for (const name of [...new Set([...before.oneOfs.keys(), ...after.oneOfs.keys()])].sort()) {
    context.withPath(name, () => {
      if (!after.oneOfs.has(name)) context.add('ONEOF_REMOVED');
      else if (!before.oneOfs.has(name)) context.add('ONEOF_ADDED');
    });
  }

  const tags = [...new Set([...before.byTag.keys(), ...after.byTag.keys()])].sort((a, b) => a - b);
  for (const tag of tags) {
    const a = before.byTag.get(tag);
    const b = after.byTag.get(tag);
    const aOneOf = before.oneOfOf.get(tag);
    const bOneOf = after.oneOfOf.get(tag);
    if (!b) {
      if (aOneOf !== undefined) {
        if (!deletedOneOfs.has(aOneOf))
          context.withPath(aOneOf, () =>
            context.withPath(String(tag), () => context.add('ONEOF_FIELD_REMOVED')),
          );
      } else {
        context.withPath(String(tag), () =>
          context.add(a!.label === 'required' ? 'REQUIRED_FIELD_REMOVED' : 'FIELD_REMOVED'),
        );
      }
    } else if (!a) {
      if (bOneOf !== undefined)
        context.withPath(bOneOf, () => context.withPath(String(tag), () => context.add('ONEOF_FIELD_ADDED')));
      else
        context.withPath(String(tag), () =>
          context.add(b.label === 'required' ? 'REQUIRED_FIELD_ADDED' : 'FIELD_ADDED'),
        );
    } else {
      if (aOneOf !== undefined && bOneOf === undefined) {
        context.withPath(String(tag), () => context.add('ONEOF_FIELD_MOVED_TO_TOP_LEVEL'));
      }
      if (bOneOf !== undefined) {
        context.withPath(bOneOf, () => context.withPath(String(tag), () => compareFields(context, a, b)));
      } else context.withPath(String(tag), () => compareFields(context, a, b));
    }
  }
}

function compareFields(context: Context, original: FieldElement, update: FieldElement): void {
  if (original.name !== update.name) context.add('FIELD_NAME_CHANGED');
  compareLabelsAndTypes(context, original.label, update.label, original.type, update.type);
}

type Kind = 'SCALAR' | 'MAP' | 'MESSAGE';

function kindOf(context: Context, type: string, isOriginal: boolean): Kind {
  if (SCALAR_TYPES.has(type)) return 'SCALAR';
  if (mapTypes(type)) return 'MAP';
  return context.typeOf(type, isOriginal)?.type.kind === 'enum' ? 'SCALAR' : 'MESSAGE';
}

function compareLabelsAndTypes(
  context: Context,
  originalLabel: FieldLabel | undefined,
  updateLabel: FieldLabel | undefined,
  originalType: string,
  updateType: string,
): void {
  // A map entry message (from a descriptor) compares as the map it stands for.
  const originalInfo = context.typeOf(originalType, true);
  const a = (originalInfo && mapTypeOf(originalInfo)) ?? originalType;
  const updateInfo = context.typeOf(updateType, false);
  const b = (updateInfo && mapTypeOf(updateInfo)) ?? updateType;
  const kind = kindOf(context, a, true);
  if (kind !== kindOf(context, b, false)) {
    context.add('FIELD_KIND_CHANGED');
    return;
  }
  if (kind === 'SCALAR') compareScalars(context, originalLabel, updateLabel, a, b);
  else if (kind === 'MESSAGE') compareMessageTypes(context, a, b);
  else {
    const x = mapTypes(a)!;
    const y = mapTypes(b)!;
    compareLabelsAndTypes(context, undefined, undefined, x.key, y.key);
    compareLabelsAndTypes(context, undefined, undefined, x.value, y.value);
  }
}

type ScalarKind =
  | 'GENERAL_NUMBER'
  | 'SIGNED_NUMBER'
  | 'STRING_OR_BYTES'
  | 'FIXED32'
  | 'FIXED64'
  | 'FLOAT'
  | 'DOUBLE';

/** Scalars grouped by wire compatibility (protobuf's "updating a message type" rules). */
function scalarKind(context: Context, type: string, isOriginal: boolean): ScalarKind {
  if (context.typeOf(type, isOriginal)?.type.kind === 'enum') return 'GENERAL_NUMBER';
  switch (type) {
    case 'int32':
    case 'int64':
    case 'uint32':
    case 'uint64':
    case 'bool':
      return 'GENERAL_NUMBER';
    case 'sint32':
    case 'sint64':
      return 'SIGNED_NUMBER';
    case 'string':
    case 'bytes':
      return 'STRING_OR_BYTES';
    case 'fixed32':
    case 'sfixed32':
      return 'FIXED32';
    case 'fixed64':
    case 'sfixed64':
      return 'FIXED64';
    case 'float':
      return 'FLOAT';
    case 'double':
      return 'DOUBLE';
    default:
      throw new SchemaParseError(`Unknown type ${type}`, `#/${context.path.join('/')}`);
  }
}

function compareScalars(
  context: Context,
  originalLabel: FieldLabel | undefined,
  updateLabel: FieldLabel | undefined,
  originalType: string,
  updateType: string,
): void {
  const kind = scalarKind(context, originalType, true);
  if (kind !== scalarKind(context, updateType, false)) {
    context.add('FIELD_SCALAR_KIND_CHANGED');
    return;
  }
  if (originalLabel === undefined || updateLabel === undefined || originalLabel === updateLabel) return;
  context.add(
    kind === 'STRING_OR_BYTES' ? 'FIELD_STRING_OR_BYTES_LABEL_CHANGED' : 'FIELD_NUMERIC_LABEL_CHANGED',
  );
}

function compareMessageTypes(context: Context, original: string, update: string): void {
  const originalFull = context.resolve(original, true);
  const updateFull = context.resolve(update, false);
  if (originalFull === undefined || updateFull === undefined) {
    if (original !== update) context.add('FIELD_NAMED_TYPE_CHANGED');
    return;
  }
  const originalInfo = context.original.types.get(originalFull)!;
  const updateInfo = context.update.types.get(updateFull)!;
  const local = (full: string, info: TypeInfo) =>
    info.packageName && full.startsWith(`${info.packageName}.`)
      ? full.slice(info.packageName.length + 1)
      : full;
  const originalLocal = local(originalFull, originalInfo);
  if (originalLocal !== local(updateFull, updateInfo)) {
    context.add('FIELD_NAMED_TYPE_CHANGED');
    return;
  }
  const a = originalInfo.reference;
  const b = updateInfo.reference;
  // Types of the schema's own file are compared where they are declared; those of one referenced version are equal.
  if (a && b && a.subject === b.subject && a.version === b.version) return;
  if (originalInfo.type.kind !== 'message' || updateInfo.type.kind !== 'message') return;
  const sub = context.subcontext();
  sub.originalPackage = originalInfo.packageName;
  sub.updatePackage = updateInfo.packageName;
  sub.path = originalLocal.split('.');
  sub.names = originalLocal.split('.');
  compareMessages(sub, originalInfo.type, updateInfo.type);
  context.differences.push(...sub.differences);
  if (!sub.isCompatible()) context.add('FIELD_NAMED_TYPE_CHANGED');
}
