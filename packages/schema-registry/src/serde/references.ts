import type { SchemaRegistryClient } from '../client/client.js';
import type { SchemaReference } from '../server/records.js';

/** A reference with the schema it names and, in turn, that schema's references. */
export interface FetchedReference extends SchemaReference {
  schema: string;
  references: FetchedReference[];
}

/**
 * The schemas a schema's references name, fetched from the registry with their own references, depth first (the
 * shape the JSON Schema and Protobuf parsers take). Each (subject, version) is fetched once.
 */
export async function fetchReferences(
  client: SchemaRegistryClient,
  references: readonly SchemaReference[] | undefined,
  seen = new Map<string, Promise<FetchedReference>>(),
  depth = 0,
): Promise<FetchedReference[]> {
  if (depth > 32) throw new Error('Schema references nest more than 32 levels deep');
  return Promise.all(
    (references ?? []).map((reference) => {
      const key = `${reference.subject}\u0000${reference.version}`;
      let resolved = seen.get(key);
      if (!resolved) {
        resolved = client.getVersion(reference.subject, reference.version).then(async (version) => ({
          ...reference,
          schema: version.schema,
          references: await fetchReferences(client, version.references, seen, depth + 1),
        }));
        seen.set(key, resolved);
      }
      return resolved.then((found) => ({ ...found, name: reference.name }));
    }),
  );
}
