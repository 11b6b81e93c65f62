import { parseSchema } from '../avro/parse.js';
import {
  type AvroSchema,
  type EnumSchema,
  type Field,
  javaTypeName,
  type NamedSchema,
  type RecordSchema,
} from '../avro/schema.js';
import { SchemaRegistryError } from '../errors.js';
import { descend, runWalk, type Walk } from '../walk.js';

/**
 * A port of Apache Avro's Java `SchemaCompatibility` (reader/writer schema resolution checking): the same rules, the
 * same six incompatibility types, Avro's message wording and JSON-pointer locations into the reader schema. Its
 * recursion runs as a walk (see walk.ts), so schemas of any depth are checked: one of them may be a version stored
 * before the nesting limit, and even two schemas within the limit can pair their recursive types into long chains.
 */

export type IncompatibilityType =
  | 'NAME_MISMATCH'
  | 'FIXED_SIZE_MISMATCH'
  | 'MISSING_ENUM_SYMBOLS'
  | 'READER_FIELD_MISSING_DEFAULT_VALUE'
  | 'TYPE_MISMATCH'
  | 'MISSING_UNION_BRANCH';

export interface Incompatibility {
  type: IncompatibilityType;
  /** Worded as Avro's `Incompatibility.getMessage()`. */
  message: string;
  /** JSON pointer into the reader schema (`/` is the root). */
  location: string;
}

export interface CompatibilityResult {
  compatible: boolean;
  incompatibilities: Incompatibility[];
}

/** Avro's description of a compatible pair (`SchemaCompatibility.READER_WRITER_COMPATIBLE_MESSAGE`). */
export const READER_WRITER_COMPATIBLE_MESSAGE =
  'Reader schema can always successfully decode data written using the writer schema.';

/** Thrown when a reader field's name and aliases match more than one writer field (Java throws the same). */
export class AmbiguousFieldError extends SchemaRegistryError {
  constructor(message: string) {
    super(message, { code: 'AMBIGUOUS_FIELD' });
  }
}

/**
 * Can data written with `writer` always be read with `reader`? Accepts parsed schemas, JSON text or JSON values
 * (text and values are parsed and validated first, throwing SchemaParseError).
 */
export function checkCompatibility(
  reader: AvroSchema | unknown,
  writer: AvroSchema | unknown,
): CompatibilityResult {
  const result = new Checker().check(toSchema(reader), toSchema(writer));
  return { compatible: result.state !== 'INCOMPATIBLE', incompatibilities: result.incompatibilities };
}

function toSchema(input: unknown): AvroSchema {
  if (isParsedSchema(input)) return input;
  return parseSchema(input);
}

const PARSED_TYPES = new Set(['null', 'boolean', 'int', 'long', 'float', 'double', 'bytes', 'string']);

function isParsedSchema(input: unknown): input is AvroSchema {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return false;
  const candidate = input as { type?: unknown; props?: unknown; fullName?: unknown; types?: unknown };
  if (typeof candidate.props !== 'object' || candidate.props === null) return false;
  switch (candidate.type) {
    case 'record':
    case 'enum':
    case 'fixed':
      return typeof candidate.fullName === 'string';
    case 'union':
      return Array.isArray(candidate.types);
    case 'array':
    case 'map':
      return true;
    default:
      return PARSED_TYPES.has(candidate.type as string);
  }
}

type State = 'COMPATIBLE' | 'INCOMPATIBLE' | 'RECURSION_IN_PROGRESS';

interface Result {
  state: State;
  incompatibilities: Incompatibility[];
}

const COMPATIBLE: Result = { state: 'COMPATIBLE', incompatibilities: [] };
const IN_PROGRESS: Result = { state: 'RECURSION_IN_PROGRESS', incompatibilities: [] };

function merged(a: Result, b: Result): Result {
  if (b.incompatibilities.length === 0 && a.state !== 'COMPATIBLE') return a;
  return {
    state: a.state === 'COMPATIBLE' ? b.state : 'INCOMPATIBLE',
    incompatibilities:
      a.incompatibilities.length === 0
        ? b.incompatibilities
        : [...a.incompatibilities, ...b.incompatibilities],
  };
}

function renderLocation(location: readonly string[]): string {
  // The first token is the root's empty reference token, which Java drops.
  return `/${location
    .slice(1)
    .map((token) => token.replace(/~/g, '~0').replace(/\//g, '~1'))
    .join('/')}`;
}

function incompatible(type: IncompatibilityType, message: string, location: readonly string[]): Result {
  return {
    state: 'INCOMPATIBLE',
    incompatibilities: [{ type, message, location: renderLocation(location) }],
  };
}

class Checker {
  // Keyed by schema object identity, as Java's ReaderWriter pair: this is what ends recursion on recursive types.
  private readonly memo = new Map<AvroSchema, Map<AvroSchema, Result>>();

  check(reader: AvroSchema, writer: AvroSchema): Result {
    return runWalk(this.getCompatibility('', reader, writer, []));
  }

  private *getCompatibility(
    token: string,
    reader: AvroSchema,
    writer: AvroSchema,
    location: string[],
  ): Walk<Result> {
    location.push(token);
    let byWriter = this.memo.get(reader);
    if (!byWriter) {
      byWriter = new Map();
      this.memo.set(reader, byWriter);
    }
    let result = byWriter.get(writer);
    if (result) {
      // A pair still being computed is assumed compatible unless proven otherwise.
      if (result.state === 'RECURSION_IN_PROGRESS') result = COMPATIBLE;
    } else {
      byWriter.set(writer, IN_PROGRESS);
      result = yield* descend(this.calculate(reader, writer, location));
      byWriter.set(writer, result);
    }
    location.pop();
    return result;
  }

  private *calculate(reader: AvroSchema, writer: AvroSchema, location: string[]): Walk<Result> {
    let result = COMPATIBLE;
    if (reader.type === writer.type) {
      switch (reader.type) {
        case 'null':
        case 'boolean':
        case 'int':
        case 'long':
        case 'float':
        case 'double':
        case 'bytes':
        case 'string':
          return result;
        case 'array': {
          const items = (writer as typeof reader).items;
          return merged(
            result,
            yield* descend(this.getCompatibility('items', reader.items, items, location)),
          );
        }
        case 'map': {
          const values = (writer as typeof reader).values;
          return merged(
            result,
            yield* descend(this.getCompatibility('values', reader.values, values, location)),
          );
        }
        case 'fixed': {
          const w = writer as typeof reader;
          result = merged(result, this.checkNames(reader, w, location));
          location.push('size');
          if (reader.size !== w.size) {
            result = merged(
              result,
              incompatible('FIXED_SIZE_MISMATCH', `expected: ${w.size}, found: ${reader.size}`, location),
            );
          }
          location.pop();
          return result;
        }
        case 'enum': {
          result = merged(result, this.checkNames(reader, writer as EnumSchema, location));
          return merged(result, this.checkEnumSymbols(reader, writer as EnumSchema, location));
        }
        case 'record': {
          result = merged(result, this.checkNames(reader, writer as RecordSchema, location));
          return merged(
            result,
            yield* descend(this.checkRecordFields(reader, writer as RecordSchema, location)),
          );
        }
        case 'union': {
          // Every writer branch must be readable by the reader union.
          const writerTypes = (writer as typeof reader).types;
          for (const [index, writerBranch] of writerTypes.entries()) {
            location.push(String(index));
            // Java evaluates each branch from a fresh root; only the union-level verdict is reported.
            const branch = yield* descend(this.getCompatibility('', reader, writerBranch, []));
            if (branch.state === 'INCOMPATIBLE') {
              result = merged(
                result,
                incompatible(
                  'MISSING_UNION_BRANCH',
                  `reader union lacking writer type: ${javaTypeName(writerBranch)}`,
                  location,
                ),
              );
            }
            location.pop();
          }
          return result;
        }
      }
    }

    // Different types. A non-union reader must read every branch of a writer union.
    if (writer.type === 'union') {
      for (const [index, branch] of writer.types.entries()) {
        result = merged(
          result,
          yield* descend(this.getCompatibility(String(index), reader, branch, location)),
        );
      }
      return result;
    }

    switch (reader.type) {
      case 'long':
        return writer.type === 'int' ? result : merged(result, typeMismatch(reader, writer, location));
      case 'float':
        return writer.type === 'int' || writer.type === 'long'
          ? result
          : merged(result, typeMismatch(reader, writer, location));
      case 'double':
        return writer.type === 'int' || writer.type === 'long' || writer.type === 'float'
          ? result
          : merged(result, typeMismatch(reader, writer, location));
      case 'bytes':
        return writer.type === 'string' ? result : merged(result, typeMismatch(reader, writer, location));
      case 'string':
        return writer.type === 'bytes' ? result : merged(result, typeMismatch(reader, writer, location));
      case 'union': {
        for (const readerBranch of reader.types) {
          const branch = yield* descend(this.getCompatibility('', readerBranch, writer, []));
          if (branch.state === 'COMPATIBLE') return result;
        }
        return merged(
          result,
          incompatible(
            'MISSING_UNION_BRANCH',
            `reader union lacking writer type: ${javaTypeName(writer)}`,
            location,
          ),
        );
      }
      default:
        return merged(result, typeMismatch(reader, writer, location));
    }
  }

  private checkNames(reader: NamedSchema, writer: NamedSchema, location: string[]): Result {
    location.push('name');
    // Unqualified names are compared; reader aliases are matched against the writer's full name.
    const equal = reader.name === writer.name || reader.aliases.includes(writer.fullName);
    const result = equal
      ? COMPATIBLE
      : incompatible('NAME_MISMATCH', `expected: ${writer.fullName}`, location);
    location.pop();
    return result;
  }

  private checkEnumSymbols(reader: EnumSchema, writer: EnumSchema, location: string[]): Result {
    location.push('symbols');
    const missing = [...new Set(writer.symbols)].filter((symbol) => !reader.symbols.includes(symbol));
    let result = COMPATIBLE;
    const defaultCovers = reader.default !== undefined && reader.symbols.includes(reader.default);
    if (missing.length > 0 && !defaultCovers) {
      // Java prints a TreeSet: sorted by UTF-16 code units, "[A, B]".
      missing.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      result = incompatible('MISSING_ENUM_SYMBOLS', `[${missing.join(', ')}]`, location);
    }
    location.pop();
    return result;
  }

  private *checkRecordFields(reader: RecordSchema, writer: RecordSchema, location: string[]): Walk<Result> {
    let result = COMPATIBLE;
    location.push('fields');
    for (const readerField of reader.fields) {
      location.push(String(readerField.pos));
      const writerField = lookupWriterField(writer, readerField);
      if (writerField === undefined) {
        if (!readerField.hasDefault) {
          if (readerField.type.type === 'enum' && readerField.type.default !== undefined) {
            // Java checks the enum against the writer record itself here (yielding a TYPE_MISMATCH).
            const enumResult = yield* descend(
              this.getCompatibility('type', readerField.type, writer, location),
            );
            result = merged(result, enumResult);
          } else {
            result = merged(
              result,
              incompatible('READER_FIELD_MISSING_DEFAULT_VALUE', readerField.name, location),
            );
          }
        }
      } else {
        const field = yield* descend(
          this.getCompatibility('type', readerField.type, writerField.type, location),
        );
        result = merged(result, field);
      }
      location.pop();
    }
    location.pop();
    return result;
  }
}

function typeMismatch(reader: AvroSchema, writer: AvroSchema, location: string[]): Result {
  return incompatible(
    'TYPE_MISMATCH',
    `reader type: ${javaTypeName(reader)} not compatible with writer type: ${javaTypeName(writer)}`,
    location,
  );
}

/** The writer field a reader field reads from: by the reader field's name or one of its aliases. */
export function lookupWriterField(writer: RecordSchema, readerField: Field): Field | undefined {
  const matches: Field[] = [];
  const direct = writer.fields.find((field) => field.name === readerField.name);
  if (direct) matches.push(direct);
  for (const alias of readerField.aliases) {
    const aliased = writer.fields.find((field) => field.name === alias);
    if (aliased) matches.push(aliased);
  }
  if (matches.length > 1) {
    throw new AmbiguousFieldError(
      `Reader record field ${readerField.name} matches multiple fields in writer record schema ${writer.fullName}` +
        ` (${matches.map((field) => field.name).join(', ')}); remove the ambiguous alias`,
    );
  }
  return matches[0];
}
