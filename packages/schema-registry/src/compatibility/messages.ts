import type { Direction, SubjectIncompatibility } from './levels.js';

/**
 * Confluent's rendering of an Avro incompatibility (`Difference.java`):
 * `{errorType:'TYPE_MISMATCH', description:'...', additionalInfo:'...'}`, where the description's two `%s` are the
 * roles of the reader and the writer ("new"/"old") in the check that found it.
 */
export function describeIncompatibility(incompatibility: SubjectIncompatibility): string {
  const [reader, writer] = roles(incompatibility.direction);
  const { location, message } = incompatibility;
  switch (incompatibility.type) {
    case 'FIXED_SIZE_MISMATCH':
      return `The size of FIXED type field at path '${location}' in the ${reader} schema does not match with the ${writer} schema`;
    case 'TYPE_MISMATCH':
      return `The type (path '${location}') of a field in the ${reader} schema does not match with the ${writer} schema`;
    case 'NAME_MISMATCH':
      return `The name of the schema has changed (path '${location}')`;
    case 'MISSING_ENUM_SYMBOLS':
      return `The ${reader} schema is missing enum symbols '${message}' at path '${location}' in the ${writer} schema`;
    case 'MISSING_UNION_BRANCH':
      return `The ${reader} schema is missing a type inside a union field at path '${location}' in the ${writer} schema`;
    case 'READER_FIELD_MISSING_DEFAULT_VALUE':
      return `The field '${message}' at path '${location}' in the ${reader} schema has no default value and is missing in the ${writer} schema`;
  }
}

function roles(direction: Direction): [string, string] {
  return direction === 'new-reads-old' ? ['new', 'old'] : ['old', 'new'];
}

/** The `Difference` string Confluent puts in verbose messages and in the register-409 message. */
export function formatDifference(incompatibility: SubjectIncompatibility): string {
  return `{errorType:'${incompatibility.type}', description:'${describeIncompatibility(incompatibility)}', additionalInfo:'${incompatibility.message}'}`;
}

const MAX_OLD_SCHEMA_CHARS = 10 * 1024;

/**
 * The message list Confluent returns for one incompatible previous version: one Difference per incompatibility,
 * then the old version, the old schema (truncated after 10 KiB) and the level.
 */
export function formatVersionMessages(
  incompatibilities: readonly SubjectIncompatibility[],
  oldVersion: number,
  oldSchema: string,
  level: string,
): string[] {
  return versionMessages(incompatibilities.map(formatDifference), oldVersion, oldSchema, level);
}

/** The same list for any format: its rendered differences, then the old version, schema and level. */
export function versionMessages(
  differences: readonly string[],
  oldVersion: number,
  oldSchema: string,
  level: string,
): string[] {
  const shownSchema =
    oldSchema.length > MAX_OLD_SCHEMA_CHARS ? `${oldSchema.slice(0, MAX_OLD_SCHEMA_CHARS)}...` : oldSchema;
  return [
    ...differences,
    `{oldSchemaVersion: ${oldVersion}}`,
    `{oldSchema: '${shownSchema}'}`,
    `{validateFields: 'false', compatibility: '${level}'}`,
  ];
}
