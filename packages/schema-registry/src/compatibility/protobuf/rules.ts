import type { FormatIncompatibility } from '../levels.js';
import { type CompatibilityRules, rolesOf } from '../rules.js';
import { diffProtobufSchemas, incompatibleProtobufDifferences, type ProtobufSchemaForDiff } from './diff.js';
import {
  describeProtobufDifference,
  formatProtobufDifference,
  type ProtobufDifferenceType,
} from './differences.js';

export interface ProtobufIncompatibility extends FormatIncompatibility {
  type: ProtobufDifferenceType;
  /** Message names, oneof names and field numbers: `#/Order/3`. */
  location: string;
}

/**
 * Protobuf under Confluent's rules: a reader can read a writer's data unless the diff from the writer's schema to
 * the reader's holds an incompatible change (a field's wire type changed, a required field added or removed, fields
 * made mutually exclusive, a package renamed...).
 */
export const protobufRules: CompatibilityRules<ProtobufSchemaForDiff, ProtobufIncompatibility> = {
  readable: (reader, writer) =>
    incompatibleProtobufDifferences(diffProtobufSchemas(writer, reader)).map((difference) => ({
      type: difference.type,
      location: difference.path,
      message: difference.type.toLowerCase().replace(/_/g, ' '),
    })),
  describe: (incompatibility) => {
    const [reader, writer] = rolesOf(incompatibility.direction);
    return describeProtobufDifference(
      { type: incompatibility.type, path: incompatibility.location },
      reader,
      writer,
    );
  },
  difference: (incompatibility) => {
    const [reader, writer] = rolesOf(incompatibility.direction);
    return formatProtobufDifference(
      { type: incompatibility.type, path: incompatibility.location },
      reader,
      writer,
    );
  },
};
