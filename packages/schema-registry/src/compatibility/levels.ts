import type { AvroSchema } from '../avro/schema.js';
import { checkCompatibility, type Incompatibility } from './reader-writer.js';

export const COMPATIBILITY_LEVELS = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
] as const;

export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

export function isCompatibilityLevel(value: unknown): value is CompatibilityLevel {
  return typeof value === 'string' && (COMPATIBILITY_LEVELS as readonly string[]).includes(value);
}

/** Parses a level case-insensitively (the registry accepts `backward` as well as `BACKWARD`). */
export function parseCompatibilityLevel(value: string): CompatibilityLevel | undefined {
  const upper = value.trim().toUpperCase();
  return isCompatibilityLevel(upper) ? upper : undefined;
}

/**
 * Which way a check ran: `new-reads-old` (reader = new schema, writer = a previous one: BACKWARD) or
 * `old-reads-new` (reader = a previous schema, writer = the new one: FORWARD). FULL runs both.
 */
export type Direction = 'new-reads-old' | 'old-reads-new';

export interface SubjectIncompatibility extends Incompatibility {
  direction: Direction;
  /** Index into `previousSchemas` (oldest first) of the version this incompatibility is with. */
  previousIndex: number;
}

export interface VersionCheck {
  previousIndex: number;
  compatible: boolean;
  /** "Old reads new" problems first, then "new reads old", as Confluent orders FULL's messages. */
  incompatibilities: SubjectIncompatibility[];
}

export interface SubjectCompatibilityResult {
  compatible: boolean;
  level: CompatibilityLevel;
  /** The versions that were checked, newest first (the order Confluent checks them in). */
  checked: VersionCheck[];
  /** Every incompatibility over all checked versions, newest version first. */
  incompatibilities: SubjectIncompatibility[];
}

export interface SubjectCheckOptions {
  /** Stop at the first (newest) incompatible version, as Confluent's registry does (default false: check all). */
  stopAtFirstIncompatible?: boolean;
}

export function isTransitive(level: CompatibilityLevel): boolean {
  return level.endsWith('_TRANSITIVE');
}

export function directionsOf(level: CompatibilityLevel): Direction[] {
  if (level === 'NONE') return [];
  if (level.startsWith('BACKWARD')) return ['new-reads-old'];
  if (level.startsWith('FORWARD')) return ['old-reads-new'];
  return ['old-reads-new', 'new-reads-old'];
}

/**
 * An incompatibility in any schema format: what kind (Avro's `TYPE_MISMATCH`, JSON Schema's
 * `PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL`, Protobuf's `FIELD_KIND_CHANGED`...), a message, and where.
 */
export interface FormatIncompatibility {
  type: string;
  message: string;
  location: string;
}

export type LocatedIncompatibility<I extends FormatIncompatibility = FormatIncompatibility> = I & {
  direction: Direction;
  previousIndex: number;
};

export interface VersionsCheckResult<I extends FormatIncompatibility = FormatIncompatibility> {
  compatible: boolean;
  level: CompatibilityLevel;
  /** The versions that were checked, newest first. */
  checked: Array<{
    previousIndex: number;
    compatible: boolean;
    incompatibilities: LocatedIncompatibility<I>[];
  }>;
  /** Every incompatibility over all checked versions, newest version first. */
  incompatibilities: LocatedIncompatibility<I>[];
}

/**
 * The level semantics for any format, given its reader/writer check (`readable(reader, writer)` lists what stops
 * `reader` from reading data written with `writer`): non-transitive levels check only the latest previous version,
 * transitive ones all of them, newest first; BACKWARD means the new schema reads the old, FORWARD the reverse,
 * FULL both ("old reads new" first, as Confluent orders FULL's messages).
 */
export function checkAgainstVersions<S, I extends FormatIncompatibility>(
  readable: (reader: S, writer: S) => readonly I[],
  newSchema: S,
  previousSchemas: readonly S[],
  level: CompatibilityLevel,
  options: SubjectCheckOptions = {},
): VersionsCheckResult<I> {
  const directions = directionsOf(level);
  const indexes: number[] = [];
  if (directions.length > 0 && previousSchemas.length > 0) {
    const last = previousSchemas.length - 1;
    if (isTransitive(level)) for (let index = last; index >= 0; index--) indexes.push(index);
    else indexes.push(last);
  }
  const checked: VersionsCheckResult<I>['checked'] = [];
  const all: LocatedIncompatibility<I>[] = [];
  for (const previousIndex of indexes) {
    const previous = previousSchemas[previousIndex]!;
    const incompatibilities: LocatedIncompatibility<I>[] = [];
    for (const direction of directions) {
      const found =
        direction === 'new-reads-old' ? readable(newSchema, previous) : readable(previous, newSchema);
      for (const incompatibility of found)
        incompatibilities.push({ ...incompatibility, direction, previousIndex });
    }
    checked.push({ previousIndex, compatible: incompatibilities.length === 0, incompatibilities });
    all.push(...incompatibilities);
    if (incompatibilities.length > 0 && options.stopAtFirstIncompatible) break;
  }
  return { compatible: all.length === 0, level, checked, incompatibilities: all };
}

/**
 * Checks a new Avro schema against a subject's previous versions (oldest first) under a compatibility level, with
 * Confluent's semantics: non-transitive levels check only the latest previous version, transitive levels all of
 * them (newest first); BACKWARD means the new schema reads data written with the old, FORWARD the reverse, FULL both.
 */
export function checkSubjectCompatibility(
  newSchema: AvroSchema | unknown,
  previousSchemas: readonly (AvroSchema | unknown)[],
  level: CompatibilityLevel,
  options: SubjectCheckOptions = {},
): SubjectCompatibilityResult {
  return checkAgainstVersions(
    (reader: unknown, writer: unknown) => checkCompatibility(reader, writer).incompatibilities,
    newSchema,
    previousSchemas,
    level,
    options,
  );
}
