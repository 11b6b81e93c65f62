import type { SchemaNode } from '../../json-schema/model.js';
import type { FormatIncompatibility } from '../levels.js';
import { type CompatibilityRules, rolesOf } from '../rules.js';
import { diffJsonSchemas, incompatibleDifferences } from './diff.js';
import {
  describeJsonSchemaDifference,
  formatJsonSchemaDifference,
  type JsonSchemaCompatibilityPolicy,
  type JsonSchemaDifferenceType,
} from './differences.js';

export interface JsonSchemaIncompatibility extends FormatIncompatibility {
  type: JsonSchemaDifferenceType;
  /** A JSON path into the schemas: `#/properties/customer`. */
  location: string;
}

/**
 * JSON Schema under Confluent's rules: a reader can read a writer's data unless the diff from the writer's schema
 * (Confluent's "original") to the reader's ("update") holds a change the policy does not allow.
 */
export function jsonSchemaRules(
  policy: JsonSchemaCompatibilityPolicy = 'STRICT',
): CompatibilityRules<{ model: SchemaNode }, JsonSchemaIncompatibility> {
  return {
    readable: (reader, writer) =>
      incompatibleDifferences(diffJsonSchemas(writer.model, reader.model, policy), policy).map(
        (difference) => ({
          type: difference.type,
          location: difference.path,
          message: difference.type.toLowerCase().replace(/_/g, ' '),
        }),
      ),
    describe: (incompatibility) => {
      const [reader, writer] = rolesOf(incompatibility.direction);
      return describeJsonSchemaDifference(
        { type: incompatibility.type, path: incompatibility.location },
        reader,
        writer,
      );
    },
    difference: (incompatibility) => {
      const [reader, writer] = rolesOf(incompatibility.direction);
      return formatJsonSchemaDifference(
        { type: incompatibility.type, path: incompatibility.location },
        reader,
        writer,
      );
    },
  };
}
