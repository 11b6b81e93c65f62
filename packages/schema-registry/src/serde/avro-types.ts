import avsc from 'avsc';
import type { SchemaRegistryClient } from '../client/client.js';
import { checkTextNesting, checkValueNesting } from '../nesting.js';
import type { SchemaReference } from '../server/records.js';

/** avsc options shared by every type Samsa builds, so serde and typed events agree on value shapes. */
export const AVSC_OPTIONS = { wrapUnions: 'auto' as const };

export type AvscType = avsc.Type;

/**
 * Builds an avsc type, first defining the named types of its references in the same registry. avsc compiles a
 * schema recursively, so each schema must nest no deeper than `MAX_NESTING_DEPTH` (else SchemaTooDeepError).
 */
export function avscTypeFor(
  schema: string | object,
  referenced: ReadonlyArray<string | object> = [],
): AvscType {
  const registry: Record<string, AvscType> = {};
  for (const reference of referenced) {
    avsc.Type.forSchema(boundedJson(reference) as avsc.Schema, { ...AVSC_OPTIONS, registry });
  }
  return avsc.Type.forSchema(boundedJson(schema) as avsc.Schema, { ...AVSC_OPTIONS, registry });
}

function boundedJson(schema: string | object): unknown {
  if (typeof schema === 'string') checkTextNesting(schema);
  else checkValueNesting(schema);
  return toJson(schema);
}

function toJson(schema: string | object): unknown {
  if (typeof schema !== 'string') return schema;
  try {
    return JSON.parse(schema);
  } catch {
    return schema; // a bare primitive name such as `string`
  }
}

/** Fetches the schemas a schema references (depth first, dependencies before dependents), without duplicates. */
export async function fetchReferencedSchemas(
  client: SchemaRegistryClient,
  references: readonly SchemaReference[] | undefined,
  seen = new Set<string>(),
): Promise<string[]> {
  const out: string[] = [];
  for (const reference of references ?? []) {
    const key = `${reference.subject}\u0000${reference.version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const version = await client.getVersion(reference.subject, reference.version);
    out.push(...(await fetchReferencedSchemas(client, version.references, seen)), version.schema);
  }
  return out;
}

/** Whether a top-level schema is plain `bytes`, which Java's serializer writes raw, without Avro's length prefix. */
export function isRawBytes(schema: unknown): boolean {
  const json = toJson(typeof schema === 'string' ? schema : JSON.stringify(schema));
  if (json === 'bytes') return true;
  return (
    typeof json === 'object' &&
    json !== null &&
    (json as { type?: unknown }).type === 'bytes' &&
    (json as { logicalType?: unknown }).logicalType === undefined
  );
}
