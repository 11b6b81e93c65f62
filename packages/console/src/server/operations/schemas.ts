/**
 * Schemas: subjects, versions, compatibility levels, registering, and checking a schema against a subject. A check
 * runs the registry's own checker (its verdict and messages) and Samsa's Avro compatibility rules, which name each
 * incompatibility with its rule, location and the version it breaks.
 */
import {
  checkSubjectCompatibility,
  describeIncompatibility,
  parseCompatibilityLevel,
  parseSchema,
  RegistryResponseError,
  type SchemaRegistryClient,
} from '@samsa/schema-registry';
import type { CompatibilityReport, SubjectDetails, SubjectSummary } from '../../api/types.js';
import { ApiError } from '../errors.js';
import type { OperationsContext } from './context.js';
import { topicsUsingSubject } from './subject-usage.js';

export function registryOf(ctx: OperationsContext): SchemaRegistryClient {
  if (!ctx.registry) {
    throw new ApiError(
      404,
      'NO_REGISTRY',
      'The console runs without a schema registry: start it with --registry <url>',
    );
  }
  return ctx.registry;
}

export async function listSubjects(ctx: OperationsContext): Promise<SubjectSummary[]> {
  const registry = registryOf(ctx);
  const subjects = await registry.listSubjects();
  const summaries = await Promise.all(
    subjects.map(async (subject) => {
      const [latest, versions] = await Promise.all([
        registry.getLatest(subject),
        registry.listVersions(subject),
      ]);
      return {
        subject,
        latestVersion: latest.version,
        latestId: latest.id,
        versions: versions.length,
        schemaType: latest.schemaType ?? 'AVRO',
      };
    }),
  );
  return summaries.sort((a, b) => a.subject.localeCompare(b.subject));
}

export async function describeSubject(
  ctx: OperationsContext,
  subject: string,
  outer?: AbortSignal,
): Promise<SubjectDetails> {
  const registry = registryOf(ctx);
  const [versions, compatibility] = await Promise.all([
    registry.getAllVersions(subject),
    registry.getCompatibility(subject),
  ]);
  return {
    subject,
    versions: versions.map((v) => ({
      version: v.version,
      id: v.id,
      schemaType: v.schemaType ?? 'AVRO',
      schema: v.schema,
    })),
    compatibility,
    topics: await topicsUsingSubject(
      ctx,
      subject,
      versions.map((v) => v.id),
      outer,
    ),
  };
}

export async function setCompatibility(
  ctx: OperationsContext,
  subject: string,
  level: string,
): Promise<string> {
  const parsed = parseCompatibilityLevel(level);
  if (!parsed) {
    throw new ApiError(
      400,
      'INVALID_COMPATIBILITY_LEVEL',
      `"${level}" is not a compatibility level: use NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, ` +
        'FORWARD_TRANSITIVE, FULL or FULL_TRANSITIVE',
    );
  }
  return registryOf(ctx).setCompatibility(parsed, subject);
}

/** Registers a new version; an incompatible one is refused with 409 and the report of what breaks. */
export async function registerSchema(
  ctx: OperationsContext,
  subject: string,
  schema: string,
): Promise<{ id: number }> {
  const registry = registryOf(ctx);
  parseSchema(schema);
  try {
    return { id: await registry.register(subject, { schema }) };
  } catch (error) {
    if (error instanceof RegistryResponseError && (error.errorCode === 409 || error.errorCode === 40901)) {
      const report = await checkSchema(ctx, subject, schema);
      throw new ApiError(
        409,
        'SCHEMA_INCOMPATIBLE',
        `The schema is not ${report.level}-compatible with subject ${subject}; nothing was registered`,
        report,
      );
    }
    throw error;
  }
}

export async function checkSchema(
  ctx: OperationsContext,
  subject: string,
  schema: string,
): Promise<CompatibilityReport> {
  const registry = registryOf(ctx);
  const parsed = parseSchema(schema);
  const [versions, level] = await Promise.all([
    registry.getAllVersions(subject).catch((error) => {
      if (error instanceof RegistryResponseError && error.errorCode === 40401) return [];
      throw error;
    }),
    registry.getCompatibility(subject),
  ]);
  const verdict = await registry.testCompatibility(subject, { schema }, { verbose: true }).catch((error) => {
    // A subject with no versions yet: anything is compatible.
    if (error instanceof RegistryResponseError && error.status === 404)
      return { is_compatible: true, messages: [] };
    throw error;
  });
  const result = checkSubjectCompatibility(
    parsed,
    versions.map((v) => parseSchema(v.schema, { validateNames: false, validateDefaults: false })),
    parseCompatibilityLevel(level) ?? 'BACKWARD',
  );
  return {
    compatible: verdict.is_compatible,
    level,
    incompatibilities: result.incompatibilities.map((i) => ({
      type: i.type,
      location: i.location,
      description: describeIncompatibility(i),
      version: versions[i.previousIndex]!.version,
      direction: i.direction,
    })),
    registryMessages: verdict.messages ?? [],
  };
}
