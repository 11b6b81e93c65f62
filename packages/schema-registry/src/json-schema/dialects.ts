import { createRequire } from 'node:module';
import type { Ajv } from 'ajv';

/**
 * The JSON Schema drafts Confluent's registry reads, chosen by a schema's `$schema` (draft-07 when it names none or
 * one the registry does not know), and an Ajv instance for each: Ajv (draft-06 and draft-07), Ajv2019, Ajv2020
 * and ajv-draft-04, all with ajv-formats, so `format` is checked as Confluent's validator checks it.
 */
export type JsonSchemaDialect = 'draft-04' | 'draft-06' | 'draft-07' | '2019-09' | '2020-12';

const DIALECT_URLS: Record<string, JsonSchemaDialect> = {
  'http://json-schema.org/draft-04/schema': 'draft-04',
  'https://json-schema.org/draft-04/schema': 'draft-04',
  'http://json-schema.org/schema': 'draft-04',
  'https://json-schema.org/schema': 'draft-04',
  'http://json-schema.org/draft-06/schema': 'draft-06',
  'https://json-schema.org/draft-06/schema': 'draft-06',
  'http://json-schema.org/draft-07/schema': 'draft-07',
  'https://json-schema.org/draft-07/schema': 'draft-07',
  'http://json-schema.org/draft/2019-09/schema': '2019-09',
  'https://json-schema.org/draft/2019-09/schema': '2019-09',
  'http://json-schema.org/draft/2020-12/schema': '2020-12',
  'https://json-schema.org/draft/2020-12/schema': '2020-12',
};

/** The draft a schema document is written in, from its `$schema` (Confluent's `SpecificationVersion.getFromUrl`). */
export function dialectOf(schema: unknown): JsonSchemaDialect {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return 'draft-07';
  const url = (schema as { $schema?: unknown }).$schema;
  if (typeof url !== 'string') return 'draft-07';
  return DIALECT_URLS[url.endsWith('#') ? url.slice(0, -1) : url] ?? 'draft-07';
}

/** Whether the draft has 2019-09's vocabulary (`$defs`, `unevaluated*`, `dependentRequired`, `prefixItems`). */
export function isModernDialect(dialect: JsonSchemaDialect): boolean {
  return dialect === '2019-09' || dialect === '2020-12';
}

/** The Ajv API every dialect's class shares. */
export type AjvInstance = Pick<
  Ajv,
  'compile' | 'addSchema' | 'addMetaSchema' | 'validateSchema' | 'errorsText' | 'errors' | 'getSchema'
>;

// Ajv and its plugins are CommonJS with `exports.default`; require() reaches the classes without interop guesswork.
const require = createRequire(import.meta.url);

type AjvClass = new (options: Record<string, unknown>) => AjvInstance;

function ajvClass(dialect: JsonSchemaDialect): AjvClass {
  switch (dialect) {
    case 'draft-04':
      return require('ajv-draft-04').default;
    case '2019-09':
      return require('ajv/dist/2019').default;
    case '2020-12':
      return require('ajv/dist/2020').default;
    default:
      return require('ajv').default;
  }
}

/**
 * A fresh Ajv for a dialect. Not strict: schemas carry keywords Ajv does not know (`connect.type`, `title`s in odd
 * places, Confluent tags), which Confluent's registry accepts too.
 */
export function createAjv(dialect: JsonSchemaDialect, options: { allErrors?: boolean } = {}): AjvInstance {
  const Ajv = ajvClass(dialect);
  const ajv = new Ajv({
    strict: false,
    allErrors: options.allErrors ?? false,
    validateFormats: true,
    // Schemas and documents are data from a registry: never fetch anything.
    loadSchema: undefined,
  });
  if (dialect === 'draft-06') ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
  require('ajv-formats').default(ajv);
  return ajv;
}

const metaValidators = new Map<JsonSchemaDialect, AjvInstance>();

/**
 * Checks a schema document against its draft's meta-schema; returns Ajv's description of what is wrong, or
 * undefined. One shared instance per draft: validating a schema compiles nothing the next check could see.
 */
export function metaSchemaProblems(schema: unknown, dialect: JsonSchemaDialect): string | undefined {
  let ajv = metaValidators.get(dialect);
  if (!ajv) {
    ajv = createAjv(dialect, { allErrors: false });
    metaValidators.set(dialect, ajv);
  }
  const valid = ajv.validateSchema(schema as object);
  if (valid) return undefined;
  return ajv.errorsText(ajv.errors, { dataVar: 'schema' });
}
