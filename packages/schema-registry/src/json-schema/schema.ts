import { SchemaParseError } from '../errors.js';
import { dialectOf, type JsonSchemaDialect, metaSchemaProblems } from './dialects.js';
import { type JsonTextNode, parseJsonDocument, writeJsonText } from './json-text.js';
import { loadSchemaModel, type ReferencedDocument } from './load-model.js';
import type { SchemaNode } from './model.js';

/** A schema another one `$ref`s through a registry reference: `name` is the URI its `$ref`s use. */
export interface JsonSchemaReference {
  name: string;
  schema: string;
  references: readonly JsonSchemaReference[];
}

/** A JSON Schema as the registry and the serde use it. */
export interface ParsedJsonSchema {
  /** The document, as plain JSON. */
  value: unknown;
  /** The document's text tree (written-order keys, number literals as written). */
  node: JsonTextNode;
  dialect: JsonSchemaDialect;
  /** What compatibility checks compare. */
  model: SchemaNode;
  /** The referenced documents, depth first, each once. */
  referenced: ReferencedDocument[];
}

/**
 * Parses a JSON Schema with the schemas its references name. `strict` (new registrations) also checks the document
 * against its draft's meta-schema and refuses root properties named `$$...`, as Confluent does. Throws
 * SchemaParseError, also for a `$ref` that no reference (or the document itself) resolves: remote schemas are never
 * fetched.
 */
export function parseJsonSchema(
  text: string,
  references: readonly JsonSchemaReference[] = [],
  options: { strict?: boolean } = {},
): ParsedJsonSchema {
  const { value, node } = parseJsonDocument(text);
  if (typeof value !== 'boolean' && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    throw new SchemaParseError('Invalid JSON schema: expected an object or boolean at the root', '');
  }
  const dialect = dialectOf(value);
  if (options.strict) {
    const problems = metaSchemaProblems(value, dialect);
    if (problems) throw new SchemaParseError(`Invalid JSON schema (${dialect}): ${problems}`, '');
    const properties = (value as { properties?: unknown }).properties;
    if (typeof properties === 'object' && properties !== null) {
      const reserved = Object.keys(properties).find((name) => name.startsWith('$$'));
      if (reserved)
        throw new SchemaParseError('Field names cannot start with $$ prefix', `/properties/${reserved}`);
    }
  }
  const referenced = flattenReferences(references);
  const model = loadSchemaModel(value, dialect, referenced);
  return { value, node, dialect, model, referenced };
}

function flattenReferences(references: readonly JsonSchemaReference[]): ReferencedDocument[] {
  const out: ReferencedDocument[] = [];
  const seen = new Set<string>();
  const visit = (list: readonly JsonSchemaReference[], depth: number) => {
    if (depth > 32) throw new SchemaParseError('Schema references nest more than 32 levels deep', '');
    for (const reference of list) {
      if (seen.has(reference.name)) continue;
      seen.add(reference.name);
      visit(reference.references, depth + 1);
      let schema: unknown;
      try {
        schema = parseJsonDocument(reference.schema).value;
      } catch (error) {
        throw new SchemaParseError(
          `Referenced schema "${reference.name}" is not valid JSON: ${(error as Error).message}`,
          '',
        );
      }
      out.push({ name: reference.name, schema });
    }
  };
  visit(references, 0);
  return out;
}

/** The compact form Confluent stores: keys as written, number literals as Jackson writes them. */
export function canonicalJsonSchema(parsed: ParsedJsonSchema): string {
  return writeJsonText(parsed.node);
}

/** `normalize=true`: the same with every object's keys sorted. */
export function normalizedJsonSchema(parsed: ParsedJsonSchema): string {
  return writeJsonText(parsed.node, { sortKeys: true });
}
