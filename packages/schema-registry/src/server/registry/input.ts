import type { SchemaReference } from '../records.js';

/**
 * What the registry's operations take: typed values the HTTP layer has already checked for shape (a JSON object,
 * strings where strings belong, integer ids and versions). What they mean (a valid subject, a schema that parses,
 * a version that exists) is the registry's to check.
 */

/** A version selector: a version number, or LATEST for `latest`. */
export type VersionId = number;

export const LATEST: VersionId = -1;

/** A schema as a request submits it (Confluent's RegisterSchemaRequest, without the import fields), unparsed. */
export interface SchemaSubmission {
  /** The format's name as the request gives it (`AVRO` when it names none); the registry checks it is served. */
  schemaType: string;
  /** The schema text; empty when the request has none. */
  schema: string;
  references: SchemaReference[];
}

/** A registration: a submission and, in IMPORT mode, the id and version to keep. */
export interface Registration extends SchemaSubmission {
  /** The id to register under; a negative id means none, as in Confluent's requests. */
  id?: number;
  /** The version to register as (1 or more), with `id`. */
  version?: number;
}

export interface SubjectListOptions {
  prefix?: string;
  deleted?: boolean;
  deletedOnly?: boolean;
}

export interface VersionListOptions {
  deleted?: boolean;
  deletedOnly?: boolean;
  /** Soft-deleted versions listed as negative numbers. */
  deletedAsNegative?: boolean;
}

export interface SchemaListOptions {
  prefix?: string;
  deleted?: boolean;
  latestOnly?: boolean;
}
