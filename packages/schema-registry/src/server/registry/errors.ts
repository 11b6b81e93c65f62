import { SchemaRegistryError } from '../../errors.js';
import type { VersionId } from './input.js';

/** Why the registry refused an operation or could not complete it. */
export type RegistryErrorReason =
  | 'subject-not-found'
  | 'version-not-found'
  | 'schema-not-found'
  | 'subject-soft-deleted'
  | 'subject-not-soft-deleted'
  | 'version-soft-deleted'
  | 'version-not-soft-deleted'
  | 'subject-compatibility-not-configured'
  | 'subject-mode-not-configured'
  | 'incompatible-schema'
  | 'invalid-schema'
  | 'schema-too-large'
  | 'invalid-subject'
  | 'operation-not-permitted'
  | 'reference-exists'
  | 'id-conflict'
  | 'context-not-empty'
  | 'store-failed'
  | 'store-timeout';

/**
 * The registry's answer to an operation it refuses (a missing subject, an incompatible schema, a write in
 * READONLY mode) or cannot complete (the log failed). The message is Confluent's wording, which clients show to
 * people; the HTTP layer maps `reason` to the REST status and `error_code`.
 */
export class RegistryOperationError extends SchemaRegistryError {
  constructor(
    readonly reason: RegistryErrorReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, { code: 'REGISTRY_OPERATION', ...options });
  }
}

const refuse = (reason: RegistryErrorReason, message: string) => new RegistryOperationError(reason, message);

/** The registry's errors, one factory per reason. */
export const RegistryErrors = {
  subjectNotFound: (subject: string) => refuse('subject-not-found', `Subject '${subject}' not found.`),
  versionNotFound: (version: VersionId) => refuse('version-not-found', `Version ${version} not found.`),
  schemaNotFound: (id?: number) =>
    refuse('schema-not-found', id === undefined ? 'Schema not found' : `Schema ${id} not found`),
  subjectSoftDeleted: (subject: string) =>
    refuse(
      'subject-soft-deleted',
      `Subject '${subject}' was soft deleted.Set permanent=true to delete permanently`,
    ),
  subjectNotSoftDeleted: (subject: string) =>
    refuse(
      'subject-not-soft-deleted',
      `Subject '${subject}' was not deleted first before being permanently deleted`,
    ),
  versionSoftDeleted: (subject: string, version: number) =>
    refuse(
      'version-soft-deleted',
      `Subject '${subject}' Version ${version} was soft deleted.Set permanent=true to delete permanently`,
    ),
  versionNotSoftDeleted: (subject: string, version: number) =>
    refuse(
      'version-not-soft-deleted',
      `Subject '${subject}' Version ${version} was not deleted first before being permanently deleted`,
    ),
  subjectCompatibilityNotConfigured: (subject: string) =>
    refuse(
      'subject-compatibility-not-configured',
      `Subject '${subject}' does not have subject-level compatibility configured`,
    ),
  subjectModeNotConfigured: (subject: string) =>
    refuse('subject-mode-not-configured', `Subject '${subject}' does not have subject-level mode configured`),
  incompatibleSchema: (subject: string, messages: readonly string[]) =>
    refuse(
      'incompatible-schema',
      `Schema being registered is incompatible with an earlier schema for subject "${subject}", details: [${messages.join(', ')}]`,
    ),
  invalidSchema: (message: string) => refuse('invalid-schema', message),
  schemaTooLarge: (maxChars: number) =>
    refuse('schema-too-large', `Schema is larger than ${maxChars} characters`),
  invalidSubject: (subject: string) =>
    refuse('invalid-subject', `The specified subject '${subject}' is not a valid.`),
  operationNotPermitted: (message: string) => refuse('operation-not-permitted', message),
  referenceExists: (subject: string, version: number) =>
    refuse(
      'reference-exists',
      `One or more references exist to the schema {magic=1,keytype=SCHEMA,subject=${subject},version=${version}}.`,
    ),
  idConflict: (id: number) =>
    refuse(
      'id-conflict',
      `Overwrite new schema with id ${id} is not permitted: id ${id} already holds a different schema`,
    ),
  contextNotEmpty: (context: string) =>
    refuse('context-not-empty', `The specified context '${context}' is not empty.`),
};
