import type { CompatibilityLevel } from '../../compatibility/levels.js';

/**
 * The seam between the registry and a schema language. The registry owns subjects, versions, ids, references,
 * modes and which versions a check covers; a format owns what a schema text means: parsing it, its stored and
 * normalized forms, and whether one schema can follow another. Avro, JSON Schema and Protobuf each implement it.
 */
export interface SchemaFormat<Parsed = unknown> {
  /** The `schemaType` name, as the REST API spells it. */
  readonly type: string;
  /**
   * Parses schema text given the schemas it references, resolved. `strict` applies the checks a new registration
   * gets (Avro: name and default validation); versions already stored are read leniently. Throws SchemaParseError.
   *
   * `maxNestingDepth` (default `MAX_NESTING_DEPTH`) bounds how deep the schema may nest, so that the format's
   * recursive walks (canonical forms, compatibility) stay within the stack: a deeper schema throws
   * SchemaTooDeepError, a SchemaParseError. The registry has already bounded the text's bracket nesting
   * (`checkTextNesting`); a format bounds what its own types can nest beyond that (Avro: named types used inside
   * other types). Stored versions are read with `Infinity`: whatever a format reads that deep, it must read and
   * check for compatibility without recursing on the stack.
   */
  parse(
    text: string,
    references: readonly ResolvedReference[],
    options: { strict: boolean; maxNestingDepth?: number },
  ): Parsed;
  /** The form a registration stores and compares (Avro: canonical JSON, referenced types by name). */
  canonicalForm(parsed: Parsed): string;
  /** The form `normalize=true` compares (Avro: canonical with properties sorted). */
  normalizedForm(parsed: Parsed): string;
  /**
   * Checks `candidate` against each of `previous`, newest first, in the directions `level` names (BACKWARD: the
   * candidate reads each; FORWARD: each reads the candidate; FULL: both); the caller has chosen which versions
   * `level` covers. Stops at the first incompatible version and describes it in Confluent's verbose wording.
   */
  checkCompatibility(
    candidate: Parsed,
    previous: readonly StoredVersion<Parsed>[],
    level: CompatibilityLevel,
  ): CompatibilityVerdict;
}

/** A schema reference with what it points at: the referenced version's text and, in turn, its references. */
export interface ResolvedReference {
  /**
   * The name the referencing schema uses: Avro, the full name of a named type; JSON Schema, the URI its `$ref`s
   * use; Protobuf, the import path.
   */
  name: string;
  subject: string;
  version: number;
  schema: string;
  references: readonly ResolvedReference[];
}

export interface StoredVersion<Parsed> {
  version: number;
  /** The stored text, quoted in incompatibility messages. */
  schema: string;
  parsed: Parsed;
}

export interface CompatibilityVerdict {
  compatible: boolean;
  /** Confluent's messages for the first incompatible version (empty when compatible). */
  messages: string[];
}
