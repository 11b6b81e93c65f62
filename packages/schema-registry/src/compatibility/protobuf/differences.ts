/**
 * The changes Confluent's Protobuf compatibility check names (`io.confluent.kafka.schemaregistry.protobuf.diff.
 * Difference.Type`), which of them are compatible, and how the registry words them.
 */

export const PROTOBUF_DIFFERENCE_TYPES = [
  'PACKAGE_CHANGED',
  'MESSAGE_ADDED',
  'MESSAGE_REMOVED',
  'MESSAGE_MOVED',
  'ENUM_ADDED',
  'ENUM_REMOVED',
  'ENUM_CONST_ADDED',
  'ENUM_CONST_CHANGED',
  'ENUM_CONST_REMOVED',
  'FIELD_ADDED',
  'FIELD_REMOVED',
  'FIELD_NAME_CHANGED',
  'FIELD_KIND_CHANGED',
  'FIELD_SCALAR_KIND_CHANGED',
  'FIELD_NAMED_TYPE_CHANGED',
  'FIELD_NUMERIC_LABEL_CHANGED',
  'FIELD_STRING_OR_BYTES_LABEL_CHANGED',
  'REQUIRED_FIELD_ADDED',
  'REQUIRED_FIELD_REMOVED',
  'ONEOF_ADDED',
  'ONEOF_REMOVED',
  'ONEOF_FIELD_ADDED',
  'ONEOF_FIELD_REMOVED',
  'ONEOF_FIELD_MOVED_TO_TOP_LEVEL',
  'MULTIPLE_FIELDS_MOVED_TO_ONEOF',
  'FIELD_MOVED_TO_EXISTING_ONEOF',
] as const;

export type ProtobufDifferenceType = (typeof PROTOBUF_DIFFERENCE_TYPES)[number];

/** One change between two schemas, at a path of message names, oneof names and field numbers (`#/Order/3`). */
export interface ProtobufDifference {
  type: ProtobufDifferenceType;
  path: string;
}

export const PROTOBUF_COMPATIBLE_CHANGES: ReadonlySet<ProtobufDifferenceType> = new Set([
  'MESSAGE_ADDED',
  'MESSAGE_MOVED',
  'ENUM_ADDED',
  'ENUM_REMOVED',
  'ENUM_CONST_ADDED',
  'ENUM_CONST_CHANGED',
  'ENUM_CONST_REMOVED',
  'FIELD_ADDED',
  'FIELD_REMOVED',
  'FIELD_NAME_CHANGED',
  'FIELD_STRING_OR_BYTES_LABEL_CHANGED',
  'ONEOF_ADDED',
  'ONEOF_REMOVED',
  'ONEOF_FIELD_ADDED',
  'ONEOF_FIELD_MOVED_TO_TOP_LEVEL',
]);

/**
 * Confluent's description of a difference, roles filled in (`reader` reads data written with `writer`'s schema;
 * BACKWARD: new and old). Empty for the changes Confluent leaves undescribed.
 */
export function describeProtobufDifference(
  difference: ProtobufDifference,
  reader: string,
  writer: string,
): string {
  const { path } = difference;
  switch (difference.type) {
    case 'PACKAGE_CHANGED':
      return `The package at '${path}' in the ${reader} schema does not match the package in the ${writer} schema`;
    case 'MESSAGE_REMOVED':
      return `The ${reader} schema is missing a MESSAGE type at path '${path}' in the ${writer} schema`;
    case 'FIELD_KIND_CHANGED':
      return `The type of a field at path '${path}' in the ${reader} schema does not match the ${writer} schema`;
    case 'FIELD_SCALAR_KIND_CHANGED':
      return `The kind of a SCALAR field at path '${path}' in the ${reader} schema does not match its kind in the ${writer} schema`;
    case 'FIELD_NAMED_TYPE_CHANGED':
      return `The type of a MESSAGE field at path '${path}' in the ${reader} schema does not match its type in the ${writer} schema`;
    case 'FIELD_NUMERIC_LABEL_CHANGED':
      return `The label for a NUMERIC field at path '${path}' in the ${reader} schema does not match its label in the ${writer} schema`;
    case 'REQUIRED_FIELD_ADDED':
      return `A required field  at path '${path}' in the ${reader} schema is missing in the ${writer} schema`;
    case 'REQUIRED_FIELD_REMOVED':
      return `The ${reader} schema is missing a required field at path: '${path}' in the ${writer} schema`;
    case 'ONEOF_FIELD_REMOVED':
      return `The ${reader} schema is missing a oneof field at path '${path}' in the ${writer} schema`;
    case 'ONEOF_FIELD_MOVED_TO_TOP_LEVEL':
      return `The oneof field at path '${path}' in the ${reader} schema was moved out of its oneof to a top-level field in the ${writer} schema`;
    case 'MULTIPLE_FIELDS_MOVED_TO_ONEOF':
      return `Multiple fields in the oneof at path '${path}' in the ${reader} schema are outside a oneof in the ${writer} schema`;
    case 'FIELD_MOVED_TO_EXISTING_ONEOF':
      return `A field in the oneof at path '${path}' in the ${reader} schema is outside an existing oneof in the ${writer} schema`;
    default:
      return '';
  }
}

/** The string Confluent puts in verbose messages: `{errorType:"...", description:"..."}`. */
export function formatProtobufDifference(
  difference: ProtobufDifference,
  reader: string,
  writer: string,
): string {
  return `{errorType:"${difference.type}", description:"${describeProtobufDifference(difference, reader, writer)}"}`;
}
