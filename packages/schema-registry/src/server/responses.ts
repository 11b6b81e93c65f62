import type { CompatibilityVerdict } from './formats/schema-format.js';
import type { SchemaReference, SchemaValue } from './records.js';
import type { SchemaById } from './registry/lookups.js';

/** The schema as the REST API returns it (`Schema` in Confluent's OpenAPI). */
export interface SchemaResponse {
  subject: string;
  version: number;
  id: number;
  schemaType?: string;
  references?: SchemaReference[];
  schema: string;
}

/** A stored version as the REST API shows it: `schemaType` only when not Avro, `references` only when any. */
export function schemaResponse(value: SchemaValue): SchemaResponse {
  const response: SchemaResponse = {
    subject: value.subject,
    version: value.version,
    id: value.id,
    schema: value.schema,
  };
  if (value.schemaType && value.schemaType !== 'AVRO') response.schemaType = value.schemaType;
  if (value.references && value.references.length > 0) response.references = value.references;
  return response;
}

/** GET /schemas/ids/{id}: `maxId` with `fetchMaxId`. */
export function schemaByIdResponse(stored: SchemaById, maxId?: number) {
  const response: { schema: string; schemaType?: string; references?: SchemaReference[]; maxId?: number } = {
    schema: stored.schema,
  };
  if (stored.schemaType && stored.schemaType !== 'AVRO') response.schemaType = stored.schemaType;
  if (stored.references.length > 0) response.references = stored.references;
  if (maxId !== undefined) response.maxId = maxId;
  return response;
}

/** POST /compatibility/...: `messages` only with `verbose`. */
export function compatibilityResponse(
  verdict: CompatibilityVerdict,
  verbose: boolean,
): { is_compatible: boolean; messages?: string[] } {
  return verbose
    ? { is_compatible: verdict.compatible, messages: verdict.messages }
    : { is_compatible: verdict.compatible };
}
