import { jsonSchemaRules } from '../../compatibility/json-schema/rules.js';
import {
  canonicalJsonSchema,
  type JsonSchemaReference,
  normalizedJsonSchema,
  type ParsedJsonSchema,
  parseJsonSchema,
} from '../../json-schema/schema.js';
import type { ResolvedReference, SchemaFormat } from './schema-format.js';
import { confluentVerdict } from './verdict.js';

function asJsonReferences(references: readonly ResolvedReference[]): JsonSchemaReference[] {
  return references.map((reference) => ({
    name: reference.name,
    schema: reference.schema,
    references: asJsonReferences(reference.references),
  }));
}

const rules = jsonSchemaRules('STRICT');

/**
 * JSON Schema (`schemaType` JSON), as Confluent's registry serves it: drafts 4 to 2020-12, references by URI (a
 * reference's `name` is what `$ref`s use), stored compact with keys in written order (sorted for `normalize`),
 * and Confluent's JSON Schema compatibility rules under the STRICT policy.
 */
export const jsonSchemaFormat: SchemaFormat<ParsedJsonSchema> = {
  type: 'JSON',
  parse: (text, references, { strict }) => parseJsonSchema(text, asJsonReferences(references), { strict }),
  canonicalForm: canonicalJsonSchema,
  normalizedForm: normalizedJsonSchema,
  checkCompatibility: (candidate, previous, level) => confluentVerdict(rules, candidate, previous, level),
};
