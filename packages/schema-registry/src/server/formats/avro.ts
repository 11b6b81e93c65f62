import { toCanonicalString, toNormalizedString } from '../../avro/canonical.js';
import { parseAvro } from '../../avro/parse.js';
import type { AvroSchema, NamedSchema } from '../../avro/schema.js';
import { type CompatibilityLevel, checkSubjectCompatibility } from '../../compatibility/levels.js';
import { formatVersionMessages } from '../../compatibility/messages.js';
import { descend, runWalk, type Walk } from '../../walk.js';
import type {
  CompatibilityVerdict,
  ResolvedReference,
  SchemaFormat,
  StoredVersion,
} from './schema-format.js';

/** An Avro schema as the registry keeps it: the schema and the named types its references define. */
export interface ParsedAvroVersion {
  schema: AvroSchema;
  /** Full names of the types that come from references: written by name, never inlined. */
  referencedNames: readonly string[];
}

/**
 * The named types a list of references defines, each referenced schema read with the types of its own references
 * (depth first), then added for the schemas after it. Referenced schemas are stored versions: read leniently and
 * at any depth (a schema using their types is still bounded by its own limit, which counts them where used), and
 * chains of references are followed without recursion.
 */
function namedTypesOf(references: readonly ResolvedReference[]): Map<string, NamedSchema> {
  return runWalk(collectNamedTypes(references));
}

function* collectNamedTypes(references: readonly ResolvedReference[]): Walk<Map<string, NamedSchema>> {
  const named = new Map<string, NamedSchema>();
  for (const reference of references) {
    for (const [name, schema] of yield* descend(collectNamedTypes(reference.references)))
      named.set(name, schema);
    const parsed = parseAvro(reference.schema, {
      validateNames: false,
      validateDefaults: false,
      namedTypes: named,
      maxNestingDepth: Number.POSITIVE_INFINITY,
    });
    for (const [name, schema] of parsed.namedTypes) named.set(name, schema);
  }
  return named;
}

export const avroFormat: SchemaFormat<ParsedAvroVersion> = {
  type: 'AVRO',

  parse(text, references, { strict, maxNestingDepth }) {
    const namedTypes = namedTypesOf(references);
    const parsed = parseAvro(text, {
      validateNames: strict,
      validateDefaults: strict,
      namedTypes,
      maxNestingDepth,
    });
    return { schema: parsed.schema, referencedNames: [...namedTypes.keys()] };
  },

  canonicalForm: (parsed) => toCanonicalString(parsed.schema, parsed.referencedNames),

  normalizedForm: (parsed) => toNormalizedString(parsed.schema, parsed.referencedNames),

  checkCompatibility(
    candidate: ParsedAvroVersion,
    previous: readonly StoredVersion<ParsedAvroVersion>[],
    level: CompatibilityLevel,
  ): CompatibilityVerdict {
    for (const old of [...previous].reverse()) {
      // One version at a time: `level`'s directions apply, its transitivity is the caller's choice of versions.
      const result = checkSubjectCompatibility(candidate.schema, [old.parsed.schema], level);
      if (result.compatible) continue;
      // Confluent lists what old readers cannot read first, then what the new schema cannot read.
      const ordered = [
        ...result.incompatibilities.filter((i) => i.direction === 'old-reads-new'),
        ...result.incompatibilities.filter((i) => i.direction === 'new-reads-old'),
      ];
      return { compatible: false, messages: formatVersionMessages(ordered, old.version, old.schema, level) };
    }
    return { compatible: true, messages: [] };
  },
};
