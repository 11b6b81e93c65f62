import { SchemaParseError } from '../../errors.js';
import { checkTextNesting } from '../../nesting.js';
import { descend, runWalk, type Walk } from '../../walk.js';
import { SCHEMA_TYPES, schemaFormat, storedFormat } from '../formats/formats.js';
import type { ResolvedReference, SchemaFormat, StoredVersion } from '../formats/schema-format.js';
import type { SchemaReference, SchemaValue } from '../records.js';
import type { RegistryState } from '../state.js';
import { RegistryErrors } from './errors.js';
import { LATEST, type SchemaSubmission } from './input.js';

/** A submitted schema, parsed by its format, with the forms registrations store and compare. */
export interface ParsedSubmission {
  format: SchemaFormat;
  parsed: unknown;
  canonical: string;
  normalized: string;
  references: SchemaReference[];
}

/** The format a stored version is in (Avro when the value names none). */
function typeOf(value: SchemaValue): string {
  return (value.schemaType ?? 'AVRO').toUpperCase();
}

/** Whether two reference lists are the same references in the same order. */
export function sameReferences(a: readonly SchemaReference[], b: readonly SchemaReference[]): boolean {
  return (
    a.length === b.length &&
    a.every((r, i) => r.name === b[i]!.name && r.subject === b[i]!.subject && r.version === b[i]!.version)
  );
}

/**
 * From schema text to parsed schema, through the schema's format: submitted schemas (checked strictly, 42201 when
 * they do not parse or nest deeper than `maxNestingDepth`) and stored versions (read leniently and at any depth,
 * cached by id), with their references resolved against the registry's state.
 *
 * Versions stored before the nesting limit existed (by an older Samsa, or by Confluent's registry in a shared
 * `_schemas` topic) load and are served as they are; a new version is checked for compatibility against them by
 * walks that do not recurse on the stack. Only submissions are bounded, so a lookup of such a schema's text, or a
 * new version as deep, is refused with 42201.
 */
export class SchemaReader {
  private readonly parsedById = new Map<number, unknown>();

  constructor(
    private readonly state: RegistryState,
    private readonly maxSchemaChars: number,
    private readonly maxNestingDepth: number,
  ) {}

  /**
   * Parses a submitted schema. `strict` applies the checks of a new registration (Avro: names and defaults), as
   * registering and compatibility tests do; a lookup compares leniently.
   */
  parse(submission: SchemaSubmission, options: { strict: boolean }): ParsedSubmission {
    const format = schemaFormat(submission.schemaType);
    if (!format) {
      throw RegistryErrors.invalidSchema(
        `Invalid schema type ${submission.schemaType}: this registry serves ${SCHEMA_TYPES.join(', ')} schemas only`,
      );
    }
    if (submission.schema.trim() === '') throw RegistryErrors.invalidSchema('Empty schema');
    if (submission.schema.length > this.maxSchemaChars)
      throw RegistryErrors.schemaTooLarge(this.maxSchemaChars);
    const references = this.resolve(submission.references);
    try {
      // Bounded before any format parses it, whatever the format.
      checkTextNesting(submission.schema, this.maxNestingDepth);
      const parsed = format.parse(submission.schema, references, {
        strict: options.strict,
        maxNestingDepth: this.maxNestingDepth,
      });
      return {
        format,
        parsed,
        canonical: format.canonicalForm(parsed),
        normalized: format.normalizedForm(parsed),
        references: submission.references,
      };
    } catch (error) {
      if (error instanceof SchemaParseError)
        throw RegistryErrors.invalidSchema(`Invalid schema: ${error.message}`);
      throw error;
    }
  }

  /** A stored version, parsed: what compatibility checks compare against. */
  stored(value: SchemaValue): StoredVersion<unknown> {
    let parsed = this.parsedById.get(value.id);
    if (parsed === undefined) {
      const references = this.resolve(value.references ?? []);
      parsed = storedFormat(value.schemaType).parse(value.schema, references, {
        strict: false,
        maxNestingDepth: Number.POSITIVE_INFINITY,
      });
      this.parsedById.set(value.id, parsed);
    }
    return { version: value.version, schema: value.schema, parsed };
  }

  /**
   * Whether a stored version holds the submitted schema: the same format and references, and the same stored
   * text, or with `normalize` the same normalized form.
   */
  sameSchema(value: SchemaValue, candidate: ParsedSubmission, normalize: boolean): boolean {
    if (typeOf(value) !== candidate.format.type) return false;
    if (!sameReferences(value.references ?? [], candidate.references)) return false;
    if (value.schema === candidate.canonical) return true;
    try {
      const stored = this.stored(value).parsed;
      // A version another registry wrote (Confluent's or Karapace's) may lay the same schema out differently.
      if (candidate.format.type !== 'AVRO' && candidate.format.canonicalForm(stored) === candidate.canonical)
        return true;
      return normalize && candidate.format.normalizedForm(stored) === candidate.normalized;
    } catch {
      return false;
    }
  }

  /** Follows references to the versions they name, depth first, each version once, however long the chain. */
  private resolve(references: readonly SchemaReference[]): ResolvedReference[] {
    return runWalk(this.resolving(references, new Set()));
  }

  private *resolving(references: readonly SchemaReference[], seen: Set<string>): Walk<ResolvedReference[]> {
    const resolved: ResolvedReference[] = [];
    for (const reference of references) {
      const key = `${reference.subject}\u0000${reference.version}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const versions = this.state.versions(reference.subject, true);
      const value =
        reference.version === LATEST
          ? versions.filter((v) => !v.deleted).at(-1)
          : versions.find((v) => v.version === reference.version);
      if (!value) {
        throw RegistryErrors.invalidSchema(
          `Invalid schema: reference '${reference.name}' points at subject '${reference.subject}' version ${reference.version}, which does not exist; register referenced schemas first`,
        );
      }
      resolved.push({
        ...reference,
        schema: value.schema,
        references: yield* descend(this.resolving(value.references ?? [], seen)),
      });
    }
    return resolved;
  }
}
