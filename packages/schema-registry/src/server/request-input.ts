import { type CompatibilityLevel, parseCompatibilityLevel } from '../compatibility/levels.js';
import { type Mode, parseMode, type SchemaReference } from './records.js';
import { RegistryErrors } from './registry/errors.js';
import { LATEST, type Registration, type SchemaSubmission, type VersionId } from './registry/input.js';
import { Errors } from './rest-errors.js';

/**
 * Request bodies, path segments and query parameters, checked for shape and converted into the registry's typed
 * input, as Jackson and Jersey do for Confluent's registry: a body field of the wrong type is a 422, a version
 * that is not a version id a 42202. What the values mean (a subject that exists, a schema that parses) is the
 * registry's to check.
 */

/** The fields of a JSON body. Anything but an object is refused; an array has no fields, as before. */
function fieldsOf(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object')
    throw Errors.unprocessable('The request body must be a JSON object');
  return body as Record<string, unknown>;
}

function referencesOf(raw: unknown): SchemaReference[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw))
    throw Errors.unprocessable('"references" must be an array of {name, subject, version}');
  return raw.map((reference) => {
    const r = reference as Record<string, unknown> | null;
    if (typeof r?.name !== 'string' || typeof r.subject !== 'string' || typeof r.version !== 'number') {
      throw Errors.unprocessable(
        'Each reference needs a string "name", a string "subject" and a numeric "version"',
      );
    }
    return { name: r.name, subject: r.subject, version: r.version };
  });
}

/** A RegisterSchemaRequest's schema: lookups and compatibility tests. */
export function schemaSubmission(body: unknown): SchemaSubmission {
  const fields = fieldsOf(body);
  return {
    schemaType:
      fields.schemaType === undefined || fields.schemaType === null ? 'AVRO' : String(fields.schemaType),
    // A missing or non-text schema is an empty one: the registry answers "Empty schema" (42201), as Confluent does.
    schema: typeof fields.schema === 'string' ? fields.schema : '',
    references: referencesOf(fields.references),
  };
}

/** A RegisterSchemaRequest: the schema, and the id and version IMPORT mode keeps. */
export function registration(body: unknown): Registration {
  const submission = schemaSubmission(body);
  const { id, version } = fieldsOf(body);
  if (id !== undefined && id !== null && (typeof id !== 'number' || !Number.isInteger(id))) {
    throw Errors.unprocessable('"id" must be an integer');
  }
  if (
    version !== undefined &&
    version !== null &&
    (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
  ) {
    throw Errors.invalidVersion(String(version));
  }
  return {
    ...submission,
    ...(typeof id === 'number' ? { id } : {}),
    ...(typeof version === 'number' ? { version } : {}),
  };
}

/** PUT /config's `{"compatibility": "..."}` (any case); 42203 otherwise. */
export function compatibilityUpdate(body: unknown): CompatibilityLevel {
  const requested =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>).compatibility : undefined;
  const level = typeof requested === 'string' ? parseCompatibilityLevel(requested) : undefined;
  if (!level) throw Errors.invalidCompatibilityLevel();
  return level;
}

/** PUT /mode's `{"mode": "..."}` (any case); 42204 otherwise. */
export function modeUpdate(body: unknown): Mode {
  const requested =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>).mode : undefined;
  const mode = parseMode(requested);
  if (!mode) throw Errors.invalidMode();
  return mode;
}

/** A version path segment as Confluent's VersionId reads it: `latest` (any case, trimmed) or 1..2^31-1. */
export function versionId(text: string): VersionId {
  const trimmed = text.trim();
  if (trimmed.toLowerCase() === 'latest') return LATEST;
  if (/^-?\d+$/.test(trimmed)) {
    const version = Number(trimmed);
    if (version === LATEST) return LATEST;
    if (version >= 1 && version <= 2 ** 31 - 1) return version;
  }
  throw Errors.invalidVersion(text);
}

/** A schema id path segment. One that is not a number names no schema (40403), as in Confluent's registry. */
export function schemaId(text: string): number {
  const id = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(id)) throw RegistryErrors.schemaNotFound();
  return id;
}

/** A boolean query parameter: `true` in any case; anything else, or absent, is false. */
export function flag(query: URLSearchParams, name: string): boolean {
  return query.get(name)?.toLowerCase() === 'true';
}

/** A text query parameter, absent when empty. */
export function text(query: URLSearchParams, name: string): string | undefined {
  return query.get(name) || undefined;
}

/** Applies Confluent's `offset`/`limit` paging (limit -1 or absent = all). */
export function page<T>(items: T[], query: URLSearchParams): T[] {
  const offset = Math.max(0, Number(query.get('offset') ?? 0) || 0);
  const limitText = query.get('limit');
  const limit = limitText === null ? -1 : Number(limitText);
  const rest = items.slice(offset);
  return Number.isInteger(limit) && limit >= 0 ? rest.slice(0, limit) : rest;
}
