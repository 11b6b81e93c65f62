import type { SchemaReference, SchemaValue } from '../records.js';
import type { RegistryState } from '../state.js';
import { RegistryErrors } from './errors.js';
import type { SchemaListOptions, SchemaSubmission, VersionId } from './input.js';
import type { SchemaReader } from './schema-reader.js';
import type { Subjects } from './subjects.js';

/** A schema by id: its text, format and references, whichever subjects use it. */
export interface SchemaById {
  schema: string;
  schemaType?: string;
  references: SchemaReference[];
}

/** Finding schemas: by id, where an id is used, by content under a subject, and which schemas reference a version. */
export class SchemaLookups {
  constructor(
    private readonly state: RegistryState,
    private readonly subjects: Subjects,
    private readonly reader: SchemaReader,
  ) {}

  /** 40403 for an id no version (live or soft-deleted) uses. */
  byId(id: number): SchemaById {
    const stored = this.state.schemaById(id);
    if (!stored) throw RegistryErrors.schemaNotFound(id);
    return stored;
  }

  /** The highest id ever given (ids are never reused). */
  maxId(): number {
    return this.state.maxId;
  }

  /** The subjects whose versions use the id, optionally only `subject`. */
  subjectsOf(id: number, options: { deleted?: boolean; subject?: string } = {}): string[] {
    return [...new Set(this.usesOf(id, options).map((use) => use.subject))];
  }

  /** The (subject, version) pairs that use the id, optionally only under `subject`. */
  versionsOf(
    id: number,
    options: { deleted?: boolean; subject?: string } = {},
  ): Array<{ subject: string; version: number }> {
    return this.usesOf(id, options).map((use) => ({ subject: use.subject, version: use.version }));
  }

  private usesOf(id: number, options: { deleted?: boolean; subject?: string }): SchemaValue[] {
    this.byId(id);
    return this.state
      .usesOfId(id)
      .filter(
        (use) =>
          (options.deleted === true || !use.deleted) && (!options.subject || use.subject === options.subject),
      );
  }

  /** Every version of every subject (or the latest of each), subject by subject. */
  list(options: SchemaListOptions = {}): SchemaValue[] {
    const out: SchemaValue[] = [];
    for (const subject of this.state.subjectNames()) {
      if (options.prefix && !subject.startsWith(options.prefix)) continue;
      const versions = this.state.versions(subject, options.deleted === true);
      out.push(...(options.latestOnly ? versions.slice(-1) : versions));
    }
    return out;
  }

  /**
   * The newest version of the subject holding the submitted schema (POST /subjects/{subject}); 40401 for a
   * subject without versions, 40403 when none holds it.
   */
  find(
    subject: string,
    submission: SchemaSubmission,
    options: { normalize?: boolean; deleted?: boolean } = {},
  ): SchemaValue {
    const versions = this.state.versions(subject, options.deleted === true);
    if (versions.length === 0) throw RegistryErrors.subjectNotFound(subject);
    const candidate = this.reader.parse(submission, { strict: false });
    const match = [...versions]
      .reverse()
      .find((value) => this.reader.sameSchema(value, candidate, options.normalize === true));
    if (!match) throw RegistryErrors.schemaNotFound();
    return match;
  }

  /** Ids of the schemas that reference a version of a subject. */
  referencedBy(subject: string, version: VersionId, options: { deleted?: boolean } = {}): number[] {
    const target = this.subjects.version(subject, version, options);
    return this.state.referrers(target.subject, target.version, options.deleted === true);
  }
}
