import type { CompatibilityLevel } from '../compatibility/levels.js';
import type { ConfigValue, Mode, RegistryRecord, SchemaReference, SchemaValue } from './records.js';

/** The in-memory view every instance builds by applying the log, record by record, in order. */
export class RegistryState {
  /** subject -> version -> value */
  readonly subjects = new Map<string, Map<number, SchemaValue>>();
  /** Schemas by id (text, type, references), kept while any version, deleted or not, uses the id. */
  private readonly byId = new Map<
    number,
    { schema: string; schemaType?: string; references: SchemaReference[] }
  >();
  private readonly idUsers = new Map<number, Set<string>>();
  /** (schema text, references) -> id, so registering finds an existing id without scanning. */
  private readonly idBySchema = new Map<string, number>();
  readonly configs = new Map<string | null, ConfigValue>();
  readonly modes = new Map<string | null, Mode>();
  /** Ids are never reused, even after a permanent delete. */
  maxId = 0;

  apply(record: RegistryRecord): void {
    switch (record.key.keytype) {
      case 'SCHEMA': {
        const { subject, version } = record.key;
        const value = record.value as SchemaValue | null;
        const versions = this.subjects.get(subject);
        const previous = versions?.get(version);
        if (previous) this.release(previous);
        if (value === null) {
          versions?.delete(version);
          if (versions?.size === 0) this.subjects.delete(subject);
          return;
        }
        let target = versions;
        if (!target) {
          target = new Map();
          this.subjects.set(subject, target);
        }
        target.set(version, value);
        this.maxId = Math.max(this.maxId, value.id);
        if (!this.byId.has(value.id)) {
          const references = value.references ?? [];
          this.byId.set(value.id, { schema: value.schema, schemaType: value.schemaType, references });
          const key = schemaIdentity(value.schema, references);
          if (!this.idBySchema.has(key)) this.idBySchema.set(key, value.id);
        }
        let users = this.idUsers.get(value.id);
        if (!users) {
          users = new Set();
          this.idUsers.set(value.id, users);
        }
        users.add(`${version}\u0000${subject}`);
        return;
      }
      case 'CONFIG': {
        const value = record.value as ConfigValue | null;
        if (value === null) this.configs.delete(record.key.subject);
        else this.configs.set(record.key.subject, value);
        return;
      }
      case 'MODE': {
        const value = record.value as { mode: Mode } | null;
        if (value === null) this.modes.delete(record.key.subject);
        else this.modes.set(record.key.subject, value.mode);
        return;
      }
      case 'DELETE_SUBJECT': {
        const value = record.value as { version: number } | null;
        const versions = this.subjects.get(record.key.subject);
        if (!value || !versions) return;
        for (const [version, schemaValue] of versions) {
          if (version <= value.version) versions.set(version, { ...schemaValue, deleted: true });
        }
        return;
      }
      case 'CLEAR_SUBJECT': {
        const value = record.value as { version: number } | null;
        const versions = this.subjects.get(record.key.subject);
        if (!value || !versions) return;
        for (const [version, schemaValue] of versions) {
          if (version <= value.version && schemaValue.deleted) {
            this.release(schemaValue);
            versions.delete(version);
          }
        }
        if (versions.size === 0) this.subjects.delete(record.key.subject);
        return;
      }
      case 'NOOP':
        return;
    }
  }

  private release(value: SchemaValue): void {
    const users = this.idUsers.get(value.id);
    users?.delete(`${value.version}\u0000${value.subject}`);
    if (users && users.size === 0) {
      this.idUsers.delete(value.id);
      const stored = this.byId.get(value.id);
      if (stored) {
        const key = schemaIdentity(stored.schema, stored.references);
        if (this.idBySchema.get(key) === value.id) this.idBySchema.delete(key);
      }
      this.byId.delete(value.id);
    }
  }

  /** The id already holding this exact schema text and references, if any. */
  idOf(schema: string, references: readonly SchemaReference[]): number | undefined {
    return this.idBySchema.get(schemaIdentity(schema, references));
  }

  schemaById(id: number) {
    return this.byId.get(id);
  }

  /** Every stored id in ascending order. */
  ids(): number[] {
    return [...this.byId.keys()].sort((a, b) => a - b);
  }

  /** All versions of a subject in ascending order, deleted ones only when asked. */
  versions(subject: string, includeDeleted: boolean): SchemaValue[] {
    const versions = this.subjects.get(subject);
    if (!versions) return [];
    return [...versions.values()]
      .filter((value) => includeDeleted || !value.deleted)
      .sort((a, b) => a.version - b.version);
  }

  subjectNames(): string[] {
    return [...this.subjects.keys()].sort();
  }

  /** Where an id is used: (subject, version, deleted) for every version with that id. */
  usesOfId(id: number): SchemaValue[] {
    const out: SchemaValue[] = [];
    for (const key of this.idUsers.get(id) ?? []) {
      const [version, subject] = key.split('\u0000') as [string, string];
      const value = this.subjects.get(subject)?.get(Number(version));
      if (value) out.push(value);
    }
    return out.sort((a, b) =>
      a.subject === b.subject ? a.version - b.version : a.subject < b.subject ? -1 : 1,
    );
  }

  /** Ids of the versions whose references name this subject and version, ascending. */
  referrers(subject: string, version: number, includeDeleted: boolean): number[] {
    const ids = new Set<number>();
    for (const name of this.subjectNames()) {
      for (const value of this.versions(name, includeDeleted)) {
        if (value.references?.some((ref) => ref.subject === subject && ref.version === version))
          ids.add(value.id);
      }
    }
    return [...ids].sort((a, b) => a - b);
  }

  compatibilityOf(subject: string | null): CompatibilityLevel | undefined {
    return this.configs.get(subject)?.compatibilityLevel;
  }
}

/** What makes two registered schemas the same schema: the stored text and the references, in order. */
export function schemaIdentity(schema: string, references: readonly SchemaReference[]): string {
  return `${JSON.stringify(references.map((r) => [r.name, r.subject, r.version]))}\u0000${schema}`;
}
