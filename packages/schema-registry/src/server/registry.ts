import { md5, toCanonicalString, toNormalizedString } from '../avro/canonical.js';
import { parseAvro } from '../avro/parse.js';
import type { AvroSchema, NamedSchema } from '../avro/schema.js';
import {
  type CompatibilityLevel,
  checkSubjectCompatibility,
  parseCompatibilityLevel,
} from '../compatibility/levels.js';
import { formatVersionMessages } from '../compatibility/messages.js';
import { RegistryStoreTimeoutError, SchemaParseError } from '../errors.js';
import { Errors, RestError } from './errors.js';
import {
  configKey,
  deleteSubjectKey,
  type Mode,
  modeKey,
  parseMode,
  type RegistryRecord,
  type SchemaReference,
  type SchemaValue,
  schemaKey,
} from './records.js';
import { RegistryState } from './state.js';
import type { RegistryLog } from './store.js';

export interface RegistryOptions {
  /** The compatibility level used when neither the subject nor the global config sets one (default BACKWARD). */
  defaultCompatibility?: CompatibilityLevel;
  /**
   * `error_code` of an incompatible registration: 40901 as Confluent 8.x answers, or 409 as Confluent up to 7.9 and
   * Karapace do (the HTTP status is 409 either way). Default 40901.
   */
  incompatibleErrorCode?: 409 | 40901;
  /** Largest schema string accepted at registration, in characters (default 1 MiB; 42209 above). */
  maxSchemaChars?: number;
}

export interface RegisterRequest {
  schema?: unknown;
  schemaType?: unknown;
  references?: unknown;
  id?: unknown;
  version?: unknown;
}

/** The schema as the REST API returns it (`Schema` in Confluent's OpenAPI). */
export interface SchemaResponse {
  subject: string;
  version: number;
  id: number;
  schemaType?: string;
  references?: SchemaReference[];
  schema: string;
}

/** A version selector: a positive version or -1 for `latest`. */
export type VersionId = number;

export const LATEST = -1;

/** Parses a version path segment as Confluent's VersionId does: `latest` (any case, trimmed) or 1..2^31-1. */
export function parseVersionId(text: string): VersionId {
  const trimmed = text.trim();
  if (trimmed.toLowerCase() === 'latest') return LATEST;
  if (/^-?\d+$/.test(trimmed)) {
    const version = Number(trimmed);
    if (version === LATEST) return LATEST;
    if (version >= 1 && version <= 2 ** 31 - 1) return version;
  }
  throw Errors.invalidVersion(text);
}

/** A storage failure as Confluent reports it: 50002 for timeouts, 50001 otherwise. */
function storeFailure(what: string, error: unknown): RestError {
  const message = `${what}: ${(error as Error)?.message ?? String(error)}`;
  return error instanceof RegistryStoreTimeoutError
    ? Errors.operationTimeout(message)
    : Errors.storeError(message);
}

function referencesKey(references: readonly SchemaReference[]): string {
  return JSON.stringify(references.map((r) => [r.name, r.subject, r.version]));
}

/**
 * The registry's behaviour, independent of HTTP: Confluent's semantics for subjects, versions, ids, deletes,
 * config, mode and compatibility, over a RegistryLog. Writes must only run on the leader (the HTTP layer forwards).
 */
export class Registry {
  readonly state = new RegistryState();
  private readonly defaultLevel: CompatibilityLevel;
  private readonly incompatibleErrorCode: number;
  private readonly maxSchemaChars: number;
  private readonly parsedCache = new Map<number, AvroSchema>();
  // Writes are serialized: each one reads the state, decides, and appends before the next starts.
  private writeQueue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly log: RegistryLog,
    options: RegistryOptions = {},
  ) {
    this.defaultLevel = options.defaultCompatibility ?? 'BACKWARD';
    this.incompatibleErrorCode = options.incompatibleErrorCode ?? 40901;
    this.maxSchemaChars = options.maxSchemaChars ?? 1024 * 1024;
  }

  async start(): Promise<void> {
    await this.log.start((record) => this.state.apply(record));
  }

  async close(): Promise<void> {
    await this.writeQueue.catch(() => {});
    await this.log.close();
  }

  /** Resolves once everything in the log when called has been applied here (a follower after a forwarded write). */
  catchUp(): Promise<void> {
    return this.log.catchUp();
  }

  private write<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.writeQueue.then(async () => {
      try {
        await this.log.catchUp();
      } catch (error) {
        throw storeFailure('Error while reading the schema log up to its end before a write', error);
      }
      return operation();
    });
    this.writeQueue = run.catch(() => {});
    return run;
  }

  private async append(records: RegistryRecord[]): Promise<void> {
    try {
      await this.log.append(records);
    } catch (error) {
      throw storeFailure('Error while writing to the schema log', error);
    }
  }

  // ---------------------------------------------------------------------------------------------- config and mode

  globalCompatibility(): CompatibilityLevel {
    return this.state.compatibilityOf(null) ?? this.defaultLevel;
  }

  effectiveCompatibility(subject: string): CompatibilityLevel {
    return this.state.compatibilityOf(subject) ?? this.globalCompatibility();
  }

  getConfig(subject: string | null, defaultToGlobal: boolean): { compatibilityLevel: CompatibilityLevel } {
    if (subject === null) return { compatibilityLevel: this.globalCompatibility() };
    const level = this.state.compatibilityOf(subject);
    if (level) return { compatibilityLevel: level };
    if (defaultToGlobal) return { compatibilityLevel: this.globalCompatibility() };
    throw Errors.subjectLevelCompatibilityNotConfigured(subject);
  }

  setConfig(subject: string | null, body: unknown): Promise<{ compatibility: CompatibilityLevel }> {
    const requested =
      typeof body === 'object' && body !== null ? (body as Record<string, unknown>).compatibility : undefined;
    const level = typeof requested === 'string' ? parseCompatibilityLevel(requested) : undefined;
    if (!level) return Promise.reject(Errors.invalidCompatibilityLevel());
    if (subject !== null) this.validateSubject(subject);
    return this.write(async () => {
      await this.append([{ key: configKey(subject), value: { compatibilityLevel: level } }]);
      return { compatibility: level };
    });
  }

  deleteConfig(subject: string | null): Promise<{ compatibilityLevel: CompatibilityLevel }> {
    return this.write(async () => {
      if (subject === null) {
        const old = this.globalCompatibility();
        await this.append([{ key: configKey(null), value: null }]);
        return { compatibilityLevel: old };
      }
      if (this.state.versions(subject, true).length === 0 && !this.state.configs.has(subject)) {
        throw Errors.subjectNotFound(subject);
      }
      const old = this.state.compatibilityOf(subject);
      if (!old) throw Errors.subjectLevelCompatibilityNotConfigured(subject);
      await this.append([{ key: configKey(subject), value: null }]);
      return { compatibilityLevel: old };
    });
  }

  globalMode(): Mode {
    return this.state.modes.get(null) ?? 'READWRITE';
  }

  effectiveMode(subject: string): Mode {
    return this.state.modes.get(subject) ?? this.globalMode();
  }

  getMode(subject: string | null, defaultToGlobal: boolean): { mode: Mode } {
    if (subject === null) return { mode: this.globalMode() };
    const mode = this.state.modes.get(subject);
    if (mode) return { mode };
    if (defaultToGlobal) return { mode: this.globalMode() };
    throw Errors.subjectLevelModeNotConfigured(subject);
  }

  setMode(subject: string | null, body: unknown, force: boolean): Promise<{ mode: Mode }> {
    const requested =
      typeof body === 'object' && body !== null ? (body as Record<string, unknown>).mode : undefined;
    const mode = parseMode(requested);
    if (!mode) return Promise.reject(Errors.invalidMode());
    if (subject !== null) this.validateSubject(subject);
    return this.write(async () => {
      if (mode === 'IMPORT' && !force) {
        const hasSchemas =
          subject === null ? this.state.subjects.size > 0 : this.state.versions(subject, true).length > 0;
        if (hasSchemas) {
          throw Errors.operationNotPermitted(
            'Cannot import since found existing subjects; set force=true to switch to IMPORT mode anyway',
          );
        }
      }
      await this.append([{ key: modeKey(subject), value: { mode } }]);
      return { mode };
    });
  }

  deleteMode(subject: string | null): Promise<{ mode: Mode }> {
    return this.write(async () => {
      const old = subject === null ? this.globalMode() : this.state.modes.get(subject);
      if (!old) throw Errors.subjectLevelModeNotConfigured(subject ?? '');
      await this.append([{ key: modeKey(subject), value: null }]);
      return { mode: old };
    });
  }

  // ------------------------------------------------------------------------------------------------------ reading

  listSubjects(options: { prefix?: string; deleted?: boolean; deletedOnly?: boolean }): string[] {
    return this.state.subjectNames().filter((subject) => {
      if (options.prefix && !subject.startsWith(options.prefix)) return false;
      const all = this.state.versions(subject, true);
      const live = all.some((value) => !value.deleted);
      if (options.deletedOnly) return all.some((value) => value.deleted);
      return live || options.deleted === true;
    });
  }

  private requireVersions(subject: string, includeDeleted: boolean): SchemaValue[] {
    const versions = this.state.versions(subject, includeDeleted);
    if (versions.length === 0) throw Errors.subjectNotFound(subject);
    return versions;
  }

  listVersions(
    subject: string,
    options: { deleted?: boolean; deletedOnly?: boolean; deletedAsNegative?: boolean },
  ): number[] {
    const all = this.state.versions(subject, true);
    if (all.length === 0) throw Errors.subjectNotFound(subject);
    const includeDeleted = options.deleted === true || options.deletedAsNegative === true;
    const selected = options.deletedOnly
      ? all.filter((value) => value.deleted)
      : all.filter((value) => includeDeleted || !value.deleted);
    if (selected.length === 0 && !options.deletedOnly) throw Errors.subjectNotFound(subject);
    return selected.map((value) =>
      options.deletedAsNegative && value.deleted ? -value.version : value.version,
    );
  }

  getVersion(subject: string, version: VersionId, includeDeleted: boolean): SchemaResponse {
    const versions = this.requireVersions(subject, includeDeleted);
    const value =
      version === LATEST ? versions[versions.length - 1] : versions.find((v) => v.version === version);
    if (!value) throw Errors.versionNotFound(version);
    return this.toResponse(value);
  }

  toResponse(value: SchemaValue): SchemaResponse {
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

  getSchemaById(id: number, fetchMaxId: boolean) {
    const stored = this.state.schemaById(id);
    if (!stored) throw Errors.schemaNotFound(id);
    const response: { schema: string; schemaType?: string; references?: SchemaReference[]; maxId?: number } =
      {
        schema: stored.schema,
      };
    if (stored.schemaType && stored.schemaType !== 'AVRO') response.schemaType = stored.schemaType;
    if (stored.references.length > 0) response.references = stored.references;
    if (fetchMaxId) response.maxId = this.state.maxId;
    return response;
  }

  subjectsOfId(id: number, includeDeleted: boolean, subjectFilter?: string): string[] {
    if (!this.state.schemaById(id)) throw Errors.schemaNotFound(id);
    const subjects = new Set<string>();
    for (const use of this.state.usesOfId(id)) {
      if ((includeDeleted || !use.deleted) && (!subjectFilter || use.subject === subjectFilter))
        subjects.add(use.subject);
    }
    return [...subjects];
  }

  versionsOfId(
    id: number,
    includeDeleted: boolean,
    subjectFilter?: string,
  ): Array<{ subject: string; version: number }> {
    if (!this.state.schemaById(id)) throw Errors.schemaNotFound(id);
    return this.state
      .usesOfId(id)
      .filter((use) => (includeDeleted || !use.deleted) && (!subjectFilter || use.subject === subjectFilter))
      .map((use) => ({ subject: use.subject, version: use.version }));
  }

  listSchemas(options: { prefix?: string; deleted?: boolean; latestOnly?: boolean }): SchemaResponse[] {
    const out: SchemaResponse[] = [];
    for (const subject of this.state.subjectNames()) {
      if (options.prefix && !subject.startsWith(options.prefix)) continue;
      const versions = this.state.versions(subject, options.deleted === true);
      const selected = options.latestOnly ? versions.slice(-1) : versions;
      for (const value of selected) out.push(this.toResponse(value));
    }
    return out;
  }

  referencedBy(subject: string, version: VersionId, includeDeleted: boolean): number[] {
    const target = this.getVersion(subject, version, includeDeleted);
    return this.referrers(target.subject, target.version, includeDeleted);
  }

  private referrers(subject: string, version: number, includeDeleted: boolean): number[] {
    const ids = new Set<number>();
    for (const name of this.state.subjectNames()) {
      for (const value of this.state.versions(name, includeDeleted)) {
        if (value.references?.some((ref) => ref.subject === subject && ref.version === version))
          ids.add(value.id);
      }
    }
    return [...ids].sort((a, b) => a - b);
  }

  // ------------------------------------------------------------------------------------------ parsing and lookups

  validateSubject(subject: string): void {
    const hasControlCharacter = [...subject].some((c) => c.charCodeAt(0) < 0x20);
    if (subject.trim() === '' || hasControlCharacter || subject === '__GLOBAL' || subject === '__EMPTY') {
      throw Errors.invalidSubject(subject);
    }
  }

  /** Resolves references recursively into named types, in dependency order. */
  private resolveReferences(
    references: readonly SchemaReference[],
    seen = new Set<string>(),
  ): Map<string, NamedSchema> {
    const named = new Map<string, NamedSchema>();
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
        throw Errors.invalidSchema(
          `Invalid schema: reference '${reference.name}' points at subject '${reference.subject}' version ${reference.version}, which does not exist; register referenced schemas first`,
        );
      }
      for (const [name, schema] of this.resolveReferences(value.references ?? [], seen))
        named.set(name, schema);
      const parsed = parseAvro(value.schema, {
        validateNames: false,
        validateDefaults: false,
        namedTypes: named,
      });
      for (const [name, schema] of parsed.namedTypes) named.set(name, schema);
    }
    return named;
  }

  private parseReferences(raw: unknown): SchemaReference[] {
    if (raw === undefined || raw === null) return [];
    if (!Array.isArray(raw))
      throw Errors.unprocessable('"references" must be an array of {name, subject, version}');
    return raw.map((ref) => {
      const r = ref as Record<string, unknown>;
      if (typeof r?.name !== 'string' || typeof r.subject !== 'string' || typeof r.version !== 'number') {
        throw Errors.unprocessable(
          'Each reference needs a string "name", a string "subject" and a numeric "version"',
        );
      }
      return { name: r.name, subject: r.subject, version: r.version };
    });
  }

  /** Parses a request's schema: 42201 for anything that is not a valid Avro schema. */
  parseRequestSchema(
    request: RegisterRequest,
    asNew: boolean,
  ): { schema: AvroSchema; canonical: string; normalized: string; references: SchemaReference[] } {
    if (request === null || typeof request !== 'object')
      throw Errors.unprocessable('The request body must be a JSON object');
    const schemaType = request.schemaType ?? 'AVRO';
    if (typeof schemaType !== 'string' || schemaType.toUpperCase() !== 'AVRO') {
      throw Errors.invalidSchema(
        `Invalid schema type ${String(schemaType)}: this registry serves AVRO schemas only`,
      );
    }
    if (typeof request.schema !== 'string' || request.schema.trim() === '')
      throw Errors.invalidSchema('Empty schema');
    if (request.schema.length > this.maxSchemaChars) {
      throw Errors.schemaTooLarge(`Schema is larger than ${this.maxSchemaChars} characters`);
    }
    const references = this.parseReferences(request.references);
    const namedTypes = this.resolveReferences(references);
    try {
      const parsed = parseAvro(request.schema, { validateNames: asNew, validateDefaults: asNew, namedTypes });
      return {
        schema: parsed.schema,
        canonical: toCanonicalString(parsed.schema, namedTypes.keys()),
        normalized: toNormalizedString(parsed.schema, namedTypes.keys()),
        references,
      };
    } catch (error) {
      if (error instanceof SchemaParseError) throw Errors.invalidSchema(`Invalid schema: ${error.message}`);
      throw error;
    }
  }

  private parsedVersion(value: SchemaValue): AvroSchema {
    let parsed = this.parsedCache.get(value.id);
    if (!parsed) {
      const namedTypes = this.resolveReferences(value.references ?? []);
      parsed = parseAvro(value.schema, { validateNames: false, validateDefaults: false, namedTypes }).schema;
      this.parsedCache.set(value.id, parsed);
    }
    return parsed;
  }

  private sameSchema(
    value: SchemaValue,
    candidate: { canonical: string; normalized: string; references: SchemaReference[] },
    normalize: boolean,
  ): boolean {
    if (referencesKey(value.references ?? []) !== referencesKey(candidate.references)) return false;
    if (value.schema === candidate.canonical) return true;
    if (!normalize) return false;
    try {
      const referenced = this.resolveReferences(value.references ?? []).keys();
      return toNormalizedString(this.parsedVersion(value), referenced) === candidate.normalized;
    } catch {
      return false;
    }
  }

  lookup(
    subject: string,
    request: RegisterRequest,
    options: { normalize?: boolean; deleted?: boolean },
  ): SchemaResponse {
    const versions = this.requireVersions(subject, options.deleted === true);
    const candidate = this.parseRequestSchema(request, false);
    const match = [...versions]
      .reverse()
      .find((value) => this.sameSchema(value, candidate, options.normalize === true));
    if (!match) throw Errors.schemaNotFound();
    return this.toResponse(match);
  }

  // --------------------------------------------------------------------------------------------- compatibility

  /** Checks a schema against versions of a subject; returns Confluent's verbose messages for the first failure. */
  private compatibilityAgainst(
    schema: AvroSchema,
    previous: SchemaValue[],
    level: CompatibilityLevel,
    options: { onlyThese?: boolean } = {},
  ): { compatible: boolean; messages: string[] } {
    const parsed = previous.map((value) => this.parsedVersion(value));
    // A single explicitly chosen version is checked alone, even under a transitive level (as Confluent does).
    const effectiveLevel = options.onlyThese
      ? (level.replace('_TRANSITIVE', '') as CompatibilityLevel)
      : level;
    const result = checkSubjectCompatibility(schema, parsed, effectiveLevel, {
      stopAtFirstIncompatible: true,
    });
    const failed = result.checked.find((check) => !check.compatible);
    if (!failed) return { compatible: true, messages: [] };
    const old = previous[failed.previousIndex]!;
    const ordered = [
      ...failed.incompatibilities.filter((i) => i.direction === 'old-reads-new'),
      ...failed.incompatibilities.filter((i) => i.direction === 'new-reads-old'),
    ];
    return { compatible: false, messages: formatVersionMessages(ordered, old.version, old.schema, level) };
  }

  testCompatibility(
    subject: string,
    version: VersionId | 'all',
    request: RegisterRequest,
    verbose: boolean,
  ): { is_compatible: boolean; messages?: string[] } {
    const candidate = this.parseRequestSchema(request, true);
    const level = this.effectiveCompatibility(subject);
    let previous: SchemaValue[];
    if (version === 'all') {
      previous = this.state.versions(subject, false);
    } else {
      const live = this.state.versions(subject, false);
      if (version === LATEST) {
        previous = live.slice(-1);
      } else {
        if (this.state.versions(subject, true).length === 0) throw Errors.subjectNotFound(subject);
        const value = live.find((v) => v.version === version);
        if (!value) throw Errors.versionNotFound(version);
        previous = [value];
      }
    }
    const result =
      level === 'NONE' || previous.length === 0
        ? { compatible: true, messages: [] }
        : this.compatibilityAgainst(candidate.schema, previous, level, { onlyThese: version !== 'all' });
    return verbose
      ? { is_compatible: result.compatible, messages: result.messages }
      : { is_compatible: result.compatible };
  }

  // ------------------------------------------------------------------------------------------------------ writing

  register(
    subject: string,
    request: RegisterRequest,
    options: { normalize?: boolean; force?: boolean },
  ): Promise<{ id: number }> {
    this.validateSubject(subject);
    const candidate = this.parseRequestSchema(request, true);
    const requestedId = request.id;
    const requestedVersion = request.version;
    if (
      requestedId !== undefined &&
      requestedId !== null &&
      (typeof requestedId !== 'number' || !Number.isInteger(requestedId))
    ) {
      throw Errors.unprocessable('"id" must be an integer');
    }
    if (
      requestedVersion !== undefined &&
      requestedVersion !== null &&
      (typeof requestedVersion !== 'number' || !Number.isInteger(requestedVersion) || requestedVersion < 1)
    ) {
      throw Errors.invalidVersion(String(requestedVersion));
    }
    return this.write(async () => {
      const mode = this.effectiveMode(subject);
      const importing = mode === 'IMPORT' || mode === 'FORWARD';
      const hasId = typeof requestedId === 'number' && requestedId >= 0;
      if (mode === 'READONLY' || mode === 'READONLY_OVERRIDE') {
        throw Errors.operationNotPermitted(`Subject ${subject} is in read-only mode`);
      }
      if (hasId && !importing) throw Errors.operationNotPermitted(`Subject ${subject} is not in import mode`);
      if (!hasId && mode !== 'READWRITE') {
        throw Errors.operationNotPermitted(
          `Subject ${subject} is in ${mode} mode; registering needs READWRITE mode`,
        );
      }
      const normalize = options.normalize === true || this.state.configs.get(subject)?.normalize === true;
      const canonical = normalize ? candidate.normalized : candidate.canonical;
      const all = this.state.versions(subject, true);
      const live = all.filter((value) => !value.deleted);

      // Idempotent: the same schema already live under this subject keeps its id and version.
      const existing = [...live].reverse().find((value) => this.sameSchema(value, candidate, normalize));
      if (existing && !hasId) return { id: existing.id };

      if (!importing && options.force !== true) {
        const level = this.effectiveCompatibility(subject);
        if (level !== 'NONE' && live.length > 0) {
          const result = this.compatibilityAgainst(candidate.schema, live, level);
          if (!result.compatible) {
            throw Errors.incompatibleSchema(
              this.incompatibleErrorCode,
              `Schema being registered is incompatible with an earlier schema for subject "${subject}", details: [${result.messages.join(', ')}]`,
            );
          }
        }
      }

      let id: number;
      if (hasId) {
        id = requestedId as number;
        const stored = this.state.schemaById(id);
        if (
          stored &&
          (stored.schema !== canonical ||
            referencesKey(stored.references) !== referencesKey(candidate.references))
        ) {
          throw Errors.idDoesNotMatch(
            `Overwrite new schema with id ${id} is not permitted: id ${id} already holds a different schema`,
          );
        }
      } else {
        id = this.findIdFor(canonical, candidate.references) ?? this.state.maxId + 1;
      }
      const maxVersion = all.reduce((max, value) => Math.max(max, value.version), 0);
      let version = maxVersion + 1;
      if (hasId && typeof requestedVersion === 'number') {
        version = requestedVersion;
        if (all.some((value) => value.version === version && !value.deleted)) {
          throw Errors.operationNotPermitted(`Version ${version} of subject ${subject} already exists`);
        }
      }
      const value: SchemaValue = {
        subject,
        version,
        id,
        md5: md5(canonical).toString('base64'),
        ...(candidate.references.length > 0 ? { references: candidate.references } : {}),
        schema: canonical,
        deleted: false,
      };
      await this.append([{ key: schemaKey(subject, version), value }]);
      return { id };
    });
  }

  private findIdFor(canonical: string, references: SchemaReference[]): number | undefined {
    return this.state.idOf(canonical, references);
  }

  deleteVersion(subject: string, version: VersionId, permanent: boolean): Promise<number> {
    return this.write(async () => {
      this.requireWritable(subject);
      const all = this.state.versions(subject, true);
      if (all.length === 0) throw Errors.subjectNotFound(subject);
      const value =
        version === LATEST
          ? (permanent ? all : all.filter((v) => !v.deleted)).at(-1)
          : all.find((v) => v.version === version);
      if (!value) throw Errors.versionNotFound(version);
      if (!permanent && value.deleted) throw Errors.versionSoftDeleted(subject, value.version);
      if (permanent && !value.deleted) throw Errors.versionNotSoftDeleted(subject, value.version);
      if (this.referrers(subject, value.version, !permanent).length > 0) {
        throw Errors.referenceExists(`{magic=1,keytype=SCHEMA,subject=${subject},version=${value.version}}`);
      }
      if (!permanent) {
        await this.append([{ key: schemaKey(subject, value.version), value: { ...value, deleted: true } }]);
      } else {
        const records: RegistryRecord[] = [{ key: schemaKey(subject, value.version), value: null }];
        if (all.length === 1) {
          records.push({ key: configKey(subject), value: null }, { key: modeKey(subject), value: null });
        }
        await this.append(records);
      }
      return value.version;
    });
  }

  deleteSubject(subject: string, permanent: boolean): Promise<number[]> {
    return this.write(async () => {
      this.requireWritable(subject);
      const all = this.state.versions(subject, true);
      if (all.length === 0) throw Errors.subjectNotFound(subject);
      const live = all.filter((value) => !value.deleted);
      for (const value of permanent ? all : live) {
        if (this.referrers(subject, value.version, false).length > 0) {
          throw Errors.referenceExists(
            `{magic=1,keytype=SCHEMA,subject=${subject},version=${value.version}}`,
          );
        }
      }
      if (!permanent) {
        if (live.length === 0) throw Errors.subjectSoftDeleted(subject);
        await this.append([
          { key: deleteSubjectKey(subject), value: { subject, version: live[live.length - 1]!.version } },
        ]);
        return live.map((value) => value.version);
      }
      if (live.length > 0) throw Errors.subjectNotSoftDeleted(subject);
      await this.append([
        ...all.map((value): RegistryRecord => ({ key: schemaKey(subject, value.version), value: null })),
        { key: configKey(subject), value: null },
        { key: modeKey(subject), value: null },
      ]);
      return all.map((value) => value.version);
    });
  }

  private requireWritable(subject: string): void {
    const mode = this.effectiveMode(subject);
    if (mode === 'READONLY' || mode === 'READONLY_OVERRIDE') {
      throw Errors.operationNotPermitted(`Subject ${subject} is in read-only mode`);
    }
  }
}

export { RestError };
